import { counted } from './counted';
import { LINE_WIDTH, readablePath, wrap } from './layout';

/** What a findings table shows of a finding; both Finding and the JSON report's findings have it. */
export interface TabulatedFinding {
  readonly ruleId: string;
  readonly level: string;
  readonly message: string;
  readonly fix?: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly resourceType?: string;
  readonly constructPath?: string | null;
  readonly acknowledged: boolean;
  readonly reason?: string | null;
}

export interface FindingsTableOptions {
  /** Add each finding's fix under its message. */
  readonly verbose?: boolean;
}

const LEVEL_ORDER: Record<string, number> = { error: 0, warning: 1, info: 2 };
const MESSAGE_INDENT = ' '.repeat(8);

/** Where a finding is, as a person reads it. */
export function findingPlace(f: TabulatedFinding): string {
  return f.constructPath ? readablePath(f.constructPath, f.logicalId, f.resourceType ?? '') : `${f.stackName}/${f.logicalId}`;
}

/**
 * Open findings, errors first: a line with the level, rule and place, then the message (and with `verbose`
 * the fix) below it, every line within 120 columns. Then the acknowledged ones with their reasons.
 */
export function findingsTable(findings: readonly TabulatedFinding[], indent = '', options: FindingsTableOptions = {}): string {
  const open = findings
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => !f.acknowledged)
    .sort((a, b) => (LEVEL_ORDER[a.f.level] ?? 3) - (LEVEL_ORDER[b.f.level] ?? 3) || a.i - b.i)
    .map(({ f }) => f);
  const acknowledged = findings.filter(f => f.acknowledged);
  const lines: string[] = [];
  if (open.length === 0) lines.push(`${indent}(no open findings)`);
  const ruleWidth = Math.max(0, ...open.map(f => f.ruleId.length));
  for (const f of open) {
    const head = `${indent}${f.level.toUpperCase().padEnd(8)}${f.ruleId.padEnd(ruleWidth)}  `;
    const place = findingPlace(f);
    if (head.length + place.length <= LINE_WIDTH) lines.push(`${head}${place}`);
    else lines.push(head.trimEnd(), ...wrap(place, indent + MESSAGE_INDENT));
    lines.push(...wrap(f.message, indent + MESSAGE_INDENT));
    if (options.verbose && f.fix) lines.push(...wrap(`Fix: ${f.fix}`, indent + MESSAGE_INDENT));
  }
  if (acknowledged.length > 0) {
    lines.push('', `${indent}acknowledged:`);
    for (const f of acknowledged) lines.push(...wrap(`${f.ruleId} at ${findingPlace(f)}: ${f.reason ?? ''}`, `${indent}  `));
  }
  return lines.join('\n');
}

/** "2 errors, 1 warning, 0 info, 1 acknowledged": the open findings by level, and the acknowledged ones. */
export function findingsSummary(findings: readonly TabulatedFinding[]): string {
  const open = findings.filter(f => !f.acknowledged);
  const count = (level: string) => open.filter(f => f.level === level).length;
  return `${counted(count('error'), 'error')}, ${counted(count('warning'), 'warning')}, ${count('info')} info, ${findings.length - open.length} acknowledged`;
}
