/**
 * `sg-strategy audit --interfaces` against moto server, with the Lambda and RDS interfaces marked
 * requester-managed by test/support/fake-ec2-delete-refusals.ts (moto cannot). Moto has no CloudTrail
 * LookupEvents, so CloudTrail is aws-sdk-client-mock, answering with events shaped as CloudTrail returns them.
 */
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateSubnetCommand, CreateVpcCommand, CreateNetworkInterfaceCommand, EC2Client, NetworkInterface } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { buildCleanupAccount, CleanupAccount, cleanupClients } from './cleanup-account';
import { AUDIT_OPTIONS } from '../../src/cli/account-options';
import { parseArgs } from '../../src/cli/args';
import { AttributedResource } from '../../src/cli/audit/attribute';
import { auditInterfaces, duration, InterfaceAudit, ownerOf } from '../../src/cli/audit/interface-audit';
import { detachedSince } from '../../src/cli/audit/interface-history';
import { InterfacesReport, runInterfaces } from '../../src/cli/audit/interfaces-command';
import { AuditClients, Inventory } from '../../src/cli/audit/inventory';
import { RetryPolicy } from '../../src/handlers/shared/aws-calls';
import { awsError } from '../support/aws-errors';
import { runCli } from '../support/cli';
import { MotoServer, startMotoServer } from '../support/moto-server';

const NOW = new Date('2026-05-01T12:00:00Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const waits: number[] = [];
const fakeClock: RetryPolicy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000, sleep: async ms => { waits.push(ms); }, random: () => 0.5 };

let moto: MotoServer;
let clients: AuditClients;
let ec2: EC2Client;
let account: CleanupAccount;
const cloudtrailClient = new CloudTrailClient({ region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const cloudtrail = mockClient(cloudtrailClient);

beforeAll(async () => {
  moto = await startMotoServer();
  let fake;
  ({ clients, ec2, fake } = cleanupClients(moto));
  clients = { ...clients, cloudtrail: cloudtrailClient };
  account = await buildCleanupAccount(ec2, fake);
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

beforeEach(() => {
  waits.length = 0;
  cloudtrail.reset();
  cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
});

async function interfaces(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { cwd: process.cwd(), env: {}, out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
  const code = await runInterfaces(parseArgs('audit', ['--interfaces', '--vpc', account.vpcId, '--format', 'json', ...argv], AUDIT_OPTIONS), io, { clients: () => clients, now: () => NOW, retryPolicy: fakeClock });
  const report = JSON.parse(out.join('')) as InterfacesReport;
  return { code, report, byId: Object.fromEntries(report.interfaces.map(i => [i.interfaceId, i])) as Record<string, InterfaceAudit>, err: err.join('\n') };
}

test('one entry per interface: status, type, groups, what is behind it, and whether it is used', async () => {
  const { code, report, byId } = await interfaces('--no-history');
  expect(code).toBe(0);
  expect(report).toMatchObject({ schemaVersion: '1.0', region: 'us-east-1', warnings: [] });
  expect(report.interfaces).toHaveLength(5);
  expect(byId[account.instanceInterface]).toMatchObject({
    status: 'in-use',
    interfaceType: 'interface',
    inUse: true,
    owner: 'present',
    release: 'in-use',
    requesterManaged: false,
    groups: [{ groupId: account.web, groupName: 'web' }],
    resource: { kind: 'EC2 instance' },
    vpcId: account.vpcId,
    subnetId: account.subnetId,
  });
  expect(byId[account.leftoverInterface]).toMatchObject({
    status: 'available',
    inUse: false,
    release: 'needs-deleting',
    description: 'scratch interface',
    resource: { kind: 'unattached interface' },
    why: 'created by the account, not by an AWS service: AWS never deletes it, so it keeps its groups and address until deleted',
  });
  expect(byId[account.lambdaInterface]).toMatchObject({
    interfaceType: 'lambda',
    requesterManaged: true,
    owner: 'gone',
    release: 'released-by-aws',
    resource: { kind: 'Lambda function', id: 'retired-job', releasing: true },
  });
  expect(byId[account.rdsInterface]).toMatchObject({ requesterManaged: true, owner: 'unknown', release: 'owner-may-use-it' });
  expect(byId[account.keptInterface].tags).toEqual({ 'sg-strategy:keep': '' });
  expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(0);
});

test('--used, --unused, --interface and --vpc filter; CloudTrail is asked only about the available ones shown', async () => {
  expect(Object.keys((await interfaces('--used', '--no-history')).byId)).toEqual([account.instanceInterface]);
  const unused = await interfaces('--unused');
  const available = [account.leftoverInterface, account.lambdaInterface, account.rdsInterface, account.keptInterface].sort();
  expect(Object.keys(unused.byId).sort()).toEqual(available);
  const asked = cloudtrail.commandCalls(LookupEventsCommand).map(c => c.args[0].input.LookupAttributes![0].AttributeValue);
  expect(asked.sort()).toEqual(available);
  expect(Object.keys((await interfaces('--interface', `${account.leftoverInterface},${account.instanceInterface}`)).byId).sort())
    .toEqual([account.leftoverInterface, account.instanceInterface].sort());
  const otherVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.71.0.0/16' }))).Vpc!.VpcId!;
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: otherVpc, CidrBlock: '10.71.1.0/24' }))).Subnet!.SubnetId!;
  const elsewhere = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet }))).NetworkInterface!.NetworkInterfaceId!;
  expect(Object.keys((await interfaces('--no-history')).byId)).not.toContain(elsewhere);
  const run = await runCli(['audit', '--interfaces', '--vpc', otherVpc, '--no-history', '--format', 'json'], process.cwd(), { auditClients: () => clients });
  expect(JSON.parse(run.out).interfaces.map((i: InterfaceAudit) => i.interfaceId)).toEqual([elsewhere]);
});

