import { ACKNOWLEDGEMENT_WITHOUT_REASON, RULES } from '../../rules/catalog';
import { Finding } from '../engine';

const SARIF_LEVEL: Record<string, string> = { error: 'error', warning: 'warning', info: 'note' };

/** SARIF 2.1.0, for code scanning. Acknowledged findings carry an accepted suppression with the reason. */
export function sarifReport(findings: Finding[], version: string): Record<string, unknown> {
  const rules = [...RULES, ACKNOWLEDGEMENT_WITHOUT_REASON];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'cdk-sg-strategy',
          version,
          informationUri: 'https://github.com/cdk-sg-strategy/cdk-sg-strategy',
          rules: rules.map(rule => ({
            id: rule.id,
            shortDescription: { text: rule.title },
            fullDescription: { text: rule.rationale },
            help: { text: `${rule.fix}\n\nExample:\n${rule.example}` },
            defaultConfiguration: { level: SARIF_LEVEL[rule.defaultLevel] },
          })),
        },
      },
      results: findings.map(f => ({
        ruleId: f.ruleId,
        ruleIndex: rules.findIndex(r => r.id === f.ruleId),
        level: SARIF_LEVEL[f.level],
        message: { text: `${f.message} Fix: ${f.fix}` },
        locations: [{
          physicalLocation: f.templatePath ? { artifactLocation: { uri: f.templatePath.split('\\').join('/') } } : undefined,
          logicalLocations: [
            { name: f.logicalId, fullyQualifiedName: `${f.stackName}/${f.logicalId}`, kind: 'resource' },
            ...(f.constructPath ? [{ name: f.constructPath, kind: 'module' }] : []),
          ],
        }],
        suppressions: f.acknowledged ? [{ kind: 'external', status: 'accepted', justification: f.reason }] : undefined,
        properties: { stackName: f.stackName, resourceType: f.resourceType, constructPath: f.constructPath },
      })),
    }],
  };
}
