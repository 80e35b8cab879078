/**
 * Error paths of the lock handler, with the EC2 client mocked by aws-sdk-client-mock. The happy paths run
 * against moto server in lock-default-security-group.moto.test.ts.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { LockEvent, handler, makeHandler } from '../../src/handlers/lock-default-security-group';
import { awsError } from '../support/aws-errors';

const ec2Mock = mockClient(EC2Client);
const GROUP = 'sg-0aaaaaaaaaaaaaaa1';
const VPC = 'vpc-0bbbbbbbbbbbbbbb1';

function rule(id: string, egress: boolean, extra: Partial<SecurityGroupRule> = {}): SecurityGroupRule {
  return { SecurityGroupRuleId: id, GroupId: GROUP, IsEgress: egress, IpProtocol: '-1', FromPort: -1, ToPort: -1, ...extra };
}

function createEvent(props: Record<string, unknown> = {}, type: LockEvent['RequestType'] = 'Create'): LockEvent {
  return { RequestType: type, PhysicalResourceId: type === 'Create' ? undefined : GROUP, ResourceProperties: { DefaultSecurityGroupId: GROUP, VpcId: VPC, ...props } };
}

/** A handler with a log we can read. */
function subject(lockedGroupIds?: string) {
  const log: string[] = [];
  const run = makeHandler({ ec2: new EC2Client({ region: 'eu-west-1' }), log: (line) => log.push(line), lockedGroupIds });
  return { run, log };
}

function defaultGroup(name = 'default', vpcId = VPC) {
  ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: GROUP, GroupName: name, VpcId: vpcId }] });
}

beforeEach(() => ec2Mock.reset());

