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

  test('on a type the table does not list, one walk finds the group-named properties and every other mention', () => {
    const sg = (id: string) => ({ Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: id } });
    const model = buildModel(handTemplate({
      ...Object.fromEntries(['A', 'B', 'C', 'D', 'E', 'F', 'G'].map(id => [id, sg(id)])),
      Thing: {
        Type: 'AWS::Example::Thing',
        Properties: {
          // Attached, with its path; not also a reference.
          Network: { Interfaces: [{ SecurityGroupIds: [{ Ref: 'A' }] }] },
          // After an intrinsic function's key, nothing more in the object is read as a property name...
          Choice: { 'Fn::If': ['Cond', 'x', 'y'], 'SecurityGroups': [{ Ref: 'B' }] },
          // ...and an intrinsic function is not a property name, but a mention inside it is still a reference.
          Joined: { 'Fn::Join': [',', [{ 'Fn::GetAtt': ['C', 'GroupId'] }]] },
          // Property names count 6 levels down; mentions 12.
          L1: { L2: { L3: { L4: { L5: { L6: { L7: { SecurityGroupIds: [{ Ref: 'D' }] } } } } } } },
          M1: { M2: { M3: { M4: { M5: { M6: { SecurityGroupIds: [{ Ref: 'E' }] } } } } } },
          N1: { N2: { N3: { N4: { N5: { N6: { N7: { N8: { N9: { N10: { N11: { N12: { Ref: 'F' } } } } } } } } } } } },
          O1: { O2: { O3: { O4: { O5: { O6: { O7: { O8: { O9: { O10: { O11: { O12: { O13: { Ref: 'G' } } } } } } } } } } } } },
        },
      },
    }));
    const uses = (id: string) => {
      const group = model.groups.get(`Hand|${id}`)!;
      return { attached: group.attachments.map(a => a.interfaceLabel), referenced: group.references.map(r => r.logicalId) };
    };
    expect(uses('A')).toEqual({ attached: ['Network.Interfaces.0.SecurityGroupIds'], referenced: [] });
    expect(uses('B')).toEqual({ attached: [], referenced: ['Thing'] });
    expect(uses('C')).toEqual({ attached: [], referenced: ['Thing'] });
    expect(uses('D')).toEqual({ attached: [], referenced: ['Thing'] });
    expect(uses('E')).toEqual({ attached: ['M1.M2.M3.M4.M5.M6.SecurityGroupIds'], referenced: [] });
    expect(uses('F')).toEqual({ attached: [], referenced: ['Thing'] });
    expect(uses('G')).toEqual({ attached: [], referenced: [] });
  });
});
