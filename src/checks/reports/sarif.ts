import { createHash } from 'crypto';
import { SourcePosition } from './template-positions';
import { DELIVERED_RULES, RULES } from '../../rules/catalog';
import { Finding } from '../engine';

const SARIF_LEVEL: Record<string, string> = { error: 'error', warning: 'warning', info: 'note' };
const REPOSITORY = 'https://github.com/cdk-sg-strategy/cdk-sg-strategy';
// GitHub code scanning treats a rule with a security-severity as a security rule; over 7.0 is "high".
const ERROR_SECURITY_SEVERITY = '8.0';
// GitHub shows at most 1024 characters of a rule's descriptions.
const DESCRIPTION_LIMIT = 1024;

/** What the artifact URIs of a SARIF report are relative to. */
export interface SarifUriBase {
  /** The uriBaseId: `%SRCROOT%` for the directory the command ran in, `CLOUD_ASSEMBLY` for cdk.out. */
  readonly id: string;
  readonly description: string;
}

export interface SarifOptions {
  readonly uriBase: SarifUriBase;
  /** Where a resource's logical id is written in its template, where the template has line numbers. */
  readonly positions?: (templatePath: string, logicalId: string) => SourcePosition | undefined;
  /**
   * The file a finding without a template points at (an acknowledgement, which CDK records in the cloud
   * assembly's manifest), relative to the same base.
   */
  readonly fallbackArtifact?: string;
}

/** The cloud assembly as the base of the deliveries' reports, whose template paths are relative to it. */
export const CLOUD_ASSEMBLY_BASE: SarifUriBase = {
  id: 'CLOUD_ASSEMBLY',
  description: 'The cloud assembly directory (cdk.out) the templates were synthesized into.',
};

function limited(text: string): string {
  return text.length <= DESCRIPTION_LIMIT ? text : `${text.slice(0, DESCRIPTION_LIMIT - 1)}…`;
}

/** A relative path as a URI reference: each part percent-encoded, `/` between them. */
function uriOf(relativePath: string): string {
  return relativePath.split(/[\\/]/).map(encodeURIComponent).join('/');
}

/**
 * What identifies a finding across runs, for code scanning to match alerts: its rule, the resource and the
 * message. Not the line, so an edit above a resource does not turn its alert into a new one.
 */
function fingerprint(f: Finding): string {
  const where = f.constructPath ?? `${f.stackName}/${f.logicalId}`;
  return `${createHash('sha256').update(`${f.ruleId}\0${where}\0${f.message}`).digest('hex').slice(0, 32)}:1`;
}

/**
 * SARIF 2.1.0, for code scanning (GitHub's upload-sarif among them). Artifact URIs are relative to
 * `options.uriBase`; acknowledged findings carry an accepted suppression with the reason.
 */
export function sarifReport(findings: Finding[], version: string, options: SarifOptions): Record<string, unknown> {
  const rules = [...RULES, ...DELIVERED_RULES];
  const physicalLocation = (f: Finding) => {
    const artifact = f.templatePath ?? options.fallbackArtifact;
    if (!artifact) return undefined;
    const position = f.templatePath ? options.positions?.(f.templatePath, f.logicalId) : undefined;
    const region = position && { startLine: position.line, startColumn: position.column, endLine: position.line, endColumn: position.endColumn };
    return { artifactLocation: { uri: uriOf(artifact), uriBaseId: options.uriBase.id }, ...(region ? { region } : {}) };
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'cdk-sg-strategy',
          version,
          informationUri: REPOSITORY,
          rules: rules.map(rule => ({
            id: rule.id,
            name: rule.id,
            shortDescription: { text: limited(rule.title) },
            fullDescription: { text: limited(rule.rationale) },
            help: {
              text: `${rule.fix}\n\nExample:\n${rule.example}`,
              markdown: `**Fix:** ${rule.fix}\n\n\`\`\`ts\n${rule.example}\n\`\`\`\n\nAcknowledge as \`sg-strategy::${rule.id}\`, with a reason.`,
            },
            helpUri: `${REPOSITORY}/blob/main/RULES.md#${rule.id.toLowerCase()}`,
            defaultConfiguration: { level: SARIF_LEVEL[rule.defaultLevel] },
            properties: {
              tags: ['security', 'aws', 'cloudformation', 'security-group'],
              ...(rule.defaultLevel === 'error' ? { 'security-severity': ERROR_SECURITY_SEVERITY } : {}),
            },
          })),
        },
      },
      originalUriBaseIds: { [options.uriBase.id]: { description: { text: options.uriBase.description } } },
      columnKind: 'utf16CodeUnits',
      results: findings.map(f => ({
        ruleId: f.ruleId,
        ruleIndex: rules.findIndex(r => r.id === f.ruleId),
        level: SARIF_LEVEL[f.level],
        message: { text: f.message },
        locations: [{
          physicalLocation: physicalLocation(f),
          logicalLocations: [
            { name: f.logicalId, fullyQualifiedName: `${f.stackName}/${f.logicalId}`, kind: 'resource' },
            ...(f.constructPath ? [{ name: f.constructPath, kind: 'module' }] : []),
          ],
        }],
        partialFingerprints: { primaryLocationLineHash: fingerprint(f) },
        suppressions: f.acknowledged ? [{ kind: 'external', status: 'accepted', justification: f.reason }] : undefined,
        properties: { stackName: f.stackName, resourceType: f.resourceType, constructPath: f.constructPath, fix: f.fix },
      })),
    }],
  };
}