test('--used with --unused, and an interface that is not there, are errors', async () => {
  await expect(interfaces('--used', '--unused')).rejects.toThrow('--used and --unused exclude each other');
  await expect(interfaces('--interface', `${account.leftoverInterface.slice(0, -1)}x`)).rejects.toThrow(/No network interface "eni-\w+" \(did you mean eni-\w+\?\) in us-east-1/);
});

test('how long an interface has been available comes from CloudTrail: a Lambda interface still within its release time, and one stuck past it', async () => {
  cloudtrail.on(LookupEventsCommand, { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: account.lambdaInterface }] }).resolves({
    Events: [
      { EventName: 'CreateTags', EventTime: ago(5), Username: 'alice' },
      { EventName: 'DetachNetworkInterface', EventTime: ago(10), Username: 'AWSServiceRoleForLambda' },
      { EventName: 'CreateNetworkInterface', EventTime: ago(3000) },
    ],
  });
  const soon = await interfaces('--interface', account.lambdaInterface);
  expect(soon.byId[account.lambdaInterface]).toMatchObject({
    release: 'released-by-aws',
    why: 'its function is gone; Lambda deletes such interfaces within 45 minutes, and this one has waited 10 min',
    detached: { since: '2026-05-01T11:50:00Z', availableForSeconds: 600, lastEvent: { name: 'CreateTags', by: 'alice' } },
  });

  cloudtrail.on(LookupEventsCommand, { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: account.lambdaInterface }] }).resolves({
    Events: [{ EventName: 'DetachNetworkInterface', EventTime: ago(185), Username: 'AWSServiceRoleForLambda' }],
  });
  const stuck = await interfaces('--interface', account.lambdaInterface);
  expect(stuck.byId[account.lambdaInterface]).toMatchObject({
    release: 'needs-deleting',
    why: 'stuck: its function is gone and Lambda has not deleted it in 3 h 5 min (it does within 45 minutes)',
  });
});

test('the table: one line per interface, with the verdict and how long it has been available', async () => {
  // The command run as a user runs it reads the real clock.
  cloudtrail.on(LookupEventsCommand).resolves({ Events: [{ EventName: 'CreateNetworkInterface', EventTime: new Date(Date.now() - 3 * 24 * 3600_000), Username: 'bob' }] });
  const run = await runCli(['audit', '--interfaces', '--vpc', account.vpcId, '--interface', account.leftoverInterface, '--interface', account.instanceInterface],
    process.cwd(), { auditClients: () => clients });
  expect(run.code).toBe(0);
  const lines = run.out.split('\n');
  expect(lines[0]).toMatch(/^INTERFACE +STATUS +TYPE +USE +BEHIND IT +GROUPS +DESCRIPTION +VERDICT$/);
  expect(lines.find(l => l.startsWith(account.leftoverInterface))).toMatch(new RegExp(
    `^${account.leftoverInterface} +available +interface +unused +nothing +${account.leftover} leftover +"scratch interface" +needs deleting: created by the account.*; `
    + 'available for 3 days \\(since CreateNetworkInterface at \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z by bob\\)$'));
  expect(lines.find(l => l.startsWith(account.instanceInterface))).toMatch(/ +in-use +interface +used +EC2 instance i-\w+ .* in use: used by EC2 instance i-\w+$/);
  expect(lines[lines.length - 1]).toBe('us-east-1: 2 interfaces shown, 1 unused, 1 to delete. Nothing was changed.');
});

