import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyse } from '../../src/checks/engine';
import { ENV, analyseApp, findingsOf, handTemplate, testStack } from '../support/analyse-app';

const RULE = 'EgressRevokesDefaultOfExternalGroup';

describe(RULE, () => {
  test('flags an egress rule CDK adds to a group imported by id, naming the group and the stack (L2)', () => {
    const { app, stack, vpc } = testStack();
    const shared = ec2.SecurityGroup.fromSecurityGroupId(stack, 'SharedLb', 'sg-0123abcd', { allowAllOutbound: false });
    shared.connections.allowTo(new ec2.SecurityGroup(stack, 'App', { vpc }), ec2.Port.tcp(8080));
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'warning', stackName: 'Stack' })]);
    expect(found[0].message).toContain('in stack Stack adds egress (tcp 8080 to group Stack/App) to sg-0123abcd, which is not defined in this app');
    expect(found[0].message).toContain('removes the default allow-all egress of sg-0123abcd');
  });

  test('flags a group named by a parameter or an import from outside the app (L1)', () => {
    const { findings } = analyse(handTemplate({
      ByParam: { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: { Ref: 'LbSg' }, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '10.0.0.0/16' } },
      ByImport: { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: { 'Fn::ImportValue': 'shared-lb-sg' }, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '10.0.0.0/16' } },
    }, { Parameters: { LbSg: { Type: 'AWS::EC2::SecurityGroup::Id' } } }), {}, []);
    expect(findingsOf(findings, RULE).map(f => f.logicalId).sort()).toEqual(['ByImport', 'ByParam']);
  });

  test('an imported group left with allowAllOutbound: true gets no egress, and a group of the app is not flagged (L2)', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    const target = new ec2.SecurityGroup(stack, 'App', { vpc });
    ec2.SecurityGroup.fromSecurityGroupId(stack, 'Shared', 'sg-0123abcd').connections.allowTo(target, ec2.Port.tcp(8080));
    new ec2.SecurityGroup(stack, 'Own', { vpc, allowAllOutbound: false }).connections.allowTo(target, ec2.Port.tcp(8080));
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('inline rules and ingress rules are not flagged (L1)', () => {
    const { findings } = analyse(handTemplate({
      In: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: 'sg-0123abcd', IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '10.0.0.0/16' } },
    }), {}, []);
    expect(findingsOf(findings, RULE)).toEqual([]);
  });
});

test('EgressRevokesDefaultOfExternalGroup on hand-written templates: the whole message, and only for groups outside the app', () => {
  const messages = (resources: Record<string, unknown>) => findingsOf(analyse(handTemplate(resources), {}, []).findings, 'EgressRevokesDefaultOfExternalGroup').map(f => [f.level, f.message]);
  const egress = (GroupId: unknown, more = {}) => ({ Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/8', ...more } });
  expect(messages({ E: egress('sg-0abc') })).toEqual([[
    'warning', 'Hand/E in stack Hand adds egress (tcp 443 to 10.0.0.0/8) to sg-0abc, which is not defined in this app. Creating it removes the default allow-all egress of sg-0abc, if it still has one, for everything that carries that group.',
  ]]);
  expect(messages({ E: egress('sg-0abc', { FromPort: { 'Fn::ImportValue': 'p' } }) })).toEqual([[expect.anything(), expect.stringContaining('adds egress (unknown traffic to 10.0.0.0/8)')]]);
  expect(messages({ Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } }, E: egress({ Ref: 'Sg' }) })).toEqual([]);
  expect(messages({ Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } }, E: egress({ 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] }) })).toEqual([]);
});