describe('lock handler', () => {
  test('follows every page of the rules and revokes ingress and egress by rule id, recording them first', async () => {
    defaultGroup();
    ec2Mock.on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({ SecurityGroupRules: [rule('sgr-1', false), rule('sgr-2', true)], NextToken: 'page-2' })
      .resolvesOnce({ SecurityGroupRules: [rule('sgr-3', true, { CidrIpv6: '::/0' })] })
      .resolves({ SecurityGroupRules: [] });
    const order: string[] = [];
    ec2Mock.on(RevokeSecurityGroupIngressCommand).callsFake(() => { order.push('revoke'); return {}; });
    ec2Mock.on(RevokeSecurityGroupEgressCommand).callsFake(() => { order.push('revoke'); return {}; });
    const { run, log } = subject();

    const response = await run(createEvent());

    expect(response).toEqual({ PhysicalResourceId: GROUP, Data: { RevokedRuleCount: 3 } });
    const pages = ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand).map((c) => c.args[0].input.NextToken);
    expect(pages.slice(0, 2)).toEqual([undefined, 'page-2']);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)[0].args[0].input).toEqual({ GroupId: GROUP, SecurityGroupRuleIds: ['sgr-1'] });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupEgressCommand)[0].args[0].input).toEqual({ GroupId: GROUP, SecurityGroupRuleIds: ['sgr-2', 'sgr-3'] });
    // The record holds every rule in full, and was written before anything was revoked.
    const record = JSON.parse(log.find((l) => l.includes('"revoking"'))!);
    expect(record.rules.map((r: SecurityGroupRule) => r.SecurityGroupRuleId)).toEqual(['sgr-1', 'sgr-2', 'sgr-3']);
    expect(record.rules[2].CidrIpv6).toBe('::/0');
    expect(log.indexOf(log.find((l) => l.includes('"revoking"'))!)).toBeLessThan(log.findIndex((l) => l.includes('"locked"')));
    expect(order).toHaveLength(2);
  });

  test('a locked group is left alone: no revoke at all', async () => {
    defaultGroup();
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    const { run } = subject();
    expect(await run(createEvent({}, 'Update'))).toEqual({ PhysicalResourceId: GROUP, Data: { RevokedRuleCount: 0 } });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupEgressCommand)).toHaveLength(0);
  });

  test('throttling the SDK gave up on fails the deployment with the throttling error (the SDK retries: see shared/aws-calls.test.ts)', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(awsError('RequestLimitExceeded', 'Request limit exceeded.'));
    const { run } = subject();
    await expect(run(createEvent())).rejects.toThrow(`Could not describe security group ${GROUP}: RequestLimitExceeded: Request limit exceeded.`);
  });

  test('Update of a group deleted out of band succeeds and says so; Create still fails', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(awsError('InvalidGroup.NotFound'));
    const { run, log } = subject();
    expect(await run(createEvent({}, 'Update'))).toEqual({ PhysicalResourceId: GROUP, Data: { RevokedRuleCount: 0 } });
    expect(log).toContainEqual(expect.stringContaining('"lock-skipped"'));
    await expect(run(createEvent())).rejects.toThrow(/does not exist, so it cannot be locked/);
  });

  test('a forward Update whose revoke is denied fails the deploy', async () => {
    defaultGroup();
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [rule('sgr-1', false)] });
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation', 'denied by an SCP'));
    const { run } = subject();
    const forward = { ...createEvent({ DeployNonce: '2026-11-22T10:00:00.000Z' }, 'Update'), OldResourceProperties: { DefaultSecurityGroupId: GROUP, VpcId: VPC, DeployNonce: '2026-11-21T10:00:00.000Z' } };
    await expect(run(forward)).rejects.toThrow(/UnauthorizedOperation: denied by an SCP/);
  });

  test('the Update of a rollback (an older DeployNonce) relocks best-effort: a denied revoke is reported, not a failed rollback', async () => {
    defaultGroup();
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [rule('sgr-1', false)] });
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation', 'denied by an SCP'));
    const { run, log } = subject();
    const rollback = { ...createEvent({ DeployNonce: '2026-11-21T10:00:00.000Z' }, 'Update'), OldResourceProperties: { DefaultSecurityGroupId: GROUP, VpcId: VPC, DeployNonce: '2026-11-22T10:00:00.000Z' } };
    const response = await run(rollback) as any;
    expect(response.PhysicalResourceId).toBe(GROUP);
    expect(response.Data.RevokedRuleCount).toBe(0);
    expect(response.Data.RelockError).toMatch(/UnauthorizedOperation: denied by an SCP/);
    expect(log).toContainEqual(expect.stringContaining('"relock-failed-during-rollback"'));
  });

  test('a rule gone between describe and revoke is not an error: the rest are revoked one by one', async () => {
    defaultGroup();
    ec2Mock.on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({ SecurityGroupRules: [rule('sgr-1', false), rule('sgr-gone', false), rule('sgr-3', false)] })
      .resolves({ SecurityGroupRules: [] });
    ec2Mock.on(RevokeSecurityGroupIngressCommand, { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-1', 'sgr-gone', 'sgr-3'] })
      .rejects(awsError('InvalidSecurityGroupRuleId.NotFound'));
    ec2Mock.on(RevokeSecurityGroupIngressCommand, { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-gone'] })
      .rejects(awsError('InvalidPermission.NotFound'));
    const { run } = subject();
    const response = await run(createEvent());
    expect(response).toEqual({ PhysicalResourceId: GROUP, Data: { RevokedRuleCount: 2 } });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input.SecurityGroupRuleIds))
      .toEqual([['sgr-1', 'sgr-gone', 'sgr-3'], ['sgr-1'], ['sgr-gone'], ['sgr-3']]);
  });

  test('an unexpected error fails the deployment with a message naming the group and the error', async () => {
    defaultGroup();
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [rule('sgr-1', true)] });
    ec2Mock.on(RevokeSecurityGroupEgressCommand).rejects(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.'));
    const { run } = subject();
    await expect(run(createEvent())).rejects.toThrow(
      `Could not revoke rules of ${GROUP}: UnauthorizedOperation: You are not authorized to perform this operation.`,
    );
  });

  test('refuses a group that is not a default group, and touches nothing', async () => {
    defaultGroup('web-servers');
    const { run } = subject();
    await expect(run(createEvent())).rejects.toThrow(/Refusing to change security group sg-0aaaaaaaaaaaaaaa1 \("web-servers"\): it is not a VPC's default security group/);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(0);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  test('refuses the default group of another VPC', async () => {
    defaultGroup('default', 'vpc-0ccccccccccccccc1');
    const { run } = subject();
    await expect(run(createEvent())).rejects.toThrow(/it is the default group of vpc-0ccccccccccccccc1, not of vpc-0bbbbbbbbbbbbbbb1/);
  });

  test('a group that does not exist fails the deployment clearly', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(awsError('InvalidGroup.NotFound'));
    const { run } = subject();
    await expect(run(createEvent())).rejects.toThrow(/Security group sg-0aaaaaaaaaaaaaaa1 does not exist, so it cannot be locked/);
  });

  test('fails, naming the rules, when something keeps adding rules faster than it revokes them', async () => {
    defaultGroup();
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [rule('sgr-again', false)] });
    const { run } = subject();
    await expect(run(createEvent())).rejects.toThrow(/still has 1 rule\(s\) after 3 rounds of revoking \(sgr-again\)/);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(3);
  });

  describe('Delete', () => {
    test('leaves the group locked by default, without calling EC2', async () => {
      const { run, log } = subject();
      expect(await run(createEvent({}, 'Delete'))).toEqual({ PhysicalResourceId: GROUP, Data: { RevokedRuleCount: 0 } });
      expect(ec2Mock.calls()).toHaveLength(0);
      expect(log.join('\n')).toContain('left-locked');
    });

    test("restores AWS's two default rules when asked, tolerating rules already there", async () => {
      defaultGroup();
      ec2Mock.on(AuthorizeSecurityGroupIngressCommand).rejects(awsError('InvalidPermission.Duplicate'));
      ec2Mock.on(AuthorizeSecurityGroupEgressCommand).resolves({ Return: true });
      // An IPv6 block that was disassociated does not count.
      ec2Mock.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: VPC, Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f14::/56', Ipv6CidrBlockState: { State: 'disassociated' } }] }] });
      const { run } = subject();
      await run(createEvent({ RestoreAwsDefaultsOnDelete: 'true' }, 'Delete'));
      expect(ec2Mock.commandCalls(AuthorizeSecurityGroupEgressCommand)).toHaveLength(1);
      expect(ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand)[0].args[0].input).toEqual({
        GroupId: GROUP, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: GROUP }] }],
      });
      expect(ec2Mock.commandCalls(AuthorizeSecurityGroupEgressCommand)[0].args[0].input).toEqual({
        GroupId: GROUP, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      });
    });

    test('restoring succeeds when the VPC and its group are already gone', async () => {
      ec2Mock.on(DescribeSecurityGroupsCommand).rejects(awsError('InvalidGroup.NotFound'));
      const { run } = subject();
      await expect(run(createEvent({ RestoreAwsDefaultsOnDelete: 'true' }, 'Delete'))).resolves.toEqual({ PhysicalResourceId: GROUP, Data: { RevokedRuleCount: 0 } });
      expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input)).toEqual([{ GroupIds: [GROUP] }]);
      expect(ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0);
      expect(ec2Mock.commandCalls(AuthorizeSecurityGroupEgressCommand)).toHaveLength(0);
    });

    test('restoring fails, naming the group, when describing it fails for any other reason', async () => {
      ec2Mock.on(DescribeSecurityGroupsCommand).rejects(awsError('UnauthorizedOperation', 'You are not authorized'));
      const { run } = subject();
      await expect(run(createEvent({ RestoreAwsDefaultsOnDelete: 'true' }, 'Delete'))).rejects.toThrow(new RegExp(`${GROUP}.*UnauthorizedOperation`));
      expect(ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0);
    });
  });

  describe('drift events', () => {
    const drift = (requestParameters: Record<string, unknown>, eventName = 'AuthorizeSecurityGroupIngress') => ({
      'detail-type': 'AWS API Call via CloudTrail', 'detail': { eventName, requestParameters },
    });

    test('relocks a group this stack locks, from an Authorize event and from a ModifySecurityGroupRules event', async () => {
      defaultGroup();
      ec2Mock.on(DescribeSecurityGroupRulesCommand)
        .resolvesOnce({ SecurityGroupRules: [rule('sgr-console', false)] }).resolvesOnce({ SecurityGroupRules: [] })
        .resolvesOnce({ SecurityGroupRules: [rule('sgr-modified', false)] }).resolves({ SecurityGroupRules: [] });
      const { run } = subject(`sg-0other000000000001,${GROUP}`);
      await run(drift({ groupId: GROUP }));
      await run(drift({ ModifySecurityGroupRulesRequest: { GroupId: GROUP } }, 'ModifySecurityGroupRules'));
      expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input.SecurityGroupRuleIds))
        .toEqual([['sgr-console'], ['sgr-modified']]);
    });

    test('ignores a group this stack does not lock, without calling EC2', async () => {
      const { run, log } = subject(GROUP);
      expect(await run(drift({ groupId: 'sg-0someoneelse00001' }))).toBeUndefined();
      expect(ec2Mock.calls()).toHaveLength(0);
      expect(log.join('\n')).toContain('not a group this stack locks');
    });
  });

  test('the Lambda entry point rejects an event it does not know', async () => {
    await expect(handler({ 'detail-type': 'Scheduled Event', 'detail': {} })).rejects.toThrow(/Unrecognised event/);
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});

