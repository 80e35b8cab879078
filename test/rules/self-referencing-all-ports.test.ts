import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testStack } from '../support/analyse-app';

const RULE = 'SelfReferencingAllPorts';

describe(RULE, () => {
  test('flags a group that admits itself on all traffic (L2)', () => {
    const { app, stack, vpc } = testStack();
    const sg = new ec2.SecurityGroup(stack, 'Cluster', { vpc, allowAllOutbound: false });
    sg.connections.allowInternally(ec2.Port.allTraffic());
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('from itself');
    expect(findingsOf(analyseApp(app), 'AllPortsFromPeer')).toEqual([]);
  });

  test('a self reference on one port is compliant (L1)', () => {
    const { app, stack, vpc } = testStack();
    const sg = new ec2.CfnSecurityGroup(stack, 'Cluster', { groupDescription: 'x', vpcId: vpc.vpcId });
    new ec2.CfnSecurityGroupIngress(stack, 'Gossip', { groupId: sg.attrGroupId, sourceSecurityGroupId: sg.attrGroupId, ipProtocol: 'tcp', fromPort: 7000, toPort: 7000 });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });
});

test('SelfReferencingAllPorts on hand-written templates: only all ports, only from itself, never a VPC\'s default group', () => {
  const messages = (ingress: Record<string, unknown>[], more: Record<string, unknown> = {}) => findingsOf(analyse(handTemplate({
    Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: ingress } },
    Other: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } },
    ...more,
  }), {}, []).findings, 'SelfReferencingAllPorts').map(f => f.message);
  expect(messages([{ IpProtocol: '-1', SourceSecurityGroupId: { Ref: 'Sg' } }])).toEqual(['Hand/Sg admits all traffic from itself.']);
  expect(messages([{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, SourceSecurityGroupId: { Ref: 'Sg' } }])).toEqual(['Hand/Sg admits all tcp ports from itself.']);
  expect(messages([{ IpProtocol: 'tcp', FromPort: 7000, ToPort: 7000, SourceSecurityGroupId: { Ref: 'Sg' } }])).toEqual([]);
  expect(messages([{ IpProtocol: '-1', SourceSecurityGroupId: { Ref: 'Other' } }])).toEqual([]);
  expect(messages([{ IpProtocol: '-1', CidrIp: '10.0.0.0/16' }])).toEqual([]);
  expect(messages([], {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    I: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: { Ref: 'Subnet' } } },
    Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24' } },
  })).toEqual([]);
});
