/**
 * `sg-strategy prune` against moto server. Moto deletes whatever it is asked to, so EC2's deletes go through
 * test/support/fake-ec2-delete-refusals.ts, which refuses them as AWS does (DependencyViolation,
 * InvalidGroup.InUse, "Network interface ... is currently in use", CannotDelete), reading moto's own state.
 * The same fake marks the Lambda and RDS interfaces requester-managed, which moto cannot.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CreateLaunchConfigurationCommand } from '@aws-sdk/client-auto-scaling';
import {
  AcceptVpcPeeringConnectionCommand, AllocateAddressCommand, AssociateAddressCommand, AttachNetworkInterfaceCommand,
  AuthorizeSecurityGroupIngressCommand, CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand, CreateVpcCommand, CreateVpcPeeringConnectionCommand, DescribeNetworkInterfacesCommand, DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { buildCleanupAccount, buildRichGroups, CleanupAccount, cleanupClients } from './cleanup-account';
import { PRUNE_OPTIONS } from '../../src/cli/account-options';
import { parseArgs } from '../../src/cli/args';
import { AuditClients } from '../../src/cli/audit/inventory';
import { PruneReport, runPrune } from '../../src/cli/audit/prune';
import { PruneRecord } from '../../src/cli/audit/record';
import { RetryPolicy } from '../../src/handlers/shared/aws-calls';
import { awsError } from '../support/aws-errors';
import { runCli, tempDir } from '../support/cli';
import { FakeEc2DeleteRefusals } from '../support/fake-ec2-delete-refusals';
import { MotoServer, startMotoServer } from '../support/moto-server';

let moto: MotoServer;
let clients: AuditClients;
let ec2: EC2Client;
let s3: S3Client;
let fake: FakeEc2DeleteRefusals;
let account: CleanupAccount;
let cwd: string;

const waits: number[] = [];
const fakeClock: RetryPolicy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000, sleep: async ms => { waits.push(ms); }, random: () => 0.5 };
const NOW = new Date('2026-05-01T12:00:00Z');

beforeAll(async () => {
  moto = await startMotoServer();
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  ({ clients, ec2, fake, s3 } = cleanupClients(moto));
  account = await buildCleanupAccount(ec2, fake);
  cwd = tempDir('sg-prune-');
  waits.length = 0;
}, 30_000);

async function prune(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { cwd, env: {}, out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
  const code = await runPrune(parseArgs('prune', ['--vpc', account.vpcId, '--format', 'json', ...argv], PRUNE_OPTIONS), io, { clients: () => clients, retryPolicy: fakeClock, now: () => NOW });
  return { code, report: JSON.parse(out.join('')) as PruneReport, err: err.join('\n') };
}

/** An active peering connection between the account's VPC and `other`. */
async function peerWith(other: string): Promise<string> {
  const created = await ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: account.vpcId, PeerVpcId: other }));
  const pcx = created.VpcPeeringConnection!.VpcPeeringConnectionId!;
  await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  return pcx;
}

const outcomes = (report: PruneReport) => Object.fromEntries(report.items.map(i => [i.id, i.outcome]));
const groupIds = async () => ((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [account.vpcId] }] }))).SecurityGroups ?? []).map(g => g.GroupId!).sort();
const interfaceIds = async () => ((await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [account.vpcId] }] }))).NetworkInterfaces ?? [])
  .map(n => n.NetworkInterfaceId!).sort();
const records = (dir = path.join(cwd, 'sg-strategy-records')) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);

