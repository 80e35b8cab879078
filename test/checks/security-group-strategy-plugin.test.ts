/**
 * The validation plugin called as CDK calls it, on hand-written templates in a directory: the violations it
 * gives CDK's report, when it passes, where its reports go, and what an older aws-cdk-lib changes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, IPolicyValidationContext, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SecurityGroupStrategyChecks, SecurityGroupStrategyPlugin } from '../../src';
import * as cdkRelease from '../../src/checks/cdk-release';
import { RULE_IDS } from '../../src/rules/catalog';
import { testApp } from '../support/analyse-app';

const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' };
const group = (name: string, ingress: object[] = [ssh]) => ({
  Type: 'AWS::EC2::SecurityGroup',
  Properties: { GroupDescription: name, VpcId: 'vpc-1', SecurityGroupIngress: ingress, SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }] },
  Metadata: { 'aws:cdk:path': `Stack/${name}/Resource` },
});
const REPORTS = ['sg-strategy-graph.md', 'sg-strategy-reachability.json', 'sg-strategy-report.json', 'sg-strategy-report.sarif'];

/** A cloud assembly of one hand-written template, and the context CDK would give the plugin for it (no app). */
function assemblyOf(resources: Record<string, unknown>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-plugin-'));
  const templatePath = path.join(dir, 'Stack.template.json');
  fs.writeFileSync(templatePath, JSON.stringify({ Resources: resources }, undefined, 1));
  const context = { templatePaths: [templatePath] } as unknown as IPolicyValidationContext;
  return { dir, templatePath, context };
}

const reports = (dir: string) => fs.readdirSync(dir).filter(f => f.startsWith('sg-strategy')).sort();

