import { CfnResource, Errors, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import { ServerClientPair, ServerClientPairProps } from '../../src';
import { ENV, postgres, testApp, testStack, vpcFunction } from '../support/analyse-app';
import { allRules, groupRef, isDenyAllPlaceholder, logicalIdOf, rulesOf } from '../support/template-rules';

function pairIds(template: Template, name = 'db') {
  const server = logicalIdOf(template, 'AWS::EC2::SecurityGroup', p => p.GroupDescription?.startsWith(`${name}: server`));
  const client = logicalIdOf(template, 'AWS::EC2::SecurityGroup', p => p.GroupDescription?.startsWith(`${name}-clients:`));
  return { server, client };
}

describe('ServerClientPair groups', () => {
  test('the server admits only the client group, on the port, and has no egress', () => {
    const { stack, vpc } = testStack();
    new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)] });
    const template = Template.fromStack(stack);
    const { server, client } = pairIds(template);

    expect(rulesOf(template, server, 'ingress')).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: { 'Fn::GetAtt': [client, 'GroupId'] } }),
    ]);
    const serverEgress = rulesOf(template, server, 'egress');
    expect(serverEgress).toHaveLength(1);
    expect(isDenyAllPlaceholder(serverEgress[0])).toBe(true);
  });

  test('the client group reaches only the server, and admits nothing', () => {
    const { stack, vpc } = testStack();
    new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)] });
    const template = Template.fromStack(stack);
    const { server, client } = pairIds(template);

    expect(rulesOf(template, client, 'egress').filter(r => !isDenyAllPlaceholder(r))).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, DestinationSecurityGroupId: { 'Fn::GetAtt': [server, 'GroupId'] } }),
    ]);
    expect(rulesOf(template, client, 'ingress')).toEqual([]);
  });

  test('both groups state an inline egress rule, so AWS removes its default allow-all egress', () => {
    // CDK writes egress towards another group as a separate resource and drops its placeholder; a group
    // with no inline egress keeps AWS's allow-all.
    const { stack, vpc } = testStack();
    const pair = new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)], allowClientsToReachEachOther: true });
    pair.serverSecurityGroup.addEgressRule(pair.clientSecurityGroup, ec2.Port.tcp(8080));
    const template = Template.fromStack(stack);
    const { server, client } = pairIds(template);
    for (const id of [server, client]) {
      const inline = template.toJSON().Resources[id].Properties.SecurityGroupEgress;
      expect(inline).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp', FromPort: 252, ToPort: 86 })]);
    }
  });

  test('an inline egress rule a user adds replaces the placeholder', () => {
    const { stack, vpc } = testStack();
    const pair = new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)] });
    pair.clientSecurityGroup.addEgressRule(ec2.Peer.ipv4('10.1.0.0/24'), ec2.Port.tcp(443));
    const template = Template.fromStack(stack);
    const { client } = pairIds(template);
    expect(template.toJSON().Resources[client].Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '10.1.0.0/24', FromPort: 443 }),
    ]);
  });

  test('no rule of the pair is open to a CIDR or to all protocols', () => {
    const { stack, vpc } = testStack();
    new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432), ec2.Port.tcp(6432)] });
    const template = Template.fromStack(stack);
    const { server, client } = pairIds(template);
    const ours = allRules(template).filter(r => r.group === server || r.group === client);
    for (const { rule } of ours) {
      if (isDenyAllPlaceholder(rule)) continue;
      expect(rule.IpProtocol).toBe('tcp');
      expect(rule.CidrIp).toBeUndefined();
      expect(rule.CidrIpv6).toBeUndefined();
    }
    expect(ours.filter(r => !isDenyAllPlaceholder(r.rule))).toHaveLength(4);
  });

  test('duplicate ports make one rule each way', () => {
    const { stack, vpc } = testStack();
    new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432), ec2.Port.tcp(5432)] });
    const template = Template.fromStack(stack);
    const { server } = pairIds(template);
    expect(rulesOf(template, server, 'ingress')).toHaveLength(1);
  });

  test('clients do not reach each other unless asked', () => {
    const { stack, vpc } = testStack();
    new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)] });
    const template = Template.fromStack(stack);
    const { client } = pairIds(template);
    const selfRules = allRules(template).filter(r => r.group === client && JSON.stringify(r.rule).includes(client));
    expect(selfRules).toEqual([]);
  });

  test('allowClientsToReachEachOther adds self ingress and egress on the service port only', () => {
    const { stack, vpc } = testStack();
    new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)], allowClientsToReachEachOther: true });
    const template = Template.fromStack(stack);
    const { server, client } = pairIds(template);
    const self = { 'Fn::GetAtt': [client, 'GroupId'] };
    expect(rulesOf(template, client, 'ingress')).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: self }),
    ]);
    const egress = rulesOf(template, client, 'egress').filter(r => !isDenyAllPlaceholder(r));
    expect(egress).toHaveLength(2);
    expect(egress).toEqual(expect.arrayContaining([
      expect.objectContaining({ FromPort: 5432, ToPort: 5432, DestinationSecurityGroupId: self }),
      expect.objectContaining({ FromPort: 5432, ToPort: 5432, DestinationSecurityGroupId: { 'Fn::GetAtt': [server, 'GroupId'] } }),
    ]));
  });

  test('a name becomes Name tags and descriptions, not physical names', () => {
    const { stack, vpc } = testStack();
    new ServerClientPair(stack, 'Pair', { vpc, name: 'orders-db', ports: [ec2.Port.tcp(5432)] });
    const template = Template.fromStack(stack);
    const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup')).map((r: any) => r.Properties);
    const server = groups.find(p => p.GroupDescription === 'orders-db: server; admits only orders-db-clients');
    const client = groups.find(p => p.GroupDescription === 'orders-db-clients: clients of orders-db; reach only orders-db');
    expect(server?.Tags).toEqual(expect.arrayContaining([{ Key: 'Name', Value: 'orders-db' }]));
    expect(client?.Tags).toEqual(expect.arrayContaining([{ Key: 'Name', Value: 'orders-db-clients' }]));
    expect(server?.GroupName).toBeUndefined();
    expect(client?.GroupName).toBeUndefined();
  });

  test('usePhysicalNames sets GroupName from the name', () => {
    const { stack, vpc } = testStack();
    new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)], usePhysicalNames: true });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupName: 'db' });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupName: 'db-clients' });
  });

  test('without a name there are no hard-coded names or tags', () => {
    const { stack, vpc } = testStack();
    new ServerClientPair(stack, 'Pair', { vpc, ports: [ec2.Port.tcp(5432)] });
    const template = Template.fromStack(stack);
    const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup')).map((r: any) => r.Properties);
    expect(groups).toHaveLength(2);
    for (const group of groups) {
      expect(group.GroupName).toBeUndefined();
      expect(group.Tags ?? []).not.toEqual(expect.arrayContaining([expect.objectContaining({ Key: 'Name' })]));
      expect(group.GroupDescription).toContain('Stack/Pair');
    }
  });

  test('an explicit port range is accepted with allowPortRanges', () => {
    const { stack, vpc } = testStack();
    new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcpRange(7000, 7001)], allowPortRanges: true });
    const template = Template.fromStack(stack);
    const { server } = pairIds(template);
    expect(rulesOf(template, server, 'ingress')).toEqual([expect.objectContaining({ FromPort: 7000, ToPort: 7001 })]);
  });
});

