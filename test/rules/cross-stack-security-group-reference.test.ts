import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ServerClientPair } from '../../src';
import { analyse } from '../../src/checks/engine';
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

describe('CrossStackSecurityGroupReference on hand-written templates', () => {
  const sg = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } };
  const exporting = { stackId: 'A', stackName: 'A', template: { Resources: { Sg: sg }, Outputs: { O: { Value: { 'Fn::GetAtt': ['Sg', 'GroupId'] }, Export: { Name: 'sg-id' } } } } };
  const importer = (stackId: string) => ({ stackId, stackName: stackId, template: { Resources: { I: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: [{ 'Fn::ImportValue': 'sg-id' }] } } } } });
  const messages = (stacks: Parameters<typeof analyse>[0]) => findingsOf(analyse(stacks, {}, []).findings, 'CrossStackSecurityGroupReference').map(f => f.message);

  test('one finding per importing stack, naming the export', () => {
    expect(messages([exporting, importer('B'), importer('C')])).toEqual([
      'A/Sg in stack A is used by stack B (import of sg-id); it cannot be deleted or replaced while B uses it.',
      'A/Sg in stack A is used by stack C (import of sg-id); it cannot be deleted or replaced while C uses it.',
    ]);
  });

  test('a nested stack given the group as a parameter, or the exporting stack itself, is not an import', () => {
    const parent = { stackId: 'P', stackName: 'P', template: { Resources: { Sg: sg, Child: { Type: 'AWS::CloudFormation::Stack', Properties: { Parameters: { G: { 'Fn::GetAtt': ['Sg', 'GroupId'] } } } } } } };
    const child = {
      stackId: 'Child',
      stackName: 'Child',
      parent: { stackId: 'P', logicalId: 'Child' },
      template: {
        Parameters: { G: { Type: 'String' } }, Resources: { I: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: [{ Ref: 'G' }] } } },
      },
    };
    expect(messages([parent, child])).toEqual([]);
    expect(messages([{ ...exporting, template: { ...exporting.template, Resources: { ...exporting.template.Resources, I: importer('A').template.Resources.I } } }])).toEqual([]);
  });
});
