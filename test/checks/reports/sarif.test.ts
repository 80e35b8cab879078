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
  // Each test makes the report itself, so that Stryker's per-test coverage credits it with the code it checks.
  const resultsOf = (log: any): any[] => log.runs[0].results;

  test('is valid SARIF 2.1.0 and meets GitHub code scanning\'s requirements', () => {
    const log = report();
    const results = resultsOf(log);
    expect(log).toBeValidSarifLog();
    expect(githubSarifProblems(log)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(3);
  });

  test('artifact URIs are relative to a uriBaseId, percent-encoded, and the base is described', () => {
    const log = report();
    const results = resultsOf(log);
    for (const r of results) expect(r.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'templates/web%20v1.json', uriBaseId: '%SRCROOT%' });
    expect(log.runs[0].originalUriBaseIds).toEqual({ '%SRCROOT%': { description: { text: 'where it ran' } } });
  });

  test('a region gives the line and columns where the resource\'s logical id is written', () => {
    const results = resultsOf(report());
    const lines = TEXT.split('\n');
    for (const r of results) {
      const { startLine, startColumn, endLine, endColumn } = r.locations[0].physicalLocation.region;
      expect(endLine).toBe(startLine);
      expect(lines[startLine - 1].slice(startColumn - 1, endColumn - 1)).toBe(`"${r.locations[0].logicalLocations[0].name}"`);
    }
  });

  test('fingerprints tell findings apart and stay the same from run to run', () => {
    const results = resultsOf(report());
    const prints = results.map(r => r.partialFingerprints.primaryLocationLineHash);
    expect(new Set(prints).size).toBe(prints.length);
    expect(report().runs[0].results.map((r: any) => r.partialFingerprints.primaryLocationLineHash)).toEqual(prints);
    expect(report(m => `${m} (changed)`).runs[0].results.map((r: any) => r.partialFingerprints.primaryLocationLineHash)).not.toContain(prints[0]);
  });

  test('every rule has its help in RULES.md, its level, and a security-severity when it is an error', () => {
    const log = report();
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

describe('what each SARIF result and rule holds', () => {
  const finding = {
    ruleId: 'WorldOpenAdminPort',
    level: 'error' as const,
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
  const base = { uriBase: { id: 'CLOUD_ASSEMBLY', description: 'cdk.out' } };
  const run = (findings: any[]) => sarifJson(sarifReport(findings, '9.9.9', base)).runs[0];

  test('a result names its rule by index, its level, its resource and construct, and the fix', () => {
    const { results, tool } = run([finding, { ...finding, ruleId: 'TooManyRules', level: 'info', constructPath: undefined }]);
    const rules = tool.driver.rules;
    expect(rules.map((r: any) => r.id)).toEqual([...RULES.map(r => r.id), 'AcknowledgementWithoutReason', 'ReachabilityViolation']);
    expect(rules[results[0].ruleIndex].id).toBe('WorldOpenAdminPort');
    expect(rules[results[1].ruleIndex].id).toBe('TooManyRules');
    expect(results[0]).toEqual({
      ruleId: 'WorldOpenAdminPort',
      ruleIndex: results[0].ruleIndex,
      level: 'error',
      message: { text: 'SSH from the world' },
      locations: [{
        physicalLocation: { artifactLocation: { uri: 'Api.template.json', uriBaseId: 'CLOUD_ASSEMBLY' } },
        logicalLocations: [
          { name: 'WebSg', fullyQualifiedName: 'api-prod/WebSg', kind: 'resource' },
          { name: 'Api/Web/Sg/Resource', kind: 'module' },
        ],
      }],
      partialFingerprints: { primaryLocationLineHash: expect.stringMatching(/^[0-9a-f]{32}:1$/) },
      properties: { stackName: 'api-prod', resourceType: 'AWS::EC2::SecurityGroup', constructPath: 'Api/Web/Sg/Resource', fix: 'Narrow the peer.' },
    });
    // An info finding is a SARIF note; without a construct path there is no module location.
    expect(results[1].level).toBe('note');
    expect(results[1].locations[0].logicalLocations).toEqual([{ name: 'WebSg', fullyQualifiedName: 'api-prod/WebSg', kind: 'resource' }]);
  });

  test('an acknowledged finding is an accepted external suppression that carries the reason', () => {
    const [result] = run([{ ...finding, acknowledged: true, reason: 'a bastion, by design' }]).results;
    expect(result.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'a bastion, by design' }]);
    expect(run([finding]).results[0].suppressions).toBeUndefined();
  });

  test('without a construct path, a finding\'s fingerprint is its stack and resource', () => {
    const unplaced = { ...finding, constructPath: undefined };
    const [a, b, c] = run([unplaced, { ...unplaced, logicalId: 'OtherSg' }, { ...unplaced, stackName: 'api-dev' }]).results
      .map((r: any) => r.partialFingerprints.primaryLocationLineHash);
    expect(new Set([a, b, c]).size).toBe(3);
    // The construct path, where there is one, is what identifies the resource: a rename of the stack keeps the alert.
    const [d, e] = run([finding, { ...finding, stackName: 'api-dev', logicalId: 'Renamed' }]).results.map((r: any) => r.partialFingerprints.primaryLocationLineHash);
    expect(d).toBe(e);
    // Another rule on the same resource with the same message is another alert.
    expect(run([{ ...finding, ruleId: 'WorldOpenIngress' }]).results[0].partialFingerprints.primaryLocationLineHash).not.toBe(d);
  });

  test('a rule gives its title, rationale, fix and example, and how to acknowledge it', () => {
    const rules = run([]).tool.driver;
    expect(rules).toMatchObject({ name: 'cdk-sg-strategy', version: '9.9.9', informationUri: 'https://github.com/cdk-sg-strategy/cdk-sg-strategy' });
    const source = RULES.find(r => r.id === 'WorldOpenAdminPort')!;
    const rule = rules.rules.find((r: any) => r.id === 'WorldOpenAdminPort');
    expect(rule).toEqual({
      id: 'WorldOpenAdminPort',
      name: 'WorldOpenAdminPort',
      shortDescription: { text: source.title },
      fullDescription: { text: source.rationale },
      help: {
        text: `${source.fix}\n\nExample:\n${source.example}`,
        markdown: `**Fix:** ${source.fix}\n\n\`\`\`ts\n${source.example}\n\`\`\`\n\nAcknowledge as \`sg-strategy::WorldOpenAdminPort\`, with a reason.`,
      },
      helpUri: 'https://github.com/cdk-sg-strategy/cdk-sg-strategy/blob/main/RULES.md#worldopenadminport',
      defaultConfiguration: { level: 'error' },
      properties: { 'tags': ['security', 'aws', 'cloudformation', 'security-group'], 'security-severity': '8.0' },
    });
    const info = RULES.find(r => r.defaultLevel === 'info')!;
    expect(rules.rules.find((r: any) => r.id === info.id)).toMatchObject({ defaultConfiguration: { level: 'note' }, properties: { tags: expect.any(Array) } });
    expect(rules.rules.find((r: any) => r.id === info.id).properties['security-severity']).toBeUndefined();
  });

  test('a description longer than GitHub shows is cut to 1024 characters, ending in an ellipsis', () => {
    const rule = RULES[0];
    const original = { title: rule.title, rationale: rule.rationale };
    try {
      Object.assign(rule, { title: 'x'.repeat(1024), rationale: 'y'.repeat(1025) });
      const described = run([]).tool.driver.rules[0];
      expect(described.shortDescription.text).toBe('x'.repeat(1024));
      expect(described.fullDescription.text).toBe(`${'y'.repeat(1023)}…`);
    } finally {
      Object.assign(rule, original);
    }
  });

  test('the log names the SARIF schema and version, and measures columns in UTF-16 code units', () => {
    const log = sarifJson(sarifReport([], '1', base));
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].columnKind).toBe('utf16CodeUnits');
  });

  test('a template path in a Windows form is split on its backslashes too', () => {
    const [result] = run([{ ...finding, templatePath: 'assembly-Prod\\Inner #1.template.json' }]).results;
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('assembly-Prod/Inner%20%231.template.json');
  });
});

