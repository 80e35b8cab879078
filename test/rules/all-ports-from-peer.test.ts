import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testStack } from '../support/analyse-app';

const RULE = 'AllPortsFromPeer';

describe(RULE, () => {
  test('flags all traffic from another group (L2)', () => {
    const { app, stack, vpc } = testStack();
    const app1 = new ec2.SecurityGroup(stack, 'App', { vpc, allowAllOutbound: false });
    new ec2.SecurityGroup(stack, 'Db', { vpc, allowAllOutbound: false }).addIngressRule(app1, ec2.Port.allTraffic());
    expect(findingsOf(analyseApp(app), RULE)).toHaveLength(1);
  });

  test('flags all TCP from a private CIDR (L1)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.CfnSecurityGroup(stack, 'Db', {
      groupDescription: 'x',
      vpcId: vpc.vpcId,
      securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 0, toPort: 65535, cidrIp: '10.0.1.0/24' }],
    });
    expect(findingsOf(analyseApp(app), RULE)).toHaveLength(1);
  });

  test('the service port from another group is compliant (L2)', () => {
    const { app, stack, vpc } = testStack();
    const app1 = new ec2.SecurityGroup(stack, 'App', { vpc, allowAllOutbound: false });
    new ec2.SecurityGroup(stack, 'Db', { vpc, allowAllOutbound: false }).addIngressRule(app1, ec2.Port.tcp(5432));
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('all ports from a prefix list is flagged, unless the list holds the world, which WorldOpenIngress reports (L1)', () => {
    const list = (cidr: string) => ({ Type: 'AWS::EC2::PrefixList', Properties: { AddressFamily: 'IPv4', MaxEntries: 1, PrefixListName: cidr, Entries: [{ Cidr: cidr }] } });
    const group = (pl: string) => ({ Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: '-1', SourcePrefixListId: { Ref: pl } }] } });
    const { findings } = analyse(handTemplate({ Office: list('192.0.2.0/24'), World: list('0.0.0.0/0'), A: group('Office'), B: group('World') }), {}, []);
    expect(findingsOf(findings, RULE).map(f => f.message)).toEqual([expect.stringContaining('Hand/A admits all traffic from prefix list Office')]);
    expect(findingsOf(findings, 'WorldOpenIngress').map(f => f.logicalId)).toEqual(['B']);
  });
});

test('AllPortsFromPeer on hand-written templates: which peers it speaks for', () => {
  const messages = (ingress: Record<string, unknown>[], more: Record<string, unknown> = {}) => findingsOf(analyse(handTemplate({
    Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: ingress } },
    Other: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } },
    ...more,
  }), {}, []).findings, 'AllPortsFromPeer').map(f => f.message);
  expect(messages([{ IpProtocol: '-1', SourceSecurityGroupId: { Ref: 'Other' } }])).toEqual(['Hand/Sg admits all traffic from group Hand/Other.']);
  expect(messages([{ IpProtocol: '-1', SourcePrefixListId: 'pl-123' }])).toEqual(['Hand/Sg admits all traffic from prefix list pl-123.']);
  expect(messages([{ IpProtocol: 'udp', FromPort: 0, ToPort: 65535, CidrIp: '10.0.0.0/8' }])).toEqual(['Hand/Sg admits all udp ports from 10.0.0.0/8.']);
  expect(messages([{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }])).toEqual([]);
  expect(messages([{ IpProtocol: '-1', SourceSecurityGroupId: { Ref: 'Sg' } }])).toEqual([]);
  expect(messages([{ IpProtocol: 'tcp', FromPort: 1, ToPort: 65535, CidrIp: '10.0.0.0/8' }])).toEqual([]);
  expect(messages([{ IpProtocol: { 'Fn::ImportValue': 'p' }, CidrIp: '10.0.0.0/8' }])).toEqual([]);
  expect(messages([], { Out: { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: { Ref: 'Sg' }, IpProtocol: '-1', DestinationSecurityGroupId: { Ref: 'Other' } } } })).toEqual([]);
  expect(messages([{ IpProtocol: '-1', CidrIp: '10.0.0.0/8' }], { Nat: { Type: 'AWS::EC2::Instance', Properties: { SourceDestCheck: false, SecurityGroupIds: [{ Ref: 'Sg' }] } } })).toEqual([]);
});
