import { Finding } from '../engine';

/** The version of the JSON report's schema; README.md documents it. */
export const JSON_REPORT_SCHEMA_VERSION = '1.0';

export interface JsonReport {
  readonly schemaVersion: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly summary: { readonly error: number; readonly warning: number; readonly info: number; readonly acknowledged: number };
  readonly findings: JsonFinding[];
}

export interface JsonFinding {
  readonly ruleId: string;
  readonly level: string;
  readonly message: string;
  readonly fix: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly constructPath: string | null;
  readonly templatePath: string | null;
  readonly acknowledged: boolean;
  readonly reason: string | null;
  readonly acknowledgedAt: string | null;
}

export function jsonReport(findings: Finding[], version: string): JsonReport {
  const open = findings.filter(f => !f.acknowledged);
  return {
    schemaVersion: JSON_REPORT_SCHEMA_VERSION,
    tool: { name: 'cdk-sg-strategy', version },
    summary: {
      error: open.filter(f => f.level === 'error').length,
      warning: open.filter(f => f.level === 'warning').length,
      info: open.filter(f => f.level === 'info').length,
      acknowledged: findings.length - open.length,
    },
    findings: findings.map(f => ({
      ruleId: f.ruleId,
      level: f.level,
      message: f.message,
      fix: f.fix,
      stackName: f.stackName,
      logicalId: f.logicalId,
      resourceType: f.resourceType,
      constructPath: f.constructPath ?? null,
      templatePath: f.templatePath ?? null,
      acknowledged: f.acknowledged,
      reason: f.reason ?? null,
      acknowledgedAt: f.acknowledgedAt ?? null,
    })),
  };
}
