import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { buildModel } from '../../src/model/build-model';
import { handTemplate, modelOf, testStack } from '../support/analyse-app';

describe('buildModel', () => {
  test("CDK's deny-all placeholder is no egress, and a group without egress keeps AWS's allow-all", () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'Closed', { vpc, allowAllOutbound: false });
    new ec2.CfnSecurityGroup(stack, 'Open', { groupDescription: 'x', vpcId: vpc.vpcId });
    const model = modelOf(app);
    const byPath = (p: string) => [...model.groups.values()].find(g => g.ref?.constructPath === p)!;
    expect(byPath('Stack/Closed/Resource').rules).toEqual([]);
    expect(byPath('Stack/Open').rules).toEqual([expect.objectContaining({ direction: 'egress', implicit: true, traffic: { protocol: 'all' } })]);
  });

  test('standalone rules are resolved to their group, and the VPC and its CIDR are known', () => {
    const { app, stack, vpc } = testStack();
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false });
    sg.addIngressRule(sg, ec2.Port.tcp(7000));
    const model = modelOf(app);
    const group = [...model.groups.values()].find(g => g.ref?.constructPath === 'Stack/Sg/Resource')!;
    expect(group.rules).toEqual([expect.objectContaining({ direction: 'ingress', peer: { kind: 'group', groupKey: group.key } })]);
    expect(model.vpcs.get(group.vpcKey!)!.cidrs.map(c => c.text)).toEqual(['10.0.0.0/16']);
  });

  test('an import of an export in the app resolves to the exporting group', () => {
    const stacks = [
      { stackId: 'A', stackName: 'A', template: { Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } } }, Outputs: { O: { Value: { 'Fn::GetAtt': ['Sg', 'GroupId'] }, Export: { Name: 'shared-sg' } } } } },
      { stackId: 'B', stackName: 'B', template: { Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SecurityGroupIds: [{ 'Fn::ImportValue': 'shared-sg' }], SubnetIds: [] } } } } } },
    ];
    const model = buildModel(stacks);
    const group = model.groups.get('A|Sg')!;
    expect(group.exports).toEqual([{ name: 'shared-sg' }]);
    expect(group.attachments.map(a => a.resource.logicalId)).toEqual(['Fn']);
    expect(group.crossStackUses).toEqual([expect.objectContaining({ via: 'import', exportName: 'shared-sg' })]);
  });

  test('a parameter without a default, or an unknown intrinsic, is recorded as unresolved', () => {
    const model = buildModel(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { Ref: 'Cidr' } }] } },
      In: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: '10.0.0.0/24' } },
    }, { Parameters: { Cidr: { Type: 'String' } } }));
    expect(model.unresolved.map(u => u.what)).toEqual([
      expect.stringContaining('parameter Cidr has no default'),
      expect.stringContaining('the group this ingress rule belongs to'),
    ]);
  });

  test('a load balancer without a Scheme is internet-facing, as AWS defaults it', () => {
    const model = buildModel(handTemplate({ Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network' } } }));
    expect(model.loadBalancers).toEqual([expect.objectContaining({ type: 'network', internetFacing: true, withoutSecurityGroups: true })]);
  });
});
