/**
 * Paths of the open-ingress remediator that moto server does not reach well, with the SDK clients mocked
 * by aws-sdk-client-mock: the SNS summary, throttling, bad revert payloads and foreign records.
 */
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand as DescribeClassicCommand, ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, makeHandler, RemediatorSettings } from '../../src/handlers/open-ingress-remediator';
import { awsError } from '../support/aws-errors';

const ec2 = mockClient(EC2Client);
const s3 = mockClient(S3Client);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const elb = mockClient(ElasticLoadBalancingClient);
const sns = mockClient(SNSClient);
const GROUP = 'sg-0aaaaaaaaaaaaaaa1';
const TOPIC = 'arn:aws:sns:eu-west-1:111111111111:sg-alerts';

function subject(settings: Partial<RemediatorSettings> = {}) {
  const sleeps: number[] = [];
  const run = makeHandler({
    ec2: new EC2Client({ region: 'eu-west-1' }),
    s3: new S3Client({ region: 'eu-west-1' }),
    elbv2: new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }),
    elb: new ElasticLoadBalancingClient({ region: 'eu-west-1' }),
    sns: new SNSClient({ region: 'eu-west-1' }),
    settings: { bucketName: 'records', allowedPorts: [80, 443], allowedPortsOnAnyGroup: false, exemptionTagKey: 'sg-strategy:exempt', dryRun: false, topicArn: TOPIC, ...settings },
    retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5 },
    log: () => undefined,
    now: () => new Date('2026-11-22T10:00:00Z'),
  });
  return { run, sleeps };
}

const scheduled = { 'detail-type': 'Scheduled Event', 'detail': {} };

function oneOpenSshRule() {
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: GROUP, GroupName: 'bastion', VpcId: 'vpc-01' }] });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({
    SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-ssh', GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' }],
  });
  elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [] });
  elb.on(DescribeClassicCommand).resolves({ LoadBalancerDescriptions: [] });
}

beforeEach(() => [ec2, s3, elbv2, elb, sns].forEach((m) => m.reset()));

describe('open-ingress remediator', () => {
  test('publishes a readable summary with the records and the revert payload', async () => {
    oneOpenSshRule();
    await subject().run(scheduled);
    const message = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(message.TopicArn).toBe(TOPIC);
    expect(message.Subject).toBe('Security groups: closed 1 world-open rule(s)');
    expect(message.Message).toContain(`- ${GROUP} sgr-ssh: tcp port 22 from 0.0.0.0/0`);
    expect(message.Message).toContain(`s3://records/closed/2026-11-22/${GROUP}/sgr-ssh.json`);
    expect(message.Message).toContain(`{"action":"revert","recordKeys":["closed/2026-11-22/${GROUP}/sgr-ssh.json"]}`);
  });

  test('publishes nothing when nothing was closed', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    expect(await subject().run(scheduled)).toMatchObject({ closed: 0 });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  test('a throttled record write is retried, and the rule is revoked only after it succeeds', async () => {
    oneOpenSshRule();
    const order: string[] = [];
    s3.on(PutObjectCommand).rejectsOnce(awsError('SlowDown')).rejectsOnce(awsError('Throttling')).callsFake(() => { order.push('put'); return {}; });
    ec2.on(RevokeSecurityGroupIngressCommand).callsFake(() => { order.push('revoke'); return {}; });
    const { run, sleeps } = subject();
    expect(await run(scheduled)).toMatchObject({ closed: 1 });
    expect(order).toEqual(['put', 'revoke']);
    expect(sleeps).toEqual([50, 100]);
  });

  test('a record write that keeps failing revokes nothing and fails the run', async () => {
    oneOpenSshRule();
    s3.on(PutObjectCommand).rejects(awsError('AccessDenied', 'Access Denied'));
    await expect(subject().run(scheduled)).rejects.toThrow(/Could not record rule sgr-ssh .*so nothing was revoked: AccessDenied: Access Denied/);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  test('throttling on describe is retried with backoff', async () => {
    oneOpenSshRule();
    ec2.on(DescribeSecurityGroupsCommand)
      .rejectsOnce(awsError('RequestLimitExceeded'))
      .resolves({ SecurityGroups: [{ GroupId: GROUP, GroupName: 'bastion' }] });
    const { run, sleeps } = subject();
    expect(await run(scheduled)).toMatchObject({ closed: 1 });
    expect(sleeps).toEqual([50]);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0].args[0].input).toEqual({ GroupId: GROUP, SecurityGroupRuleIds: ['sgr-ssh'] });
  });

  test('a prefix list is read afresh on each run, so a world range added later is caught', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: GROUP, GroupName: 'app' }] });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-pl', GroupId: GROUP, IsEgress: false, IpProtocol: '-1', PrefixListId: 'pl-0office' }],
    });
    ec2.on(GetManagedPrefixListEntriesCommand)
      .resolvesOnce({ Entries: [{ Cidr: '192.0.2.0/24' }] })
      .resolves({ Entries: [{ Cidr: '192.0.2.0/24' }, { Cidr: '0.0.0.0/0' }] });
    const { run } = subject();
    expect(await run(scheduled)).toMatchObject({ closed: 0 });
    expect(await run(scheduled)).toMatchObject({ closed: 1 });
    expect(ec2.commandCalls(GetManagedPrefixListEntriesCommand)).toHaveLength(2);
  });

  test('a revert payload without record keys is refused', async () => {
    await expect(subject().run({ action: 'revert', recordKeys: [] })).rejects.toThrow(/A revert needs/);
    expect(ec2.calls()).toHaveLength(0);
  });

  test('a revert refuses an object that is not one of its records, and authorizes nothing', async () => {
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => JSON.stringify({ hello: 'world' }) } as any });
    await expect(subject().run({ action: 'revert', recordKeys: ['closed/x.json'] })).rejects.toThrow(/is not a record this remediator wrote/);
    expect(ec2.calls()).toHaveLength(0);
  });

  test('an event for a group deleted since is a no-op', async () => {
    ec2.on(DescribeSecurityGroupsCommand).rejects(awsError('InvalidGroup.NotFound'));
    const { run } = subject();
    const result = await run({ 'detail-type': 'AWS API Call via CloudTrail', 'detail': { eventName: 'ModifySecurityGroupRules', requestParameters: { ModifySecurityGroupRulesRequest: { GroupId: GROUP } } } });
    expect(result).toMatchObject({ closed: 0 });
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(0);
  });

  test('the Lambda entry point rejects an event it does not know', async () => {
    await expect(handler({ 'detail-type': 'Something Else' })).rejects.toThrow(/Unrecognised event/);
  });
});