test('CloudTrail throttling is backed off; CloudTrail denied is a warning, and the listing goes on', async () => {
  cloudtrail.on(LookupEventsCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded')).resolves({ Events: [] });
  const throttled = await interfaces('--interface', account.leftoverInterface);
  expect(waits).toEqual([50]);
  expect(throttled.err).toContain(`throttled while trying to look up CloudTrail events for ${account.leftoverInterface}; waiting 0.1 s`);
  expect(throttled.byId[account.leftoverInterface].detached?.note).toMatch(/^no CloudTrail event of the last 90 days created, attached or detached it/);

  cloudtrail.on(LookupEventsCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: cloudtrail:LookupEvents'));
  const denied = await interfaces('--unused');
  expect(denied.code).toBe(0);
  expect(denied.report.warnings).toEqual(['Could not read CloudTrail (AccessDeniedException): how long each interface has been available is unknown.']);
  expect(denied.byId[account.leftoverInterface].detached).toBeUndefined();

  // An endpoint that is no CloudTrail (moto server answers with an HTML page) is a warning too.
  cloudtrail.on(LookupEventsCommand).rejects(Object.assign(new SyntaxError('Unexpected token \'<\', "<!doctype "... is not valid JSON'), { $metadata: {} }));
  const absent = await interfaces('--unused');
  expect(absent.code).toBe(0);
  expect(absent.report.warnings).toEqual(['Could not read CloudTrail (SyntaxError): how long each interface has been available is unknown.']);
});

describe('what the history says', () => {
  test.each([
    ['a detach, newest of all', [['DetachNetworkInterface', 30, 'ops'], ['AttachNetworkInterface', 90]], { since: 30, note: /^since DetachNetworkInterface at .* by ops$/ }],
    ['a create, never attached', [['CreateTags', 5], ['CreateNetworkInterface', 60]], { since: 60, note: /^since CreateNetworkInterface at / }],
    ['an attach newer than any detach', [['AttachNetworkInterface', 30], ['DetachNetworkInterface', 90]],
      { since: undefined, note: /^AttachNetworkInterface at .* attached it, and the call that detached it since did not name it, so when is unknown$/ }],
    ['nothing that attaches or detaches', [['CreateTags', 5]], { since: undefined, note: /^no CloudTrail event of the last 90 days/ }],
  ] as Array<[string, Array<[string, number, string?]>, { since?: number; note: RegExp }]>)('%s', (_, events, expected) => {
    const found = detachedSince(events.map(([EventName, minutes, Username]) => ({ EventName, EventTime: ago(minutes), Username })));
    expect(found.since).toBe(expected.since === undefined ? undefined : ago(expected.since).toISOString().replace('.000Z', 'Z'));
    expect(found.note).toMatch(expected.note);
  });

  test.each([[45, '45 s'], [600, '10 min'], [3 * 3600 + 300, '3 h 5 min'], [50 * 3600, '2 days 2 h'], [24 * 3600 * 3, '3 days']])('%i s is "%s"', (seconds, text) => {
    expect(duration(seconds)).toBe(text);
  });
});

describe('whether the owner is gone needs the list that would name it', () => {
  const base: Inventory = {
    groups: [], interfaces: [], endpoints: [], endpointsListed: true, loadBalancers: [], functions: [], tasksByInterface: new Map(), warnings: [],
  };
  const eni: NetworkInterface = { NetworkInterfaceId: 'eni-1', Status: 'available', RequesterManaged: true, Description: 'ELB net/gone-nlb/7a1b2c3d4e5f6a7b' };
  const nlb: AttributedResource = { kind: 'Network Load Balancer', id: 'gone-nlb' };
  test.each([
    ['a load balancer not listed', base, eni, nlb, 'gone'],
    ['load balancers unreadable', { ...base, loadBalancers: undefined }, eni, nlb, 'unknown'],
    ['an ECS task not among those listed', base, eni, { kind: 'ECS task', id: 'arn:aws:ecs:us-east-1:1:attachment/x' }, 'gone'],
    ['ECS unreadable', { ...base, tasksByInterface: undefined }, eni, { kind: 'ECS task', id: 'x' }, 'unknown'],
    ['an endpoint not listed', base, eni, { kind: 'VPC endpoint', id: 'vpce-1' }, 'gone'],
    ['endpoints unreadable', { ...base, endpointsListed: false }, eni, { kind: 'VPC endpoint', id: 'vpce-1' }, 'unknown'],
    ['a listed endpoint', { ...base, endpoints: [{ id: 'vpce-1', groupIds: [], interfaceIds: [] }] }, eni, { kind: 'VPC endpoint', id: 'vpce-1' }, 'present'],
    ['a NAT gateway (not listed by the command)', base, eni, { kind: 'NAT gateway', id: 'nat-1' }, 'unknown'],
  ] as Array<[string, Inventory, NetworkInterface, AttributedResource, string]>)('%s', (_, inventory, networkInterface, resource, owner) => {
    expect(ownerOf(networkInterface, resource, inventory)).toBe(owner);
  });

  test('a managed interface whose owner is gone is stuck; one whose owner cannot be known is left alone', () => {
    const inventory = { ...base, interfaces: [eni, { ...eni, NetworkInterfaceId: 'eni-2' }] };
    const [gone] = auditInterfaces(inventory, new Map(), NOW);
    expect(gone).toMatchObject({ owner: 'gone', release: 'needs-deleting', why: 'stuck: Network Load Balancer gone-nlb is gone, and AWS detached the interface without deleting it; the account may delete it' });
    const [unknown] = auditInterfaces({ ...inventory, loadBalancers: undefined }, new Map(), NOW);
    expect(unknown).toMatchObject({ owner: 'unknown', release: 'owner-may-use-it' });
  });
});
