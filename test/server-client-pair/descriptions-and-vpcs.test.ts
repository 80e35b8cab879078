/**
 * What a pair writes for people reading the console (rule and group descriptions, named or not), the names it
 * accepts, and the VPC check's limits: it compares only VPCs it can identify the same way.
 */
import { CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { ServerClientPair } from '../../src';
import { testStack, vpcFunction } from '../support/analyse-app';
import { allRules, isDenyAllPlaceholder } from '../support/template-rules';

function descriptions(stack: Stack) {
  const template = Template.fromStack(stack);
  const groups = template.findResources('AWS::EC2::SecurityGroup');
  const groupDescription = (id: string) => groups[id].Properties.GroupDescription;
  return {
    groups: Object.keys(groups).map(groupDescription).sort(),
    rules: allRules(template).filter(r => !isDenyAllPlaceholder(r.rule))
      .map(r => `${groupDescription(r.group).split(/[:;]/)[0]} ${r.direction}: ${r.rule.Description}`).sort(),
  };
}

describe('ServerClientPair descriptions', () => {
  test('a named pair names each side in its rules, clients reaching each other included', () => {
    const { stack, vpc } = testStack();
    new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)], allowClientsToReachEachOther: true });
    expect(descriptions(stack).rules).toEqual([
      'db ingress: from db-clients on 5432',
      'db-clients egress: to db on 5432',
      'db-clients egress: to other db-clients on 5432',
      'db-clients ingress: from other db-clients on 5432',
    ]);
  });

  test('an unnamed pair says which group of which pair, by construct path', () => {
    const { stack, vpc } = testStack();
    new ServerClientPair(stack, 'Pair', { vpc, ports: [ec2.Port.udp(53)], allowClientsToReachEachOther: true });
    const { groups, rules } = descriptions(stack);
    expect(groups).toEqual([
      'Client group of Stack/Pair; reaches only its server group',
      'Server group of Stack/Pair; admits only its client group',
    ]);
    expect(rules).toEqual([
      'Client group of Stack/Pair egress: to other clients on UDP 53',
      'Client group of Stack/Pair egress: to the server group on UDP 53',
      'Client group of Stack/Pair ingress: from other clients on UDP 53',
      'Server group of Stack/Pair ingress: from the client group on UDP 53',
    ]);
  });
});

