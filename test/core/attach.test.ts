/**
 * Attaching a group to an L1 through its CloudFormation property: the resource's own groups stay, whether the
 * L1 is typed (elasticache.CfnReplicationGroup) or a plain CfnResource given its properties as a bag.
 */
import { CfnResource, Fn } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ServerClientPair } from '../../src';
import { attachToCfnResource } from '../../src/core/attach';
import { postgres, testStack } from '../support/analyse-app';

function setUp() {
  const { stack, vpc } = testStack();
  const group = new ec2.SecurityGroup(stack, 'Ours', { vpc });
  const groupId = { 'Fn::GetAtt': [stack.getLogicalId(group.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] };
  const propertiesOf = (cfn: CfnResource) => Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(cfn)].Properties;
  return { stack, group, groupId, propertiesOf };
}

describe('attachToCfnResource', () => {
  test('a plain CfnResource keeps the groups it was given, and gets ours once, however often it is attached', () => {
    const { stack, group, groupId, propertiesOf } = setUp();
    const cache = new CfnResource(stack, 'Cache', {
      type: 'AWS::ElastiCache::ReplicationGroup',
      properties: { ReplicationGroupDescription: 'cache', SecurityGroupIds: ['sg-0own'] },
    });
    attachToCfnResource(cache, group, stack);
    attachToCfnResource(cache, group, stack);
    expect(propertiesOf(cache).SecurityGroupIds).toEqual(['sg-0own', groupId]);
  });

  test('a typed L1 keeps its own groups too, and one without any gets ours alone', () => {
    const { stack, group, groupId, propertiesOf } = setUp();
    const withOwn = new elasticache.CfnReplicationGroup(stack, 'WithOwn', { replicationGroupDescription: 'a', securityGroupIds: ['sg-0own'] });
    const without = new elasticache.CfnReplicationGroup(stack, 'Without', { replicationGroupDescription: 'b' });
    attachToCfnResource(withOwn, group, stack);
    attachToCfnResource(without, group, stack);
    expect(propertiesOf(withOwn).SecurityGroupIds).toEqual(['sg-0own', groupId]);
    expect(propertiesOf(without).SecurityGroupIds).toEqual([groupId]);
  });

  test('a nested list is found below its parent, in a plain CfnResource and in a typed L1 whose list is still empty', () => {
    const { stack, group, groupId, propertiesOf } = setUp();
    const plain = new CfnResource(stack, 'Plain', {
      type: 'AWS::Lambda::Function',
      properties: { Role: 'arn:aws:iam::123456789012:role/r', Code: { ZipFile: 'x' }, VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-0own'] } },
    });
    const typed = new lambda.CfnFunction(stack, 'Typed', {
      role: 'arn:aws:iam::123456789012:role/r', code: { zipFile: 'x' }, vpcConfig: { subnetIds: ['subnet-1'] },
    });
    attachToCfnResource(plain, group, stack);
    attachToCfnResource(typed, group, stack);
    expect(propertiesOf(plain).VpcConfig).toEqual({ SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-0own', groupId] });
    expect(propertiesOf(typed).VpcConfig).toEqual({ SubnetIds: ['subnet-1'], SecurityGroupIds: [groupId] });
  });

  test('a typed L1 without the parent of the list has no network interfaces: the error names the whole parent path', () => {
    const { stack, group } = setUp();
    const service = new ecs.CfnService(stack, 'Svc', { networkConfiguration: {} });
    expect(() => attachToCfnResource(service, group, stack))
      .toThrow('Stack: Stack/Svc has no NetworkConfiguration.AwsvpcConfiguration, so it has no network interfaces');
  });

  test('a group list that is a token cannot be added to: synth fails, naming the resource and the property', () => {
    const { stack, group } = setUp();
    const cache = new CfnResource(stack, 'Cache', {
      type: 'AWS::ElastiCache::ReplicationGroup',
      properties: { ReplicationGroupDescription: 'cache', SecurityGroupIds: Fn.split(',', Fn.importValue('Groups')) },
    });
    attachToCfnResource(cache, group, stack);
    expect(() => Template.fromStack(stack)).toThrow(/cannot add to the security groups of Stack\/Cache: its SecurityGroupIds is not a plain list/);
  });
});

describe('attachToConnectable', () => {
  test('a resource created with the pair\'s group and then added to the pair lists that group once', () => {
    const { stack, vpc } = testStack();
    const pair = new ServerClientPair(stack, 'Pair', { vpc, ports: [ec2.Port.tcp(5432)] });
    const db = postgres(stack, vpc, 'Db', { securityGroups: [pair.serverSecurityGroup] });
    pair.addServer(db);
    const groups = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(db.node.defaultChild as CfnResource)].Properties.VPCSecurityGroups;
    expect(groups).toEqual([{ 'Fn::GetAtt': [stack.getLogicalId(pair.serverSecurityGroup.node.defaultChild as CfnResource), 'GroupId'] }]);
  });
});

describe('dropAutomaticSecurityGroup', () => {
  test('a rule given to a dropped group later fails synth once, saying what to do, even when two pairs dropped it', () => {
    const { app, stack, vpc } = testStack();
    const a = new ServerClientPair(stack, 'A', { vpc, ports: [ec2.Port.tcp(5432)] });
    const b = new ServerClientPair(stack, 'B', { vpc, ports: [ec2.Port.tcp(5433)] });
    const db = postgres(stack, vpc);
    a.addServer(db, { dropAutomaticSecurityGroup: true });
    b.addClient(db, { dropAutomaticSecurityGroup: true });
    db.connections.allowDefaultPortFrom(ec2.Peer.ipv4('10.9.0.0/16'));
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('rules were given to Stack/Db/SecurityGroup after it was taken off Stack/Db (dropAutomaticSecurityGroup), so they would reach nothing. '
      + 'Give them to the pair\'s groups instead, or keep the automatic group.');
    expect(message.split('rules were given to').length - 1).toBe(1);
  });
});
