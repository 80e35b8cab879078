import '@microsoft/jest-sarif';
import * as fs from 'fs';
import * as path from 'path';
import { githubSarifProblems } from './github-sarif';
import { analyse } from '../../../src/checks/engine';
import { sarifReport } from '../../../src/checks/reports/sarif';
import { jsonResourcePositions } from '../../../src/checks/reports/template-positions';
import { RULES } from '../../../src/rules/catalog';

const TEMPLATE = {
  Resources: {
    Open: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'open',
        VpcId: 'vpc-1',
        SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }, { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, CidrIp: '0.0.0.0/0' }],
      },
    },
    Spare: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'spare', VpcId: 'vpc-1' } },
  },
};
const TEXT = JSON.stringify(TEMPLATE, undefined, 2);
const sarifJson = (log: unknown) => JSON.parse(JSON.stringify(log));

function report(message = (m: string) => m) {
  const { findings } = analyse([{ stackId: 'web', stackName: 'web', templatePath: 'templates/web v1.json', template: TEMPLATE }], {}, []);
  const positions = jsonResourcePositions(TEXT);
  const changed = findings.map(f => ({ ...f, message: message(f.message) }));
  return sarifJson(sarifReport(changed, '1.2.3', {
    uriBase: { id: '%SRCROOT%', description: 'where it ran' },
    positions: (file, logicalId) => (file === 'templates/web v1.json' ? positions.get(logicalId) : undefined),
  }));
}

describe('the SARIF report', () => {
  const log = report();
  const results: any[] = log.runs[0].results;

  test('is valid SARIF 2.1.0 and meets GitHub code scanning\'s requirements', () => {
    expect(log).toBeValidSarifLog();
    expect(githubSarifProblems(log)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(3);
  });

  test('artifact URIs are relative to a uriBaseId, percent-encoded, and the base is described', () => {
    for (const r of results) expect(r.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'templates/web%20v1.json', uriBaseId: '%SRCROOT%' });
    expect(log.runs[0].originalUriBaseIds).toEqual({ '%SRCROOT%': { description: { text: 'where it ran' } } });
  });

  test('a region gives the line and columns where the resource\'s logical id is written', () => {
    const lines = TEXT.split('\n');
    for (const r of results) {
      const { startLine, startColumn, endLine, endColumn } = r.locations[0].physicalLocation.region;
      expect(endLine).toBe(startLine);
      expect(lines[startLine - 1].slice(startColumn - 1, endColumn - 1)).toBe(`"${r.locations[0].logicalLocations[0].name}"`);
    }
  });

  test('fingerprints tell findings apart and stay the same from run to run', () => {
    const prints = results.map(r => r.partialFingerprints.primaryLocationLineHash);
    expect(new Set(prints).size).toBe(prints.length);
    expect(report().runs[0].results.map((r: any) => r.partialFingerprints.primaryLocationLineHash)).toEqual(prints);
    expect(report(m => `${m} (changed)`).runs[0].results.map((r: any) => r.partialFingerprints.primaryLocationLineHash)).not.toContain(prints[0]);
  });

  test('every rule has its help in RULES.md, its level, and a security-severity when it is an error', () => {
    const rulesMd = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'RULES.md'), 'utf8');
    for (const rule of log.runs[0].tool.driver.rules) {
      const source = RULES.find(r => r.id === rule.id);
      expect(rule.helpUri).toBe(`https://github.com/cdk-sg-strategy/cdk-sg-strategy/blob/main/RULES.md#${rule.id.toLowerCase()}`);
      expect(rulesMd).toContain(`## ${rule.id}\n`);
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.fullDescription.text.length).toBeGreaterThan(0);
      if (source) expect(rule.defaultConfiguration.level).toBe({ error: 'error', warning: 'warning', info: 'note' }[source.defaultLevel]);
      expect(rule.properties['security-severity'] !== undefined).toBe(rule.defaultConfiguration.level === 'error');
    }
  });

  test('a finding without a template points at the fallback artifact, and without one has no physical location', () => {
    const finding = { ruleId: 'AcknowledgementWithoutReason', level: 'error' as const, message: 'no reason', fix: 'give one', stackId: '(app)', stackName: '(app)', logicalId: '(acknowledgement)', resourceType: 'AWS::CDK::Acknowledgement', constructPath: 'Stack/Sg', acknowledged: false };
    const withFallback = sarifJson(sarifReport([finding], '1', { uriBase: { id: 'CLOUD_ASSEMBLY', description: 'cdk.out' }, fallbackArtifact: 'manifest.json' }));
    expect(withFallback.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'manifest.json', uriBaseId: 'CLOUD_ASSEMBLY' } });
    expect(githubSarifProblems(withFallback)).toEqual([]);
    const without = sarifJson(sarifReport([finding], '1', { uriBase: { id: 'CLOUD_ASSEMBLY', description: 'cdk.out' } }));
    expect(without).toBeValidSarifLog();
    expect(without.runs[0].results[0].locations[0].physicalLocation).toBeUndefined();
  });
});

describe('jsonResourcePositions', () => {
  test('finds the keys of the top-level Resources object only, on any layout', () => {
    const text = '\uFEFF{"Outputs": {"A": {"Value": "x"}},\n "Resources": {\n  "A": {"Type": "T", "Properties": {"B": {"Resources": {"C": 1}}}},\n  "Esc\\"aped": {"Type": "{[\\\\"}, "D": {}}}';
    const positions = jsonResourcePositions(text);
    expect([...positions.keys()]).toEqual(['A', 'Esc"aped', 'D']);
    expect(positions.get('A')).toEqual({ line: 3, column: 3, endColumn: 6 });
    expect(positions.get('D')).toMatchObject({ line: 4 });
    expect(Object.keys(JSON.parse(text.slice(1)).Resources)).toEqual([...positions.keys()]);
  });

  test('counts columns on the first line after a byte-order mark, as the YAML reader does', () => {
    expect(jsonResourcePositions('\uFEFF{"Resources": {"A": {}}}').get('A')).toEqual({ line: 1, column: 16, endColumn: 19 });
    expect(jsonResourcePositions('{"Resources": {"A": {}}}').get('A')).toEqual({ line: 1, column: 16, endColumn: 19 });
  });

  test('gives nothing, and does not throw, for text that is not a template', () => {
    expect(jsonResourcePositions('[1, 2]').size).toBe(0);
    expect(jsonResourcePositions('{"Resources": ').size).toBe(0);
  });
});
