import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  App, AspectPriority, Aspects, CfnStack, DefaultStackSynthesizer, IStackSynthesizer, LegacyStackSynthesizer, NestedStack,
  Stack, Stage, Validations,
} from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SecurityGroupStrategyChecks, SecurityGroupStrategyPlugin } from '../../src';
import { ENV, testApp } from '../support/analyse-app';
import { runCli } from '../support/cli';

/**
 * Nested stacks checked by every delivery, however the app is synthesized. The CDK CLI turns on the asset and
 * path metadata that name a nested stack's template; `node app.js`, `python app.py` and tests do not.
 */

const CLI_METADATA = { 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:enable-path-metadata': true };

const outdir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sg-nested-'));
const report = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'sg-strategy-report.json'), 'utf8'));

interface Variant {
  readonly metadata: boolean;
  readonly synthesizer: () => IStackSynthesizer;
  readonly stage: boolean;
}

/**
 * SSH from the world in a nested stack, and ZooKeeper from the world in a stack nested in that one; the group
 * they open is the parent's, passed down as a nested-stack parameter.
 */
function nestedApp(dir: string, variant: Variant): App {
  const app = testApp({ outdir: dir, context: variant.metadata ? CLI_METADATA : {} });
  const scope = variant.stage ? new Stage(app, 'Prod', { env: ENV }) : app;
  const top = new Stack(scope, 'Top', { env: variant.stage ? undefined : ENV, synthesizer: variant.synthesizer() });
  const vpc = new ec2.Vpc(top, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
  const broker = new ec2.SecurityGroup(top, 'Broker', { vpc, allowAllOutbound: false });
  const child = new NestedStack(top, 'Child');
  new ec2.CfnSecurityGroupIngress(child, 'Ssh', { groupId: broker.securityGroupId, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' });
  const grandchild = new NestedStack(child, 'Grand');
  new ec2.CfnSecurityGroupIngress(grandchild, 'Zk', { groupId: broker.securityGroupId, ipProtocol: 'tcp', fromPort: 2181, toPort: 2181, cidrIp: '0.0.0.0/0' });
  return app;
}

/** The error findings, by rule, construct path and stack name: what each delivery must agree on. */
function errors(findings: any[]): string[] {
  return findings.filter(f => f.level === 'error').map(f => `${f.ruleId} ${f.constructPath} [${f.stackName}]`).sort();
}

const expected = (prefix: string) => [
  `WorldOpenAdminPort ${prefix}Top/Child/Ssh [${prefix ? 'Prod-Top' : 'Top'}/Child]`,
  `WorldOpenDataPort ${prefix}Top/Child/Grand/Zk [${prefix ? 'Prod-Top' : 'Top'}/Child/Grand]`,
];

const variants: Array<[string, Variant]> = [
  ['without asset metadata', { metadata: false, synthesizer: () => new DefaultStackSynthesizer(), stage: false }],
  ['with the CLI\'s metadata', { metadata: true, synthesizer: () => new DefaultStackSynthesizer(), stage: false }],
  ['without metadata, legacy synthesizer', { metadata: false, synthesizer: () => new LegacyStackSynthesizer(), stage: false }],
  ['without metadata, in a Stage', { metadata: false, synthesizer: () => new DefaultStackSynthesizer(), stage: true }],
];

describe.each(variants)('nested stacks %s', (_, variant) => {
  const prefix = variant.stage ? 'Prod/' : '';

  test('the plugin fails synth on them, names them readably, and writes them in its report', () => {
    const dir = outdir();
    const app = nestedApp(dir, variant);
    Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin());
    expect(() => app.synth()).toThrow(/WorldOpenAdminPort/);
    expect(errors(report(dir).findings)).toEqual(expected(prefix));
  });

  test('the Aspect reports them with the same names', () => {
    const dir = outdir();
    const app = nestedApp(dir, variant);
    Aspects.of(app).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY });
    if (variant.stage) expect(() => app.synth()).toThrow(/WorldOpenAdminPort/);
    else app.synth();
    expect(errors(report(dir).findings)).toEqual(expected(prefix));
  });

  test('with both deliveries, the one report holds what the plugin failed synth on', () => {
    const dir = outdir();
    const app = nestedApp(dir, variant);
    Aspects.of(app).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY });
    Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin());
    expect(() => app.synth()).toThrow(/WorldOpenAdminPort/);
    expect(errors(report(dir).findings)).toEqual(expected(prefix));
    // In a Stage the Aspect's errors fail synth first, before CDK runs any plugin.
    if (variant.stage) return;
    const cdkReport = JSON.parse(fs.readFileSync(path.join(dir, 'validation-report.json'), 'utf8'));
    const pluginSaw = cdkReport.pluginReports.find((r: any) => r.pluginName === 'sg-strategy').violations
      .filter((v: any) => v.severity === 'error').map((v: any) => `${v.ruleName} ${v.violatingConstructs[0].constructPath}`).sort();
    expect(pluginSaw).toEqual(expected(prefix).map(e => e.replace(/ \[.*\]$/, '')));
  });

  test('check finds them in the assembly', async () => {
    const dir = outdir();
    nestedApp(dir, variant).synth();
    const run = await runCli(['check', dir, '--format', 'json']);
    expect(run.code).toBe(1);
    expect(errors(JSON.parse(run.out).findings)).toEqual(expected(prefix));
  });
});