describe('lock handler at the edges', () => {
  const drift = (requestParameters: Record<string, unknown>) => ({
    'detail-type': 'AWS API Call via CloudTrail', 'detail': { eventName: 'AuthorizeSecurityGroupIngress', requestParameters },
  });
  const records = (log: string[]) => log.map((line) => JSON.parse(line));

  test('a resource without a DefaultSecurityGroupId is refused before any call, as a LockError', async () => {
    const { run } = subject();
    const error = await run({ RequestType: 'Create', ResourceProperties: { VpcId: VPC } as any }).catch((e) => e);
    expect(error).toMatchObject({ name: 'LockError', message: 'The custom resource has no DefaultSecurityGroupId property.' });
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  test('a Delete answers with the physical id CloudFormation sent, not the group in the properties', async () => {
    // A replaced group: CloudFormation deletes the old physical id; answering another would orphan it.
    const { run } = subject();
    const deletion = { ...createEvent({}, 'Delete'), PhysicalResourceId: 'sg-0old000000000000001' };
    expect(await run(deletion)).toEqual({ PhysicalResourceId: 'sg-0old000000000000001', Data: { RevokedRuleCount: 0 } });
  });

  test('restoreAwsDefaultsOnDelete as a boolean restores too (the Provider may pass it unstringified); false leaves it locked', async () => {
    defaultGroup();
    ec2Mock.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: VPC }] });
    const { run } = subject();
    await run(createEvent({ RestoreAwsDefaultsOnDelete: false }, 'Delete'));
    expect(ec2Mock.calls()).toHaveLength(0);
    await run(createEvent({ RestoreAwsDefaultsOnDelete: true }, 'Delete'));
    // A VPC described without any IPv6 association set gets the IPv4 egress rule only.
    expect(ec2Mock.commandCalls(AuthorizeSecurityGroupEgressCommand).map((c) => c.args[0].input.IpPermissions)).toEqual([
      [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    ]);
    expect(ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(1);
  });

  test('a restore that AWS refuses fails the Delete naming the change and the error', async () => {
    defaultGroup();
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation', 'denied by an SCP'));
    const { run } = subject();
    await expect(run(createEvent({ RestoreAwsDefaultsOnDelete: 'true' }, 'Delete')))
      .rejects.toThrow('Could not change the default security group: UnauthorizedOperation: denied by an SCP');
    expect(ec2Mock.commandCalls(AuthorizeSecurityGroupEgressCommand)).toHaveLength(0);
  });

  test('a restore whose VPC cannot be described fails naming the VPC, after the ingress rule and before any egress rule', async () => {
    defaultGroup();
    ec2Mock.on(DescribeVpcsCommand).rejects(awsError('UnauthorizedOperation', 'no ec2:DescribeVpcs'));
    const { run } = subject();
    await expect(run(createEvent({ RestoreAwsDefaultsOnDelete: 'true' }, 'Delete')))
      .rejects.toThrow(`Could not describe VPC ${VPC}: UnauthorizedOperation: no ec2:DescribeVpcs`);
    expect(ec2Mock.commandCalls(AuthorizeSecurityGroupEgressCommand)).toHaveLength(0);
  });

  test('a restore of a group already gone is recorded as skipped', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(awsError('InvalidGroupId.NotFound'));
    const { run, log } = subject();
    await run(createEvent({ RestoreAwsDefaultsOnDelete: 'true' }, 'Delete'));
    expect(records(log)).toEqual([{ action: 'restore-skipped', reason: 'group no longer exists', groupId: GROUP }]);
  });

  test('the record of an Update whose group is gone names the group and why', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(awsError('InvalidGroup.NotFound'));
    const { run, log } = subject();
    await run(createEvent({}, 'Update'));
    expect(records(log)).toEqual([{ action: 'lock-skipped', reason: expect.stringContaining('no longer exists'), groupId: GROUP }]);
  });

  test('describing the rules fails the deployment naming the group', async () => {
    defaultGroup();
    ec2Mock.on(DescribeSecurityGroupRulesCommand).rejects(awsError('UnauthorizedOperation', 'no ec2:DescribeSecurityGroupRules'));
    const { run } = subject();
    await expect(run(createEvent())).rejects.toThrow(`Could not describe the rules of ${GROUP}: UnauthorizedOperation: no ec2:DescribeSecurityGroupRules`);
  });

  test('rules added while it revokes are revoked as long as they stop within the rounds: the lock succeeds', async () => {
    defaultGroup();
    ec2Mock.on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({ SecurityGroupRules: [rule('sgr-1', false)] })
      .resolvesOnce({ SecurityGroupRules: [rule('sgr-2', false)] })
      .resolvesOnce({ SecurityGroupRules: [rule('sgr-3', true)] })
      .resolves({ SecurityGroupRules: [] });
    const { run } = subject();
    expect(await run(createEvent())).toEqual({ PhysicalResourceId: GROUP, Data: { RevokedRuleCount: 3 } });
  });

  test('a lock that gives up names every rule still there', async () => {
    defaultGroup();
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [rule('sgr-a', false), rule('sgr-b', true)] });
    const { run } = subject();
    await expect(run(createEvent())).rejects.toThrow(/still has 2 rule\(s\) after 3 rounds of revoking \(sgr-a, sgr-b\)/);
  });

  test('a rule described without IsEgress is revoked as ingress', async () => {
    defaultGroup();
    ec2Mock.on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({ SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-1', GroupId: GROUP, IpProtocol: '-1' }] })
      .resolves({ SecurityGroupRules: [] });
    const { run } = subject();
    await run(createEvent());
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input.SecurityGroupRuleIds)).toEqual([['sgr-1']]);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupEgressCommand)).toHaveLength(0);
  });

  test('a rollback relock that fails reports at most 1,000 characters of the error (CloudFormation takes 4,096 bytes)', async () => {
    defaultGroup();
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [rule('sgr-1', false)] });
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation', 'x'.repeat(5_000)));
    const { run } = subject();
    const rollback = { ...createEvent({ DeployNonce: '2026-11-21T10:00:00.000Z' }, 'Update'), OldResourceProperties: { DefaultSecurityGroupId: GROUP, VpcId: VPC, DeployNonce: '2026-11-22T10:00:00.000Z' } };
    const response = await run(rollback) as any;
    expect(response.Data.RelockError).toHaveLength(1_000);
    expect(response.Data.RelockError).toMatch(/^Could not revoke rules of/);
  });

  test('a drift event for a locked group deleted meanwhile is a no-op, not a failure', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(awsError('InvalidGroup.NotFound'));
    const { run } = subject(GROUP);
    expect(await run(drift({ groupId: GROUP }))).toEqual({ groupId: GROUP, revoked: [] });
  });

  test('a drift event is ignored, and recorded as such, when its group has neither an id nor a name we can find', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(awsError('InvalidGroup.NotFound'));
    const { run, log } = subject(GROUP);
    expect(await run(drift({ groupName: 'gone' }))).toBeUndefined();
    expect(await run(drift({}))).toBeUndefined();
    expect(records(log)).toEqual([
      { action: 'ignored', reason: 'not a group this stack locks', groupId: null, eventName: 'AuthorizeSecurityGroupIngress' },
      { action: 'ignored', reason: 'not a group this stack locks', groupId: null, eventName: 'AuthorizeSecurityGroupIngress' },
    ]);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input)).toEqual([{ GroupNames: ['gone'] }]);
  });

  test('a drift event whose group name cannot be looked up fails naming the name', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(awsError('UnauthorizedOperation', 'denied'));
    const { run } = subject(GROUP);
    await expect(run(drift({ groupName: 'default' }))).rejects.toThrow('Could not find the security group named default: UnauthorizedOperation: denied');
  });

  test('a describe that answers without any group reads as a missing group: Create fails clearly, Update skips', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({});
    const { run } = subject();
    await expect(run(createEvent())).rejects.toThrow(/does not exist, so it cannot be locked/);
    expect(await run(createEvent({}, 'Update'))).toEqual({ PhysicalResourceId: GROUP, Data: { RevokedRuleCount: 0 } });
  });

  test('a drift event naming a group that the describe does not return is ignored', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).resolvesOnce({}).resolves({ SecurityGroups: [] });
    const { run } = subject(GROUP);
    expect(await run(drift({ groupName: 'default' }))).toBeUndefined();
    expect(await run(drift({ groupName: 'default' }))).toBeUndefined();
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(0);
  });

  test('the restore records what it put back; a VPC described without detail, or an IPv6 block without a state, gets no ::/0 rule', async () => {
    defaultGroup();
    ec2Mock.on(DescribeVpcsCommand).resolvesOnce({}).resolvesOnce({ Vpcs: [] })
      .resolves({ Vpcs: [{ VpcId: VPC, Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f14::/56' }] }] });
    const { run, log } = subject();
    for (let i = 0; i < 3; i++) await run(createEvent({ RestoreAwsDefaultsOnDelete: 'true' }, 'Delete'));
    expect(ec2Mock.commandCalls(AuthorizeSecurityGroupEgressCommand).map((c) => c.args[0].input.IpPermissions![0].IpRanges)).toEqual([
      [{ CidrIp: '0.0.0.0/0' }], [{ CidrIp: '0.0.0.0/0' }], [{ CidrIp: '0.0.0.0/0' }],
    ]);
    expect(records(log)).toEqual(Array(3).fill({ action: 'restored-aws-defaults', groupId: GROUP, ipv6Egress: false }));
  });

  test('a dual-stack restore records the ::/0 rule it put back', async () => {
    defaultGroup();
    ec2Mock.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: VPC, Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f14::/56', Ipv6CidrBlockState: { State: 'associated' } }] }] });
    const { run, log } = subject();
    await run(createEvent({ RestoreAwsDefaultsOnDelete: 'true' }, 'Delete'));
    expect(ec2Mock.commandCalls(AuthorizeSecurityGroupEgressCommand).map((c) => c.args[0].input.IpPermissions)).toEqual([
      [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
    ]);
    expect(records(log)).toEqual([{ action: 'restored-aws-defaults', groupId: GROUP, ipv6Egress: true }]);
  });

  test('the refusal of a group that is not a default group says which id to pass', async () => {
    defaultGroup('web-servers');
    const { run } = subject();
    await expect(run(createEvent())).rejects.toThrow(
      `Refusing to change security group ${GROUP} ("web-servers"): it is not a VPC's default security group. Pass the id of the group named "default".`,
    );
  });

  test('revokes a large group in batches of 50 rule ids, each side on its own, and counts every rule', async () => {
    defaultGroup();
    const ingress = Array.from({ length: 120 }, (_, i) => rule(`sgr-in-${i}`, false));
    ec2Mock.on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({ SecurityGroupRules: [...ingress, rule('sgr-out', true)] })
      .resolves({ SecurityGroupRules: [] });
    const { run } = subject();
    expect(await run(createEvent())).toEqual({ PhysicalResourceId: GROUP, Data: { RevokedRuleCount: 121 } });
    const batches = ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input.SecurityGroupRuleIds!);
    expect(batches.map((b) => b.length)).toEqual([50, 50, 20]);
    expect(batches.flat()).toEqual(ingress.map((r) => r.SecurityGroupRuleId));
    expect(ec2Mock.commandCalls(RevokeSecurityGroupEgressCommand).map((c) => c.args[0].input.SecurityGroupRuleIds)).toEqual([['sgr-out']]);
  });

  test('an Update with the same DeployNonce on both sides is not a rollback: a failed relock fails it', async () => {
    defaultGroup();
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [rule('sgr-1', false)] });
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation', 'denied by an SCP'));
    const { run } = subject();
    const nonce = '2026-11-22T10:00:00.000Z';
    const update = { ...createEvent({ DeployNonce: nonce }, 'Update'), OldResourceProperties: { DefaultSecurityGroupId: GROUP, VpcId: VPC, DeployNonce: nonce } };
    await expect(run(update)).rejects.toThrow(/UnauthorizedOperation: denied by an SCP/);
  });

  test('LOCKED_GROUP_IDS written with spaces after the commas still names each group', async () => {
    defaultGroup();
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolvesOnce({ SecurityGroupRules: [rule('sgr-console', false)] }).resolves({ SecurityGroupRules: [] });
    const { run } = subject(` sg-0other000000000001, ${GROUP} `);
    expect(await run(drift({ groupId: GROUP }))).toMatchObject({ groupId: GROUP, revoked: [expect.objectContaining({ SecurityGroupRuleId: 'sgr-console' })] });
  });

  test('an unknown event is refused with at most 500 characters of it', async () => {
    const { run } = subject();
    const error = await run({ 'detail-type': 'Other', 'detail': { blob: 'y'.repeat(5_000) } } as any).catch((e) => e);
    expect(error.name).toBe('LockError');
    expect(error.message).toBe(`Unrecognised event: ${JSON.stringify({ 'detail-type': 'Other', 'detail': { blob: 'y'.repeat(5_000) } }).slice(0, 500)}`);
  });
});