describe('the plan', () => {
  test('a dry run says what it would delete and why it keeps the rest, writes nothing and deletes nothing', async () => {
    const before = { groups: await groupIds(), interfaces: await interfaceIds() };
    const { code, report, err } = await prune('--interfaces', '--exempt-tag', 'team=platform');
    expect(code).toBe(0);
    expect(report.apply).toBe(false);
    expect(report.record).toBeUndefined();
    expect(outcomes(report)).toEqual({
      [account.leftoverInterface]: 'would-delete',
      [account.lambdaInterface]: 'would-delete',
      [account.db]: 'would-delete',
      [account.leftover]: 'would-delete',
      [account.lambda]: 'would-delete',
      [account.instanceInterface]: 'kept',
      [account.rdsInterface]: 'kept',
      [account.keptInterface]: 'kept',
      [account.defaultGroup]: 'kept',
      [account.stack]: 'kept',
      [account.kept]: 'kept',
      [account.platform]: 'kept',
      [account.web]: 'kept',
      [account.spare]: 'kept',
      [account.rds]: 'kept',
    });
    const why = Object.fromEntries(report.items.map(i => [i.id, i.why]));
    expect(why[account.stack]).toBe('it belongs to CloudFormation stack Orders: delete it through the stack, or the stack drifts and its next update fails');
    expect(why[account.kept]).toBe('exempt: it has the tag sg-strategy:keep');
    expect(why[account.platform]).toBe('exempt: it has the tag team=platform');
    expect(why[account.defaultGroup]).toContain('default group');
    expect(why[account.leftover]).toBe(`only ${account.leftoverInterface} holds it, and that goes first`);
    expect(why[account.rdsInterface]).toMatch(/^AWS manages it, and whether RDS database .* still exists is unknown/);
    expect(why[account.instanceInterface]).toContain('used by EC2 instance');
    expect(err).toContain('(dry run: nothing is deleted without --apply)');
    expect(fake.deletes).toEqual([]);
    expect(records()).toEqual([]);
    expect({ groups: await groupIds(), interfaces: await interfaceIds() }).toEqual(before);
    // No peering and no transit gateway: no group can be named from another VPC, so none is asked about.
    expect(fake.referenceQueries).toEqual([]);
  });

  test('interfaces go first, then each group before the groups its rules name', async () => {
    const { rich, peer } = await buildRichGroups(ec2, account.vpcId);
    const { report } = await prune('--interfaces');
    const order = report.items.filter(i => i.outcome === 'would-delete').map(i => i.id);
    expect(order.indexOf(rich)).toBeLessThan(order.indexOf(peer));
    expect(order.indexOf(account.leftoverInterface)).toBeLessThan(order.indexOf(account.leftover));
    expect(order.slice(0, 2).sort()).toEqual([account.leftoverInterface, account.lambdaInterface].sort());
  });

  test('without --interfaces, a group held by a leftover interface stays, and no interface is touched', async () => {
    const { report } = await prune();
    expect(report.items.every(i => i.kind === 'group')).toBe(true);
    expect(outcomes(report)[account.leftover]).toBe('kept');
    expect(outcomes(report)[account.spare]).toBe('kept');
  });

  test('--interface limits the plan to those interfaces: naming one deletes no group', async () => {
    const { report } = await prune('--interface', account.leftoverInterface);
    expect(outcomes(report)).toEqual({ [account.leftoverInterface]: 'would-delete' });
    const both = await prune('--interface', account.leftoverInterface, '--group', 'leftover');
    expect(outcomes(both.report)).toEqual({ [account.leftoverInterface]: 'would-delete', [account.leftover]: 'would-delete' });
  });

  test('--group limits the plan, and a default group named on purpose is still refused', async () => {
    const { report } = await prune('--group', `${account.spare},${account.defaultGroup}`, '--group', 'db');
    expect(outcomes(report)).toEqual({ [account.db]: 'would-delete', [account.spare]: 'kept', [account.defaultGroup]: 'kept' });
  });

  test('a group that only a launch template version or a launch configuration names is kept: AWS would delete it, and the next launch fails', async () => {
    const group = async (name: string) =>
      (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: account.vpcId }))).GroupId!;
    const [nodes, nodesV2, legacy] = [await group('asg-nodes'), await group('asg-nodes-v2'), await group('legacy-asg')];
    const template = await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'nodes', LaunchTemplateData: { ImageId: 'ami-12c6146b', SecurityGroupIds: [nodes] } }));
    await ec2.send(new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: template.LaunchTemplate!.LaunchTemplateId, LaunchTemplateData: { ImageId: 'ami-12c6146b', NetworkInterfaces: [{ DeviceIndex: 0, Groups: [nodesV2] }] },
    }));
    await clients.autoscaling.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: 'legacy', ImageId: 'ami-12c6146b', InstanceType: 't3.micro', SecurityGroups: [legacy] }));
    const { code, report } = await prune('--apply', '--group', nodes, '--group', nodesV2, '--group', legacy, '--group', 'platform');
    expect(code).toBe(0);
    expect(outcomes(report)).toEqual({ [nodes]: 'kept', [nodesV2]: 'kept', [legacy]: 'kept', [account.platform]: 'deleted' });
    const why = Object.fromEntries(report.items.map(i => [i.id, i.why]));
    expect(why[nodes]).toBe('EC2 launch template nodes:1 is configured with it');
    expect(why[nodesV2]).toBe('EC2 launch template nodes:2 is configured with it');
    expect(why[legacy]).toBe('Auto Scaling launch configuration legacy is configured with it');
    expect(fake.deletes).toEqual([`DeleteSecurityGroup ${account.platform}`]);
  });

  test('a list that could not be read keeps every group: the resource configured with one may be in it', async () => {
    const denied = new LambdaClient({ ...moto.clientConfig, maxAttempts: 1 });
    denied.send = (async () => { throw awsError('AccessDeniedException', 'not authorized to perform: lambda:ListFunctions'); }) as any;
    clients = { ...clients, lambda: denied };
    const { code, report } = await prune('--apply', '--interfaces');
    expect(code).toBe(0);
    expect(report.warnings).toEqual(['Could not list Lambda functions (AccessDeniedException): a deleted function cannot be told from a live one.']);
    const groups = report.items.filter(i => i.kind === 'group');
    expect(groups.every(i => i.outcome === 'kept')).toBe(true);
    expect(groups.find(i => i.id === account.db)!.why).toBe('the Lambda functions could not be listed (see the warnings), so whether one of them is configured with it is unknown');
    // The account's own leftover interface is still the account's: it goes, and only it.
    expect(fake.deletes).toEqual([`DeleteNetworkInterface ${account.leftoverInterface}`]);
    expect(await groupIds()).toContain(account.db);
  });

  test('an unused interface holding an Elastic IP is kept (deleting it releases the address), and so is one given one after the plan', async () => {
    const address = async () => (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    const held = await address();
    await ec2.send(new AssociateAddressCommand({ AllocationId: held, NetworkInterfaceId: account.leftoverInterface }));
    const late = await address();
    fake.beforeNext(c => c instanceof DescribeNetworkInterfacesCommand && c.input.NetworkInterfaceIds?.[0] === account.lambdaInterface, async () => {
      await ec2.send(new AssociateAddressCommand({ AllocationId: late, NetworkInterfaceId: account.lambdaInterface }));
    });
    const { code, report } = await prune('--apply', '--interface', account.leftoverInterface, '--interface', account.lambdaInterface);
    expect(code).toBe(1);
    expect(report.items.find(i => i.id === account.leftoverInterface)).toMatchObject({
      outcome: 'kept', why: expect.stringMatching(new RegExp(`^it holds Elastic IP [\\d.]+ \\(${held}\\), which deleting it would release`)),
    });
    expect(report.items.find(i => i.id === account.lambdaInterface)).toMatchObject({ outcome: 'skipped', why: expect.stringMatching(/^Elastic IP [\d.]+ was associated with it; not deleted$/) });
    expect(fake.deletes).toEqual([]);
  });

  test('a group that is not there is an error, and so is a bad flag', async () => {
    await expect(prune('--group', 'sg-0000000000000dead')).rejects.toThrow('prune: no security group "sg-0000000000000dead" in this region');
    const run = await runCli(['prune', '--aply'], cwd, { auditClients: () => clients });
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^sg-strategy: prune: unknown option --aply \(options: .*\)\. Did you mean --apply\?/);
  });
});

