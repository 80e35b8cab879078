import { counted } from './counted';

/** What a findings table shows of a finding; both Finding and the JSON report's findings have it. */
export interface TabulatedFinding {
  readonly ruleId: string;
  readonly level: string;
  readonly message: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly constructPath?: string | null;
  readonly acknowledged: boolean;
  readonly reason?: string | null;
}

/** Open findings as aligned rows (level, rule, where, message), then the acknowledged ones with their reasons. */
export function findingsTable(findings: readonly TabulatedFinding[], indent = ''): string {
  const open = findings.filter(f => !f.acknowledged);
  const acknowledged = findings.filter(f => f.acknowledged);
  const where = (f: TabulatedFinding) => f.constructPath ?? `${f.stackName}/${f.logicalId}`;
  const lines: string[] = [];
  if (open.length === 0) lines.push(`${indent}(no open findings)`);
  const rows = open.map(f => [f.level.toUpperCase(), f.ruleId, where(f), f.message]);
  const width = (i: number) => Math.max(...rows.map(r => r[i].length));
  for (const r of rows) lines.push(`${indent}${r[0].padEnd(7)} ${r[1].padEnd(width(1))}  ${r[2].padEnd(width(2))}  ${r[3]}`);
  if (acknowledged.length > 0) {
    lines.push('', `${indent}acknowledged:`);
    for (const f of acknowledged) lines.push(`${indent}  ${f.ruleId} at ${where(f)}: ${f.reason ?? ''}`);
  }
  return lines.join('\n');
}

/** "2 errors, 1 warning, 0 info, 1 acknowledged": the open findings by level, and the acknowledged ones. */
export function findingsSummary(findings: readonly TabulatedFinding[]): string {
  const open = findings.filter(f => !f.acknowledged);
  const count = (level: string) => open.filter(f => f.level === level).length;
  return `${counted(count('error'), 'error')}, ${counted(count('warning'), 'warning')}, ${count('info')} info, ${findings.length - open.length} acknowledged`;
}