describe('a nested stack whose template is not in the assembly', () => {
  function appWithExternalTemplate(dir: string) {
    const app = testApp({ outdir: dir });
    const top = new Stack(app, 'Top', { env: ENV });
    new CfnStack(top, 'Vendor', { templateUrl: 'https://example-bucket.s3.amazonaws.com/vendor/network.yaml' });
    return app;
  }

  function unread(findings: any[]) {
    return findings.filter(f => f.ruleId === 'UnresolvedReference' && /nested stack's template/.test(f.message));
  }

  test('is a warning in the plugin\'s report, naming the template it could not read', () => {
    const dir = outdir();
    const app = appWithExternalTemplate(dir);
    Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin());
    app.synth();
    const [finding] = unread(report(dir).findings);
    expect(finding).toMatchObject({ level: 'warning', constructPath: 'Top/Vendor', stackName: 'Top', templatePath: 'Top.template.json' });
    expect(finding.message).toContain('https://example-bucket.s3.amazonaws.com/vendor/network.yaml');
  });

  test('is the same warning from the Aspect, which builds no template for it either', () => {
    const dir = outdir();
    const app = appWithExternalTemplate(dir);
    Aspects.of(app).add(new SecurityGroupStrategyChecks());
    app.synth();
    const [finding] = unread(report(dir).findings);
    expect(finding).toMatchObject({ level: 'warning', constructPath: 'Top/Vendor', stackName: 'Top', templatePath: 'Top.template.json' });
  });

  test('is a warning from check, which an acknowledgement on the nested stack covers', async () => {
    const dir = outdir();
    const app = appWithExternalTemplate(dir);
    Validations.of(app.node.findChild('Top').node.findChild('Vendor')).acknowledge({ id: 'sg-strategy::UnresolvedReference', reason: 'vendor template, checked by the vendor' });
    app.synth();
    const [finding] = unread(JSON.parse((await runCli(['check', dir, '--format', 'json'])).out).findings);
    expect(finding).toMatchObject({ level: 'warning', acknowledged: true });
  });

  test('a hand-written parent is linked to a nested template given beside it, and reported where none is', async () => {
    const dir = outdir();
    const parent = {
      Resources: {
        Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'app', VpcId: 'vpc-12345678' } },
        Rules: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: { 'Fn::Sub': 'https://${Bucket}.s3.amazonaws.com/rules.yaml' }, Parameters: { GroupId: { 'Fn::GetAtt': ['Sg', 'GroupId'] } } } },
        Other: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://example-bucket.s3.amazonaws.com/other.yaml' } },
      },
    };
    fs.writeFileSync(path.join(dir, 'parent.json'), JSON.stringify(parent));
    fs.writeFileSync(path.join(dir, 'rules.yaml'), [
      'Parameters:', '  GroupId: { Type: String }', 'Resources:', '  Ssh:', '    Type: AWS::EC2::SecurityGroupIngress', '    Properties:',
      '      GroupId: !Ref GroupId', '      IpProtocol: tcp', '      FromPort: 22', '      ToPort: 22', '      CidrIp: 0.0.0.0/0', '',
    ].join('\n'));
    const findings = JSON.parse((await runCli(['check', 'parent.json', 'rules.yaml', '--format', 'json'], dir)).out).findings;
    // The rule's group is the parent's, passed as a parameter: the nested template is read as the parent's child.
    expect(findings.find((f: any) => f.ruleId === 'WorldOpenAdminPort').message).toMatch(/^parent\/Sg admits tcp 22/);
    expect(unread(findings).map((f: any) => `${f.stackName}/${f.logicalId}`)).toEqual(['parent/Other']);
    // Without rules.yaml beside it, the warning names the file to pass.
    const alone = JSON.parse((await runCli(['check', 'parent.json', '--format', 'json'], dir)).out).findings;
    expect(unread(alone).find((f: any) => f.logicalId === 'Rules').message).toContain("this nested stack's template rules.yaml is in neither");
  });
});
