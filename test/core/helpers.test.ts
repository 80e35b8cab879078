/**
 * The small helpers of src/core that the constructs share, tested directly: each is reached by many construct
 * tests, but through paths that do not pin its edges (a port of exactly 65535, an L1 field with an acronym, a
 * VPC id that is a token but not a reference).
 */
import { App, Errors, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { keepEgressClosed } from '../../src/core/closed-egress';
import { ec2ApiCallPattern } from '../../src/core/cloudtrail';
import { checkPorts, validationError } from '../../src/core/errors';
import { l1FieldName, readL1Property } from '../../src/core/l1-fields';
import { vpcIdentity, vpcsOfConnectable } from '../../src/core/vpc-identity';

describe('validationError', () => {
  test('names the construct path first, and is a CDK validation error carrying that path', () => {
    const scope = new Construct(new Stack(new App(), 'Stack'), 'Pair');
    const error = validationError(scope, 'vpc is required.') as Error & { constructPath?: string };
    expect(error.message).toBe('Stack/Pair: vpc is required.');
    expect(error.name).toBe('ValidationError');
    expect(error.constructPath).toBe('Stack/Pair');
    expect(Errors.isValidationError(error)).toBe(true);
    expect(Errors.isConstructError(error)).toBe(true);
  });

  test('the app itself, whose path is empty, is named <root>', () => {
    const error = validationError(new App(), 'bad') as Error & { constructPath?: string };
    expect(error.message).toBe('<root>: bad');
    expect(error.constructPath).toBe('<root>');
  });
});

describe('checkPorts', () => {
  const scope = () => new Construct(new Stack(new App(), 'Stack'), 'Mon');

  test('accepts whole numbers from the lowest port to 65535, both ends included, and tokens', () => {
    expect(() => checkPorts(scope(), 'ports', [1, 22, 65535], 1)).not.toThrow();
    expect(() => checkPorts(scope(), 'ports', [0], 0)).not.toThrow();
    expect(() => checkPorts(scope(), 'ports', [Token.asNumber(Lazy.number({ produce: () => 99999 }))], 1)).not.toThrow();
  });

  test.each([
    [0, 1],
    [-1, 0],
    [65536, 1],
    [22.5, 1],
    [Number.NaN, 0],
  ])('refuses %p when the lowest port is %p, naming the list, the value and the range', (port, lowest) => {
    expect(() => checkPorts(scope(), 'restrictedPorts', [22, port], lowest))
      .toThrow(`Stack/Mon: restrictedPorts holds ${port}, which is not a port (${lowest}-65535).`);
  });
});

describe('l1FieldName and readL1Property', () => {
  test.each([
    ['VPCSecurityGroups', 'vpcSecurityGroups'],
    ['SecurityGroupIds', 'securityGroupIds'],
    ['VpcConfig', 'vpcConfig'],
    ['Vpc', 'vpc'],
  ])('%s is the typed field %s', (key, field) => {
    expect(l1FieldName(key)).toBe(field);
  });

  test('reads a typed field of a real L1 by its CloudFormation name, nested or not', () => {
    const stack = new Stack();
    const db = new rds.CfnDBInstance(stack, 'Db', { dbInstanceClass: 'db.t3.micro', vpcSecurityGroups: ['sg-1'] });
    expect(readL1Property(db, ['VPCSecurityGroups'])).toEqual(['sg-1']);
    const fn = new lambda.CfnFunction(stack, 'Fn', {
      code: { zipFile: 'x' }, role: 'arn:aws:iam::123456789012:role/r', vpcConfig: { securityGroupIds: ['sg-2'], subnetIds: [] },
    });
    expect(readL1Property(fn, ['VpcConfig', 'SecurityGroupIds'])).toEqual(['sg-2']);
    expect(readL1Property(fn, ['VpcConfig', 'Missing'])).toBeUndefined();
    expect(readL1Property(db, ['VpcConfig', 'SecurityGroupIds'])).toBeUndefined();
  });

  test('falls back to the CloudFormation name in a plain object, and stops at a scalar', () => {
    expect(readL1Property({ VpcConfig: { SecurityGroupIds: ['sg-3'] } }, ['VpcConfig', 'SecurityGroupIds'])).toEqual(['sg-3']);
    expect(readL1Property({ vpcConfig: 'text' }, ['VpcConfig', 'SecurityGroupIds'])).toBeUndefined();
    expect(readL1Property({ vpcConfig: null }, ['VpcConfig', 'SecurityGroupIds'])).toBeUndefined();
    expect(readL1Property({ VpcConfig: null }, ['VpcConfig', 'SecurityGroupIds'])).toBeUndefined();
  });

  test('a token on the way is returned as it is, or looked into when a resolver is given', () => {
    const token = Lazy.any({ produce: () => ({ SecurityGroupIds: ['sg-4'] }) });
    const cfn = { vpcConfig: token };
    expect(readL1Property(cfn, ['VpcConfig', 'SecurityGroupIds'])).toBe(token);
    const stack = new Stack();
    expect(readL1Property(cfn, ['VpcConfig', 'SecurityGroupIds'], t => stack.resolve(t))).toEqual(['sg-4']);
  });
});

describe('vpcIdentity and vpcsOfConnectable', () => {
  test('a literal id is itself, a VPC construct\'s id is its CfnVPC, and what synth cannot know is undefined', () => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    expect(vpcIdentity(undefined)).toBeUndefined();
    expect(vpcIdentity('vpc-0123')).toBe('vpc-0123');
    expect(vpcIdentity(vpc.vpcId)).toBe(vpc.node.defaultChild);
    expect(vpcIdentity(Fn.importValue('SharedVpc'))).toBeUndefined();
    // One reference inside a longer string is not the VPC's id.
    expect(vpcIdentity(`x-${vpc.vpcId}`)).toBeUndefined();
    expect(vpcIdentity(`${vpc.vpcId}-x`)).toBeUndefined();
  });

  test('the VPCs of a resource\'s groups, each once; groups that are not ours and resources without groups give none', () => {
    const stack = new Stack();
    const a = new ec2.Vpc(stack, 'A', { natGateways: 0 });
    const b = new ec2.Vpc(stack, 'B', { natGateways: 0 });
    const groups = [
      new ec2.SecurityGroup(stack, 'A1', { vpc: a }),
      new ec2.SecurityGroup(stack, 'A2', { vpc: a }),
      new ec2.SecurityGroup(stack, 'B1', { vpc: b }),
      ec2.SecurityGroup.fromSecurityGroupId(stack, 'Imported', 'sg-0123'),
    ];
    expect(vpcsOfConnectable({ connections: new ec2.Connections({ securityGroups: groups }) }))
      .toEqual([a.node.defaultChild, b.node.defaultChild]);
    const literal = new ec2.SecurityGroup(stack, 'L', { vpc: ec2.Vpc.fromVpcAttributes(stack, 'Imp', { vpcId: 'vpc-9', availabilityZones: ['a'] }) });
    expect(vpcsOfConnectable({ connections: new ec2.Connections({ securityGroups: [literal] }) })).toEqual(['vpc-9']);
    const noGroups = { get connections(): ec2.Connections { throw new Error('this resource has no security groups'); } };
    expect(vpcsOfConnectable(noGroups)).toEqual([]);
  });
});

