import { CfnOutput, CfnResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ServerClientPair } from '../../src';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, postgres, testStack } from '../support/analyse-app';

const RULE = 'UnattachedSecurityGroup';

describe(RULE, () => {
  test('flags a group nothing carries (L2)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'Orphan', { vpc, allowAllOutbound: false });
    const found = findingsOf(analyseApp(app), RULE);
    expect(found.map(f => f.constructPath)).toEqual(['Stack/Orphan/Resource']);
  });

  test("flags a pair's server group until a server carries it, and says rules name it", () => {
    const { app, stack, vpc } = testStack();
    new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)] });
    const found = findingsOf(analyseApp(app), RULE);
    expect(found.map(f => f.constructPath).sort()).toEqual(['Stack/Pair/ClientSecurityGroup/Resource', 'Stack/Pair/ServerSecurityGroup/Resource']);
    expect(found.find(f => f.constructPath!.includes('Server'))!.message).toContain('Rules in Stack/Pair/ClientSecurityGroup name it');
  });

  test('groups carried by a database, exported, or named by a custom resource are in use (L2 and L1)', () => {
    const { app, stack, vpc } = testStack();
    const pair = new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)] });
    postgres(stack, vpc, 'Db', { securityGroups: [pair.serverSecurityGroup] });
    new CfnOutput(stack, 'ClientGroup', { value: pair.clientSecurityGroup.securityGroupId, exportName: 'db-clients' });
    const other = new ec2.CfnSecurityGroup(stack, 'Handed', { groupDescription: 'x', vpcId: vpc.vpcId });
    new CfnResource(stack, 'Custom', { type: 'Custom::Thing', properties: { ServiceToken: 'arn:x', Group: other.attrGroupId } });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });
});

test('UnattachedSecurityGroup on hand-written templates: the groups whose rules name it are said; a VPC\'s default group is never flagged', () => {
  const { findings } = analyse(handTemplate({
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    A: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', VpcId: { Ref: 'Vpc' }, SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, SourceSecurityGroupId: { Ref: 'B' } }] } },
    B: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', VpcId: { Ref: 'Vpc' } } },
    I: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: [{ Ref: 'A' }], SubnetId: 'subnet-1' } },
  }), {}, []);
  expect(findingsOf(findings, 'UnattachedSecurityGroup').map(f => f.message)).toEqual([
    'Hand/B is attached to nothing. Rules in Hand/A name it, but grant nothing while no resource carries it.',
  ]);
  const alone = analyse(handTemplate({ C: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } } }), {}, []).findings;
  expect(findingsOf(alone, 'UnattachedSecurityGroup').map(f => f.message)).toEqual(['Hand/C is attached to nothing.']);
});
