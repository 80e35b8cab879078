/**
 * `sg-strategy restore` against moto server: groups that `prune --apply` deleted (through the fake of AWS's
 * delete refusals, test/support/fake-ec2-delete-refusals.ts) come back from the record, with references among
 * them, a prefix list and IPv6 rules; and what cannot come back is listed.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  AuthorizeSecurityGroupEgressCommand, CreateSecurityGroupCommand, DeleteManagedPrefixListCommand, DescribeSecurityGroupsCommand, EC2Client,
  IpPermission, RevokeSecurityGroupEgressCommand, SecurityGroup,
} from '@aws-sdk/client-ec2';
import { buildCleanupAccount, buildRichGroups, CleanupAccount, cleanupClients } from './cleanup-account';
import { PRUNE_OPTIONS, RESTORE_OPTIONS } from '../../src/cli/account-options';
import { parseArgs } from '../../src/cli/args';
import { AuditClients } from '../../src/cli/audit/inventory';
import { runPrune } from '../../src/cli/audit/prune';
import { PruneRecord, validRecord, writeRecord } from '../../src/cli/audit/record';
import { RestoreReport, runRestore } from '../../src/cli/audit/restore';
import { AwsSession } from '../../src/cli/audit/session';
import { awsError } from '../support/aws-errors';
import { runCli, tempDir } from '../support/cli';
import { FakeEc2DeleteRefusals } from '../support/fake-ec2-delete-refusals';
import { MotoServer, startMotoServer } from '../support/moto-server';

let moto: MotoServer;
let clients: AuditClients;
let ec2: EC2Client;
let account: CleanupAccount;
let cwd: string;
let rich: string;
let peer: string;
let prefixList: string;
let before: { rich: SecurityGroup; peer: SecurityGroup };
let recordFile: string;
let fake: FakeEc2DeleteRefusals;

beforeAll(async () => {
  moto = await startMotoServer();
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

const io = (out: string[], err: string[]) => ({ cwd, env: {}, out: (t: string) => out.push(t), err: (t: string) => err.push(t) });
const describe1 = async (id: string) => (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups![0];

beforeEach(async () => {
  await moto.reset();
  ({ clients, ec2, fake } = cleanupClients(moto));
  account = await buildCleanupAccount(ec2, fake);
  ({ rich, peer, prefixList } = await buildRichGroups(ec2, account.vpcId));
  before = { rich: await describe1(rich), peer: await describe1(peer) };
  cwd = tempDir('sg-restore-');
  const out: string[] = [];
  const code = await runPrune(parseArgs('prune', ['--group', 'rich', '--group', 'peer', '--apply', '--format', 'json'], PRUNE_OPTIONS), io(out, []), { clients: () => clients });
  expect(code).toBe(0);
  recordFile = JSON.parse(out.join('')).record;
}, 30_000);

async function restore(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRestore(parseArgs('restore', [...argv, '--format', 'json'], RESTORE_OPTIONS), io(out, err), { clients: () => clients });
  return { code, report: JSON.parse(out.join('')) as RestoreReport, err: err.join('\n') };
}

/** A group's rules, one source each, with ids mapped, comparable whatever their order. */
function rules(permissions: IpPermission[] | undefined, ids: Record<string, string> = {}): string[] {
  return (permissions ?? []).flatMap(p => {
    const base = `${p.IpProtocol} ${p.FromPort ?? ''}-${p.ToPort ?? ''}`;
    return [
      ...(p.IpRanges ?? []).map(r => `${base} ${r.CidrIp} ${r.Description ?? ''}`),
      ...(p.Ipv6Ranges ?? []).map(r => `${base} ${r.CidrIpv6} ${r.Description ?? ''}`),
      ...(p.PrefixListIds ?? []).map(r => `${base} ${r.PrefixListId} ${r.Description ?? ''}`),
      ...(p.UserIdGroupPairs ?? []).map(r => `${base} ${ids[r.GroupId!] ?? r.GroupId} ${r.Description ?? ''}`),
    ];
  }).sort();
}

