import { Finding } from '../../../src/checks/engine';
import { JSON_REPORT_SCHEMA_VERSION, jsonReport } from '../../../src/checks/reports/json';

const base: Finding = {
  ruleId: 'WorldOpenAdminPort',
  level: 'error',
  message: 'SSH from the world',
  fix: 'Narrow the peer.',
  stackId: 'Api',
  stackName: 'api-prod',
  logicalId: 'WebSg',
  resourceType: 'AWS::EC2::SecurityGroup',
  constructPath: 'Api/Web/Sg/Resource',
  templatePath: 'Api.template.json',
  acknowledged: false,
};

describe('the JSON report', () => {
  test('counts the open findings by level and the acknowledged ones apart, whatever their level', () => {
    const findings: Finding[] = [
      base,
      { ...base, logicalId: 'Other' },
      { ...base, level: 'warning' },
      { ...base, level: 'info' },
      { ...base, level: 'info' },
      { ...base, level: 'info' },
      { ...base, level: 'info' },
      { ...base, acknowledged: true, reason: 'bastion', acknowledgedAt: 'Api/Web' },
      { ...base, level: 'warning', acknowledged: true, reason: 'known', acknowledgedAt: 'Api' },
    ];
    expect(jsonReport(findings, '1.2.3').summary).toEqual({ error: 2, warning: 1, info: 4, acknowledged: 2 });
  });

  test('names its schema and the tool\'s version', () => {
    const report = jsonReport([], '4.5.6');
    expect(report).toEqual({
      schemaVersion: JSON_REPORT_SCHEMA_VERSION,
      tool: { name: 'cdk-sg-strategy', version: '4.5.6' },
      summary: { error: 0, warning: 0, info: 0, acknowledged: 0 },
      findings: [],
    });
    expect(JSON_REPORT_SCHEMA_VERSION).toBe('1.0');
  });

  test('an acknowledged finding keeps its reason and where it was acknowledged; the stack id stays out', () => {
    const [finding] = jsonReport([{ ...base, acknowledged: true, reason: 'bastion', acknowledgedAt: 'Api/Web' }], '1').findings;
    expect(finding).toEqual({
      ruleId: 'WorldOpenAdminPort',
      level: 'error',
      message: 'SSH from the world',
      fix: 'Narrow the peer.',
      stackName: 'api-prod',
      logicalId: 'WebSg',
      resourceType: 'AWS::EC2::SecurityGroup',
      constructPath: 'Api/Web/Sg/Resource',
      templatePath: 'Api.template.json',
      acknowledged: true,
      reason: 'bastion',
      acknowledgedAt: 'Api/Web',
    });
  });

  test('what a finding does not know is null, so every finding has every field', () => {
    const { constructPath: _c, templatePath: _t, ...unplaced } = base;
    const [finding] = jsonReport([unplaced], '1').findings;
    expect(finding).toMatchObject({ constructPath: null, templatePath: null, reason: null, acknowledgedAt: null, acknowledged: false });
    expect(Object.keys(finding)).toHaveLength(12);
    // Serialized, the nulls stay (undefined would drop the key).
    expect(JSON.parse(JSON.stringify(jsonReport([unplaced], '1'))).findings[0]).toHaveProperty('templatePath', null);
  });
});