describe('--apply', () => {
  test('writes the whole record before the first delete, then deletes exactly the plan', async () => {
    const { rich, peer, prefixList } = await buildRichGroups(ec2, account.vpcId);
    let seenAtFirstDelete: PruneRecord | undefined;
    fake.beforeNextDelete(() => {
      const [name] = records();
      seenAtFirstDelete = JSON.parse(fs.readFileSync(path.join(cwd, 'sg-strategy-records', name), 'utf8'));
    });
    const { code, report, err } = await prune('--interfaces', '--apply', '--exempt-tag', 'team=platform');
    expect(code).toBe(0);

    const deleted = [account.leftoverInterface, account.lambdaInterface, account.db, account.leftover, account.lambda, rich, peer];
    expect(report.items.filter(i => i.outcome === 'deleted').map(i => i.id).sort()).toEqual([...deleted].sort());
    expect(fake.deletes).toHaveLength(deleted.length);
    const left = [account.defaultGroup, account.web, account.spare, account.stack, account.kept, account.platform, account.rds];
    expect(await groupIds()).toEqual(left.sort());
    expect(await interfaceIds()).toEqual([account.instanceInterface, account.rdsInterface, account.keptInterface].sort());

    // The record on disk at the first delete already held every group and interface, rules and all.
    expect(report.record).toBe(path.join('sg-strategy-records', 'sg-strategy-prune-us-east-1-2026-05-01T12-00-00-000Z.json'));
    expect(seenAtFirstDelete).toEqual(JSON.parse(fs.readFileSync(path.join(cwd, report.record!), 'utf8')));
    const record = seenAtFirstDelete!;
    expect(record).toMatchObject({ kind: 'sg-strategy-prune-record', schemaVersion: '1.0', region: 'us-east-1', createdAt: NOW.toISOString() });
    expect(record.interfaces.map(i => i.interfaceId).sort()).toEqual([account.leftoverInterface, account.lambdaInterface].sort());
    expect(record.interfaces.find(i => i.interfaceId === account.lambdaInterface)).toMatchObject({ requesterManaged: true, groupIds: [account.lambda], behind: expect.stringContaining('Lambda function retired-job') });
    const db = record.groups.find(g => g.groupId === account.db)!;
    expect(db).toMatchObject({ groupName: 'db', description: 'db group', vpcId: account.vpcId, tags: [{ Key: 'owner', Value: 'orders' }] });
    expect(db.ipPermissions).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 5432, UserIdGroupPairs: [expect.objectContaining({ GroupId: account.web, Description: 'from web' })] })]);
    const richRecord = record.groups.find(g => g.groupId === rich)!;
    const sources = richRecord.ipPermissions.flatMap(p => [...(p.IpRanges ?? []).map(r => r.CidrIp), ...(p.Ipv6Ranges ?? []).map(r => r.CidrIpv6),
      ...(p.PrefixListIds ?? []).map(r => r.PrefixListId), ...(p.UserIdGroupPairs ?? []).map(r => r.GroupId)]);
    expect(sources.sort()).toEqual(['10.0.0.0/8', '2001:db8::/32', prefixList, rich, peer].sort());
    expect(richRecord.ipPermissionsEgress).toEqual([
      expect.objectContaining({ PrefixListIds: [expect.objectContaining({ PrefixListId: prefixList })] }),
    ]);
    expect(record.groups.find(g => g.groupId === peer)!.referencedBy).toEqual([expect.objectContaining({ groupId: rich, direction: 'ingress', traffic: 'udp 53' })]);

    expect(err).toContain(`record: ${report.record}`);
    expect(err).toMatch(/group sg-\w+ \(7\/7\)\.\.\.\n {4}deleted/);
  });

  test('running it twice is harmless: nothing left to delete, no second record', async () => {
    expect((await prune('--interfaces', '--apply')).code).toBe(0);
    const deletes = fake.deletes.length;
    const again = await prune('--interfaces', '--apply');
    expect(again.code).toBe(0);
    expect(again.report.record).toBeUndefined();
    expect(again.report.items.every(i => i.outcome === 'kept')).toBe(true);
    expect(fake.deletes).toHaveLength(deletes);
    expect(records()).toHaveLength(1);
  });

  test('a record that cannot be written deletes nothing', async () => {
    const notADirectory = path.join(cwd, 'records-file');
    fs.writeFileSync(notADirectory, 'in the way');
    const run = await runCli(['prune', '--vpc', account.vpcId, '--apply', '--record-dir', notADirectory], cwd, { auditClients: () => clients });
    expect(run.code).toBe(2);
    expect(run.err).toMatch(new RegExp(`sg-strategy: Could not write the record to ${notADirectory} \\(.*\\)\\. Nothing was deleted\\.`));
    expect(fake.deletes).toEqual([]);
    expect(await groupIds()).toContain(account.db);
  });

  test('the record can go to S3, and a bucket that is not there deletes nothing', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'sg-records' }));
    const missing = await runCli(['prune', '--vpc', account.vpcId, '--apply', '--record-dir', 's3://no-such-bucket/prune'], cwd, { auditClients: () => clients });
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/Could not write the record to s3:\/\/no-such-bucket\/prune\/sg-strategy-prune-us-east-1-.*\.json: NoSuchBucket.*Nothing was deleted\./);
    expect(fake.deletes).toEqual([]);

    const { code, report } = await prune('--apply', '--record-dir', 's3://sg-records/prune/');
    expect(code).toBe(0);
    expect(report.record).toBe('s3://sg-records/prune/sg-strategy-prune-us-east-1-2026-05-01T12-00-00-000Z.json');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'sg-records' }));
    expect(listed.Contents?.map(c => c.Key)).toEqual(['prune/sg-strategy-prune-us-east-1-2026-05-01T12-00-00-000Z.json']);
    const body = await (await s3.send(new GetObjectCommand({ Bucket: 'sg-records', Key: listed.Contents![0].Key }))).Body!.transformToString();
    expect((JSON.parse(body) as PruneRecord).groups.map(g => g.groupId).sort()).toEqual([account.db, account.platform].sort());
  });
  test('a record on S3 never replaces an object there: a taken name, or one being written, moves it to the next name', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'sg-records' }));
    const first = 'prune/sg-strategy-prune-us-east-1-2026-05-01T12-00-00-000Z.json';
    await s3.send(new PutObjectCommand({ Bucket: 'sg-records', Key: first, Body: 'an earlier record' }));
    // The second name is being written by someone else as prune tries it: S3 answers ConditionalRequestConflict.
    s3.middlewareStack.add((next, context) => async args => {
      const key = (args.input as { Key?: string }).Key;
      if (context.commandName === 'PutObjectCommand' && key?.endsWith('-2.json')) throw awsError('ConditionalRequestConflict');
      return next(args);
    }, { step: 'initialize', name: 'conflictOnSecondName' });

    const { code, report } = await prune('--apply', '--record-dir', 's3://sg-records/prune');
    expect(code).toBe(0);
    expect(report.record).toBe('s3://sg-records/prune/sg-strategy-prune-us-east-1-2026-05-01T12-00-00-000Z-3.json');
    const read = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: 'sg-records', Key: key }))).Body!.transformToString();
    expect(await read(first)).toBe('an earlier record');
    expect((JSON.parse(await read('prune/sg-strategy-prune-us-east-1-2026-05-01T12-00-00-000Z-3.json')) as PruneRecord).groups.map(g => g.groupId).sort())
      .toEqual([account.db, account.platform].sort());
  });

  test('a record on S3 that cannot be read back, or reads back changed, deletes nothing', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'sg-records' }));
    let answer: 'refuse' | 'change' = 'refuse';
    s3.middlewareStack.add((next, context) => async args => {
      if (context.commandName !== 'GetObjectCommand') return next(args);
      if (answer === 'refuse') throw awsError('AccessDenied', 'Access Denied');
      const result = await next(args);
      (result.output as { Body?: unknown }).Body = { transformToString: async () => '{"kind":"sg-strategy-prune-record"}' };
      return result;
    }, { step: 'initialize', name: 'readBack' });

    const refused = await runCli(['prune', '--vpc', account.vpcId, '--apply', '--record-dir', 's3://sg-records/prune'], cwd, { auditClients: () => clients });
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/Could not read back the record s3:\/\/sg-records\/prune\/sg-strategy-prune-us-east-1-[^ ]*\.json: AccessDenied: Access Denied\. The record was written but cannot be read back, so restore could not use it\. Nothing was deleted\./);
    answer = 'change';
    const changed = await runCli(['prune', '--vpc', account.vpcId, '--apply', '--record-dir', 's3://sg-records/prune'], cwd, { auditClients: () => clients });
    expect(changed.code).toBe(2);
    expect(changed.err).toMatch(/The record read back from s3:\/\/sg-records\/prune\/sg-strategy-prune-us-east-1-[^ ]*\.json is not the one written\. Nothing was deleted\./);
    expect(fake.deletes).toEqual([]);
    expect(await groupIds()).toEqual(expect.arrayContaining([account.db, account.platform]));
  });
});

