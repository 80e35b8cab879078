/**
 * The open-ingress remediator at its edges, with the SDK clients mocked (test/support/remediator-mocks.ts): events
 * that name a group it cannot resolve, describes that answer with less than the model allows, the ports an
 * allowlist covers, dry runs, and revert payloads and records it did not write. The KMS mock verifies any MAC,
 * so a record here passes the signature check and reaches the checks after it.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  GetManagedPrefixListEntriesCommand,
  RevokeSecurityGroupIngressCommand,
  SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand as DescribeClassicCommand } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GenerateMacCommand, VerifyMacCommand } from '@aws-sdk/client-kms';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { ClosedRuleRecord, RemediatorSettings, RevertSummary, RunSummary } from '../../src/handlers/open-ingress-remediator';
import { awsError } from '../support/aws-errors';
import { SCHEDULED, ec2, elb, elbv2, kms, remediatorOnMocks, resetRemediatorMocks, s3, sns } from '../support/remediator-mocks';

const GROUP = 'sg-0aaaaaaaaaaaaaaa1';
const TOPIC = 'arn:aws:sns:eu-west-1:111111111111:sg-alerts';
const RULE_ID = 'sgr-0123456789abcdef0';
const KEY = `closed/2026-11-22/${GROUP}/${RULE_ID}.json`;

const run = (event: unknown, settings: Partial<RemediatorSettings> = {}) =>
  remediatorOnMocks({ allowedPorts: [80, 443], topicArn: TOPIC, ...settings })(event as any);

function open(id: string, extra: Partial<SecurityGroupRule> = {}): SecurityGroupRule {
  return { SecurityGroupRuleId: id, GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0', ...extra };
}

function groupWith(rules: SecurityGroupRule[]) {
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: GROUP, GroupName: 'web', VpcId: 'vpc-01' }] });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: rules });
}

const revokedPorts = () => ec2.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input.IpPermissions![0].FromPort);
const runObject = () => JSON.parse(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input).find((i) => i.Key!.startsWith('runs/'))!.Body as string);
const body = (text: string) => ({ Body: { transformToString: async () => text } as any });
const signedBody = (content: unknown) => body(JSON.stringify({ content, mac: 'AQID' }));

function closedRecord(rule: Partial<ClosedRuleRecord['rule']> = {}, extra: Partial<ClosedRuleRecord> = {}): ClosedRuleRecord {
  return {
    schemaVersion: '2',
    closedAt: '2026-11-22T10:00:00.000Z',
    reason: 'ingress open to the world, found by scheduled scan',
    dryRun: false,
    rule: { groupId: GROUP, securityGroupRuleId: RULE_ID, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0', ...rule },
    ...extra,
  };
}

beforeEach(() => {
  resetRemediatorMocks();
  ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
  elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [] });
  elb.on(DescribeClassicCommand).resolves({ LoadBalancerDescriptions: [] });
});

describe('events the remediator must resolve', () => {
  const cloudTrail = (detail: Record<string, unknown>) => ({ 'detail-type': 'AWS API Call via CloudTrail', detail });

  test('a group named in the event but not found makes a full scan, and the run says why', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: GROUP, GroupName: 'web' }] });
    ec2.on(DescribeSecurityGroupsCommand, { GroupNames: ['web'] }).rejects(awsError('InvalidGroup.NotFound'));
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [open('sgr-1')] });
    const summary = await run(cloudTrail({ eventName: 'AuthorizeSecurityGroupIngress', requestParameters: { groupName: 'web' } })) as RunSummary;
    expect(summary.closed).toBe(1);
    expect(runObject().trigger).toBe('AuthorizeSecurityGroupIngress on a group named "web", so a full scan');
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)[0].args[0].input.Filters).toBeUndefined();
  });

  test('a name that matches more than one group is not guessed: a full scan', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    ec2.on(DescribeSecurityGroupsCommand, { GroupNames: ['web'] }).resolves({ SecurityGroups: [{ GroupId: GROUP }, { GroupId: 'sg-0bbbbbbbbbbbbbbb2' }] });
    await run(cloudTrail({ eventName: 'AuthorizeSecurityGroupIngress', requestParameters: { groupName: 'web' } }));
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input.GroupIds)).toEqual([undefined, undefined]);
  });

  test('an event with neither an id nor a name, nor an event name, makes a full scan named for what it lacks', async () => {
    groupWith([open('sgr-1')]);
    await run(cloudTrail({}));
    expect(runObject().trigger).toBe('a change on a group named null, so a full scan');
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input)).toEqual([{ GroupIds: undefined, NextToken: undefined }]);
  });

  test('an event whose group is found by name scans that group only', async () => {
    ec2.on(DescribeSecurityGroupsCommand, { GroupNames: ['web'] }).resolves({ SecurityGroups: [{ GroupId: GROUP }] });
    ec2.on(DescribeSecurityGroupsCommand, { GroupIds: [GROUP] }).resolves({ SecurityGroups: [{ GroupId: GROUP, GroupName: 'web' }] });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [open('sgr-1')] });
    await run(cloudTrail({ requestParameters: { groupName: 'web' } }));
    expect(runObject().trigger).toBe(`a change on ${GROUP}`);
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)[0].args[0].input.Filters).toEqual([{ Name: 'group-id', Values: [GROUP] }]);
  });

  test('a name that cannot be looked up fails the run naming the name, and revokes nothing', async () => {
    ec2.on(DescribeSecurityGroupsCommand).rejects(awsError('UnauthorizedOperation', 'denied'));
    const error = await run(cloudTrail({ requestParameters: { groupName: 'web' } })).catch((e) => e);
    expect(error).toMatchObject({ name: 'RemediationError', message: 'Could not find the security group named web: UnauthorizedOperation: denied' });
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  test('a scheduled scan whose describe fails, even as not-found, fails the run: nothing is read as "no groups"', async () => {
    ec2.on(DescribeSecurityGroupsCommand).rejects(awsError('InvalidGroup.NotFound', 'odd'));
    await expect(run(SCHEDULED)).rejects.toThrow('Could not describe security groups: InvalidGroup.NotFound: odd');
    ec2.on(DescribeSecurityGroupsCommand).rejects(awsError('UnauthorizedOperation', 'denied'));
    await expect(run(SCHEDULED)).rejects.toThrow('Could not describe security groups: UnauthorizedOperation: denied');
  });

  test('a describe that answers without groups closes nothing and reads no rules', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({});
    expect(await run(SCHEDULED)).toMatchObject({ closed: 0, recordKeys: [] });
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  test('a revert event needs the action "revert" and a record key or a run key', async () => {
    await expect(run({ action: 'delete', recordKeys: [KEY] })).rejects.toThrow(/A revert needs/);
    await expect(run({ action: 'revert', recordKeys: [42] })).rejects.toThrow(/A revert needs/);
    await expect(run({ action: 'revert', recordKeys: 'not a list', runKey: 7 })).rejects.toThrow(/A revert needs/);
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('what the remediator counts as world-open and allowed', () => {
  test('a prefix list without entries, or with an entry without a CIDR, is not world-open; one read serves every rule using it', async () => {
    groupWith([open('sgr-1', { CidrIpv4: undefined, PrefixListId: 'pl-1' }), open('sgr-2', { CidrIpv4: undefined, PrefixListId: 'pl-1', FromPort: 23, ToPort: 23 }),
      open('sgr-3', { CidrIpv4: undefined, PrefixListId: 'pl-2' })]);
    ec2.on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-1' }).resolves({});
    ec2.on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-2' }).resolves({ Entries: [{}] });
    expect(await run(SCHEDULED)).toMatchObject({ closed: 0 });
    expect(ec2.commandCalls(GetManagedPrefixListEntriesCommand).map((c) => c.args[0].input.PrefixListId)).toEqual(['pl-1', 'pl-2']);
  });

  test('a prefix list that cannot be read fails the run naming it, before anything is recorded', async () => {
    groupWith([open('sgr-1', { CidrIpv4: undefined, PrefixListId: 'pl-1' })]);
    ec2.on(GetManagedPrefixListEntriesCommand).rejects(awsError('UnauthorizedOperation', 'denied'));
    await expect(run(SCHEDULED)).rejects.toThrow('Could not read prefix list pl-1: UnauthorizedOperation: denied');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  test('rules that are egress, without an id, or from a group are never touched', async () => {
    groupWith([open('sgr-out', { IsEgress: true }), open('', { SecurityGroupRuleId: undefined }),
      open('sgr-ref', { CidrIpv4: '0.0.0.0/0', ReferencedGroupInfo: { GroupId: 'sg-0other' } })]);
    expect(await run(SCHEDULED)).toMatchObject({ closed: 0 });
  });

  test.each<[string, Partial<SecurityGroupRule>, boolean]>([
    ['tcp 443', { FromPort: 443, ToPort: 443 }, true],
    ['protocol number 6, 80', { IpProtocol: '6', FromPort: 80, ToPort: 80 }, true],
    ['udp 443', { IpProtocol: 'udp', FromPort: 443, ToPort: 443 }, false],
    ['tcp 80-443 (ports between are not allowed)', { FromPort: 80, ToPort: 443 }, false],
    ['tcp 443-444 (its last port is not allowed)', { FromPort: 443, ToPort: 444 }, false],
    ['tcp without ports (every port)', { FromPort: undefined, ToPort: undefined }, false],
    ['tcp -1 (every port)', { FromPort: -1, ToPort: -1 }, false],
    ['tcp 443 to nothing', { FromPort: 443, ToPort: undefined }, false],
    ['tcp from nothing to 443', { FromPort: undefined, ToPort: 443 }, false],
    ['a backwards range 443-80', { FromPort: 443, ToPort: 80 }, false],
  ])('on an internet-facing load balancer\'s group, %s is left open: %s', async (_name, ports, allowed) => {
    groupWith([open('sgr-1', ports)]);
    elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [{ Scheme: 'internet-facing', SecurityGroups: [GROUP] }] });
    const summary = await run(SCHEDULED) as RunSummary;
    expect(summary.skipped.allowedPort).toBe(allowed ? 1 : 0);
    expect(summary.closed).toBe(allowed ? 0 : 1);
  });

  test('load balancer describes that answer without load balancers leave no group internet-facing', async () => {
    groupWith([open('sgr-1', { FromPort: 443, ToPort: 443 })]);
    elbv2.on(DescribeLoadBalancersCommand).resolves({});
    elb.on(DescribeClassicCommand).resolves({});
    expect(await run(SCHEDULED)).toMatchObject({ closed: 1, skipped: { allowedPort: 0 } });
  });

  test('an internal Classic load balancer does not keep its group\'s allowed ports open; an internet-facing one does', async () => {
    groupWith([open('sgr-1', { FromPort: 443, ToPort: 443 })]);
    elb.on(DescribeClassicCommand).resolvesOnce({ LoadBalancerDescriptions: [{ Scheme: 'internal', SecurityGroups: [GROUP] }] })
      .resolves({ LoadBalancerDescriptions: [{ Scheme: 'internet-facing', SecurityGroups: [GROUP] }] });
    expect(await run(SCHEDULED)).toMatchObject({ closed: 1 });
    expect(await run(SCHEDULED)).toMatchObject({ closed: 0, skipped: { allowedPort: 1 } });
  });

  test('load balancers are described once a run however many allowed ports are open, and not at all when none is', async () => {
    groupWith([open('sgr-1', { FromPort: 443, ToPort: 443 }), open('sgr-2', { FromPort: 80, ToPort: 80 })]);
    await run(SCHEDULED);
    expect(elbv2.commandCalls(DescribeLoadBalancersCommand)).toHaveLength(1);
    elbv2.resetHistory();
    groupWith([open('sgr-1')]);
    await run(SCHEDULED);
    expect(elbv2.commandCalls(DescribeLoadBalancersCommand)).toHaveLength(0);
  });

  test('a load balancer describe that fails fails the run naming the call', async () => {
    groupWith([open('sgr-1', { FromPort: 443, ToPort: 443 })]);
    elbv2.on(DescribeLoadBalancersCommand).rejects(awsError('AccessDenied', 'denied'));
    await expect(run(SCHEDULED)).rejects.toThrow('Could not describe load balancers: AccessDenied: denied');
    elbv2.on(DescribeLoadBalancersCommand).resolves({});
    elb.on(DescribeClassicCommand).rejects(awsError('AccessDenied', 'denied'));
    await expect(run(SCHEDULED)).rejects.toThrow('Could not describe classic load balancers: AccessDenied: denied');
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  test('the exemption tag is matched by key, whatever its value; another key does not exempt', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        { GroupId: GROUP, Tags: [{ Key: 'sg-strategy:exempt', Value: '' }] },
        { GroupId: 'sg-0bbbbbbbbbbbbbbb2', Tags: [{ Key: 'Name', Value: 'sg-strategy:exempt' }] },
      ],
    });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [open('sgr-1'), open('sgr-2', { GroupId: 'sg-0bbbbbbbbbbbbbbb2' })] });
    expect(await run(SCHEDULED)).toMatchObject({ closed: 1, skipped: { exempt: 1 } });
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input.GroupId)).toEqual(['sg-0bbbbbbbbbbbbbbb2']);
  });
});

describe('what a run writes and tells', () => {
  test('a dry run records under dry-run/, revokes nothing, and its notification says so without a revert payload', async () => {
    groupWith([open('sgr-1'), open('sgr-2', { IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: undefined, CidrIpv6: '::/0' })]);
    const summary = await run(SCHEDULED, { dryRun: true }) as RunSummary;
    expect(summary).toMatchObject({ dryRun: true, closed: 2, recordKeys: [`dry-run/2026-11-22/${GROUP}/sgr-1.json`, `dry-run/2026-11-22/${GROUP}/sgr-2.json`] });
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
    const message = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(message.Subject).toBe('Security groups: would close 2 world-open rule(s)');
    expect(message.Message).toContain('would close 2 of 2 rule(s) open to the world (scheduled scan)');
    expect(message.Message).toContain(`- ${GROUP} sgr-2: -1 all traffic from ::/0`);
    expect(message.Message).toContain('Dry run: nothing was revoked.');
    expect(message.Message).not.toContain('"action":"revert"');
    const record = JSON.parse(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body as string).content;
    expect(record).toMatchObject({ dryRun: true, rule: { groupName: 'web', vpcId: 'vpc-01', securityGroupRuleId: 'sgr-1' } });
  });

  test('the records, the run and the notification describe a port range as a range', async () => {
    groupWith([open('sgr-1', { FromPort: 8000, ToPort: 8080, Description: 'dev servers' })]);
    await run(SCHEDULED);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Message).toContain(`- ${GROUP} sgr-1: tcp ports 8000-8080 from 0.0.0.0/0`);
    expect(runObject()).toMatchObject({ trigger: 'scheduled scan', closedAt: '2026-11-22T10:00:00.000Z', dryRun: false, rules: [`${GROUP} sgr-1: tcp ports 8000-8080 from 0.0.0.0/0`] });
    const record = JSON.parse(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body as string);
    expect(record.content.rule).toEqual({
      groupId: GROUP, groupName: 'web', vpcId: 'vpc-01', securityGroupRuleId: 'sgr-1', ipProtocol: 'tcp', fromPort: 8000, toPort: 8080, cidrIpv4: '0.0.0.0/0', description: 'dev servers',
    });
    expect(record.mac).toBe('AQID');
  });

  test('without a topic nothing is published; a rule changed meanwhile is told in the notification', async () => {
    groupWith([open('sgr-1')]);
    await run(SCHEDULED, { topicArn: undefined });
    expect(sns.calls()).toHaveLength(0);
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true, UnknownIpPermissions: [{ IpProtocol: 'tcp' }] });
    await run(SCHEDULED);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Message).toContain('Not revoked, because they changed meanwhile: 1 (their records say so).');
  });

  test('a notification that cannot be published fails the run naming the topic, after the revokes', async () => {
    groupWith([open('sgr-1')]);
    sns.on(PublishCommand).rejects(awsError('AuthorizationError', 'denied'));
    await expect(run(SCHEDULED)).rejects.toThrow(`Could not publish the summary to ${TOPIC}: AuthorizationError: denied`);
    expect(revokedPorts()).toEqual([22]);
  });

  test('a run summary that cannot be written revokes nothing', async () => {
    groupWith([open('sgr-1')]);
    s3.on(PutObjectCommand).callsFake((input) => {
      if (input.Key.startsWith('runs/')) throw awsError('AccessDenied', 'denied');
      return {};
    });
    await expect(run(SCHEDULED)).rejects.toThrow(/Could not record the run in s3:\/\/records\/runs\/.*, so nothing was revoked: AccessDenied: denied/);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  test('a revoke refused because the group is gone does not fail the run', async () => {
    groupWith([open('sgr-1')]);
    ec2.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidGroup.NotFound'));
    ec2.on(DescribeSecurityGroupRulesCommand).resolvesOnce({ SecurityGroupRules: [open('sgr-1')] }).resolves({ SecurityGroupRules: [] });
    expect(await run(SCHEDULED)).toMatchObject({ closed: 1, changedMeanwhile: [], failed: [] });
  });

  test('more than 50 failed revokes: the notification lists 50, the error 20 and the count of the rest', async () => {
    groupWith(Array.from({ length: 60 }, (_, i) => open(`sgr-${i}`, { FromPort: 1000 + i, ToPort: 1000 + i })));
    ec2.on(RevokeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation', 'denied'));
    const error = await run(SCHEDULED).catch((e) => e);
    expect(error.message).toMatch(/^Could not revoke 60 of 60 rule\(s\); the others were closed and notified: /);
    expect(error.message).toContain('; and 40 more (see the log)');
    const message = sns.commandCalls(PublishCommand)[0].args[0].input.Message!;
    expect(message.split('\n').filter((l) => l.startsWith('Could not revoke'))).toHaveLength(50);
    expect(message).toContain('closed 0 of 60 rule(s)');
  });
});

describe('reverts of records the remediator did not write as they are', () => {
  const revert = (recordKeys: unknown[]) => run({ action: 'revert', recordKeys }) as Promise<RevertSummary>;

  test.each<[string, ClosedRuleRecord | Record<string, unknown>]>([
    ['an older schema', closedRecord({}, { schemaVersion: '1' })],
    ['no rule', { ...closedRecord(), rule: undefined }],
    ['another date', closedRecord({}, { closedAt: '2026-11-21T10:00:00.000Z' })],
    ['no date', { ...closedRecord(), closedAt: undefined }],
    ['another group', closedRecord({ groupId: 'sg-0bbbbbbbbbbbbbbb2' })],
    ['another rule', closedRecord({ securityGroupRuleId: 'sgr-0fffffffffffffff0' })],
  ])('a record with %s than its key names is refused, and nothing is authorized', async (_name, content) => {
    s3.on(GetObjectCommand).resolves(signedBody(content));
    await expect(revert([KEY])).rejects.toThrow(`s3://records/${KEY} does not describe the rule its key names.`);
    expect(ec2.calls()).toHaveLength(0);
  });

  test.each<[string, Partial<ClosedRuleRecord['rule']>]>([
    ['a private range', { cidrIpv4: '10.0.0.0/8' }],
    ['a private IPv6 range', { cidrIpv4: undefined, cidrIpv6: 'fd00::/8' }],
    ['no source at all', { cidrIpv4: undefined }],
    ['two sources', { prefixListId: 'pl-1' }],
  ])('a record of a rule from %s is refused: the remediator never closes one', async (_name, rule) => {
    s3.on(GetObjectCommand).resolves(signedBody(closedRecord(rule)));
    await expect(revert([KEY])).rejects.toThrow(`s3://records/${KEY} describes a rule that was not open to the world; the remediator never closes one.`);
    expect(ec2.calls()).toHaveLength(0);
  });

  test('records of a world IPv6 range and of a prefix list are restored', async () => {
    const v6 = `closed/2026-11-22/${GROUP}/sgr-0000000000000000a.json`;
    const pl = `closed/2026-11-22/${GROUP}/sgr-0000000000000000b.json`;
    s3.on(GetObjectCommand, { Key: v6 }).resolves(signedBody(closedRecord({ securityGroupRuleId: 'sgr-0000000000000000a', cidrIpv4: undefined, cidrIpv6: '::/0' })));
    s3.on(GetObjectCommand, { Key: pl }).resolves(signedBody(closedRecord({ securityGroupRuleId: 'sgr-0000000000000000b', cidrIpv4: undefined, prefixListId: 'pl-1' })));
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({ SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-new' }] });
    expect(await revert([v6, pl])).toMatchObject({ restored: 2, failed: [] });
  });

  test('a record that is not JSON, or whose signature does not verify, is refused and the revert fails after the others', async () => {
    const other = `closed/2026-11-22/${GROUP}/sgr-0000000000000000c.json`;
    s3.on(GetObjectCommand, { Key: KEY }).resolves(body('{ not json'));
    s3.on(GetObjectCommand, { Key: other }).resolves(signedBody(closedRecord({ securityGroupRuleId: 'sgr-0000000000000000c' })));
    kms.on(VerifyMacCommand).rejects(awsError('KMSInvalidMacException'));
    const error = await revert([KEY, other]).catch((e) => e);
    expect(error.message).toContain(`s3://records/${KEY} is not JSON, so not a record this remediator wrote.`);
    expect(error.message).toContain(`s3://records/${other} has a signature that does not verify`);
    expect(error.message).toMatch(/^Restored 0 rule\(s\); could not restore 2: /);
  });

  test('a signature that KMS cannot check fails the record naming the call', async () => {
    s3.on(GetObjectCommand).resolves(signedBody(closedRecord()));
    kms.on(VerifyMacCommand).rejects(awsError('AccessDeniedException', 'denied'));
    await expect(revert([KEY])).rejects.toThrow(`Could not verify s3://records/${KEY}: AccessDeniedException: denied`);
    expect(ec2.calls()).toHaveLength(0);
  });

  test('a record whose signed content is not an object is refused as unsigned', async () => {
    s3.on(GetObjectCommand).resolves(body(JSON.stringify({ content: 'text', mac: 'AQID' })));
    await expect(revert([KEY])).rejects.toThrow(/carries no signature/);
    s3.on(GetObjectCommand).resolves(body(JSON.stringify({ content: null, mac: 'AQID' })));
    await expect(revert([KEY])).rejects.toThrow(/carries no signature/);
  });

  test('an authorize AWS refuses fails that record with AWS\'s error, and leaves no exemption', async () => {
    s3.on(GetObjectCommand).resolves(signedBody(closedRecord()));
    ec2.on(AuthorizeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation', 'denied'));
    await expect(revert([KEY])).rejects.toThrow(`Restored 0 rule(s); could not restore 1: ${KEY}: Could not restore it: UnauthorizedOperation: denied`);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  test('the same key twice is restored once; records of dry runs and of rules never revoked restore nothing', async () => {
    const dry = `closed/2026-11-22/${GROUP}/sgr-0000000000000000d.json`;
    const kept = `closed/2026-11-22/${GROUP}/sgr-0000000000000000e.json`;
    s3.on(GetObjectCommand, { Key: KEY }).resolves(signedBody(closedRecord()));
    s3.on(GetObjectCommand, { Key: dry }).resolves(signedBody(closedRecord({ securityGroupRuleId: 'sgr-0000000000000000d' }, { dryRun: true })));
    s3.on(GetObjectCommand, { Key: kept }).resolves(signedBody(closedRecord({ securityGroupRuleId: 'sgr-0000000000000000e' }, { notRevoked: 'changed' })));
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({ SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-new' }] });
    expect(await revert([KEY, KEY, dry, kept])).toEqual({ restored: 1, alreadyPresent: 0, nothingToRestore: 2, groupGone: [], failed: [] });
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(1);
    const exemption = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(exemption.Key).toBe(`reverted/${GROUP}/sgr-new.json`);
    expect(JSON.parse(exemption.Body as string).content).toMatchObject({ recordKey: KEY, groupId: GROUP, securityGroupRuleId: 'sgr-new', revertedAt: '2026-11-22T10:00:00.000Z' });
  });

  test('a restored rule whose new id AWS does not return is found by its fields; one not found leaves no exemption', async () => {
    s3.on(GetObjectCommand).resolves(signedBody(closedRecord()));
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({});
    ec2.on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({ SecurityGroupRules: [open('sgr-egress', { IsEgress: true }), open('sgr-found')] })
      .resolves({ SecurityGroupRules: [open('sgr-other', { FromPort: 23, ToPort: 23 })] });
    expect(await revert([KEY])).toMatchObject({ restored: 1 });
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([`reverted/${GROUP}/sgr-found.json`]);
    expect(await revert([KEY])).toMatchObject({ restored: 1 });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  test('a run key that is not one is refused before anything is read', async () => {
    await expect(run({ action: 'revert', runKey: 'closed/../secrets.json' })).rejects.toThrow('"closed/../secrets.json" is not a run key (runs/….json).');
    expect(s3.calls()).toHaveLength(0);
  });

  test('a run summary without record keys reverts nothing; keys that are not strings are dropped', async () => {
    s3.on(GetObjectCommand, { Key: 'runs/a.json' }).resolves(body(JSON.stringify({ trigger: 'x' })));
    expect(await run({ action: 'revert', runKey: 'runs/a.json' })).toEqual({ restored: 0, alreadyPresent: 0, nothingToRestore: 0, groupGone: [], failed: [] });
    s3.on(GetObjectCommand, { Key: 'runs/b.json' }).resolves(body(JSON.stringify({ recordKeys: [7, KEY] })));
    s3.on(GetObjectCommand, { Key: KEY }).resolves(signedBody(closedRecord({}, { dryRun: true })));
    expect(await run({ action: 'revert', runKey: 'runs/b.json' })).toMatchObject({ nothingToRestore: 1 });
    s3.on(GetObjectCommand, { Key: 'runs/c.json' }).resolves(body('null'));
    expect(await run({ action: 'revert', runKey: 'runs/c.json' })).toMatchObject({ restored: 0, failed: [] });
  });

  test('record keys and a run key together are all reverted', async () => {
    const other = `closed/2026-11-22/${GROUP}/sgr-0000000000000000f.json`;
    s3.on(GetObjectCommand, { Key: 'runs/a.json' }).resolves(body(JSON.stringify({ recordKeys: [other] })));
    s3.on(GetObjectCommand, { Key: KEY }).resolves(signedBody(closedRecord({}, { dryRun: true })));
    s3.on(GetObjectCommand, { Key: other }).resolves(signedBody(closedRecord({ securityGroupRuleId: 'sgr-0000000000000000f' }, { dryRun: true })));
    expect(await run({ action: 'revert', recordKeys: [KEY], runKey: 'runs/a.json' })).toMatchObject({ nothingToRestore: 2 });
  });
});

describe('exemptions a scan honours', () => {
  const exemptionKey = `reverted/${GROUP}/sgr-1.json`;
  const exemption = (rule: Partial<ClosedRuleRecord['rule']> = {}, extra: Record<string, unknown> = {}) => ({
    schemaVersion: '2',
    revertedAt: '2026-11-21T10:00:00.000Z',
    recordKey: KEY,
    groupId: GROUP,
    securityGroupRuleId: 'sgr-1',
    rule: { groupId: GROUP, securityGroupRuleId: 'sgr-1', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0', ...rule },
    ...extra,
  });

  beforeEach(() => {
    groupWith([open('sgr-1')]);
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: exemptionKey }] });
  });

  test('an exemption for the rule as it is keeps it open', async () => {
    s3.on(GetObjectCommand).resolves(signedBody(exemption()));
    expect(await run(SCHEDULED)).toMatchObject({ closed: 0, skipped: { reverted: 1 } });
  });

  test.each<[string, Record<string, unknown>]>([
    ['another protocol', exemption({ ipProtocol: 'udp' })],
    ['other ports', exemption({ fromPort: 0, toPort: 65535 })],
    ['another last port', exemption({ toPort: 23 })],
    ['another first port', exemption({ fromPort: 0 })],
    ['another IPv4 source', exemption({ cidrIpv4: '10.0.0.0/8' })],
    ['an IPv6 source too', exemption({ cidrIpv6: '::/0' })],
    ['another source', exemption({ cidrIpv4: undefined, cidrIpv6: '::/0' })],
    ['a prefix list too', exemption({ prefixListId: 'pl-1' })],
    ['another group', exemption({}, { groupId: 'sg-0bbbbbbbbbbbbbbb2' })],
    ['another rule id', exemption({}, { securityGroupRuleId: 'sgr-2' })],
    ['no rule', exemption({}, { rule: undefined })],
  ])('an exemption with %s does not cover the rule: it is closed', async (_name, content) => {
    s3.on(GetObjectCommand).resolves(signedBody(content));
    expect(await run(SCHEDULED)).toMatchObject({ closed: 1, skipped: { reverted: 0 } });
  });

  test('an exemption for all traffic covers the rule whatever ports AWS reports', async () => {
    groupWith([open('sgr-1', { IpProtocol: '-1', FromPort: -1, ToPort: -1 })]);
    s3.on(GetObjectCommand).resolves(signedBody(exemption({ ipProtocol: '-1', fromPort: undefined, toPort: undefined })));
    expect(await run(SCHEDULED)).toMatchObject({ closed: 0, skipped: { reverted: 1 } });
  });

  test('an exemption that does not verify is ignored, and the rule closed', async () => {
    s3.on(GetObjectCommand).resolves(signedBody(exemption()));
    kms.on(VerifyMacCommand).rejects(awsError('KMSInvalidMacException'));
    expect(await run(SCHEDULED)).toMatchObject({ closed: 1, skipped: { reverted: 0 } });
  });

  test('exemptions that cannot be listed fail the run before anything is recorded', async () => {
    s3.on(ListObjectsV2Command).rejects(awsError('AccessDenied', 'denied'));
    await expect(run(SCHEDULED)).rejects.toThrow('Could not list the exemptions under reverted/: AccessDenied: denied');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  test('an empty listing exempts nothing', async () => {
    s3.on(ListObjectsV2Command).resolves({});
    expect(await run(SCHEDULED)).toMatchObject({ closed: 1 });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });
});

describe('more of what a scan reads', () => {
  test('a rule from a private range is not world-open, and reads no prefix list', async () => {
    groupWith([open('sgr-1', { CidrIpv4: '10.0.0.0/8' }), open('sgr-2', { CidrIpv4: undefined, CidrIpv6: 'fd00::/8' })]);
    expect(await run(SCHEDULED)).toMatchObject({ closed: 0 });
    expect(ec2.commandCalls(GetManagedPrefixListEntriesCommand)).toHaveLength(0);
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(0);
  });

  test('a rule of a group the describe did not return (created in between) is closed, and its record says what is known', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-0bbbbbbbbbbbbbbb2', GroupName: 'other' }] });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [open('sgr-1')] });
    expect(await run(SCHEDULED)).toMatchObject({ closed: 1 });
    const record = JSON.parse(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body as string).content;
    expect(record).toMatchObject({ reason: 'ingress open to the world, found by scheduled scan', rule: { groupId: GROUP, securityGroupRuleId: 'sgr-1' } });
    expect(record.rule.groupName).toBeUndefined();
  });

  test('rules that cannot be described fail the run naming the call, and nothing is recorded', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: GROUP }] });
    ec2.on(DescribeSecurityGroupRulesCommand).rejects(awsError('UnauthorizedOperation', 'denied'));
    await expect(run(SCHEDULED)).rejects.toThrow('Could not describe security group rules: UnauthorizedOperation: denied');
    expect(s3.calls()).toHaveLength(0);
  });

  test('an unknown event is refused with at most 500 characters of it', async () => {
    const event = { 'detail-type': 'Other', 'detail': { blob: 'y'.repeat(5_000) } };
    const error = await run(event).catch((e) => e);
    expect(error).toMatchObject({ name: 'RemediationError', message: `Unrecognised event: ${JSON.stringify(event).slice(0, 500)}` });
  });
});

describe('the log, which is the record in CloudWatch', () => {
  function logged(settings: Partial<RemediatorSettings> = {}) {
    const lines: string[] = [];
    const handle = remediatorOnMocks({ macKeyId: 'key', allowedPorts: [], exemptionTagKey: 'sg-strategy:exempt', dryRun: false, ...settings }, (line) => lines.push(line));
    return { handle, records: () => lines.map((line) => JSON.parse(line)) };
  }

  test('what a run will close is logged before the first revoke, with the run and record keys', async () => {
    groupWith([open('sgr-1')]);
    const { handle, records } = logged();
    let atRevoke: unknown[] = [];
    ec2.on(RevokeSecurityGroupIngressCommand).callsFake(() => { atRevoke = records(); return { Return: true }; });
    await handle(SCHEDULED);
    expect(atRevoke).toEqual([{
      action: 'closing',
      trigger: 'scheduled scan',
      runKey: 'runs/2026-11-22T10:00:00.000Z.json',
      recordKeys: [`closed/2026-11-22/${GROUP}/sgr-1.json`],
      skipped: { exempt: 0, allowedPort: 0, reverted: 0 },
    }]);
    const runPut = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input).find((i) => i.Key!.startsWith('runs/'))!;
    expect(runPut.ContentType).toBe('application/json');
  });

  test('a dry run logs what it would close', async () => {
    groupWith([open('sgr-1')]);
    const { handle, records } = logged({ dryRun: true });
    await handle(SCHEDULED);
    expect(records()).toEqual([expect.objectContaining({ action: 'would-close', recordKeys: [`dry-run/2026-11-22/${GROUP}/sgr-1.json`] })]);
  });

  test('a rule changed meanwhile is logged with its record, and the failed revokes in full', async () => {
    groupWith([open('sgr-1'), open('sgr-2', { FromPort: 23, ToPort: 23 })]);
    ec2.on(RevokeSecurityGroupIngressCommand).callsFake((input) => {
      if (input.IpPermissions[0].FromPort === 23) throw awsError('UnauthorizedOperation', 'denied');
      return { Return: true, UnknownIpPermissions: [input.IpPermissions[0]] };
    });
    const { handle, records } = logged();
    await expect(handle(SCHEDULED)).rejects.toThrow(/Could not revoke 1 of 2/);
    expect(records().slice(1)).toEqual([
      { action: 'not-revoked', reason: 'the rule changed since it was described (its id is still there)', recordKey: `closed/2026-11-22/${GROUP}/sgr-1.json` },
      { action: 'revoke-failed', failed: [`${GROUP} sgr-2: Could not revoke it: UnauthorizedOperation: denied`] },
    ]);
  });

  test('a record that cannot be marked as not revoked fails that rule, naming the record', async () => {
    groupWith([open('sgr-1')]);
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true, UnknownIpPermissions: [{ IpProtocol: 'tcp' }] });
    let writes = 0;
    s3.on(PutObjectCommand).callsFake((input) => {
      if (input.Key.startsWith('closed/') && ++writes === 2) throw awsError('AccessDenied', 'denied');
      return {};
    });
    await expect(run(SCHEDULED)).rejects.toThrow(`Could not mark closed/2026-11-22/${GROUP}/sgr-1.json as not revoked: AccessDenied: denied`);
  });

  test('a record is written as JSON, signed over its key and content with the configured key', async () => {
    groupWith([open('sgr-1')]);
    await run(SCHEDULED);
    const put = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(put).toMatchObject({ Bucket: 'records', ContentType: 'application/json' });
    const mac = kms.commandCalls(GenerateMacCommand)[0].args[0].input;
    expect(mac).toMatchObject({ KeyId: 'arn:aws:kms:eu-west-1:111111111111:key/mac', MacAlgorithm: 'HMAC_SHA_256' });
    expect(Buffer.from(mac.Message!).toString('utf8')).toBe(`${put.Key}\n${JSON.stringify(JSON.parse(put.Body as string).content)}`);
  });
});

describe('more of what a revert reads', () => {
  test.each(['reverted/runs/a.json', 'runs/a.json/../../closed/x.json', 'runs/a.jsonl', 'runs/a b.json'])('"%s" is not a run key: refused before anything is read', async (runKey) => {
    await expect(run({ action: 'revert', runKey })).rejects.toThrow(`"${runKey}" is not a run key (runs/….json).`);
    expect(s3.calls()).toHaveLength(0);
  });

  test('a run summary that cannot be read fails naming it', async () => {
    s3.on(GetObjectCommand).rejects(awsError('NoSuchKey', 'gone'));
    await expect(run({ action: 'revert', runKey: 'runs/2026-11-22T10:00:00.000Z.json' }))
      .rejects.toThrow('Could not read s3://records/runs/2026-11-22T10:00:00.000Z.json: NoSuchKey: gone');
  });

  test('a lookup by name that answers without groups makes a full scan', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    ec2.on(DescribeSecurityGroupsCommand, { GroupNames: ['web'] }).resolves({});
    await run({ 'detail-type': 'AWS API Call via CloudTrail', 'detail': { requestParameters: { groupName: 'web' } } });
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input.GroupIds)).toEqual([undefined, undefined]);
  });

  test('a revert logs what it did, by outcome', async () => {
    const lines: string[] = [];
    const handle = remediatorOnMocks({ macKeyId: 'key', allowedPorts: [], exemptionTagKey: 'x', dryRun: false }, (line) => lines.push(line));
    s3.on(GetObjectCommand).resolves(signedBody(closedRecord({}, { dryRun: true })));
    await handle({ action: 'revert', recordKeys: [KEY] });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { action: 'reverted', recordKeys: [KEY], restored: 0, alreadyPresent: 0, nothingToRestore: 1, groupGone: [], failed: [] },
    ]);
  });
});

describe('how a revoke and a restore are judged', () => {
  test('a revoke AWS accepts counts as closed without describing the rules again, even an answer without a body', async () => {
    groupWith([open('sgr-1'), open('sgr-2', { FromPort: 23, ToPort: 23 })]);
    ec2.on(RevokeSecurityGroupIngressCommand).resolvesOnce({ Return: true }).resolves(undefined as any);
    expect(await run(SCHEDULED)).toMatchObject({ closed: 2, changedMeanwhile: [], failed: [] });
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(1);
  });

  test('a revoke that matched nothing looks the rule up in its own group: gone means closed, still there means changed', async () => {
    groupWith([open('sgr-1'), open('sgr-2', { FromPort: 23, ToPort: 23 })]);
    ec2.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidPermission.NotFound'));
    ec2.on(DescribeSecurityGroupRulesCommand).resolvesOnce({ SecurityGroupRules: [open('sgr-1'), open('sgr-2', { FromPort: 23, ToPort: 23 })] })
      .resolves({ SecurityGroupRules: [open('sgr-2', { FromPort: 0, ToPort: 65535 })] });
    expect(await run(SCHEDULED)).toMatchObject({ closed: 1, changedMeanwhile: ['sgr-2'] });
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand).slice(1).map((c) => c.args[0].input.Filters))
      .toEqual([[{ Name: 'group-id', Values: [GROUP] }], [{ Name: 'group-id', Values: [GROUP] }]]);
  });

  test('a restore authorizes the recorded permission with its description; its new id comes from AWS\'s answer', async () => {
    s3.on(GetObjectCommand).resolves(signedBody(closedRecord({ description: 'office ssh' })));
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({ SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-new' }] });
    expect(await run({ action: 'revert', recordKeys: [KEY] })).toMatchObject({ restored: 1 });
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)[0].args[0].input).toEqual({
      GroupId: GROUP, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'office ssh' }] }],
    });
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(0);
  });

  test('a restore answered without rules finds the new one in the record\'s group', async () => {
    s3.on(GetObjectCommand).resolves(signedBody(closedRecord()));
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({ SecurityGroupRules: [] });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [open('sgr-found')] });
    expect(await run({ action: 'revert', recordKeys: [KEY] })).toMatchObject({ restored: 1 });
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)[0].args[0].input.Filters).toEqual([{ Name: 'group-id', Values: [GROUP] }]);
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input.Key).toBe(`reverted/${GROUP}/sgr-found.json`);
  });

  test('a restore into a deleted group is reported as such; one already present counts as present and keeps its exemption', async () => {
    const lines: string[] = [];
    const handle = remediatorOnMocks({ macKeyId: 'key', allowedPorts: [], exemptionTagKey: 'x', dryRun: false }, (line) => lines.push(line));
    s3.on(GetObjectCommand).resolves(signedBody(closedRecord()));
    ec2.on(AuthorizeSecurityGroupIngressCommand).rejectsOnce(awsError('InvalidGroup.NotFound')).rejects(awsError('InvalidPermission.Duplicate'));
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [open('sgr-present')] });
    expect(await handle({ action: 'revert', recordKeys: [KEY] })).toEqual({ restored: 0, alreadyPresent: 0, nothingToRestore: 0, groupGone: [KEY], failed: [] });
    expect(JSON.parse(lines[0])).toEqual({ action: 'restore-skipped', reason: 'the group no longer exists', recordKey: KEY, groupId: GROUP });
    expect(await handle({ action: 'revert', recordKeys: [KEY] })).toEqual({ restored: 0, alreadyPresent: 1, nothingToRestore: 0, groupGone: [], failed: [] });
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([`reverted/${GROUP}/sgr-present.json`]);
  });
});

describe('exemptions a scan ignores, in the log', () => {
  test('the listing is of reverted/ in the records bucket; an exemption that no longer holds, or cannot be read, is logged with why', async () => {
    const lines: string[] = [];
    const handle = remediatorOnMocks({ macKeyId: 'key', allowedPorts: [], exemptionTagKey: 'x', dryRun: true }, (line) => lines.push(line));
    groupWith([open('sgr-1')]);
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `reverted/${GROUP}/sgr-1.json` }] });
    s3.on(GetObjectCommand).resolvesOnce(signedBody({ groupId: GROUP, securityGroupRuleId: 'sgr-1' })).resolves(body('{ torn'));
    await handle(SCHEDULED);
    await handle(SCHEDULED);
    expect(s3.commandCalls(ListObjectsV2Command)[0].args[0].input).toEqual({ Bucket: 'records', Prefix: 'reverted/', ContinuationToken: undefined });
    const ignored = lines.map((l) => JSON.parse(l)).filter((r) => r.action === 'exemption-ignored');
    expect(ignored).toEqual([
      { action: 'exemption-ignored', ruleId: 'sgr-1', reason: 'the rule changed since it was restored' },
      { action: 'exemption-ignored', ruleId: 'sgr-1', reason: `s3://records/reverted/${GROUP}/sgr-1.json is not JSON, so not a record this remediator wrote.` },
    ]);
  });
});

describe('signatures and load balancers, read closely', () => {
  test('a record is verified with the configured key over its key and content, with the MAC it carries', async () => {
    s3.on(GetObjectCommand).resolves(signedBody(closedRecord({}, { dryRun: true })));
    await run({ action: 'revert', recordKeys: [KEY] });
    const verify = kms.commandCalls(VerifyMacCommand)[0].args[0].input;
    expect(verify).toMatchObject({ KeyId: 'arn:aws:kms:eu-west-1:111111111111:key/mac', MacAlgorithm: 'HMAC_SHA_256' });
    expect([...verify.Mac!]).toEqual([1, 2, 3]);
    expect(Buffer.from(verify.Message!).toString('utf8')).toBe(`${KEY}\n${JSON.stringify(closedRecord({}, { dryRun: true }))}`);
  });

  test('a record with content but no MAC is refused as unsigned, without asking KMS', async () => {
    s3.on(GetObjectCommand).resolves(body(JSON.stringify({ content: closedRecord() })));
    await expect(run({ action: 'revert', recordKeys: [KEY] })).rejects.toThrow(/carries no signature/);
    expect(kms.commandCalls(VerifyMacCommand)).toHaveLength(0);
  });

  test('a record that cannot be read fails naming it', async () => {
    s3.on(GetObjectCommand).rejects(awsError('NoSuchKey', 'gone'));
    await expect(run({ action: 'revert', recordKeys: [KEY] })).rejects.toThrow(`${KEY}: Could not read s3://records/${KEY}: NoSuchKey: gone`);
  });

  test('internet-facing load balancers without security groups (a Network Load Balancer made without one) are skipped', async () => {
    groupWith([open('sgr-1', { FromPort: 443, ToPort: 443 })]);
    elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [{ Scheme: 'internet-facing', Type: 'network' }] });
    elb.on(DescribeClassicCommand).resolves({ LoadBalancerDescriptions: [{ Scheme: 'internet-facing' }] });
    expect(await run(SCHEDULED)).toMatchObject({ closed: 1, skipped: { allowedPort: 0 } });
  });
});

test('the notification of a run, in full', async () => {
  groupWith([open('sgr-1')]);
  await run(SCHEDULED);
  expect(sns.commandCalls(PublishCommand)[0].args[0].input.Message).toBe([
    'The open-ingress remediator closed 1 of 1 rule(s) open to the world (scheduled scan).',
    `- ${GROUP} sgr-1: tcp port 22 from 0.0.0.0/0`,
    '',
    'The run\'s summary, with every rule and record: s3://records/runs/2026-11-22T10:00:00.000Z.json',
    'To restore them all, invoke the function with {"action":"revert","runKey":"runs/2026-11-22T10:00:00.000Z.json"}.',
  ].join('\n'));
});

test('a tcp rule missing either port is never read as one allowed port, even when port 1 is allowed', async () => {
  groupWith([open('sgr-1', { FromPort: undefined, ToPort: 1 }), open('sgr-2', { FromPort: 1, ToPort: undefined })]);
  expect(await run(SCHEDULED, { allowedPorts: [1], allowedPortsOnAnyGroup: true })).toMatchObject({ closed: 2, skipped: { allowedPort: 0 } });
});

test('a rule with a description is revoked by a permission without it; restored, it gets it back', async () => {
  groupWith([open('sgr-1', { Description: 'office ssh' })]);
  await run(SCHEDULED);
  expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0].args[0].input.IpPermissions).toEqual([
    { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: undefined }] },
  ]);
});

test('an exemption that holds is honoured without an "ignored" line in the log', async () => {
  const lines: string[] = [];
  const handle = remediatorOnMocks({ macKeyId: 'key', allowedPorts: [], exemptionTagKey: 'x', dryRun: false }, (line) => lines.push(line));
  groupWith([open('sgr-1')]);
  s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `reverted/${GROUP}/sgr-1.json` }] });
  s3.on(GetObjectCommand).resolves(signedBody({
    groupId: GROUP, securityGroupRuleId: 'sgr-1', rule: { groupId: GROUP, securityGroupRuleId: 'sgr-1', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' },
  }));
  expect(await handle(SCHEDULED)).toMatchObject({ closed: 0, skipped: { reverted: 1 } });
  expect(lines.map((l) => JSON.parse(l).action)).toEqual(['closing']);
});