describe('jsonResourcePositions reads keys, never values', () => {
  const keys = (text: string) => [...jsonResourcePositions(text).keys()];

  test('a string after a colon is a value, and the keys after a comma are keys again', () => {
    expect(keys('{"Resources": {"A": "B", "C": {"Type": "D"}}}')).toEqual(['A', 'C']);
  });

  test('strings in an array are values, in Resources or elsewhere', () => {
    expect(keys('{"Resources": ["A", "B"]}')).toEqual([]);
    expect(keys('{"Resources": {"A": {"DependsOn": ["B", "C"]}}}')).toEqual(['A']);
  });

  test('a top-level key after Resources is not a resource', () => {
    expect(keys('{"Resources": {"A": {}}, "Outputs": {"O": {}}}')).toEqual(['A']);
    expect(keys('{"Resources": {"A": {}},\n"Resources2": {}}')).toEqual(['A']);
  });

  test('a top-level value or a key of a deeper level named Resources does not start a Resources section', () => {
    expect(keys('{"Description": "Resources", "Outputs": {"O": {}}}')).toEqual([]);
    expect(keys('{"Outputs": {"Resources": {"O": {}}}}')).toEqual([]);
  });

  test('text cut off inside a string, or stray punctuation, gives what was read and no error', () => {
    expect(keys('{"Resources": {"A": {}, "B')).toEqual(['A']);
    expect(keys(':,}]"x"')).toEqual([]);
  });
});