describe('the plugin\'s report to CDK', () => {
  afterEach(() => jest.restoreAllMocks());

  test('names itself, its version and every rule id', () => {
    const plugin = new SecurityGroupStrategyPlugin();
    expect(plugin.name).toBe('sg-strategy');
    expect(plugin.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(plugin.ruleIds).toEqual(RULE_IDS);
  });

  test('an open error fails it; each violation names its rule, resource, template and fix; info stays in the reports', () => {
    const { templatePath, context } = assemblyOf({ Ssh: group('Ssh') });
    const report = new SecurityGroupStrategyPlugin({ ruleLevels: { UnattachedSecurityGroup: 'info' } }).validate(context);
    expect(report.success).toBe(false);
    expect(report.violations.map(v => v.ruleName)).toEqual(['WorldOpenAdminPort']);
    expect(report.violations[0]).toEqual({
      ruleName: 'WorldOpenAdminPort',
      description: 'WorldOpenAdminPort: Stack/Ssh admits tcp 22 from 0.0.0.0/0, which reaches SSH 22.',
      fix: expect.stringContaining('SSM Session Manager'),
      severity: 'error',
      violatingResources: [{ resourceLogicalId: 'Ssh', templatePath, constructPath: 'Stack/Ssh/Resource', locations: [] }],
    });
  });

  test('warnings alone pass, and are reported as warnings', () => {
    const { context } = assemblyOf({ Ssh: group('Ssh') });
    const report = new SecurityGroupStrategyPlugin({ ruleLevels: { WorldOpenAdminPort: 'warning' } }).validate(context);
    expect(report.success).toBe(true);
    expect(report.violations.find(v => v.ruleName === 'WorldOpenAdminPort')!.severity).toBe('warning');
  });

  test('a finding on no resource of the template (a rule that failed) has no logical id', () => {
    const { context } = assemblyOf({ Ssh: group('Ssh') });
    const { RULES } = jest.requireActual('../../src/rules/catalog');
    jest.spyOn(RULES.find((r: any) => r.id === 'TooManyRules'), 'check').mockImplementation(() => { throw new Error('broken'); });
    const failed = new SecurityGroupStrategyPlugin().validate(context).violations.find(v => v.ruleName === 'TooManyRules')!;
    expect(failed.violatingResources[0].resourceLogicalId).toBeUndefined();
    expect(failed.description).toBe('TooManyRules: rule TooManyRules failed on this app and checked nothing: broken');
  });

  test('without an app, the stack is named by its template file, and the reports go beside the templates', () => {
    const { dir, context } = assemblyOf({ Ssh: group('Ssh') });
    new SecurityGroupStrategyPlugin().validate(context);
    expect(reports(dir)).toEqual(REPORTS);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'sg-strategy-report.json'), 'utf8'));
    expect(json.findings.find((f: any) => f.ruleId === 'WorldOpenAdminPort')).toMatchObject({ stackName: 'Stack', templatePath: 'Stack.template.json' });
  });

  test('reportDirectory takes the reports; writeReports: false writes none', () => {
    const { dir, context } = assemblyOf({ Ssh: group('Ssh') });
    const reportDirectory = path.join(dir, 'elsewhere');
    new SecurityGroupStrategyPlugin({ reportDirectory }).validate(context);
    expect(reports(reportDirectory)).toEqual(REPORTS);
    expect(reports(dir)).toEqual([]);
    const second = assemblyOf({ Ssh: group('Ssh') });
    new SecurityGroupStrategyPlugin({ writeReports: false }).validate(second.context);
    expect(reports(second.dir)).toEqual([]);
  });

  test('an aws-cdk-lib that cannot rewrite assembly files gets no reports in the assembly, but in a reportDirectory', () => {
    jest.spyOn(cdkRelease, 'cdkOlderThan').mockImplementation(release => release === cdkRelease.PLUGINS_MAY_REWRITE_ASSEMBLY_FILES);
    const { dir, context } = assemblyOf({ Ssh: group('Ssh') });
    new SecurityGroupStrategyPlugin().validate(context);
    expect(reports(dir)).toEqual([]);
    const reportDirectory = path.join(dir, 'own');
    new SecurityGroupStrategyPlugin({ reportDirectory }).validate(context);
    expect(reports(reportDirectory)).toEqual(REPORTS);
  });

  test('an aws-cdk-lib that applies acknowledgements app-wide gets an open error of an acknowledged rule as fatal', () => {
    jest.spyOn(cdkRelease, 'cdkOlderThan').mockImplementation(release => release === cdkRelease.PATH_SCOPED_ACKNOWLEDGEMENTS);
    const app = testApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'sg-plugin-app-')) });
    const stack = new Stack(app, 'Stack');
    for (const id of ['Open', 'Known']) {
      new ec2.CfnSecurityGroup(stack, id, { groupDescription: id, vpcId: 'vpc-1', securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' }] });
    }
    Validations.of(stack.node.findChild('Known')).acknowledge({ id: 'sg-strategy::WorldOpenAdminPort', reason: 'a honeypot' });
    const plugin = new SecurityGroupStrategyPlugin({ writeReports: false });
    Validations.of(app).addPlugins(plugin);
    const validate = jest.spyOn(plugin, 'validate');
    expect(() => app.synth()).toThrow(/WorldOpenAdminPort/);
    const violations = validate.mock.results[0].value.violations.filter((v: any) => v.ruleName === 'WorldOpenAdminPort');
    // (CDK drops the acknowledged one from the report it was given.)
    expect(violations.map((v: any) => [v.violatingResources[0].constructPath, v.severity])).toEqual([['Stack/Open', 'fatal']]);
    expect(violations[0].description).toBe('WorldOpenAdminPort: Stack/Open admits tcp 22 from 0.0.0.0/0, which reaches SSH 22. (Fatal: this aws-cdk-lib, older than 2.271.0, '
      + 'would apply the acknowledgement of WorldOpenAdminPort elsewhere in the app to this finding too.)');
  });
});

describe('with the app', () => {
  const appWithGroup = (writeReportsFromAspect?: boolean) => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'sg-plugin-with-app-')) });
    const stack = new Stack(app, 'Stack', { stackName: 'deployed-name' });
    new ec2.CfnSecurityGroup(stack, 'Sg', { groupDescription: 'g', vpcId: 'vpc-1', securityGroupEgress: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/16' }] });
    if (writeReportsFromAspect !== undefined) Aspects.of(app).add(new SecurityGroupStrategyChecks({ writeReports: writeReportsFromAspect }));
    return app;
  };

  test('names each stack as it deploys, and the template relative to the assembly', () => {
    const app = appWithGroup();
    Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin());
    app.synth();
    const finding = JSON.parse(fs.readFileSync(path.join(app.outdir, 'sg-strategy-report.json'), 'utf8')).findings.find((f: any) => f.ruleId === 'UnattachedSecurityGroup');
    expect(finding).toMatchObject({ stackName: 'deployed-name', templatePath: 'Stack.template.json', constructPath: 'Stack/Sg' });
  });

  test('leaves the assembly\'s reports to an Aspect that writes them there, and writes them when the Aspect does not', () => {
    const withAspect = appWithGroup(true);
    const plugin = new SecurityGroupStrategyPlugin({ printFindings: true });
    Validations.of(withAspect).addPlugins(plugin);
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      withAspect.synth();
      expect(write.mock.calls.map(c => String(c[0])).join('')).not.toContain('reports:');
      const quiet = appWithGroup(false);
      Validations.of(quiet).addPlugins(new SecurityGroupStrategyPlugin({ printFindings: true }));
      write.mockClear();
      quiet.synth();
      expect(write.mock.calls.map(c => String(c[0])).join('')).toContain(`reports: ${path.join(quiet.outdir, 'sg-strategy-report.json')}`);
    } finally {
      write.mockRestore();
    }
  });
});

