import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyse } from '../../../src/checks/engine';
import { graphMarkdown } from '../../../src/checks/reports/graph';
import { REPORT_FILES, writeReports } from '../../../src/checks/reports/write-reports';

const TEMPLATE = {
  Resources: {
    Open: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'open', VpcId: 'vpc-1', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }] },
    },
  },
};

function analysed(templatePath: string) {
  return analyse([{ stackId: 'Web', stackName: 'Web', templatePath, template: TEMPLATE }], {}, []);
}

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sg-write-reports-'));
const regionOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, REPORT_FILES.sarif), 'utf8'))
  .runs[0].results.find((r: any) => r.ruleId === 'WorldOpenAdminPort').locations[0].physicalLocation;

describe('writeReports', () => {
  test('writes the four reports into a directory it makes, and returns their paths', () => {
    const dir = path.join(tempDir(), 'not', 'yet');
    const { model, findings } = analysed('Web.template.json');
    const written = writeReports(dir, model, findings, '2.0.0');
    expect(written).toEqual([
      path.join(dir, 'sg-strategy-report.json'),
      path.join(dir, 'sg-strategy-report.sarif'),
      path.join(dir, 'sg-strategy-graph.md'),
      path.join(dir, 'sg-strategy-reachability.json'),
    ]);
    const json = JSON.parse(fs.readFileSync(written[0], 'utf8'));
    expect(json.tool.version).toBe('2.0.0');
    expect(json.findings.map((f: any) => f.ruleId)).toContain('WorldOpenAdminPort');
    expect(fs.readFileSync(written[0], 'utf8')).toContain('\n  "schemaVersion"');
    expect(fs.readFileSync(written[2], 'utf8').startsWith(`${graphMarkdown(model)}\n`)).toBe(true);
    expect(JSON.parse(fs.readFileSync(written[3], 'utf8'))).toHaveProperty('schemaVersion');
    const sarif = JSON.parse(fs.readFileSync(written[1], 'utf8'));
    expect(sarif.runs[0].tool.driver.version).toBe('2.0.0');
    expect(Object.keys(sarif.runs[0].originalUriBaseIds)).toEqual(['CLOUD_ASSEMBLY']);
  });

  test('with the assembly written, SARIF gives the line of each resource in its template', () => {
    const assembly = tempDir();
    fs.mkdirSync(path.join(assembly, 'nested'));
    fs.writeFileSync(path.join(assembly, 'nested', 'Web.template.json'), JSON.stringify(TEMPLATE, undefined, 1));
    const { model, findings } = analysed('nested/Web.template.json');
    writeReports(assembly, model, findings, '1', { writtenAssembly: assembly });
    expect(regionOf(assembly)).toEqual({
      artifactLocation: { uri: 'nested/Web.template.json', uriBaseId: 'CLOUD_ASSEMBLY' },
      region: { startLine: 3, startColumn: 3, endLine: 3, endColumn: 9 },
    });
  });

  test('without the assembly, or where a template is not in it, SARIF has no region and writing does not fail', () => {
    const { model, findings } = analysed('Web.template.json');
    const unwritten = tempDir();
    writeReports(unwritten, model, findings, '1');
    expect(regionOf(unwritten)).toEqual({ artifactLocation: { uri: 'Web.template.json', uriBaseId: 'CLOUD_ASSEMBLY' } });
    const missing = tempDir();
    writeReports(missing, model, findings, '1', { writtenAssembly: missing });
    expect(regionOf(missing)).toEqual({ artifactLocation: { uri: 'Web.template.json', uriBaseId: 'CLOUD_ASSEMBLY' } });
  });

  test('a finding without a template points at the assembly\'s manifest, where CDK records acknowledgements', () => {
    const { model, findings } = analyse([{ stackId: 'Web', stackName: 'Web', template: TEMPLATE }], {}, [{ ruleId: 'WorldOpenAdminPort', path: 'Web', reason: '' }]);
    const dir = tempDir();
    writeReports(dir, model, findings, '1');
    const result = JSON.parse(fs.readFileSync(path.join(dir, REPORT_FILES.sarif), 'utf8')).runs[0].results.find((r: any) => r.ruleId === 'AcknowledgementWithoutReason');
    expect(result.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'manifest.json', uriBaseId: 'CLOUD_ASSEMBLY' } });
  });
});