describe('ServerClientPair attachments', () => {
  test('an RDS instance gets the server group beside its own, and its own rules stay off the server group', () => {
    const { stack, vpc } = testStack();
    const pair = new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)] });
    const db = postgres(stack, vpc);
    pair.addServer(db);
    // A rule someone adds to the database afterwards must land on the database's own group only.
    db.connections.allowDefaultPortFrom(ec2.Peer.ipv4('10.9.0.0/16'));

    const template = Template.fromStack(stack);
    const { server } = pairIds(template);
    const dbGroups = (Object.values(template.findResources('AWS::RDS::DBInstance'))[0] as any).Properties.VPCSecurityGroups.map(groupRef);
    expect(dbGroups).toHaveLength(2);
    expect(dbGroups).toContain(server);
    expect(rulesOf(template, server, 'ingress')).toHaveLength(1);
    const ownGroup = dbGroups.find((g: string) => g !== server);
    expect(rulesOf(template, ownGroup, 'ingress')).toEqual([expect.objectContaining({ CidrIp: '10.9.0.0/16' })]);
  });

  test('a Lambda function in the VPC gets the client group', () => {
    const { stack, vpc } = testStack();
    const pair = new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)] });
    pair.addClient(vpcFunction(stack, 'Fn', vpc));
    const template = Template.fromStack(stack);
    const { client } = pairIds(template);
    const ids = (Object.values(template.findResources('AWS::Lambda::Function'))[0] as any).Properties.VpcConfig.SecurityGroupIds.map(groupRef);
    expect(ids).toContain(client);
    expect(ids).toHaveLength(2);
  });

  test('an RDS proxy, a cluster, an ECS service and an EC2 instance take the groups', () => {
    const { stack, vpc } = testStack();
    const pair = new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)], allowClientsToReachEachOther: true });
    const cluster = new rds.DatabaseCluster(stack, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    pair.addServer(cluster);
    const proxy = cluster.addProxy('Proxy', { secrets: [cluster.secret!], vpc });
    pair.addServer(proxy);
    pair.addClient(proxy);

    const ecsCluster = new ecs.Cluster(stack, 'Ecs', { vpc });
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:latest') });
    const service = new ecs.FargateService(stack, 'Service', { cluster: ecsCluster, taskDefinition: task });
    pair.addClient(service);

    const instance = new ec2.Instance(stack, 'Bastion', {
      vpc,
      instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    pair.addClient(instance);

    const template = Template.fromStack(stack);
    const { server, client } = pairIds(template);
    const groupsOf = (type: string, path: string[]) => {
      let value: any = (Object.values(template.findResources(type))[0] as any).Properties;
      for (const key of path) value = value[key];
      return value.map(groupRef);
    };
    expect(groupsOf('AWS::RDS::DBCluster', ['VpcSecurityGroupIds'])).toContain(server);
    const proxyGroups = groupsOf('AWS::RDS::DBProxy', ['VpcSecurityGroupIds']);
    expect(proxyGroups).toEqual(expect.arrayContaining([server, client]));
    expect(groupsOf('AWS::ECS::Service', ['NetworkConfiguration', 'AwsvpcConfiguration', 'SecurityGroups'])).toContain(client);
    expect(groupsOf('AWS::EC2::Instance', ['SecurityGroupIds'])).toContain(client);
  });

  test('an ElastiCache replication group (L1) takes the server group', () => {
    const { stack, vpc } = testStack();
    const pair = new ServerClientPair(stack, 'Pair', { vpc, name: 'cache', ports: [ec2.Port.tcp(6379)] });
    const existing = new ec2.SecurityGroup(stack, 'Existing', { vpc });
    const cache = new elasticache.CfnReplicationGroup(stack, 'Cache', {
      replicationGroupDescription: 'cache',
      engine: 'redis',
      cacheNodeType: 'cache.t4g.micro',
      numCacheClusters: 1,
      securityGroupIds: [existing.securityGroupId],
    });
    pair.addServerResource(cache);
    const template = Template.fromStack(stack);
    const { server } = pairIds(template, 'cache');
    const ids = (Object.values(template.findResources('AWS::ElastiCache::ReplicationGroup'))[0] as any).Properties.SecurityGroupIds.map(groupRef);
    expect(ids).toEqual([stack.getLogicalId(existing.node.defaultChild as ec2.CfnSecurityGroup), server]);
  });

  test('one resource can be the server of one pair and the client of another', () => {
    const { stack, vpc } = testStack();
    const db = new ServerClientPair(stack, 'Db', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)] });
    const api = new ServerClientPair(stack, 'Api', { vpc, name: 'api', ports: [ec2.Port.tcp(8080)] });
    const worker = vpcFunction(stack, 'Worker', vpc);
    api.addServer(worker);
    db.addClient(worker);
    db.addClient(worker);
    const template = Template.fromStack(stack);
    const ids: string[] = (Object.values(template.findResources('AWS::Lambda::Function'))[0] as any).Properties.VpcConfig.SecurityGroupIds.map(groupRef);
    expect(ids).toContain(pairIds(template, 'db').client);
    expect(ids).toContain(pairIds(template, 'api').server);
    expect(ids).toHaveLength(3);
  });

  test('server and client in different stacks of one app', () => {
    const app = testApp();
    const { stack: dataStack, vpc } = testStack(app, 'Data');
    const pair = new ServerClientPair(dataStack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)] });
    pair.addServer(postgres(dataStack, vpc));
    const appStack = new Stack(app, 'App', { env: ENV });
    pair.addClient(vpcFunction(appStack, 'Api', vpc));

    const data = Template.fromStack(dataStack);
    const consumer = Template.fromStack(appStack);
    const { server, client } = pairIds(data);
    const exported = Object.values(data.toJSON().Outputs ?? {}).map((o: any) => groupRef(o.Value));
    expect(exported).toContain(client);
    const lambdaGroups = (Object.values(consumer.findResources('AWS::Lambda::Function'))[0] as any).Properties.VpcConfig.SecurityGroupIds;
    expect(JSON.stringify(lambdaGroups)).toContain('Fn::ImportValue');
    expect(rulesOf(data, server, 'ingress')).toEqual([expect.objectContaining({ SourceSecurityGroupId: { 'Fn::GetAtt': [client, 'GroupId'] } })]);
    expect(app.synth().stacks).toHaveLength(2);
  });
});