describe('races and partial failures', () => {
  test('a group that comes into use between the plan and its delete is found by the check and not deleted', async () => {
    fake.beforeNext(c => c instanceof DescribeSecurityGroupsCommand && c.input.GroupIds?.[0] === account.db, async () => {
      await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: account.subnetId, Groups: [account.db] }));
    });
    const { code, report } = await prune('--apply', '--group', 'db', '--group', 'spare', '--group', 'platform');
    expect(code).toBe(1);
    const db = report.items.find(i => i.id === account.db)!;
    expect(db.outcome).toBe('skipped');
    expect(db.why).toMatch(/^it came into use: eni-\w+ carries it now; not deleted$/);
    expect(outcomes(report)[account.platform]).toBe('deleted');
    expect(await groupIds()).toContain(account.db);
    expect(fake.deletes).toEqual([`DeleteSecurityGroup ${account.platform}`]);
  });

  test('a group that comes into use after the check is refused by AWS (DependencyViolation), reported, and the run goes on', async () => {
    fake.beforeNextDelete(async () => {
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: account.web, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, UserIdGroupPairs: [{ GroupId: account.db }] }] }));
    });
    const { code, report } = await prune('--apply', '--group', 'db', '--group', 'platform');
    expect(code).toBe(1);
    expect(report.items.find(i => i.id === account.db)).toMatchObject({
      outcome: 'refused', why: `AWS refused: it came into use (DependencyViolation: resource ${account.db} has a dependent object)`,
    });
    expect(outcomes(report)[account.platform]).toBe('deleted');
    expect(await groupIds()).toContain(account.db);
  });

  test('EC2-Classic\'s InvalidGroup.InUse is a refusal too', async () => {
    fake.answerInUseWith('InvalidGroup.InUse');
    fake.beforeNextDelete(async () => {
      await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: account.subnetId, Groups: [account.db] }));
    });
    const { report } = await prune('--apply', '--group', 'db');
    expect(report.items[0]).toMatchObject({ outcome: 'refused', why: expect.stringContaining('InvalidGroup.InUse') });
  });

  test('an interface attached after the plan is not deleted; one attached after the check is refused as AWS refuses it', async () => {
    const described = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [account.instanceInterface] }));
    const instanceId = described.NetworkInterfaces![0].Attachment!.InstanceId!;
    const recheckOf = (id: string) => (c: unknown) => c instanceof DescribeNetworkInterfacesCommand && c.input.NetworkInterfaceIds?.[0] === id;
    fake.beforeNext(recheckOf(account.leftoverInterface), async () => {
      await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: account.leftoverInterface, InstanceId: instanceId, DeviceIndex: 1 }));
    });
    const first = await prune('--apply', '--interface', account.leftoverInterface);
    expect(first.report.items.find(i => i.id === account.leftoverInterface)).toMatchObject({ outcome: 'skipped', why: `it came into use (in-use on ${instanceId}); not deleted` });

    fake.beforeNextDelete(async () => {
      await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: account.lambdaInterface, InstanceId: instanceId, DeviceIndex: 2 }));
    });
    const second = await prune('--apply', '--interface', account.lambdaInterface);
    expect(second.code).toBe(1);
    expect(second.report.items.find(i => i.id === account.lambdaInterface)).toMatchObject({
      outcome: 'refused', why: `AWS refused: it came into use (InvalidParameterValue: Network interface '${account.lambdaInterface}' is currently in use.)`,
    });
  });

  test('a group whose rules changed since the record was written is not deleted', async () => {
    fake.beforeNext(c => c instanceof DescribeSecurityGroupsCommand && c.input.GroupIds?.[0] === account.platform, async () => {
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: account.platform, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.1.0.0/16' }] }] }));
    });
    const { report } = await prune('--apply', '--group', 'platform');
    expect(report.items[0]).toMatchObject({ outcome: 'skipped', why: 'its rules or tags changed since the record was written; not deleted' });
  });

  test('a group named from across a peering (another account\'s rule) is kept, and one named so after the plan is not deleted', async () => {
    const other = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.71.0.0/16' }))).Vpc!.VpcId!;
    const pcx = await peerWith(other);
    fake.referenceAcross(account.platform, 'vpc-0aaaabbbbccccdddd', pcx);
    fake.beforeNext(c => c instanceof DescribeSecurityGroupsCommand && c.input.GroupIds?.[0] === account.db, () => {
      fake.referenceAcross(account.db, 'vpc-0aaaabbbbccccdddd', pcx);
    });
    const { code, report, err } = await prune('--apply', '--group', 'platform', '--group', 'db', '--group', 'stack');
    expect(code).toBe(1);
    expect(report.items.find(i => i.id === account.platform)).toMatchObject({
      outcome: 'kept', why: `rules in groups of vpc-0aaaabbbbccccdddd (${pcx}) name it across a peering or transit gateway; AWS would delete it and leave those rules stale`,
    });
    expect(report.items.find(i => i.id === account.db)).toMatchObject({
      outcome: 'skipped', why: `rules in groups of vpc-0aaaabbbbccccdddd (${pcx}) name it now, across a peering or transit gateway; not deleted`,
    });
    expect(fake.deletes).toEqual([]);
    // Asked once per group in scope of the peered VPC when planning (CloudFormation's too), and again just before a delete.
    expect(fake.referenceQueries.sort()).toEqual([account.db, account.db, account.platform, account.stack].sort());
    expect(err).toContain('VPCs with a peering connection or transit gateway attachment: 2');
  });

  test('when AWS will not say what names a group from across a peering, no group of the peered VPC is deleted', async () => {
    const other = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.72.0.0/16' }))).Vpc!.VpcId!;
    await peerWith(other);
    fake.refuseReferences('UnauthorizedOperation');
    const { code, report } = await prune('--apply', '--group', 'platform');
    expect(code).toBe(0);
    expect(report.items[0]).toMatchObject({ outcome: 'kept', why: 'whether a rule across a peering or transit gateway names it is unknown (UnauthorizedOperation)' });
    expect(fake.deletes).toEqual([]);
  });

  test('throttled deletes back off and go on; a delete that fails otherwise is reported with the rest, and exits 1', async () => {
    const { rich, peer } = await buildRichGroups(ec2, account.vpcId);
    // db's delete is throttled twice, then goes through; rich goes; peer's delete is refused for want of rights.
    fake.throttle(2);
    let calls = 0;
    for (let i = 0; i < 4; i++) fake.beforeNextDelete(() => { calls++; });
    fake.beforeNextDelete(() => {
      throw awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.');
    });
    const { code, report, err } = await prune('--apply', '--group', 'db', '--group', 'rich', '--group', 'peer');
    expect(code).toBe(1);
    expect(waits).toEqual([50, 100]);
    expect(err).toContain(`throttled while trying to delete ${account.db}; waiting 0.1 s`);
    expect(outcomes(report)).toEqual({ [account.db]: 'deleted', [rich]: 'deleted', [peer]: 'failed' });
    expect(report.items.find(i => i.id === peer)!.why).toBe(`Could not delete ${peer}: UnauthorizedOperation: You are not authorized to perform this operation.`);
    expect(calls).toBe(4);
    expect(await groupIds()).toContain(peer);
  });
});
