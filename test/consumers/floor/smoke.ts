// Every construct of the packed library, the Aspect and the plugin, on the aws-cdk-lib that run.sh installed
// beside it (the oldest the package declares). Compiled against that aws-cdk-lib's types, then run.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, AspectPriority, Aspects, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sgs from 'cdk-sg-strategy';
import { AwsSolutionsChecks } from 'cdk-nag';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const installed: string = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')).version;
let failures = 0;

function check(name: string, body: () => void) {
  try {
    body();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}\n     ${String((e as Error).stack ?? e).split('\n').join('\n     ')}`);
  }
}

function outdir(name: string): string {
  const dir = path.join(process.cwd(), 'out', name);
  fs.rmSync(dir, { recursive: true, force: true });
  return dir;
}

function report(dir: string) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'sg-strategy-report.json'), 'utf8'));
}

function violations(dir: string): Array<{ plugin: string; rule: string; severity: string; paths: string[] }> {
  const file = path.join(dir, 'validation-report.json');
  if (!fs.existsSync(file)) return [];
  return JSON.parse(fs.readFileSync(file, 'utf8')).pluginReports.flatMap((r: any) => r.violations.map((v: any) => ({
    plugin: r.pluginName, rule: v.ruleName, severity: v.severity, paths: v.violatingConstructs.map((c: any) => c.constructPath),
  })));
}

/** An app that uses every construct as the README does, checked by the Aspect and our plugin, or by cdk-nag. */
function everyConstruct(dir: string, checks: 'ours' | 'cdk-nag'): App {
  const app = new App({ outdir: dir });
  Aspects.of(app).add(new sgs.LockDefaultSecurityGroups({ relockOnDrift: true }));
  if (checks === 'ours') {
    Aspects.of(app).add(new sgs.SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY });
    Validations.of(app).addPlugins(new sgs.SecurityGroupStrategyPlugin({ writeReports: false }));
  } else {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }

  const data = new Stack(app, 'Data', { env: ENV });
  const vpc = new ec2.Vpc(data, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const pair = new sgs.ServerClientPair(data, 'Database', { vpc, name: 'orders-db', ports: [ec2.Port.tcp(5432)] });
  const database = new rds.DatabaseInstance(data, 'Postgres', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    storageEncrypted: true,
  });
  pair.addServer(database, { dropAutomaticSecurityGroup: true });
  const handler = new lambda.Function(data, 'Handler', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
  pair.addClient(handler, { dropAutomaticSecurityGroup: true });
  const cache = new elasticache.CfnReplicationGroup(data, 'Cache', {
    replicationGroupDescription: 'cache', engine: 'valkey', cacheNodeType: 'cache.t4g.micro', numCacheClusters: 1,
  });
  pair.addServerResource(cache);
  new sgs.LockedDefaultSecurityGroup(data, 'LockShared', {
    vpc: ec2.Vpc.fromVpcAttributes(data, 'Shared', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'] }),
    defaultSecurityGroupId: 'sg-0123456789abcdef0',
  });

  const ops = new Stack(app, 'Ops', { env: ENV });
  const monitoring = new sgs.SecurityGroupMonitoring(ops, 'Monitoring', { createConfigRecorder: true, changeRateAlarm: true });
  new sgs.OpenIngressRemediator(ops, 'Remediator', { allowedPorts: [443], notificationTopic: monitoring.topic });

  const partner = new Stack(app, 'Partner', { env: ENV });
  const partnerVpc = new ec2.Vpc(partner, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const nlb = new sgs.SecuredNetworkLoadBalancer(partner, 'SecuredNlb', { vpc: partnerVpc, forPrivateLink: true });
  nlb.allowToTarget(ec2.Peer.ipv4('10.0.128.10/32'), ec2.Port.tcp(8443));
  nlb.addListener('Tls', { port: 443 }).addTargets('App', { port: 8443, targets: [new targets.IpTarget('10.0.128.10')] });
  new sgs.PrivateLinkServiceSwap(partner, 'PartnerService', {
    loadBalancers: [nlb],
    allowedPrincipals: [new iam.ArnPrincipal('arn:aws:iam::222222222222:root')],
    clientEndpointIds: ['vpce-0a1b2c3d4e5f60718'],
  });
  // ConnectableInstanceTarget is a target, not a construct: it must type-check and register on this aws-cdk-lib.
  const backend = new ec2.Instance(partner, 'Backend', {
    vpc: partnerVpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    securityGroup: new ec2.SecurityGroup(partner, 'BackendGroup', { vpc: partnerVpc, allowAllOutbound: false }),
  });
  const target = new sgs.ConnectableInstanceTarget(backend, 8443).attachToNetworkTargetGroup(
    new elbv2.NetworkTargetGroup(partner, 'Instances', { vpc: partnerVpc, port: 8443 }));
  assert.equal(target.targetType, elbv2.TargetType.INSTANCE);
  return app;
}

console.log(`aws-cdk-lib ${installed}`);
check(`aws-cdk-lib is the declared floor (${process.env.FLOOR})`, () => assert.equal(installed, process.env.FLOOR));

check('every construct synthesizes; the Aspect and the plugin find no error or warning in them', () => {
  const dir = outdir('every-construct');
  const assembly = everyConstruct(dir, 'ours').synth();
  assert.deepEqual(assembly.stacks.map(s => s.stackName).sort(), ['Data', 'Ops', 'Partner']);
  const ours = report(dir);
  assert.deepEqual(ours.findings.filter((f: any) => f.level !== 'info').map((f: any) => `${f.ruleId} ${f.constructPath}`), []);
  assert.ok(ours.findings.length > 0, 'the report lists the info findings, so the checks ran');
  const lockers = assembly.stacks.flatMap(s => Object.values<any>(s.template.Resources)).filter(r => r.Type === 'Custom::SgStrategyLockedDefaultSecurityGroup');
  assert.equal(lockers.length, 3, 'the Aspect locked both VPCs, beside the explicit locker');
  assert.deepEqual(violations(dir).filter(v => v.plugin === 'sg-strategy'), []);
});

check("cdk-nag's AwsSolutions pack honours the IAM5 acknowledgements the constructs make", () => {
  const dir = outdir('cdk-nag');
  const app = everyConstruct(dir, 'cdk-nag');
  // The app's own database, function and VPC have nag findings, so synth fails; the report is what counts.
  assert.ok(synthFails(app), 'synth failed');
  const all = violations(dir).filter(v => v.plugin === 'AwsSolutions');
  assert.ok(all.some(v => v.paths.some(p => p.startsWith('Data/Postgres/'))), 'cdk-nag ran and flagged the plain database');
  const acknowledged = app.node.findAll().flatMap(c => c.node.metadata)
    .filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap(m => Object.keys(m.data as object)).filter(id => id.startsWith('AwsSolutions::AwsSolutions-IAM5[Resource::'));
  assert.ok(acknowledged.length >= 4, `the lockers, the remediator and the swap acknowledge their wildcard resources (${acknowledged.length})`);
  const wildcardResources = all.filter(v => v.rule.startsWith('AwsSolutions-IAM5[Resource::'))
    .flatMap(v => v.paths.map(p => `${v.rule} ${p}`))
    .filter(line => / (Data\/(LockShared|Database|SgStrategy)|Ops\/|Partner\/(SecuredNlb|PartnerService|SgStrategy))/.test(line));
  assert.deepEqual(wildcardResources, []);
});

function flawedApp(dir: string, acknowledge: 'none' | 'one' | 'both') {
  const app = new App({ outdir: dir });
  const stack = new Stack(app, 'Flawed', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
  const ssh = new ec2.SecurityGroup(stack, 'Ssh', { vpc, allowAllOutbound: false });
  ssh.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
  const rdp = new ec2.SecurityGroup(stack, 'Rdp', { vpc, allowAllOutbound: false });
  rdp.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(3389));
  const reason = 'break-glass host';
  if (acknowledge !== 'none') Validations.of(rdp).acknowledge({ id: 'sg-strategy::WorldOpenAdminPort', reason });
  if (acknowledge === 'both') Validations.of(ssh).acknowledge({ id: 'sg-strategy::WorldOpenAdminPort', reason });
  return app;
}

check('the Aspect turns an error into an error annotation, and prints it with printFindings', () => {
  const dir = outdir('aspect');
  const app = flawedApp(dir, 'none');
  Aspects.of(app).add(new sgs.SecurityGroupStrategyChecks({ printFindings: true }), { priority: AspectPriority.READONLY });
  const assembly = app.synth();
  const errors = assembly.getStackByName('Flawed').messages.filter(m => m.level === 'error').map(m => `${m.id} ${String(m.entry.data)}`);
  assert.deepEqual(errors.map(e => e.replace(/\] .*/, ']')), ['/Flawed/Ssh/Resource [sg-strategy::WorldOpenAdminPort]', '/Flawed/Rdp/Resource [sg-strategy::WorldOpenAdminPort]']);
});

/** Synth, and whether it failed: releases before 2.259 set the exit code instead of throwing. */
function synthFails(app: App): boolean {
  process.exitCode = 0;
  try {
    app.synth();
  } catch {
    process.exitCode = 0;
    return true;
  }
  const failed = process.exitCode === 1;
  process.exitCode = 0;
  return failed;
}

check('the plugin fails synth on an error, even with the same rule acknowledged on another construct', () => {
  const dir = outdir('plugin-one-acknowledged');
  const app = flawedApp(dir, 'one');
  Validations.of(app).addPlugins(new sgs.SecurityGroupStrategyPlugin());
  assert.ok(synthFails(app), 'synth failed');
  const open = violations(dir).filter(v => v.plugin === 'sg-strategy' && v.rule === 'WorldOpenAdminPort');
  assert.deepEqual(open.flatMap(v => v.paths), ['Flawed/Ssh/Resource']);
  // Releases before 2.271.0 apply the acknowledgement app-wide; the plugin reports the error as fatal there.
  const [major, minor] = installed.split('.').map(Number);
  assert.equal(open[0].severity, major === 2 && minor < 271 ? 'fatal' : 'error');
});

check('the plugin lets synth pass when every error is acknowledged, and its report keeps the reasons', () => {
  const dir = outdir('plugin-all-acknowledged');
  const reports = outdir('plugin-reports');
  const app = flawedApp(dir, 'both');
  Validations.of(app).addPlugins(new sgs.SecurityGroupStrategyPlugin({ reportDirectory: reports }));
  assert.ok(!synthFails(app), 'synth passed');
  const acknowledged = report(reports).findings.filter((f: any) => f.ruleId === 'WorldOpenAdminPort' && f.acknowledged);
  assert.equal(acknowledged.length, 2);
});

check('the Aspect and the plugin together, synthesized twice into one cdk.out, pass and leave the reports', () => {
  const dir = outdir('aspect-and-plugin');
  for (let run = 0; run < 2; run++) {
    const app = flawedApp(dir, 'both');
    Aspects.of(app).add(new sgs.SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY });
    Validations.of(app).addPlugins(new sgs.SecurityGroupStrategyPlugin());
    assert.ok(!synthFails(app), `synth ${run + 1} passed`);
  }
  assert.equal(report(dir).summary.acknowledged, 2);
});

check('a nested stack is checked without the CLI\'s asset metadata, and FindingAcknowledgements acknowledges its finding', () => {
  for (const acknowledged of [false, true]) {
    const dir = outdir(`nested-${acknowledged}`);
    const app = new App({ outdir: dir });
    const top = new Stack(app, 'Top', { env: ENV });
    const vpc = new ec2.Vpc(top, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
    const child = new NestedStack(top, 'Child');
    const ssh = new ec2.SecurityGroup(child, 'Ssh', { vpc, allowAllOutbound: false });
    ssh.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
    if (acknowledged) sgs.FindingAcknowledgements.acknowledge(ssh, 'WorldOpenAdminPort', 'break-glass host');
    // Before 2.268.0 the plugin writes no file into the assembly: its report goes to a directory of its own.
    const reports = outdir(`nested-${acknowledged}-reports`);
    Validations.of(app).addPlugins(new sgs.SecurityGroupStrategyPlugin({ reportDirectory: reports }));
    assert.equal(synthFails(app), !acknowledged, acknowledged ? 'synth passed' : 'synth failed');
    const finding = report(reports).findings.find((f: any) => f.ruleId === 'WorldOpenAdminPort');
    assert.deepEqual([finding.constructPath, finding.stackName, finding.acknowledged], ['Top/Child/Ssh/Resource', 'Top/Child', acknowledged]);
  }
});

if (failures > 0) {
  console.log(`${failures} failed`);
  process.exit(1);
}
console.log('all passed');