describe('ServerClientPair dropAutomaticSecurityGroup', () => {
  const securityGroupIds = (template: Template, type: string, path: string[]): string[] => {
    let value: any = (Object.values(template.findResources(type))[0] as any).Properties;
    for (const key of path) value = value[key];
    return value.map(groupRef);
  };

  test('an RDS instance and a Lambda function carry only the pair\'s groups, and the groups CDK made for them are gone', () => {
    const { stack, vpc } = testStack();
    const pair = new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)] });
    pair.addServer(postgres(stack, vpc), { dropAutomaticSecurityGroup: true });
    pair.addClient(vpcFunction(stack, 'Fn', vpc), { dropAutomaticSecurityGroup: true });

    const template = Template.fromStack(stack);
    const { server, client } = pairIds(template);
    expect(securityGroupIds(template, 'AWS::RDS::DBInstance', ['VPCSecurityGroups'])).toEqual([server]);
    expect(securityGroupIds(template, 'AWS::Lambda::Function', ['VpcConfig', 'SecurityGroupIds'])).toEqual([client]);
    // The VPC's default group aside, the pair's two are the only groups left.
    expect(Object.keys(template.findResources('AWS::EC2::SecurityGroup')).sort()).toEqual([client, server].sort());
  });

  test('a group the user gave the resource stays, beside the pair\'s', () => {
    const { stack, vpc } = testStack();
    const pair = new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)] });
    const monitoring = new ec2.SecurityGroup(stack, 'Monitoring', { vpc, allowAllOutbound: false });
    pair.addServer(postgres(stack, vpc, 'Db', { securityGroups: [monitoring] }), { dropAutomaticSecurityGroup: true });
    const template = Template.fromStack(stack);
    expect(securityGroupIds(template, 'AWS::RDS::DBInstance', ['VPCSecurityGroups']))
      .toEqual([stack.getLogicalId(monitoring.node.defaultChild as ec2.CfnSecurityGroup), pairIds(template).server]);
  });

  test('a resource that is the server of one pair and the client of another carries both, and nothing else', () => {
    const { stack, vpc } = testStack();
    const db = new ServerClientPair(stack, 'Db', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)] });
    const api = new ServerClientPair(stack, 'Api', { vpc, name: 'api', ports: [ec2.Port.tcp(8080)] });
    const worker = vpcFunction(stack, 'Worker', vpc);
    api.addServer(worker);
    db.addClient(worker, { dropAutomaticSecurityGroup: true });
    const template = Template.fromStack(stack);
    expect(securityGroupIds(template, 'AWS::Lambda::Function', ['VpcConfig', 'SecurityGroupIds']).sort())
      .toEqual([pairIds(template, 'api').server, pairIds(template, 'db').client].sort());
  });

  test('a rule given through the resource\'s connections afterwards fails synth, naming the resource', () => {
    const { app, stack, vpc } = testStack();
    const pair = new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)] });
    const db = postgres(stack, vpc);
    pair.addServer(db, { dropAutomaticSecurityGroup: true });
    db.connections.allowDefaultPortFrom(ec2.Peer.ipv4('10.9.0.0/16'));
    expect(() => app.synth()).toThrow(/Stack\/Db.*rules were given to Stack\/Db\/SecurityGroup after it was taken off Stack\/Db/s);
  });

  test('a resource whose group list CDK renders itself cannot drop its group: the error says what to do instead', () => {
    const { stack, vpc } = testStack();
    const pair = new ServerClientPair(stack, 'Pair', { vpc, name: 'web', ports: [ec2.Port.tcp(443)] });
    const fleet = new autoscaling.AutoScalingGroup(stack, 'Fleet', {
      vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    expect(() => pair.addServer(fleet, { dropAutomaticSecurityGroup: true }))
      .toThrow(/Stack\/Pair: cannot take Stack\/Fleet\/InstanceSecurityGroup off Stack\/Fleet.*when you create it/);
    pair.addServer(fleet);
  });
});

