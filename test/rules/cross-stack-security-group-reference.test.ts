import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ServerClientPair } from '../../src';
import { ENV, analyseApp, findingsOf, testStack, vpcFunction } from '../support/analyse-app';

const RULE = 'CrossStackSecurityGroupReference';

describe(RULE, () => {
  test('names both stacks when a group is used from another stack (L2)', () => {
    const { app, stack, vpc } = testStack(undefined, 'Data');
    const pair = new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)] });
    const api = new Stack(app, 'Api', { env: ENV });
    pair.addClient(vpcFunction(api, 'Fn', vpc));
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 'info', stackName: 'Data', constructPath: 'Data/Pair/ClientSecurityGroup/Resource' });
    expect(found[0].message).toContain('in stack Data is used by stack Api');
  });

  test('a group used in its own stack is not reported (L2)', () => {
    const { app, stack, vpc } = testStack();
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false });
    new ec2.Instance(stack, 'I', { vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(), securityGroup: sg });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });
});
