import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testStack } from '../support/analyse-app';

const RULE = 'UnrestrictedEgress';

describe(RULE, () => {
  test("flags CDK's allowAllOutbound (L2)", () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('sends all traffic to 0.0.0.0/0');
  });

  test('allowAllOutbound: false is compliant (L2)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('a group whose only egress is a standalone resource has lost AWS\'s allow-all: compliant (L1)', () => {
    const { app, stack, vpc } = testStack();
    const sg = new ec2.CfnSecurityGroup(stack, 'Sg', { groupDescription: 'x', vpcId: vpc.vpcId });
    new ec2.CfnSecurityGroupEgress(stack, 'Https', { groupId: sg.attrGroupId, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/16' });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('the least-privilege pattern, allowAllOutbound: false and connections.allowTo another group, is compliant (L2)', () => {
    const { app, stack, vpc } = testStack();
    const db = new ec2.SecurityGroup(stack, 'Db', { vpc, allowAllOutbound: false });
    const app_ = new ec2.SecurityGroup(stack, 'App', { vpc, allowAllOutbound: false });
    app_.connections.allowTo(db, ec2.Port.tcp(5432));
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('a standalone egress from another stack removes the allow-all too (L1)', () => {
    const { findings } = analyse([
      { stackId: 'A', stackName: 'A', template: { Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } } }, Outputs: { O: { Value: { 'Fn::GetAtt': ['Sg', 'GroupId'] }, Export: { Name: 'sg' } } } } },
      { stackId: 'B', stackName: 'B', template: { Resources: { E: { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: { 'Fn::ImportValue': 'sg' }, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' } } } } },
    ], {}, []);
    expect(findingsOf(findings, RULE)).toEqual([]);
  });

  test('flags a group with no egress at all, inline or standalone, and says the allow-all is IPv4 (L1)', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupEgress: [] } },
      In: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { Ref: 'Sg' }, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' } },
    }), {}, []);
    const found = findingsOf(findings, RULE);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('all IPv4 traffic to 0.0.0.0/0');
    expect(found[0].message).toContain('coverage-roadmap#2241');
  });

  test('flags -1 to ::/0 (L1)', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupEgress: [{ IpProtocol: '-1', CidrIpv6: '::/0' }] } },
    }), {}, []);
    expect(findingsOf(findings, RULE)).toHaveLength(1);
  });

  test('egress to all ports of one destination group is not "unrestricted"', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }] } },
    }), {}, []);
    expect(findingsOf(findings, RULE)).toEqual([]);
  });
});

describe('UnrestrictedEgress on hand-written templates', () => {
  const messages = (egress: Record<string, unknown>[], more: Record<string, unknown> = {}) => {
    const { findings } = analyse(handTemplate({ Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupEgress: egress } }, ...more }), {}, []);
    expect(findings.filter(f => f.message.includes('failed on this app'))).toEqual([]);
    return findingsOf(findings, 'UnrestrictedEgress').map(f => f.message);
  };

  test('all traffic to a prefix list that holds the world names the list', () => {
    expect(messages([{ IpProtocol: '-1', DestinationPrefixListId: { 'Fn::GetAtt': ['World', 'PrefixListId'] } }], {
      World: { Type: 'AWS::EC2::PrefixList', Properties: { AddressFamily: 'IPv4', MaxEntries: 1, PrefixListName: 'w', Entries: [{ Cidr: '0.0.0.0/0' }] } },
    })).toEqual([expect.stringMatching(/^Hand\/Sg sends all traffic to prefix list .*, which holds the whole internet\.$/)]);
  });

  test('one protocol to the world, or traffic synth cannot read, is not all traffic', () => {
    expect(messages([{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIp: '0.0.0.0/0' }])).toEqual([]);
    expect(messages([{ IpProtocol: { 'Fn::ImportValue': 'proto' }, CidrIp: '0.0.0.0/0' }])).toEqual([]);
    expect(messages([{ IpProtocol: '-1', CidrIpv6: '::/0' }])).toEqual(['Hand/Sg sends all traffic to ::/0.']);
  });

  test('all traffic in from the world is not egress', () => {
    const { findings } = analyse(handTemplate({
      Sg: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }], SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/8' }],
        },
      },
    }), {}, []);
    expect(findingsOf(findings, 'UnrestrictedEgress')).toEqual([]);
  });

  test('a VPC\'s default group is left to DefaultSecurityGroupOpen', () => {
    const { findings } = analyse(handTemplate({
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      I: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: { Ref: 'Subnet' } } },
      Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24' } },
    }), {}, []);
    expect(findingsOf(findings, 'UnrestrictedEgress')).toEqual([]);
  });
});