describe('ServerClientPair bad input', () => {
  function expectValidationError(build: (stack: Stack, vpc: ec2.Vpc) => void, message: RegExp) {
    const { stack, vpc } = testStack();
    let caught: unknown;
    try {
      build(stack, vpc);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeDefined();
    expect(Errors.isValidationError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/^Stack\/Pair: /);
    expect((caught as Error).message).toMatch(message);
  }
  const pair = (stack: Stack, vpc: ec2.IVpc, props: Partial<ServerClientPairProps>) =>
    new ServerClientPair(stack, 'Pair', { vpc, ports: [ec2.Port.tcp(5432)], ...props });

  test.each([
    ['no ports', [], /at least one port/],
    ['all traffic', [ec2.Port.allTraffic()], /every protocol/],
    ['all TCP', [ec2.Port.allTcp()], /every tcp port/],
    ['all UDP', [ec2.Port.allUdp()], /every udp port/],
    ['a range without opt-in', [ec2.Port.tcpRange(5000, 5010)], /allowPortRanges/],
    ['a port above 65535', [ec2.Port.tcp(70000)], /out of range/],
    ['a negative port', [ec2.Port.udp(-2)], /out of range/],
    ['a reversed range', [ec2.Port.tcpRange(6000, 5000)], /starts at 6000 but ends at 5000/],
  ])('%s', (_label, ports, message) => {
    expectValidationError((stack, vpc) => pair(stack, vpc, { ports }), message);
  });

  test('all TCP is refused even with allowPortRanges', () => {
    expectValidationError((stack, vpc) => pair(stack, vpc, { ports: [ec2.Port.allTcp()], allowPortRanges: true }), /every tcp port/);
  });

  test('a client in another VPC', () => {
    expectValidationError((stack, vpc) => {
      const other = new ec2.Vpc(stack, 'Other', { maxAzs: 1, natGateways: 0 });
      pair(stack, vpc, {}).addClient(vpcFunction(stack, 'Elsewhere', other));
    }, /Stack\/Elsewhere is in another VPC \(Stack\/Other/);
  });

  test('a server in another VPC', () => {
    expectValidationError((stack, vpc) => {
      const other = new ec2.Vpc(stack, 'Other', { maxAzs: 2, natGateways: 0 });
      pair(stack, vpc, {}).addServer(postgres(stack, other));
    }, /another VPC/);
  });

  test('a client in an imported VPC with another literal id', () => {
    expectValidationError((stack) => {
      const a = ec2.Vpc.fromVpcAttributes(stack, 'A', { vpcId: 'vpc-aaaa', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-a'] });
      const b = ec2.Vpc.fromVpcAttributes(stack, 'B', { vpcId: 'vpc-bbbb', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-b'] });
      pair(stack, a, {}).addClient(vpcFunction(stack, 'Fn', b, { vpcSubnets: { subnets: b.privateSubnets } }));
    }, /another VPC \(vpc-bbbb\)/);
  });

  test('a Lambda function outside any VPC', () => {
    expectValidationError((stack, vpc) => pair(stack, vpc, {}).addClient(new lambda.Function(stack, 'NoVpc', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x') })), /Stack\/NoVpc\/Resource has no VpcConfig/);
  });

  test('an L1 with no security-group property', () => {
    expectValidationError((stack, vpc) => {
      const topic = new CfnResource(stack, 'Topic', { type: 'AWS::SNS::Topic' });
      pair(stack, vpc, {}).addServerResource(topic);
    }, /AWS::SNS::Topic has no security-group property/);
  });

  test('a name with characters a description cannot hold', () => {
    expectValidationError((stack, vpc) => pair(stack, vpc, { name: 'db<script>' }), /name 'db<script>'/);
  });

  test('usePhysicalNames without a name', () => {
    expectValidationError((stack, vpc) => pair(stack, vpc, { usePhysicalNames: true }), /usePhysicalNames needs a name/);
  });
});