test('the deleted groups come back with their rules (IPv6, prefix list, self and each other re-pointed), egress and tags', async () => {
  await expect(describe1(rich)).rejects.toThrow();
  const { code, report, err } = await restore(recordFile);
  expect(code).toBe(0);
  expect(err).toContain(`sg-strategy restore: 2 groups from ${recordFile} into us-east-1...`);
  const byOld = Object.fromEntries(report.groups.map(g => [g.oldGroupId, g]));
  expect(byOld[rich]).toMatchObject({ groupName: 'rich', vpcId: account.vpcId, created: true, notRestored: [] });
  expect(byOld[peer]).toMatchObject({ groupName: 'peer', created: true, notRestored: [] });
  const newRich = byOld[rich].newGroupId!;
  const newPeer = byOld[peer].newGroupId!;
  expect(newRich).not.toBe(rich);

  const [after, afterPeer] = [await describe1(newRich), await describe1(newPeer)];
  const toNew = { [rich]: 'RICH', [newRich]: 'RICH', [peer]: 'PEER', [newPeer]: 'PEER' };
  expect(rules(after.IpPermissions, toNew)).toEqual(rules(before.rich.IpPermissions, toNew));
  // (Moto keeps no description on a prefix-list source, so the record has none for it.)
  expect(rules(after.IpPermissions, toNew)).toEqual([
    '-1 - RICH peers', `tcp 22-22 ${prefixList} `, 'tcp 443-443 10.0.0.0/8 corporate', 'tcp 443-443 2001:db8::/32 v6 corporate', 'udp 53-53 PEER ',
  ]);
  // Egress is the prefix list alone: AWS's default allow-all egress of the new group is gone again.
  expect(rules(after.IpPermissionsEgress)).toEqual([`tcp 443-443 ${prefixList} `]);
  expect(rules(afterPeer.IpPermissionsEgress)).toEqual(rules(before.peer.IpPermissionsEgress));
  expect(after).toMatchObject({ GroupName: 'rich', Description: 'rich group', VpcId: account.vpcId });
  expect(after.Tags).toEqual(expect.arrayContaining([{ Key: 'Name', Value: 'rich' }, { Key: 'sg-strategy:restored-from', Value: rich }]));
  expect(report.interfacesNotRecreated).toEqual([]);
});

test('restoring twice makes nothing twice', async () => {
  const first = await restore(recordFile);
  const second = await restore(recordFile);
  expect(second.code).toBe(0);
  expect(second.report.groups.map(g => [g.newGroupId, g.created])).toEqual(first.report.groups.map(g => [g.newGroupId, false]));
  const named = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [account.vpcId] }, { Name: 'group-name', Values: ['rich', 'peer'] }] }));
  expect(named.SecurityGroups).toHaveLength(2);
  expect(rules((await describe1(first.report.groups[0].newGroupId!)).IpPermissions)).toHaveLength(rules(before.rich.IpPermissions).length);
});

test('the allow-all egress CDK writes with a description comes back with its description', async () => {
  // CDK's allowAllOutbound group: AWS's default egress, stated again with CDK's description.
  const cdk = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'cdk-made', Description: 'cdk-made group', VpcId: account.vpcId }))).GroupId!;
  await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: cdk, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  await ec2.send(new AuthorizeSecurityGroupEgressCommand({
    GroupId: cdk, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'Allow all outbound traffic by default' }] }],
  }));
  const out: string[] = [];
  expect(await runPrune(parseArgs('prune', ['--group', cdk, '--apply', '--format', 'json'], PRUNE_OPTIONS), io(out, []), { clients: () => clients })).toBe(0);
  const { code, report } = await restore(JSON.parse(out.join('')).record);
  expect(code).toBe(0);
  expect(rules((await describe1(report.groups[0].newGroupId!)).IpPermissionsEgress)).toEqual(['-1 - 0.0.0.0/0 Allow all outbound traffic by default']);
});

test('a restore stopped after making a group is finished by the next run, default egress removed included', async () => {
  fake.beforeNext(c => c instanceof DescribeSecurityGroupsCommand && c.input.GroupIds !== undefined, () => {
    throw awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.');
  });
  await expect(restore(recordFile, '--group', 'rich')).rejects.toThrow(/UnauthorizedOperation/);
  const again = await restore(recordFile, '--group', 'rich');
  expect(again.report.groups[0].created).toBe(false);
  const after = await describe1(again.report.groups[0].newGroupId!);
  expect(rules(after.IpPermissionsEgress)).toEqual([`tcp 443-443 ${prefixList} `]);
});

test('a group restored alone says which rules could not come back, and exits 1', async () => {
  const onlyPeer = await restore(recordFile, '--group', 'peer');
  expect(onlyPeer.code).toBe(1);
  expect(onlyPeer.report.groups).toHaveLength(1);
  expect(onlyPeer.report.groups[0].notRestored).toEqual([
    `the ingress rule (udp 53) of ${rich} rich named the old id, and that group was deleted in the same run: restore it from this record too`,
  ]);

  const onlyRich = await restore(recordFile, '--group', rich);
  expect(onlyRich.code).toBe(1);
  // peer now exists again (restored just above) under a new id; the record's peer id is gone for good.
  expect(onlyRich.report.groups[0].notRestored).toEqual([
    `ingress udp 53 from ${peer}: ${peer} no longer exists, and is not restored by this run`,
  ]);
});

