import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AspectPriority, Aspects, NestedStack, Stack, Stage, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { FindingLevel, SecurityGroupStrategyChecks, SecurityGroupStrategyPlugin } from '../../src';
import { ENV, testApp } from '../support/analyse-app';
import { withJsiiAgent } from '../support/jsii-agent';

function outdir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sg-strategy-'));
}

function readReport(dir: string) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'sg-strategy-report.json'), 'utf8'));
}

/** An app with one SSH-from-the-world group (an error) and one whole-VPC-CIDR rule (a warning). */
function flawedApp(dir: string, context: Record<string, unknown> = {}) {
  const app = testApp({ outdir: dir, context });
  const stack = new Stack(app, 'Stack', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
  const web = new ec2.SecurityGroup(stack, 'Web', { vpc, allowAllOutbound: false });
  web.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
  const db = new ec2.SecurityGroup(stack, 'Db', { vpc, allowAllOutbound: false });
  db.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(5432));
  return { app, stack, web, db };
}

describe('SecurityGroupStrategyChecks (Aspect)', () => {
  test('errors become error annotations and warnings acknowledgeable warnings', () => {
    const { app, stack } = flawedApp(outdir());
    Aspects.of(app).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY });
    app.synth();
    const annotations = Annotations.fromStack(stack);
    annotations.hasError('/Stack/Web/Resource', Match.stringLikeRegexp('sg-strategy::WorldOpenAdminPort.*SSH 22'));
    annotations.hasWarning('/Stack/Db/Resource', Match.stringLikeRegexp('sg-strategy::WideCidrIngress.*whole VPC CIDR'));
  });

  test('an acknowledgement silences a finding, errors included, and stays in the report with its reason', () => {
    const dir = outdir();
    const { app, stack, web } = flawedApp(dir);
    Aspects.of(app).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY });
    Validations.of(web).acknowledge({ id: 'sg-strategy::WorldOpenAdminPort', reason: 'break-glass host, closed by OpenIngressRemediator' });
    app.synth();
    Annotations.fromStack(stack).hasNoError('/Stack/Web/Resource', Match.anyValue());
    const finding = readReport(dir).findings.find((f: any) => f.ruleId === 'WorldOpenAdminPort');
    expect(finding).toMatchObject({ acknowledged: true, reason: 'break-glass host, closed by OpenIngressRemediator', acknowledgedAt: 'Stack/Web' });
  });

  test('an acknowledgement on a parent scope covers everything below it', () => {
    const dir = outdir();
    const { app, stack } = flawedApp(dir);
    Aspects.of(app).add(new SecurityGroupStrategyChecks());
    Validations.of(stack).acknowledge({ id: 'sg-strategy::WideCidrIngress', reason: 'legacy subnet-wide access, tracked in TICKET-1' });
    app.synth();
    Annotations.fromStack(stack).hasNoWarning('/Stack/Db/Resource', Match.stringLikeRegexp('WideCidrIngress'));
  });

  test('an acknowledgement without a reason is refused and is an error itself', () => {
    const dir = outdir();
    const { app, stack, web } = flawedApp(dir);
    Aspects.of(app).add(new SecurityGroupStrategyChecks());
    Validations.of(web).acknowledge({ id: 'sg-strategy::WorldOpenAdminPort', reason: '  ' });
    app.synth();
    const annotations = Annotations.fromStack(stack);
    annotations.hasError('/Stack/Web/Resource', Match.stringLikeRegexp('WorldOpenAdminPort'));
    annotations.hasError('/Stack/Web', Match.stringLikeRegexp('AcknowledgementWithoutReason.*has no reason'));
    expect(readReport(dir).findings.find((f: any) => f.ruleId === 'WorldOpenAdminPort').acknowledged).toBe(false);
  });

  test('an acknowledgement of another tool\'s rule does not silence ours', () => {
    const { app, stack, web } = flawedApp(outdir());
    Aspects.of(app).add(new SecurityGroupStrategyChecks());
    Validations.of(web).acknowledge({ id: 'other-tool::WorldOpenAdminPort', reason: 'not ours' });
    app.synth();
    Annotations.fromStack(stack).hasError('/Stack/Web/Resource', Match.stringLikeRegexp('WorldOpenAdminPort'));
  });

  test('added to one stack, it annotates only that stack, while still modelling the whole app', () => {
    const { app, stack } = flawedApp(outdir());
    const other = new Stack(app, 'Other', { env: ENV });
    const vpc = new ec2.Vpc(other, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
    new ec2.SecurityGroup(other, 'Telnet', { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(23));
    Aspects.of(other).add(new SecurityGroupStrategyChecks());
    app.synth();
    Annotations.fromStack(other).hasError('/Other/Telnet/Resource', Match.stringLikeRegexp('WorldOpenAdminPort'));
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });

  test('rule levels and disabled rules are honoured', () => {
    const { app, stack } = flawedApp(outdir());
    Aspects.of(app).add(new SecurityGroupStrategyChecks({ ruleLevels: { WorldOpenAdminPort: FindingLevel.WARNING }, disabledRules: ['WideCidrIngress'] }));
    app.synth();
    const annotations = Annotations.fromStack(stack);
    annotations.hasNoError('*', Match.anyValue());
    annotations.hasWarning('/Stack/Web/Resource', Match.stringLikeRegexp('WorldOpenAdminPort'));
    annotations.hasNoWarning('*', Match.stringLikeRegexp('WideCidrIngress'));
  });

  test('bad options fail when the Aspect is made, with what is wrong', () => {
    expect(() => new SecurityGroupStrategyChecks({ disabledRules: ['NoSuchRule'] })).toThrow(/unknown rule id 'NoSuchRule'/);
    expect(() => new SecurityGroupStrategyChecks({ adminPorts: [70000] })).toThrow(/adminPorts: 70000 is not a port/);
    expect(() => new SecurityGroupStrategyChecks({ widestPrivateIpv4Prefix: 40 })).toThrow(/not a prefix length/);
    expect(() => new SecurityGroupStrategyChecks({ groupNamePattern: '(' })).toThrow(/groupNamePattern/);
  });

  test('a level is a FindingLevel or its value as a string, in any case, as the command\'s config file writes it', () => {
    for (const level of [FindingLevel.WARNING, 'warning', 'WARNING']) {
      const { app, stack } = flawedApp(outdir());
      Aspects.of(app).add(new SecurityGroupStrategyChecks({ ruleLevels: { WorldOpenAdminPort: level } }));
      app.synth();
      Annotations.fromStack(stack).hasWarning('/Stack/Web/Resource', Match.stringLikeRegexp('WorldOpenAdminPort'));
      Annotations.fromStack(stack).hasNoError('/Stack/Web/Resource', Match.anyValue());
    }
    expect(() => new SecurityGroupStrategyChecks({ ruleLevels: { WorldOpenAdminPort: 'fatal' } }))
      .toThrow("ruleLevels: WorldOpenAdminPort is 'fatal', which is not a level: use 'error', 'warning' or 'info', or FindingLevel.ERROR, WARNING or INFO");
    expect(() => new SecurityGroupStrategyPlugin({ ruleLevels: { WorldOpenAdminPort: 2 } })).toThrow(/WorldOpenAdminPort is 2, which is not a level/);
  });

  test('option errors name the options as the app\'s language does: admin_ports from Python', () => {
    withJsiiAgent('Python/3.11.7', () => expect(() => new SecurityGroupStrategyChecks({ adminPorts: [70000], ruleLevels: { WorldOpenAdminPort: 'fatal' } }))
      .toThrow(/^Invalid sg-strategy options: rule_levels: WorldOpenAdminPort is 'fatal'.*; admin_ports: 70000 is not a port/));
    withJsiiAgent('Java/17.0.9', () => expect(() => new SecurityGroupStrategyPlugin({ widestPublicIpv6Prefix: 129 }))
      .toThrow(/widestPublicIpv6Prefix: 129 is not a prefix length/));
  });


  test('stacks inside a Stage are checked: their errors fail synth, and the report lists them', () => {
    const dir = outdir();
    const app = testApp({ outdir: dir });
    Aspects.of(app).add(new SecurityGroupStrategyChecks());
    const stage = new Stage(app, 'Prod');
    const stack = new Stack(stage, 'Inner', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    new ec2.SecurityGroup(stack, 'Rdp', { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(3389));
    expect(() => app.synth()).toThrow(/sg-strategy::WorldOpenAdminPort\] Prod\/Inner\/Rdp\/Resource/);
    expect(readReport(dir).findings.some((f: any) => f.ruleId === 'WorldOpenAdminPort' && f.stackName === 'Prod-Inner')).toBe(true);
  });

  test('nested stacks are checked, and a group passed into one is followed to its parent', () => {
    const dir = outdir();
    const app = testApp({ outdir: dir });
    Aspects.of(app).add(new SecurityGroupStrategyChecks());
    const parent = new Stack(app, 'Parent', { env: ENV });
    const vpc = new ec2.Vpc(parent, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
    const sg = new ec2.SecurityGroup(parent, 'Sg', { vpc, allowAllOutbound: false });
    const nested = new NestedStack(parent, 'Child');
    new ec2.CfnSecurityGroupIngress(nested, 'Ssh', { groupId: sg.securityGroupId, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' });
    app.synth();
    const finding = readReport(dir).findings.find((f: any) => f.ruleId === 'WorldOpenAdminPort');
    expect(finding.constructPath).toBe('Parent/Child/Ssh');
    expect(finding.message).toContain('Parent/Sg admits tcp 22');
  });
});

describe('SecurityGroupStrategyPlugin (validation plugin)', () => {
  test('reports the same findings in CDK\'s validation report, and synth fails on an error', () => {
    const dir = outdir();
    const { app } = flawedApp(dir);
    Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin());
    expect(() => app.synth()).toThrow(/WorldOpenAdminPort/);
    const cdkReport = JSON.parse(fs.readFileSync(path.join(dir, 'validation-report.json'), 'utf8'));
    const ours = cdkReport.pluginReports.find((r: any) => r.pluginName === 'sg-strategy');
    expect(ours.conclusion).toBe('failure');
    const rules = ours.violations.map((v: any) => v.ruleName).sort();
    expect(rules).toEqual(expect.arrayContaining(['WorldOpenAdminPort', 'WideCidrIngress', 'UnattachedSecurityGroup']));
    const ssh = ours.violations.find((v: any) => v.ruleName === 'WorldOpenAdminPort');
    expect(ssh.violatingConstructs[0].constructPath).toBe('Stack/Web/Resource');
  });

  describe('run as an app, outside the CDK CLI and test runners', () => {
    const testEnv = process.env.NODE_ENV;
    beforeEach(() => {
      // CDK treats NODE_ENV=test (which jest sets) as a test run; python app.py and node app.js are not.
      delete process.env.NODE_ENV;
    });
    afterEach(() => {
      process.env.NODE_ENV = testEnv;
    });

    test('a failed synth names each error finding, its rule and its path, in the error itself', async () => {
      const { app } = flawedApp(outdir());
      Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin());
      expect(() => app.synth()).toThrow(/ERROR WorldOpenAdminPort: Stack\/Web admits tcp 22 from 0\.0\.0\.0\/0[^\n]*\n\s*Stack\/Web\/Resource/);
      // Only for that synth: the next app chooses its own mode.
      await new Promise(resolve => setImmediate(resolve));
      expect(process.env.CDK_APP_MODE).toBeUndefined();
    });

    test('a mode the user chose is kept', () => {
      const { app } = flawedApp(outdir(), { '@aws-cdk/core:appMode': 'inmemory' });
      Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin());
      expect(() => app.synth()).toThrow(/WorldOpenAdminPort/);
      expect(process.env.CDK_APP_MODE).toBeUndefined();
    });
  });

  test('an acknowledged error lets synth pass, and the report keeps it with its reason', () => {
    const dir = outdir();
    const { app, web } = flawedApp(dir);
    Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin());
    Validations.of(web).acknowledge({ id: 'sg-strategy::WorldOpenAdminPort', reason: 'a honeypot' });
    expect(() => app.synth()).not.toThrow();
    const finding = readReport(dir).findings.find((f: any) => f.ruleId === 'WorldOpenAdminPort');
    expect(finding).toMatchObject({ acknowledged: true, reason: 'a honeypot' });
  });

  test('Aspect and plugin agree on the findings', () => {
    const aspectDir = outdir();
    const a = flawedApp(aspectDir);
    Aspects.of(a.app).add(new SecurityGroupStrategyChecks());
    a.app.synth();
    const pluginDir = outdir();
    const p = flawedApp(pluginDir);
    Validations.of(p.web).acknowledge({ id: 'sg-strategy::WorldOpenAdminPort', reason: 'same app, so synth passes' });
    Validations.of(p.app).addPlugins(new SecurityGroupStrategyPlugin());
    p.app.synth();
    const key = (f: any) => `${f.ruleId} ${f.constructPath} ${f.message}`;
    expect(readReport(pluginDir).findings.map(key).sort()).toEqual(readReport(aspectDir).findings.map(key).sort());
  });

  test('stacks in a Stage reach the plugin too', () => {
    const dir = outdir();
    const app = testApp({ outdir: dir });
    Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin());
    const stack = new Stack(new Stage(app, 'Prod'), 'Inner', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    new ec2.SecurityGroup(stack, 'Rdp', { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(3389));
    expect(() => app.synth()).toThrow(/WorldOpenAdminPort/);
  });
});
