/**
 * The lock handler against moto server, a real EC2 API emulator started on 127.0.0.1: a VPC is created
 * through the API, rules of every kind are added to its default group, and the group's rules are read
 * back through the API after each step.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteVpcCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
  SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { LockEvent, makeHandler } from '../../src/handlers/lock-default-security-group';
import { MotoServer, startMotoServer } from '../support/moto-server';

let moto: MotoServer;
let ec2: EC2Client;

beforeAll(async () => {
  moto = await startMotoServer();
  ec2 = new EC2Client({ ...moto.clientConfig, maxAttempts: 1 });
}, 60_000);

afterAll(async () => {
  ec2?.destroy();
  await moto?.stop();
});

/** A dual-stack VPC whose default group has IPv4, IPv6, group-reference and prefix-list rules. */
async function vpcWithOpenDefaultGroup() {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16', AmazonProvidedIpv6CidrBlock: true }))).Vpc!;
  const groups = await ec2.send(new DescribeSecurityGroupsCommand({
    Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }, { Name: 'group-name', Values: ['default'] }],
  }));
  const groupId = groups.SecurityGroups![0].GroupId!;
  const other = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'app', Description: 'app', VpcId: vpc.VpcId }))).GroupId!;
  const prefixList = (await ec2.send(new CreateManagedPrefixListCommand({
    PrefixListName: 'office', MaxEntries: 2, AddressFamily: 'IPv4', Entries: [{ Cidr: '192.0.2.0/24' }],
  }))).PrefixList!.PrefixListId!;
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: groupId,
    IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: other }] },
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, PrefixListIds: [{ PrefixListId: prefixList }] },
    ],
  }));
  await ec2.send(new AuthorizeSecurityGroupEgressCommand({
    GroupId: groupId,
    IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, UserIdGroupPairs: [{ GroupId: groupId }] }],
  }));
  return { vpcId: vpc.VpcId!, groupId, other };
}

function shape(r: SecurityGroupRule) {
  return { egress: r.IsEgress, protocol: r.IpProtocol, cidr: r.CidrIpv4 ?? r.CidrIpv6, group: r.ReferencedGroupInfo?.GroupId };
}

async function rulesOf(groupId: string): Promise<SecurityGroupRule[]> {
  return (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }))).SecurityGroupRules ?? [];
}

function event(type: LockEvent['RequestType'], groupId: string, vpcId: string, props: Record<string, unknown> = {}): LockEvent {
  return { RequestType: type, PhysicalResourceId: type === 'Create' ? undefined : groupId, ResourceProperties: { DefaultSecurityGroupId: groupId, VpcId: vpcId, ...props } };
}

