import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { FindingAcknowledgements, SecurityGroupStrategyPlugin } from '../../src';
import { collectAcknowledgements } from '../../src/checks/acknowledgements';
import { RULE_IDS } from '../../src/rules/catalog';
import { ENV } from '../support/analyse-app';

/** An app with CDK's built-in template validation on (its default) and our plugin, and one group open to the world. */
function openApp(port: number) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-ack-'));
  const app = new App({ outdir });
  Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin());
  const stack = new Stack(app, 'Stack', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
  const group = new ec2.SecurityGroup(stack, 'Open', { vpc, allowAllOutbound: false });
  group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port));
  return { app, group, outdir };
}

/** The violations CDK's validation report lists for the group (acknowledged ones are left out of it). */
function violationsOf(outdir: string): string[] {
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  return report.pluginReports.flatMap((r: any) => r.violations
    .filter((v: any) => v.violatingConstructs.some((c: any) => c.constructPath.startsWith('Stack/Open')))
    .map((v: any) => `${r.pluginName}: ${v.ruleName}`)).sort();
}

describe('FindingAcknowledgements', () => {
  test('CDK\'s built-in validation reports SSH from the world as W2508, which our acknowledgement alone leaves', () => {
    const { app, group, outdir } = openApp(22);
    Validations.of(group).acknowledge({ id: 'sg-strategy::WorldOpenAdminPort', reason: 'break-glass host' });
    app.synth();
    expect(violationsOf(outdir)).toEqual(['CloudFormation Validate: W2508', 'sg-strategy: UnattachedSecurityGroup']);
  });

  test.each([
    [22, 'WorldOpenAdminPort'],
    [3306, 'WorldOpenDataPort'],
  ])('port %d: acknowledging %s acknowledges the built-in W2508 too, with the same reason', (port, ruleId) => {
    const { app, group, outdir } = openApp(port);
    expect(FindingAcknowledgements.acknowledge(group, ruleId, 'a honeypot, watched by the SOC'))
      .toEqual([`sg-strategy::${ruleId}`, 'CloudFormation-Validate::W2508']);
    expect(() => app.synth()).not.toThrow();
    expect(violationsOf(outdir)).toEqual(['sg-strategy: UnattachedSecurityGroup']);
    const ours = JSON.parse(fs.readFileSync(path.join(outdir, 'sg-strategy-report.json'), 'utf8')).findings.find((f: any) => f.ruleId === ruleId);
    expect(ours).toMatchObject({ acknowledged: true, reason: 'a honeypot, watched by the SOC', acknowledgedAt: 'Stack/Open' });
  });

  test('a rule the built-in validation has no equivalent for is acknowledged in our namespace only', () => {
    expect(FindingAcknowledgements.ruleIdsFor('WorldOpenIngress')).toEqual(['sg-strategy::WorldOpenIngress']);
    expect(FindingAcknowledgements.ruleIdsFor('sg-strategy::WorldOpenAdminPort')).toEqual(['sg-strategy::WorldOpenAdminPort', 'CloudFormation-Validate::W2508']);
  });

  test('an unknown rule or an empty reason is an error naming the construct', () => {
    const { group } = openApp(22);
    expect(() => FindingAcknowledgements.acknowledge(group, 'WorldOpenAdmin', 'x')).toThrow(/^Stack\/Open: 'WorldOpenAdmin' is not an sg-strategy rule id \(known: .*WorldOpenAdminPort/);
    expect(() => FindingAcknowledgements.acknowledge(group, 'WorldOpenAdminPort', ' ')).toThrow(/^Stack\/Open: the acknowledgement of WorldOpenAdminPort needs a reason/);
  });
});

describe('FindingAcknowledgements.acknowledge on its own', () => {
  test('takes a rule id with or without its namespace, and records each id with the reason at the scope', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    expect(FindingAcknowledgements.acknowledge(stack, 'sg-strategy::WorldOpenDataPort', 'a replica for analysts'))
      .toEqual(['sg-strategy::WorldOpenDataPort', 'CloudFormation-Validate::W2508']);
    expect(collectAcknowledgements(app)).toEqual([{ ruleId: 'WorldOpenDataPort', path: 'Stack', reason: 'a replica for analysts' }]);
    expect(Object.assign({}, ...stack.node.metadata.filter(m => m.type === 'aws:cdk:acknowledged-rules').map(m => m.data)))
      .toEqual({ 'sg-strategy::WorldOpenDataPort': 'a replica for analysts', 'CloudFormation-Validate::W2508': 'a replica for analysts' });
  });

  test('an unknown id is refused with the list of known ones, comma-separated', () => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => FindingAcknowledgements.acknowledge(stack, 'sg-strategy::Nope', 'x'))
      .toThrow(`'sg-strategy::Nope' is not an sg-strategy rule id (known: ${RULE_IDS.join(', ')}).`);
    expect(stack.node.metadata.filter(m => m.type === 'aws:cdk:acknowledged-rules')).toEqual([]);
  });
});
