/**
 * The open-ingress remediator reads every page of what it describes. The handler asks for no page size, so moto
 * server answers each call in one page and never returns a token: here the clients are mocked by
 * aws-sdk-client-mock, and each call answers with the token or marker its real API uses (NextToken,
 * NextMarker, NextContinuationToken). In every case, what decides the run is on the last page only.
 */
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  GetManagedPrefixListEntriesCommand,
  RevokeSecurityGroupIngressCommand,
  SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand as DescribeClassicCommand } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { RevertExemption, RunSummary } from '../../src/handlers/open-ingress-remediator';
import { SCHEDULED, ec2, elb, elbv2, remediatorOnMocks, resetRemediatorMocks, s3 } from '../support/remediator-mocks';

const FIRST = 'sg-0aaaaaaaaaaaaaaa1';
const SECOND = 'sg-0bbbbbbbbbbbbbbb2';

const run = () => remediatorOnMocks({ allowedPorts: [443] })(SCHEDULED) as Promise<RunSummary>;

function openRule(id: string, groupId: string, port: number): SecurityGroupRule {
  return { SecurityGroupRuleId: id, GroupId: groupId, IsEgress: false, IpProtocol: 'tcp', FromPort: port, ToPort: port, CidrIpv4: '0.0.0.0/0' };
}

/** The two groups, the second on a page of its own; `tags` go on the second. */
function twoGroupPages(tags: Array<{ Key: string; Value: string }> = []) {
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
  ec2.on(DescribeSecurityGroupsCommand, { NextToken: undefined }).resolves({ SecurityGroups: [{ GroupId: FIRST, GroupName: 'one' }], NextToken: 'groups-2' });
  ec2.on(DescribeSecurityGroupsCommand, { NextToken: 'groups-2' }).resolves({ SecurityGroups: [{ GroupId: SECOND, GroupName: 'two', Tags: tags }] });
}

const revokedGroups = () => ec2.commandCalls(RevokeSecurityGroupIngressCommand).map(c => c.args[0].input.GroupId);

beforeEach(() => {
  resetRemediatorMocks();
  s3.on(PutObjectCommand).resolves({});
  ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
  elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [] });
  elb.on(DescribeClassicCommand).resolves({ LoadBalancerDescriptions: [] });
});

describe('the open-ingress remediator reads every page', () => {
  test('an exempt group on the second page of groups is left open; the untagged one is closed', async () => {
    twoGroupPages([{ Key: 'sg-strategy:exempt', Value: 'honeypot' }]);
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [openRule('sgr-1', FIRST, 22), openRule('sgr-2', SECOND, 22)] });
    const summary = await run();
    expect(summary).toMatchObject({ closed: 1, skipped: { exempt: 1, allowedPort: 0, reverted: 0 } });
    expect(revokedGroups()).toEqual([FIRST]);
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand).map(c => c.args[0].input.NextToken)).toEqual([undefined, 'groups-2']);
  });

  test('the rules of a group on the second page are judged with that group (its record names it)', async () => {
    twoGroupPages();
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [openRule('sgr-2', SECOND, 22)] });
    expect(await run()).toMatchObject({ closed: 1 });
    const record = s3.commandCalls(PutObjectCommand).map(c => c.args[0].input).find(i => i.Key!.startsWith('closed/'))!;
    expect(JSON.parse(record.Body as string).content.rule).toMatchObject({ groupId: SECOND, groupName: 'two' });
  });

  test('rules on the second page of DescribeSecurityGroupRules are closed too', async () => {
    twoGroupPages();
    ec2.on(DescribeSecurityGroupRulesCommand, { NextToken: undefined }).resolves({ SecurityGroupRules: [openRule('sgr-1', FIRST, 22)], NextToken: 'rules-2' });
    ec2.on(DescribeSecurityGroupRulesCommand, { NextToken: 'rules-2' }).resolves({ SecurityGroupRules: [openRule('sgr-2', SECOND, 3389)] });
    expect(await run()).toMatchObject({ closed: 2 });
    expect(revokedGroups()).toEqual([FIRST, SECOND]);
  });

  test('a prefix list whose world entry is on its second page is world-open', async () => {
    twoGroupPages();
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-pl', GroupId: FIRST, IsEgress: false, IpProtocol: '-1', PrefixListId: 'pl-0office' }],
    });
    ec2.on(GetManagedPrefixListEntriesCommand, { NextToken: undefined }).resolves({ Entries: [{ Cidr: '192.0.2.0/24' }], NextToken: 'entries-2' });
    ec2.on(GetManagedPrefixListEntriesCommand, { NextToken: 'entries-2' }).resolves({ Entries: [{ Cidr: '0.0.0.0/0' }] });
    expect(await run()).toMatchObject({ closed: 1 });
    expect(revokedGroups()).toEqual([FIRST]);
  });

  test.each([
    ['an Application or Network', () => {
      elbv2.on(DescribeLoadBalancersCommand, { Marker: undefined }).resolves({ LoadBalancers: [{ Scheme: 'internal', SecurityGroups: [FIRST] }], NextMarker: 'lbs-2' });
      elbv2.on(DescribeLoadBalancersCommand, { Marker: 'lbs-2' }).resolves({ LoadBalancers: [{ Scheme: 'internet-facing', SecurityGroups: [SECOND] }] });
    }],
    ['a Classic', () => {
      elb.on(DescribeClassicCommand, { Marker: undefined }).resolves({ LoadBalancerDescriptions: [{ Scheme: 'internal', SecurityGroups: [FIRST] }], NextMarker: 'lbs-2' });
      elb.on(DescribeClassicCommand, { Marker: 'lbs-2' }).resolves({ LoadBalancerDescriptions: [{ Scheme: 'internet-facing', SecurityGroups: [SECOND] }] });
    }],
  ])('%s load balancer on the second page, internet-facing, keeps 443 open on its group', async (_kind, loadBalancers) => {
    twoGroupPages();
    loadBalancers();
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [openRule('sgr-1', FIRST, 443), openRule('sgr-2', SECOND, 443)] });
    expect(await run()).toMatchObject({ closed: 1, skipped: { exempt: 0, allowedPort: 1, reverted: 0 } });
    expect(revokedGroups()).toEqual([FIRST]);
  });

  test('an exemption a revert left, listed on the second page under reverted/, keeps its rule open', async () => {
    twoGroupPages();
    const rule = openRule('sgr-2', SECOND, 22);
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [openRule('sgr-1', FIRST, 22), rule] });
    const key = `reverted/${SECOND}/sgr-2.json`;
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({ Contents: [{ Key: `reverted/${FIRST}/sgr-0.json` }], NextContinuationToken: 'keys-2' });
    s3.on(ListObjectsV2Command, { ContinuationToken: 'keys-2' }).resolves({ Contents: [{ Key: key }] });
    const exemption: RevertExemption = {
      schemaVersion: '1',
      revertedAt: '2026-11-21T09:00:00.000Z',
      recordKey: `closed/2026-11-20/${SECOND}/sgr-2.json`,
      groupId: SECOND,
      securityGroupRuleId: 'sgr-2',
      rule: { groupId: SECOND, securityGroupRuleId: 'sgr-2', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' },
    };
    s3.on(GetObjectCommand, { Key: key }).resolves({ Body: { transformToString: async () => JSON.stringify({ content: exemption, mac: 'AQID' }) } as any });
    expect(await run()).toMatchObject({ closed: 1, skipped: { exempt: 0, allowedPort: 0, reverted: 1 } });
    expect(revokedGroups()).toEqual([FIRST]);
  });
});