describe('lock handler against moto server', () => {
  test('Create strips every kind of rule, a second run changes nothing, Update heals drift, Delete leaves it locked', async () => {
    const { vpcId, groupId, other } = await vpcWithOpenDefaultGroup();
    const before = await rulesOf(groupId);
    // AWS's allow-all egress (IPv4 and, on a dual-stack VPC, IPv6) plus the five rules added above.
    expect(before.filter((r) => r.IsEgress && r.CidrIpv6 === '::/0')).toHaveLength(1);
    expect(before.some((r) => r.PrefixListId)).toBe(true);
    expect(before.some((r) => r.ReferencedGroupInfo?.GroupId === other)).toBe(true);
    expect(before).toHaveLength(7);

    const log: string[] = [];
    const run = makeHandler({ ec2, log: (line) => log.push(line) });

    expect(await run(event('Create', groupId, vpcId))).toEqual({ PhysicalResourceId: groupId, Data: { RevokedRuleCount: 7 } });
    expect(await rulesOf(groupId)).toEqual([]);
    // The record in the log names every rule that was revoked.
    const recorded = log.filter((l) => l.includes('"revoking"')).flatMap((l) => JSON.parse(l).rules.map((r: SecurityGroupRule) => r.SecurityGroupRuleId));
    expect(recorded.sort()).toEqual(before.map((r) => r.SecurityGroupRuleId).sort());

    expect(await run(event('Create', groupId, vpcId))).toEqual({ PhysicalResourceId: groupId, Data: { RevokedRuleCount: 0 } });
    expect(await rulesOf(groupId)).toEqual([]);

    // Someone opens SSH in the console; the next deploy's Update takes it away again.
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24' }] }],
    }));
    expect(await run(event('Update', groupId, vpcId))).toEqual({ PhysicalResourceId: groupId, Data: { RevokedRuleCount: 1 } });
    expect(await rulesOf(groupId)).toEqual([]);

    await run(event('Delete', groupId, vpcId));
    expect(await rulesOf(groupId)).toEqual([]);
    // The other group and its rules are untouched.
    expect((await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [other] }))).SecurityGroups).toHaveLength(1);
  });

  test("Delete with restoreAwsDefaultsOnDelete on a dual-stack VPC puts back AWS's three rules, ::/0 egress included; twice is harmless", async () => {
    const { vpcId, groupId } = await vpcWithOpenDefaultGroup();
    const run = makeHandler({ ec2, log: () => undefined });
    await run(event('Create', groupId, vpcId));

    const deletion = event('Delete', groupId, vpcId, { RestoreAwsDefaultsOnDelete: 'true' });
    await run(deletion);
    await run(deletion);
    const rules = await rulesOf(groupId);
    expect(rules.map(shape)).toEqual(expect.arrayContaining([
      { egress: false, protocol: '-1', cidr: undefined, group: groupId },
      { egress: true, protocol: '-1', cidr: '0.0.0.0/0', group: undefined },
      { egress: true, protocol: '-1', cidr: '::/0', group: undefined },
    ]));
    expect(rules).toHaveLength(3);
  });

  test('on an IPv4-only VPC the restore puts back the two IPv4 rules only, as AWS gives them', async () => {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.21.0.0/16' }))).Vpc!;
    const groupId = (await ec2.send(new DescribeSecurityGroupsCommand({
      Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }, { Name: 'group-name', Values: ['default'] }],
    }))).SecurityGroups![0].GroupId!;
    const aws = (await rulesOf(groupId)).map(shape);
    const run = makeHandler({ ec2, log: () => undefined });
    await run(event('Create', groupId, vpc.VpcId!));
    await run(event('Delete', groupId, vpc.VpcId!, { RestoreAwsDefaultsOnDelete: true }));
    const restored = (await rulesOf(groupId)).map(shape);
    expect(restored).toHaveLength(2);
    expect(restored).toEqual(expect.arrayContaining(aws));
  });

  test('a drift event that names the default VPC\'s default group only by name relocks it', async () => {
    const defaultVpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0];
    const groupId = (await ec2.send(new DescribeSecurityGroupsCommand({
      Filters: [{ Name: 'vpc-id', Values: [defaultVpc.VpcId!] }, { Name: 'group-name', Values: ['default'] }],
    }))).SecurityGroups![0].GroupId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupName: 'default', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }));
    expect((await rulesOf(groupId)).some((r) => r.FromPort === 22)).toBe(true);
    const run = makeHandler({ ec2, log: () => undefined, lockedGroupIds: groupId });
    await run({ 'detail-type': 'AWS API Call via CloudTrail', 'detail': { eventName: 'AuthorizeSecurityGroupIngress', requestParameters: { groupName: 'default' } } });
    expect(await rulesOf(groupId)).toEqual([]);
  });

  test('an Update for a group whose VPC was deleted out of band succeeds', async () => {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.22.0.0/16' }))).Vpc!;
    const groupId = (await ec2.send(new DescribeSecurityGroupsCommand({
      Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }, { Name: 'group-name', Values: ['default'] }],
    }))).SecurityGroups![0].GroupId!;
    await ec2.send(new DeleteVpcCommand({ VpcId: vpc.VpcId! }));
    const run = makeHandler({ ec2, log: () => undefined });
    expect(await run(event('Update', groupId, vpc.VpcId!))).toEqual({ PhysicalResourceId: groupId, Data: { RevokedRuleCount: 0 } });
  });

  test('a group that is not the default group is refused and keeps its rules', async () => {
    const { vpcId, other } = await vpcWithOpenDefaultGroup();
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: other, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
    }));
    const before = await rulesOf(other);
    const run = makeHandler({ ec2, log: () => undefined });
    await expect(run(event('Create', other, vpcId))).rejects.toThrow(/not a VPC's default security group/);
    expect(await rulesOf(other)).toEqual(before);
  });

  test('a drift event relocks a group this stack locks', async () => {
    const { groupId } = await vpcWithOpenDefaultGroup();
    const run = makeHandler({ ec2, log: () => undefined, lockedGroupIds: groupId });
    await run({ 'detail-type': 'AWS API Call via CloudTrail', 'detail': { eventName: 'AuthorizeSecurityGroupIngress', requestParameters: { groupId } } });
    expect(await rulesOf(groupId)).toEqual([]);
  });
});