describe('how a failed validation reaches a user outside the CDK CLI', () => {
  const saved = { mode: process.env.CDK_APP_MODE, outdir: process.env.CDK_OUTDIR };
  afterEach(() => {
    for (const [name, value] of [['CDK_APP_MODE', saved.mode], ['CDK_OUTDIR', saved.outdir]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  const validateIn = (app: App, resources = { Ssh: group('Ssh') }) => {
    const { context } = assemblyOf(resources);
    return new SecurityGroupStrategyPlugin({ writeReports: false }).validate({ ...context, appConstruct: app } as IPolicyValidationContext);
  };

  test('a failure asks CDK for its in-memory mode for this synth only, so the error holds the report', async () => {
    delete process.env.CDK_APP_MODE;
    delete process.env.CDK_OUTDIR;
    expect(validateIn(new App()).success).toBe(false);
    expect(process.env.CDK_APP_MODE).toBe('inmemory');
    await new Promise(resolve => setImmediate(resolve));
    expect(process.env.CDK_APP_MODE).toBeUndefined();
  });

  test('a mode chosen by the environment or the app\'s context, the CDK CLI, or a passing validation, is left alone', async () => {
    delete process.env.CDK_OUTDIR;
    process.env.CDK_APP_MODE = 'file';
    validateIn(new App());
    await new Promise(resolve => setImmediate(resolve));
    expect(process.env.CDK_APP_MODE).toBe('file');
    delete process.env.CDK_APP_MODE;
    validateIn(new App({ context: { '@aws-cdk/core:appMode': 'file' } }));
    expect(process.env.CDK_APP_MODE).toBeUndefined();
    validateIn(new App(), { Ssh: group('Ssh', [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }]) });
    expect(process.env.CDK_APP_MODE).toBeUndefined();
    process.env.CDK_OUTDIR = '/out';
    validateIn(new App());
    expect(process.env.CDK_APP_MODE).toBeUndefined();
  });
});

describe('the plugin never rewrites a file where CDK forbids it', () => {
  test('an app that confirms its plugins do not mutate gets no reports from it, even in a reportDirectory', () => {
    const { dir, context } = assemblyOf({ Ssh: group('Ssh') });
    const app = new App();
    (app as any)._confirmValidationPluginsDoNotMutate = true;
    const reportDirectory = path.join(dir, 'own');
    new SecurityGroupStrategyPlugin({ reportDirectory }).validate({ ...context, appConstruct: app } as IPolicyValidationContext);
    expect(fs.existsSync(reportDirectory)).toBe(false);
    expect(reports(dir)).toEqual([]);
  });
});

test('with an app, a nested stack\'s findings are read from its template and named by its top stack', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'sg-plugin-nested-')) });
  const stack = new Stack(app, 'Stack', { stackName: 'deployed-name' });
  const child = new NestedStack(stack, 'Child');
  new ec2.CfnSecurityGroupIngress(child, 'Mysql', { groupId: 'sg-12345678', ipProtocol: 'tcp', fromPort: 3306, toPort: 3306, cidrIp: '0.0.0.0/0' });
  Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin());
  expect(() => app.synth()).toThrow(/WorldOpenDataPort/);
  const finding = JSON.parse(fs.readFileSync(path.join(app.outdir, 'sg-strategy-report.json'), 'utf8')).findings.find((f: any) => f.ruleId === 'WorldOpenDataPort');
  expect(finding).toMatchObject({ stackName: 'deployed-name/Child', constructPath: 'Stack/Child/Mysql', templatePath: child.templateFile });
});