describe('ec2ApiCallPattern', () => {
  test('matches the named EC2 calls recorded by CloudTrail, with the extra detail conditions', () => {
    expect(ec2ApiCallPattern(['AuthorizeSecurityGroupIngress'], { requestParameters: { groupId: ['sg-1'] } })).toEqual({
      source: ['aws.ec2'],
      detailType: ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['ec2.amazonaws.com'], eventName: ['AuthorizeSecurityGroupIngress'], requestParameters: { groupId: ['sg-1'] } },
    });
    expect(ec2ApiCallPattern(['ModifySecurityGroupRules']).detail).toEqual({ eventSource: ['ec2.amazonaws.com'], eventName: ['ModifySecurityGroupRules'] });
  });
});

describe('keepEgressClosed', () => {
  const egressOf = (stack: Stack, group: ec2.SecurityGroup) =>
    stack.resolve((group.node.defaultChild as ec2.CfnSecurityGroup).securityGroupEgress);

  test('a group with no inline egress states the no-traffic rule; one with inline egress keeps exactly those rules', () => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    const closed = new ec2.SecurityGroup(stack, 'Closed', { vpc, allowAllOutbound: false });
    keepEgressClosed(closed);
    expect(egressOf(stack, closed)).toEqual([{ cidrIp: '255.255.255.255/32', description: 'Disallow all traffic', ipProtocol: 'icmp', fromPort: 252, toPort: 86 }]);

    const open = new ec2.SecurityGroup(stack, 'Open', { vpc, allowAllOutbound: false });
    keepEgressClosed(open);
    open.addEgressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(443), 'to the proxy');
    expect(egressOf(stack, open)).toEqual([{ cidrIp: '10.0.0.0/16', description: 'to the proxy', ipProtocol: 'tcp', fromPort: 443, toPort: 443 }]);
    expect(String((open.node.defaultChild as ec2.CfnSecurityGroup).securityGroupEgress)).toBe('ClosedEgress');
  });
});