describe('ServerClientPair names', () => {
  test('the longest name a description holds (100 characters) is accepted, one more is refused', () => {
    const { stack, vpc } = testStack();
    const longest = `a${'b'.repeat(99)}`;
    expect(() => new ServerClientPair(stack, 'Ok', { vpc, name: longest, ports: [ec2.Port.tcp(5432)] })).not.toThrow();
    expect(() => new ServerClientPair(stack, 'TooLong', { vpc, name: `${longest}c`, ports: [ec2.Port.tcp(5432)] }))
      .toThrow(/^Stack\/TooLong: name 'a/);
    expect(() => new ServerClientPair(stack, 'Dash', { vpc, name: '-db', ports: [ec2.Port.tcp(5432)] })).toThrow(/name '-db'/);
    expect(() => new ServerClientPair(stack, 'Punct', { vpc, name: '9 orders._:/()#,@+=-db', ports: [ec2.Port.tcp(5432)] })).not.toThrow();
  });
});

describe('ServerClientPair input from JavaScript', () => {
  test('a pair without a VPC (which TypeScript would refuse) fails naming the pair', () => {
    const { stack } = testStack();
    expect(() => new ServerClientPair(stack, 'Pair', { ports: [ec2.Port.tcp(5432)] } as any)).toThrow(/^Stack\/Pair: vpc is required\.$/);
  });
});

describe('ServerClientPair L1 members', () => {
  test('addClientResource gives an L1 the client group, and addServerResource the server group', () => {
    const { stack, vpc } = testStack();
    const pair = new ServerClientPair(stack, 'Pair', { vpc, ports: [ec2.Port.tcp(6379)] });
    const client = new elasticache.CfnReplicationGroup(stack, 'Client', { replicationGroupDescription: 'c' });
    const server = new elasticache.CfnReplicationGroup(stack, 'Server', { replicationGroupDescription: 's' });
    pair.addClientResource(client);
    pair.addServerResource(server);
    const resources = Template.fromStack(stack).toJSON().Resources;
    const idOf = (g: ec2.ISecurityGroup) => ({ 'Fn::GetAtt': [stack.getLogicalId(g.node.defaultChild as CfnResource), 'GroupId'] });
    expect(resources[stack.getLogicalId(client)].Properties.SecurityGroupIds).toEqual([idOf(pair.clientSecurityGroup)]);
    expect(resources[stack.getLogicalId(server)].Properties.SecurityGroupIds).toEqual([idOf(pair.serverSecurityGroup)]);
  });
});

describe('ServerClientPair VPC check', () => {
  test('a VPC known only by its literal id is not compared with a VPC construct: neither side can tell', () => {
    const { stack, vpc } = testStack();
    const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: 'vpc-aaaa', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-a'] });
    const inConstruct = new ServerClientPair(stack, 'InConstruct', { vpc, ports: [ec2.Port.tcp(5432)] });
    const inImported = new ServerClientPair(stack, 'InImported', { vpc: imported, ports: [ec2.Port.tcp(5432)] });
    expect(() => inConstruct.addClient(vpcFunction(stack, 'FnImported', imported, { vpcSubnets: { subnets: imported.privateSubnets } }))).not.toThrow();
    expect(() => inImported.addClient(vpcFunction(stack, 'FnConstruct', vpc))).not.toThrow();
  });

  test('a resource of the same VPC passes, whether the VPC is a construct or the same literal id', () => {
    const { stack, vpc } = testStack();
    const a = ec2.Vpc.fromVpcAttributes(stack, 'A', { vpcId: 'vpc-aaaa', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-a'] });
    const again = ec2.Vpc.fromVpcAttributes(stack, 'AAgain', { vpcId: 'vpc-aaaa', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-a'] });
    expect(() => new ServerClientPair(stack, 'P1', { vpc, ports: [ec2.Port.tcp(5432)] }).addServer(vpcFunction(stack, 'F1', vpc))).not.toThrow();
    expect(() => new ServerClientPair(stack, 'P2', { vpc: a, ports: [ec2.Port.tcp(5432)] })
      .addServer(vpcFunction(stack, 'F2', again, { vpcSubnets: { subnets: again.privateSubnets } }))).not.toThrow();
  });

  test('a pair whose VPC id comes from a parameter refuses no member: the parameter may hold that member\'s VPC', () => {
    const { stack, vpc } = testStack();
    const param = new CfnParameter(stack, 'VpcIdParam', { type: 'AWS::EC2::VPC::Id' });
    const imported = ec2.Vpc.fromVpcAttributes(stack, 'FromParam', { vpcId: param.valueAsString, availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-1'] });
    const pair = new ServerClientPair(stack, 'Pair', { vpc: imported, ports: [ec2.Port.tcp(5432)] });
    const member = { connections: new ec2.Connections({ securityGroups: [new ec2.SecurityGroup(stack, 'InVpc', { vpc })] }) };
    expect(() => pair.addClient(member)).not.toThrow();
    // The other way round too: a member whose group's VPC id is the parameter, joining a pair in a VPC construct.
    const inParam = { connections: new ec2.Connections({ securityGroups: [new ec2.SecurityGroup(stack, 'InParam', { vpc: imported })] }) };
    expect(() => new ServerClientPair(stack, 'Pair2', { vpc, ports: [ec2.Port.tcp(5432)] }).addClient(inParam)).not.toThrow();
    // Two VPC constructs are still told apart.
    const other = new ec2.Vpc(stack, 'Other2', { maxAzs: 1, natGateways: 0 });
    const elsewhere = { connections: new ec2.Connections({ securityGroups: [new ec2.SecurityGroup(stack, 'InOther', { vpc: other })] }) };
    expect(() => new ServerClientPair(stack, 'Pair3', { vpc, ports: [ec2.Port.tcp(5432)] }).addClient(elsewhere)).toThrow(/is in another VPC \(Stack\/Other2\/Resource\)/);
  });

  test('a connectable that is not a construct, in another VPC, is named as "the resource"', () => {
    const { stack, vpc } = testStack();
    const other = new ec2.Vpc(stack, 'Other', { maxAzs: 1, natGateways: 0 });
    const pair = new ServerClientPair(stack, 'Pair', { vpc, ports: [ec2.Port.tcp(5432)] });
    const bare = { connections: new ec2.Connections({ securityGroups: [new ec2.SecurityGroup(stack, 'Elsewhere', { vpc: other })] }) };
    expect(() => pair.addClient(bare)).toThrow(/^Stack\/Pair: the resource is in another VPC \(Stack\/Other\/Resource\)/);
  });
});