test('a prefix list deleted since is listed as not restored (the fake refuses it as AWS does; moto accepts it)', async () => {
  await ec2.send(new DeleteManagedPrefixListCommand({ PrefixListId: prefixList }));
  const { code, report } = await restore(recordFile);
  const notRestored = report.groups.find(g => g.oldGroupId === rich)!.notRestored;
  expect(code).toBe(1);
  expect(notRestored).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^ingress tcp 22 from ${prefixList}`))]));
});

test('a group of the same name that restore did not make is left alone, and said so', async () => {
  await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'peer', Description: 'someone else', VpcId: account.vpcId }));
  const { code, report } = await restore(recordFile, '--group', 'peer');
  expect(code).toBe(1);
  expect(report.groups[0].newGroupId).toBeUndefined();
  expect(report.groups[0]).toMatchObject({
    notRestored: [`not restored: ${account.vpcId} already has a group named peer that this command did not make; rename or delete it, and run again`],
  });
});

test('the table says the same in words', async () => {
  const run = await runCli(['restore', recordFile], cwd, { auditClients: () => clients });
  expect(run.code).toBe(0);
  expect(run.out).toMatch(new RegExp(`^${rich} rich -> sg-\\w+ \\(created\\), 6 rules in place$`, 'm'));
  expect(run.out).toContain('The new groups have new ids.');
  expect(run.out).toMatch(/us-east-1: 2 of 2 groups restored, all rules and tags in place\.$/);
});

describe('a record it did not write', () => {
  const write = (value: unknown) => {
    const file = path.join(cwd, 'record.json');
    fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return 'record.json';
  };
  const good = () => JSON.parse(fs.readFileSync(path.join(cwd, recordFile), 'utf8')) as PruneRecord;

  test.each([
    ['not JSON', () => '{ nope', /record\.json is not JSON/],
    ['another kind', () => ({ ...good(), kind: 'something-else' }), /is not a record that sg-strategy prune wrote: "kind" is "something-else"/],
    ['a newer schema', () => ({ ...good(), schemaVersion: '2.0' }), /"schemaVersion" is "2\.0"; this command reads "1\.0"/],
    ['a bad group id', () => ({ ...good(), groups: [{ ...good().groups[0], groupId: 'i-123' }] }), /groups\[0\]\.groupId is not a security group id/],
    ['a rule without a protocol', () => ({ ...good(), groups: [{ ...good().groups[0], ipPermissions: [{}] }] }), /groups\[0\] has a rule without IpProtocol/],
  ])('%s is refused before anything is made', async (_, value, message) => {
    const run = await runCli(['restore', write(value())], cwd, { auditClients: () => clients });
    expect(run.code).toBe(2);
    expect(run.err).toMatch(message);
    const named = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['rich', 'peer'] }] }));
    expect(named.SecurityGroups).toEqual([]);
  });

  test('a record of the European Sovereign Cloud (eusc-de-east-1) is a record', () => {
    expect(validRecord({ ...good(), region: 'eusc-de-east-1' }, 'record.json').region).toBe('eusc-de-east-1');
    expect(() => validRecord({ ...good(), region: 'Frankfurt' }, 'record.json')).toThrow('"region" is not an AWS region');
  });

  test('prune writes no record that restore would refuse, and so deletes nothing', async () => {
    const dir = path.join(cwd, 'checked');
    const broken = { ...good(), groups: [{ ...good().groups[0], vpcId: '' }] };
    await expect(writeRecord(broken, { dir }, {} as AwsSession)).rejects.toThrow(
      'the record about to be written is not a record that sg-strategy prune wrote: groups[0].vpcId is missing. Nothing was deleted.');
    expect(fs.existsSync(dir)).toBe(false);
  });

  test('AWS\'s own tags (aws:...) cannot be set, and are listed', async () => {
    const record = good();
    const edited = { ...record, groups: record.groups.map(g => (g.groupId === peer ? { ...g, tags: [...g.tags, { Key: 'aws:cloudformation:stack-name', Value: 'Old' }] } : g)) };
    const { code, report } = await restore(write(edited), '--group', 'peer');
    expect(code).toBe(1);
    expect(report.groups[0].notRestored).toEqual(expect.arrayContaining(['tag aws:cloudformation:stack-name=Old: keys starting with aws: are AWS\'s own']));
  });

  test('a record of another region is not restored where --region says', async () => {
    const run = await runCli(['restore', recordFile, '--region', 'eu-west-1'], cwd, { auditClients: () => clients });
    expect(run.code).toBe(2);
    expect(run.err).toContain('restore: the record is of us-east-1, and --region says eu-west-1; groups are restored where they were');
  });
});
