/**
 * Paths of the open-ingress remediator that moto server does not reach well, with the SDK clients mocked
 * by aws-sdk-client-mock: the SNS summary and its size, a revoke that fails among others, bad revert payloads
 * and foreign records. Retries are the SDK's (see shared/aws-calls.test.ts), which aws-sdk-client-mock
 * bypasses, so a rejected call here is one the SDK already gave up on.
 */
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  GetManagedPrefixListEntriesCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand as DescribeClassicCommand } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { handler, RemediatorSettings, RunSummary } from '../../src/handlers/open-ingress-remediator';
import { awsError } from '../support/aws-errors';
import { SCHEDULED as scheduled, ec2, elb, elbv2, remediatorOnMocks, resetRemediatorMocks, s3, sns } from '../support/remediator-mocks';

const GROUP = 'sg-0aaaaaaaaaaaaaaa1';
const TOPIC = 'arn:aws:sns:eu-west-1:111111111111:sg-alerts';

function subject(settings: Partial<RemediatorSettings> = {}) {
  return { run: remediatorOnMocks({ allowedPorts: [80, 443], topicArn: TOPIC, ...settings }) };
}

function oneOpenSshRule() {
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: GROUP, GroupName: 'bastion', VpcId: 'vpc-01' }] });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({
    SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-ssh', GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' }],
  });
  elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [] });
  elb.on(DescribeClassicCommand).resolves({ LoadBalancerDescriptions: [] });
}

beforeEach(resetRemediatorMocks);

describe('open-ingress remediator', () => {
  test('publishes a readable summary with the records and the revert payload', async () => {
    oneOpenSshRule();
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    await subject().run(scheduled);
    const message = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(message.TopicArn).toBe(TOPIC);
    expect(message.Subject).toBe('Security groups: closed 1 world-open rule(s)');
    expect(message.Message).toContain(`- ${GROUP} sgr-ssh: tcp port 22 from 0.0.0.0/0`);
    expect(message.Message).toContain('s3://records/runs/2026-11-22T10:00:00.000Z.json');
    expect(message.Message).toContain('{"action":"revert","runKey":"runs/2026-11-22T10:00:00.000Z.json"}');
  });

  test('a run that closes 5,000 rules notifies within SNS\'s 256 KB, and the run\'s summary in S3 holds them all', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: GROUP, GroupName: 'wide' }] });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: Array.from({ length: 5_000 }, (_, i) => ({
        SecurityGroupRuleId: `sgr-${i.toString(16).padStart(17, '0')}`, GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 1_000 + i, ToPort: 1_000 + i, CidrIpv4: '0.0.0.0/0',
      })),
    });
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const summary = await subject().run(scheduled) as RunSummary;
    expect(summary.closed).toBe(5_000);
    const message = sns.commandCalls(PublishCommand)[0].args[0].input.Message!;
    expect(Buffer.byteLength(message)).toBeLessThan(256 * 1024);
    expect(message).toContain('… and 4950 more');
    const runObject = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input).find((i) => i.Key === summary.runKey)!;
    expect(JSON.parse(runObject.Body as string).recordKeys).toHaveLength(5_000);
  });

  test('one revoke that fails does not stop the others: what was closed is notified, then the run fails naming the rule', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: GROUP, GroupName: 'bastion' }] });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: ['sgr-1', 'sgr-2', 'sgr-3'].map((id, i) => ({ SecurityGroupRuleId: id, GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 22 + i, ToPort: 22 + i, CidrIpv4: '0.0.0.0/0' })),
    });
    ec2.on(RevokeSecurityGroupIngressCommand).callsFake((input) => {
      if (input.IpPermissions[0].FromPort === 23) throw awsError('UnauthorizedOperation', 'You are not authorized');
      return { Return: true };
    });
    await expect(subject().run(scheduled)).rejects.toThrow(/Could not revoke 1 of 3 rule\(s\).*sgr-2: .*UnauthorizedOperation/);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input.IpPermissions![0].FromPort)).toEqual([22, 23, 24]);
    const message = sns.commandCalls(PublishCommand)[0].args[0].input.Message!;
    expect(message).toContain('closed 2 of 3 rule(s)');
    expect(message).toContain('Could not revoke sg-0aaaaaaaaaaaaaaa1 sgr-2');
  });

  test('publishes nothing when nothing was closed', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    expect(await subject().run(scheduled)).toMatchObject({ closed: 0 });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  test('the record and the run are written before the revoke, and the revoke names the rule by its permission', async () => {
    oneOpenSshRule();
    const order: string[] = [];
    s3.on(PutObjectCommand).callsFake((input) => { order.push(`put ${input.Key.split('/')[0]}`); return {}; });
    ec2.on(RevokeSecurityGroupIngressCommand).callsFake(() => { order.push('revoke'); return { Return: true }; });
    expect(await subject().run(scheduled)).toMatchObject({ closed: 1 });
    expect(order).toEqual(['put closed', 'put runs', 'revoke']);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0].args[0].input).toEqual({
      GroupId: GROUP, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: undefined }] }],
    });
  });

  test('in a default VPC, a revoke that matched nothing comes back as UnknownIpPermissions: reported, and the record marked', async () => {
    oneOpenSshRule();
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true, UnknownIpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22 }] });
    const summary = await subject().run(scheduled) as RunSummary;
    expect(summary).toMatchObject({ closed: 0, changedMeanwhile: ['sgr-ssh'] });
    const writes = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input).filter((i) => i.Key!.startsWith('closed/'));
    expect(writes).toHaveLength(2);
    expect(JSON.parse(writes[1].Body as string).content.notRevoked).toMatch(/had changed since it was described/);
  });

  test('a record write that keeps failing revokes nothing and fails the run', async () => {
    oneOpenSshRule();
    s3.on(PutObjectCommand).rejects(awsError('AccessDenied', 'Access Denied'));
    await expect(subject().run(scheduled)).rejects.toThrow(/Could not record rule sgr-ssh .*so nothing was revoked: AccessDenied: Access Denied/);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
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

  test('a revert refuses a key that is not a record\'s, and an object without a signature, and authorizes nothing', async () => {
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => JSON.stringify({ hello: 'world' }) } as any });
    await expect(subject().run({ action: 'revert', recordKeys: ['closed/x.json'] })).rejects.toThrow(/is not the key of a record/);
    await expect(subject().run({ action: 'revert', recordKeys: [`closed/2026-11-22/${GROUP}/sgr-0123456789abcdef0.json`] }))
      .rejects.toThrow(/carries no signature, so it is not a record this remediator wrote/);
    expect(ec2.calls()).toHaveLength(0);
  });

  test('a run summary that is not JSON is refused with its key named, and authorizes nothing', async () => {
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => 'not json' } as any });
    await expect(subject().run({ action: 'revert', runKey: 'runs/2026-11-22T10:00:00.000Z.json' }))
      .rejects.toThrow('s3://records/runs/2026-11-22T10:00:00.000Z.json is not a run summary this remediator wrote (not JSON).');
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
