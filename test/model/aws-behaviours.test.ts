import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { analyse } from '../../src/checks/engine';
import { graphEdges } from '../../src/checks/reports/graph';
import { AWS_BEHAVIOURS } from '../../src/model/aws-behaviours';
import { awsBehavioursMarkdown } from '../../src/model/aws-behaviours-markdown';
import { buildModel } from '../../src/model/build-model';
import { StackTemplate } from '../../src/model/types';
import { EffectiveAccess } from '../../src/reachability/effective-access';
import { ENV, analyseApp, findingsOf, handTemplate, modelOf, testStack } from '../support/analyse-app';

// One describe per row of the ground-truth table, named by its id: the last test checks that none is missing.
const tested = new Set<string>();
function behaviour(row: { id: string }, body: () => void) {
  tested.add(row.id);
  describe(row.id, body);
}

const VPC = {
  Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
  Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24' } },
};
const subnet = { Ref: 'Subnet' };
const GROUP = { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', VpcId: { Ref: 'Vpc' }, SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }] } } };
const sgRef = { 'Fn::GetAtt': ['Sg', 'GroupId'] };

function findings(resources: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return analyse(handTemplate({ ...VPC, ...resources }, extra), {}, []).findings;
}

behaviour(AWS_BEHAVIOURS.defaultEgressWithoutEgressRules, () => {
  test('a group with no egress, or an empty SecurityGroupEgress, keeps an implicit allow-all', () => {
    const model = buildModel(handTemplate({
      A: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } },
      B: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupEgress: [] } },
    }));
    for (const key of ['Hand|A', 'Hand|B']) {
      expect(model.groups.get(key)!.rules).toEqual([expect.objectContaining({ direction: 'egress', implicit: true, traffic: { protocol: 'all' } })]);
    }
  });
});

behaviour(AWS_BEHAVIOURS.defaultEgressIpv6, () => {
  test('the implicit allow-all is IPv4 only', () => {
    const model = buildModel(handTemplate({ A: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } } }));
    const peers = model.groups.get('Hand|A')!.rules.map(r => (r.peer.kind === 'cidr' ? r.peer.cidr.text : r.peer.kind));
    expect(peers).toEqual(['0.0.0.0/0']);
  });
});

behaviour(AWS_BEHAVIOURS.standaloneEgressRemovesDefault, () => {
  test('a standalone egress, from this stack or another, leaves the group no implicit rule', () => {
    const model = buildModel([
      { stackId: 'A', stackName: 'A', template: { Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } }, Other: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } }, Out: { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: { Ref: 'Other' }, IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: '10.0.0.0/8' } } }, Outputs: { O: { Value: { 'Fn::GetAtt': ['Sg', 'GroupId'] }, Export: { Name: 'sg' } } } } },
      { stackId: 'B', stackName: 'B', template: { Resources: { E: { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: { 'Fn::ImportValue': 'sg' }, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' } } } } },
    ]);
    for (const key of ['A|Sg', 'A|Other']) {
      const group = model.groups.get(key)!;
      expect(group.rules.filter(r => r.implicit)).toEqual([]);
      expect(group.egressDeclaredBy).toHaveLength(1);
    }
  });

  test('CDK\'s "no traffic" placeholder declares egress and is no rule of the group', () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'Closed', { vpc, allowAllOutbound: false });
    const group = [...modelOf(app).groups.values()].find(g => g.ref?.constructPath === 'Stack/Closed/Resource')!;
    expect(group.egressDeclaredBy).toHaveLength(1);
    expect(group.rules).toEqual([]);
  });

  test('allowAllOutbound: false with connections.allowTo another group: no phantom allow-all in the graph', () => {
    const { app, stack, vpc } = testStack();
    const a = new ec2.SecurityGroup(stack, 'A', { vpc, allowAllOutbound: false });
    const b = new ec2.SecurityGroup(stack, 'B', { vpc, allowAllOutbound: false });
    a.connections.allowTo(b, ec2.Port.tcp(5432));
    const { edges } = graphEdges(modelOf(app));
    expect(edges.filter(e => e.label.includes('implicit'))).toEqual([]);
  });
});

behaviour(AWS_BEHAVIOURS.defaultGroupRules, () => {
  test('an unlocked VPC\'s default group admits itself and sends to 0.0.0.0/0, and to ::/0 on a dual-stack VPC', () => {
    const model = buildModel(handTemplate({
      ...VPC,
      V6: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.1.0.0/16' } },
      Block: { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: { Ref: 'V6' }, AmazonProvidedIpv6CidrBlock: true } },
    }));
    const describe = (key: string) => model.vpcs.get(key)!.awsDefaultRules.map(r => `${r.direction} ${r.peer.kind === 'cidr' ? r.peer.cidr.text : r.peer.kind}`);
    expect(describe('Hand|Vpc')).toEqual(['ingress group', 'egress 0.0.0.0/0']);
    expect(describe('Hand|V6')).toEqual(['ingress group', 'egress 0.0.0.0/0', 'egress ::/0']);
    expect(model.groups.get('Hand|Vpc#default')!.rules).toEqual([]);
  });

  test('a locked default group has none', () => {
    const app = new App();
    new ec2.Vpc(new Stack(app, 'S', { env: ENV }), 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
    const model = modelOf(app);
    expect([...model.vpcs.values()].map(v => v.awsDefaultRules)).toEqual([[]]);
  });
});

behaviour(AWS_BEHAVIOURS.restrictDefaultSecurityGroupFlag, () => {
  test.each([[true, 0], [false, 1]])('with the feature flag %s, an ec2.Vpc gets %i DefaultSecurityGroupOpen finding', (flag, count) => {
    const app = new App({ context: { '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup': flag } });
    new ec2.Vpc(new Stack(app, 'S', { env: ENV }), 'Vpc', { maxAzs: 1, natGateways: 0 });
    expect(findingsOf(analyseApp(app), 'DefaultSecurityGroupOpen')).toHaveLength(count);
  });
});

behaviour(AWS_BEHAVIOURS.fallbackToDefaultGroup, () => {
  test.each([
    ['an ECS awsvpc service', { Type: 'AWS::ECS::Service', Properties: { NetworkConfiguration: { AwsvpcConfiguration: { Subnets: [subnet] } } } }],
    ['an ECS task set', { Type: 'AWS::ECS::TaskSet', Properties: { NetworkConfiguration: { AwsVpcConfiguration: { Subnets: [subnet] } } } }],
    ['an OpenSearch domain in a VPC', { Type: 'AWS::OpenSearchService::Domain', Properties: { VPCOptions: { SubnetIds: [subnet] } } }],
    ['an MSK cluster', { Type: 'AWS::MSK::Cluster', Properties: { BrokerNodeGroupInfo: { ClientSubnets: [subnet], InstanceType: 'kafka.m5.large' } } }],
    ['a Classic Load Balancer in the VPC', { Type: 'AWS::ElasticLoadBalancing::LoadBalancer', Properties: { Subnets: [subnet], Listeners: [{ LoadBalancerPort: '80', InstancePort: '80', Protocol: 'HTTP' }] } }],
    ['a Redshift cluster', { Type: 'AWS::Redshift::Cluster', Properties: { ClusterSubnetGroupName: { Ref: 'Subnets' } } }],
  ])('%s without groups gets the VPC\'s default group: an error', (_label, resource) => {
    const found = findingsOf(findings({ R: resource, Subnets: { Type: 'AWS::Redshift::ClusterSubnetGroup', Properties: { SubnetIds: [subnet], Description: 'x' } } }), 'DefaultSecurityGroupUsed');
    expect(found).toEqual([expect.objectContaining({ level: 'error', logicalId: 'R', message: expect.stringContaining('gets the default security group of Hand/Vpc') })]);
  });

  test.each([
    ['an ECS service without awsvpc', { Type: 'AWS::ECS::Service', Properties: { Cluster: 'c' } }],
    ['a public OpenSearch domain', { Type: 'AWS::OpenSearchService::Domain', Properties: {} }],
    ['an MSK cluster with its own group', { Type: 'AWS::MSK::Cluster', Properties: { BrokerNodeGroupInfo: { ClientSubnets: [subnet], SecurityGroups: [sgRef] } } }],
  ])('%s does not fall back', (_label, resource) => {
    expect(findingsOf(findings({ ...GROUP, R: resource }), 'DefaultSecurityGroupUsed')).toEqual([]);
  });
});

behaviour(AWS_BEHAVIOURS.fallbackUnsettled, () => {
  test.each([
    ['a network interface', { Type: 'AWS::EC2::NetworkInterface', Properties: { SubnetId: subnet } }],
    ['an EFS mount target', { Type: 'AWS::EFS::MountTarget', Properties: { SubnetId: subnet, FileSystemId: 'fs-1' } }],
    ['an FSx file system', { Type: 'AWS::FSx::FileSystem', Properties: { SubnetIds: [subnet], FileSystemType: 'LUSTRE' } }],
    ['an ElastiCache replication group', { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: { ReplicationGroupDescription: 'x' } }],
    ['an Aurora Serverless DB cluster with neither groups nor a subnet group', { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-mysql', EngineMode: 'serverless' } }],
  ])('%s without groups is a warning that says the fallback is not certain', (_label, resource) => {
    const found = findingsOf(findings({ R: resource }), 'DefaultSecurityGroupUsed');
    expect(found).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringContaining('Not certain: the API reference names no fallback') })]);
  });

  test('a Classic Load Balancer in subnets from outside the app may be in the default VPC: a warning that says so', () => {
    const found = findingsOf(findings({ R: { Type: 'AWS::ElasticLoadBalancing::LoadBalancer', Properties: { Subnets: ['subnet-1'] } } }), 'DefaultSecurityGroupUsed');
    expect(found).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringContaining('default_elb') })]);
  });
});

behaviour(AWS_BEHAVIOURS.clusterMembersUseClusterGroups, () => {
  test('an Aurora cluster\'s writer and reader are not DefaultSecurityGroupUsed', () => {
    const { app, stack, vpc } = testStack();
    new rds.DatabaseCluster(stack, 'Db', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      writer: rds.ClusterInstance.provisioned('Writer'),
      readers: [rds.ClusterInstance.provisioned('Reader')],
    });
    expect(findingsOf(analyseApp(app), 'DefaultSecurityGroupUsed')).toEqual([]);
  });
});

behaviour(AWS_BEHAVIOURS.readReplicaGroups, () => {
  test('a read replica that names no group is a warning that says AWS documents both answers', () => {
    const found = findingsOf(findings({ R: { Type: 'AWS::RDS::DBInstance', Properties: { SourceDBInstanceIdentifier: 'source-db', DBInstanceClass: 'db.t4g.micro' } } }), 'DefaultSecurityGroupUsed');
    expect(found).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringContaining('inherits its source') })]);
  });
});

behaviour(AWS_BEHAVIOURS.launchTemplateJudgedWhereUsed, () => {
  test('ec2.Instance with requireImdsv2: its template holds only MetadataOptions, and the instance has its own groups', () => {
    const { app, stack, vpc } = testStack();
    new ec2.Instance(stack, 'I', {
      vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(), requireImdsv2: true,
    });
    expect(findingsOf(analyseApp(app), 'DefaultSecurityGroupUsed')).toEqual([]);
  });

  test('an instance takes a template\'s groups, or an existing interface\'s; neither falls back', () => {
    const model = buildModel(handTemplate({
      ...VPC,
      ...GROUP,
      Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { SecurityGroupIds: [sgRef] } } },
      FromTemplate: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: subnet, LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' }, Version: '1' } } },
      Eni: { Type: 'AWS::EC2::NetworkInterface', Properties: { SubnetId: subnet, GroupSet: [sgRef] } },
      FromEni: { Type: 'AWS::EC2::Instance', Properties: { NetworkInterfaces: [{ DeviceIndex: '0', NetworkInterfaceId: { Ref: 'Eni' } }] } },
    }));
    const carriers = model.groups.get('Hand|Sg')!.attachments.map(a => a.resource.logicalId).sort();
    expect(carriers).toEqual(['Eni', 'FromEni', 'FromTemplate', 'Lt']);
    expect(model.groups.get('Hand|Vpc#default')!.attachments).toEqual([]);
  });

  test('an Auto Scaling group falls back only when its template names no group; an EKS node group never does', () => {
    const withGroups = findings({ ...GROUP, Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { SecurityGroupIds: [sgRef] } } }, Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { VPCZoneIdentifier: [subnet], LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' }, Version: '1' }, MinSize: '1', MaxSize: '1' } } });
    expect(findingsOf(withGroups, 'DefaultSecurityGroupUsed')).toEqual([]);
    const without = findings({
      Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { ImageId: 'ami-1' } } },
      Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { VPCZoneIdentifier: [subnet], LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' }, Version: '1' }, MinSize: '1', MaxSize: '1' } },
      Nodes: { Type: 'AWS::EKS::Nodegroup', Properties: { ClusterName: 'c', NodeRole: 'r', Subnets: [subnet], LaunchTemplate: { Id: { Ref: 'Lt' } } } },
    });
    expect(findingsOf(without, 'DefaultSecurityGroupUsed')).toEqual([expect.objectContaining({ logicalId: 'Asg', level: 'error', message: expect.stringContaining('its launch template Hand/Lt names no group') })]);
  });

  test('an autoscaling.AutoScalingGroup (L2) is compliant', () => {
    const { app, stack, vpc } = testStack();
    new autoscaling.AutoScalingGroup(stack, 'Asg', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      launchTemplate: new ec2.LaunchTemplate(stack, 'Lt', { instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(), securityGroup: new ec2.SecurityGroup(stack, 'Sg', { vpc }) }),
    });
    expect(findingsOf(analyseApp(app), 'DefaultSecurityGroupUsed')).toEqual([]);
  });
});

behaviour(AWS_BEHAVIOURS.forwardingInstance, () => {
  const nat = (sourceDestCheck: boolean | string) => findings({
    Sg: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'x', VpcId: { Ref: 'Vpc' }, SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIp: '10.0.0.0/16' }] },
    },
    Nat: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: subnet, SourceDestCheck: sourceDestCheck, SecurityGroupIds: [sgRef] } },
  }).filter(f => f.ruleId === 'WideCidrIngress' || f.ruleId === 'AllPortsFromPeer');

  test('a NAT instance admitting the whole VPC on every port is doing its job, SourceDestCheck written as a boolean or a string', () => {
    expect(nat(false)).toEqual([]);
    expect(nat('false')).toEqual([]);
  });

  test('the same group on an ordinary instance is flagged by both rules', () => {
    expect(nat(true).map(f => f.ruleId).sort()).toEqual(['AllPortsFromPeer', 'WideCidrIngress']);
  });
});

behaviour(AWS_BEHAVIOURS.securityGroupsPerInterface, () => {
  test('an ECS service with six groups is an error: the limit is 5', () => {
    const groups = Object.fromEntries([1, 2, 3, 4, 5, 6].map(i => [`G${i}`, { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } }]));
    const found = findingsOf(findings({ ...groups, Svc: { Type: 'AWS::ECS::Service', Properties: { NetworkConfiguration: { AwsvpcConfiguration: { Subnets: [subnet], SecurityGroups: Object.keys(groups).map(g => ({ Ref: g })) } } } } }), 'TooManySecurityGroupsPerInterface');
    expect(found).toEqual([expect.objectContaining({ level: 'error', message: expect.stringContaining('AWS::ECS::Service accepts at most 5') })]);
  });
});

behaviour(AWS_BEHAVIOURS.rulesPerGroup, () => {
  test('two rules from a prefix list with MaxEntries 40 weigh 80: over the quota', () => {
    const found = findingsOf(findings({
      Pl: { Type: 'AWS::EC2::PrefixList', Properties: { AddressFamily: 'IPv4', MaxEntries: 40, PrefixListName: 'office', Entries: [{ Cidr: '192.0.2.0/24' }] } },
      Sg: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'x',
          SecurityGroupIngress: [80, 443].map(p => ({ IpProtocol: 'tcp', FromPort: p, ToPort: p, SourcePrefixListId: { 'Fn::GetAtt': ['Pl', 'PrefixListId'] } })),
        },
      },
    }), 'TooManyRules');
    expect(found).toEqual([expect.objectContaining({ message: expect.stringMatching(/80 ingress rules \(80 IPv4, 0 IPv6; prefix list Pl counts as 40\)/) })]);
  });
});

behaviour(AWS_BEHAVIOURS.prefixListHoldingTheWorld, () => {
  test('SSH through a prefix list that holds 0.0.0.0/0 among other entries is WorldOpenAdminPort', () => {
    const found = findingsOf(findings({
      Pl: { Type: 'AWS::EC2::PrefixList', Properties: { AddressFamily: 'IPv4', MaxEntries: 2, PrefixListName: 'all', Entries: [{ Cidr: '10.0.0.0/8' }, { Cidr: '0.0.0.0/0' }] } },
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, SourcePrefixListId: { Ref: 'Pl' } }] } },
    }), 'WorldOpenAdminPort');
    expect(found).toEqual([expect.objectContaining({ level: 'error', message: expect.stringContaining('prefix list Pl, which holds the whole internet') })]);
  });
});

behaviour(AWS_BEHAVIOURS.loadBalancerListenerPorts, () => {
  const lbApp = (port: number, open: Record<string, unknown>) => findings({
    Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ CidrIp: '0.0.0.0/0', ...open }] } },
    Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Subnets: [subnet], SecurityGroups: [sgRef] } },
    L: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Lb' }, Port: port, Protocol: 'HTTP', DefaultActions: [] } },
  });

  test('all traffic from the world on a group carried only by a public ALB listening on 443: only 443 is reachable, and that is expected', () => {
    const found = lbApp(443, { IpProtocol: '-1' });
    expect(found.filter(f => f.ruleId.startsWith('WorldOpen'))).toEqual([]);
  });

  test('listening on 8080, it is WorldOpenIngress on 8080 alone, and the message says why', () => {
    const found = lbApp(8080, { IpProtocol: '-1' });
    expect(found.filter(f => f.ruleId.startsWith('WorldOpen')).map(f => [f.ruleId, f.message])).toEqual([
      ['WorldOpenIngress', expect.stringContaining('it is carried only by Hand/Lb (listeners on 8080), so the world reaches 8080')],
    ]);
  });

  test('a listener on 22 is still SSH', () => {
    expect(findingsOf(lbApp(22, { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535 }), 'WorldOpenAdminPort')).toHaveLength(1);
  });
});

behaviour(AWS_BEHAVIOURS.networkLoadBalancerGroupsAtCreation, () => {
  const nlb = (props: Record<string, unknown>) => findingsOf(findings({ ...GROUP, Nlb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network', Subnets: [subnet], ...props } } }), 'NetworkLoadBalancerWithoutSecurityGroup');

  test('an NLB created without groups, or with an empty list, is an error; one with a group is not', () => {
    expect(nlb({})).toEqual([expect.objectContaining({ level: 'error', message: expect.stringContaining('cannot be given one after creation') })]);
    expect(nlb({ SecurityGroups: [] })).toHaveLength(1);
    expect(nlb({ SecurityGroups: [sgRef] })).toEqual([]);
  });
});

behaviour(AWS_BEHAVIOURS.transferServerPorts, () => {
  const sftp = (protocols?: string[]) => findings({
    Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIp: '0.0.0.0/0' }] } },
    Sftp: { Type: 'AWS::Transfer::Server', Properties: { EndpointType: 'VPC', Protocols: protocols, EndpointDetails: { VpcId: { Ref: 'Vpc' }, SubnetIds: [subnet], SecurityGroupIds: [sgRef] } } },
  }).filter(f => f.ruleId.startsWith('WorldOpen'));

  test('the world on a group carried only by an SFTP server reaches SFTP on 22: a world-open service, not remote administration', () => {
    expect(sftp().map(f => [f.ruleId, f.level, f.message])).toEqual([
      ['WorldOpenIngress', 'warning', expect.stringContaining('it is carried only by Hand/Sftp (SFTP on 22), so the world reaches 22')],
    ]);
  });

  test('with FTP, 21 and the passive range are reached too', () => {
    expect(sftp(['SFTP', 'FTP']).map(f => f.message)).toEqual([expect.stringContaining('(SFTP, FTP on 21, 22, 8192, 8193')]);
  });

  test('an SFTP port that is a parameter\'s default decides what the world reaches: a warning that says so', () => {
    const { findings: found } = analyse(handTemplate({
      ...VPC,
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }] } },
      Sftp: {
        Type: 'AWS::Transfer::Server',
        Properties: { EndpointType: 'VPC', ProtocolDetails: { SftpPorts: [{ SftpPort: { Ref: 'Port' } }] }, EndpointDetails: { VpcId: { Ref: 'Vpc' }, SubnetIds: [subnet], SecurityGroupIds: [sgRef] } },
      },
    }, { Parameters: { Port: { Type: 'Number', Default: 3306 } } }), {}, []);
    expect(findingsOf(found, 'WorldOpenDataPort')).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringContaining('default of parameter Port') })]);
  });
});

behaviour(AWS_BEHAVIOURS.eksClusterSecurityGroup, () => {
  test.each(['AWS::EKS::Cluster', 'Custom::AWSCDK-EKS-Cluster'])('a function in the cluster security group of an %s carries a group from outside the app, not an unresolved reference', (type) => {
    const { model, findings: found } = analyse(handTemplate({
      ...VPC,
      Cluster: { Type: type, Properties: { RoleArn: 'r', ResourcesVpcConfig: { SubnetIds: [subnet] } } },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SubnetIds: [subnet], SecurityGroupIds: [{ 'Fn::GetAtt': ['Cluster', 'ClusterSecurityGroupId'] }] } } },
    }), {}, []);
    expect(findingsOf(found, 'UnresolvedReference')).toEqual([]);
    expect([...model.groups.values()].find(g => g.externalId === 'the cluster security group of Hand/Cluster')!.attachments.map(a => a.resource.logicalId)).toEqual(['Fn']);
  });
});

behaviour(AWS_BEHAVIOURS.lambdaInterfacesInbound, () => {
  const openSsh = { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', VpcId: { Ref: 'Vpc' }, SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }] } } };
  const fn = { Fn: { Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SubnetIds: [subnet], SecurityGroupIds: [sgRef] } } } };
  const endpoint = { Ep: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: { Ref: 'Vpc' }, VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.us-east-1.ssm', SubnetIds: [subnet], SecurityGroupIds: [sgRef] } } };

  test('SSH from the world on a group carried by a function and an interface endpoint, and nothing else: a warning that names them and says why', () => {
    const { model, findings: found } = analyse(handTemplate({ ...VPC, ...openSsh, ...fn, ...endpoint }), {}, []);
    expect([...model.inboundUnsettled.keys()].sort()).toEqual(['Hand|Ep', 'Hand|Fn']);
    expect(findingsOf(found, 'WorldOpenAdminPort')).toEqual([expect.objectContaining({
      level: 'warning',
      message: expect.stringContaining('It is carried only by Hand/Fn (a Lambda function), Hand/Ep (an interface VPC endpoint). '
        + `Not certain: ${AWS_BEHAVIOURS.lambdaInterfacesInbound.caveat}; ${AWS_BEHAVIOURS.interfaceEndpointPorts.caveat}.`),
    })]);
  });

  test('a group that is also on an instance is reachable there: an error', () => {
    const found = findings({ ...openSsh, ...fn, I: { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-1', SubnetId: subnet, SecurityGroupIds: [sgRef] } } });
    expect(findingsOf(found, 'WorldOpenAdminPort')).toEqual([expect.objectContaining({ level: 'error' })]);
  });
});

behaviour(AWS_BEHAVIOURS.interfaceEndpointPorts, () => {
  test('an endpoint\'s group open to the world on 443 is a warning that gives the endpoint\'s reason only; a gateway endpoint carries no group', () => {
    const open443 = { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', VpcId: { Ref: 'Vpc' }, SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }] } } };
    const { model, findings: found } = analyse(handTemplate({
      ...VPC,
      ...open443,
      Ep: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: { Ref: 'Vpc' }, VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.us-east-1.ssm', SubnetIds: [subnet], SecurityGroupIds: [sgRef] } },
      S3: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: { Ref: 'Vpc' }, ServiceName: 'com.amazonaws.us-east-1.s3', RouteTableIds: ['rtb-1'] } },
    }), {}, []);
    expect([...model.inboundUnsettled.keys()]).toEqual(['Hand|Ep']);
    expect(findingsOf(found, 'WorldOpenIngress').map(f => f.message)).toEqual([
      `Hand/Sg admits tcp 443 from 0.0.0.0/0. It is carried only by Hand/Ep (an interface VPC endpoint). Not certain: ${AWS_BEHAVIOURS.interfaceEndpointPorts.caveat}.`,
    ]);
  });
});

behaviour(AWS_BEHAVIOURS.exportsBlockReplacement, () => {
  test('a nested stack that takes the group as a parameter does not lock it', () => {
    const stacks: StackTemplate[] = [
      { stackId: 'Parent', stackName: 'Parent', template: { Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } }, Nested: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'x', Parameters: { SgId: { 'Fn::GetAtt': ['Sg', 'GroupId'] } } } } } } },
      { stackId: 'Parent/Nested', stackName: '${Token[TOKEN.62]}', constructPath: 'Parent/Nested', parent: { stackId: 'Parent', logicalId: 'Nested' }, template: { Parameters: { SgId: { Type: 'String' } }, Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SecurityGroupIds: [{ Ref: 'SgId' }] } } } } } },
    ];
    const result = analyse(stacks, {}, []).findings;
    expect(findingsOf(result, 'CrossStackSecurityGroupReference')).toEqual([]);
    expect(result.map(f => f.message).join('\n')).not.toContain('${Token[');
  });

  test('a group exported under a Fn::Sub or Fn::Join name is exported, under a name a person can read', () => {
    const model = buildModel(handTemplate({
      A: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } },
      B: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } },
    }, {
      Outputs: {
        OA: { Value: { 'Fn::GetAtt': ['A', 'GroupId'] }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-A' } } },
        OB: { Value: { Ref: 'B' }, Export: { Name: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'B']] } } },
      },
    }));
    expect(model.groups.get('Hand|A')!.exports).toEqual([{ name: '${AWS::StackName}-A' }]);
    expect(model.groups.get('Hand|B')!.exports).toEqual([{ name: '${AWS::StackName}-B' }]);
    // Where the stack's name is the one it deploys under (a cloud assembly's stack), it takes that name's place.
    const deployed = buildModel([{ ...handTemplate({})[0], stackNameIsDeployed: true, template: { Resources: { B: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } } }, Outputs: { OB: { Value: { Ref: 'B' }, Export: { Name: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'B']] } } } } } }]);
    expect(deployed.groups.get('Hand|B')!.exports).toEqual([{ name: 'Hand-B' }]);
    expect(findingsOf(analyse(handTemplate({ A: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } } }, { Outputs: { OA: { Value: { Ref: 'A' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-A' } } } } }), {}, []).findings, 'UnattachedSecurityGroup')).toEqual([]);
  });
});

behaviour(AWS_BEHAVIOURS.ruleNamesOnePeer, () => {
  test('CidrIp with SourceSecurityGroupId is InvalidSecurityGroupRule, an error; a peer under Fn::If is not counted', () => {
    const found = findingsOf(findings({
      ...GROUP,
      Two: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: sgRef, IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: '10.0.0.0/8', SourceSecurityGroupId: sgRef } },
      Cond: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: sgRef, IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: { 'Fn::If': ['C', '10.0.0.0/8', { Ref: 'AWS::NoValue' }] }, SourceSecurityGroupId: { 'Fn::If': ['C', { Ref: 'AWS::NoValue' }, sgRef] } } },
    }), 'InvalidSecurityGroupRule');
    expect(found).toEqual([expect.objectContaining({ level: 'error', logicalId: 'Two', message: expect.stringContaining('names 2 peers (CidrIp, SourceSecurityGroupId)') })]);
  });
});

behaviour(AWS_BEHAVIOURS.cidrNeedsPrefix, () => {
  test('CidrIp "10.0.0.0", in IPv4 or IPv6, directly or through a parameter\'s default, is a warning that says what is not settled', () => {
    const found = findingsOf(findings({
      Sg: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'x',
          SecurityGroupIngress: [
            { IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: '10.0.0.0' },
            { IpProtocol: 'tcp', FromPort: 2, ToPort: 2, CidrIp: { Ref: 'Office' } },
            { IpProtocol: 'tcp', FromPort: 3, ToPort: 3, CidrIpv6: '2001:db8::1' },
            { IpProtocol: 'tcp', FromPort: 4, ToPort: 4, CidrIp: '10.0.0.0/8' },
          ],
        },
      },
    }, { Parameters: { Office: { Type: 'String', Default: '192.0.2.7' } } }), 'InvalidSecurityGroupRule');
    const caveat = AWS_BEHAVIOURS.cidrNeedsPrefix.caveat;
    expect(found.map(f => [f.level, f.message])).toEqual([
      ['warning', expect.stringContaining(`has CidrIp "10.0.0.0" without a prefix length; write 10.0.0.0/32 for one address. The template would not deploy (EC2 IpRange: CidrIp ("to specify a single IPv4 address, use the /32 prefix length")). Not certain: ${caveat}.`)],
      ['warning', expect.stringContaining(`Not certain: ${caveat}; this rests on the default of parameter Office, and the value deployed may differ.`)],
      ['warning', expect.stringContaining('2001:db8::1/128')],
    ]);
  });
});

// The reachability computation (src/reachability) reads these three.
function accessOf(resources: Record<string, unknown>) {
  const model = buildModel(handTemplate({ ...VPC, ...resources }));
  const access = new EffectiveAccess(model);
  const kind = (logicalId: string) => access.members.find(m => m.resource.logicalId === logicalId)!.kind;
  return { access, kind };
}
const group = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'GroupId'] });
const sgOf = (rules: Record<string, unknown[]>) => ({ Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', VpcId: { Ref: 'Vpc' }, ...rules } });
const eni = (...groups: string[]) => ({ Type: 'AWS::EC2::NetworkInterface', Properties: { SubnetId: subnet, GroupSet: groups.map(group) } });
const closed = [{ IpProtocol: 'icmp', FromPort: 3, ToPort: 4, CidrIp: '192.0.2.1/32' }];

behaviour(AWS_BEHAVIOURS.rulesAggregateAcrossGroups, () => {
  test('an interface with two groups admits what either admits', () => {
    const { access, kind } = accessOf({
      Client: sgOf({ SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIp: '10.0.0.0/16' }] }),
      Web: sgOf({ SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, SourceSecurityGroupId: group('Client') }], SecurityGroupEgress: closed }),
      Tls: sgOf({ SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: group('Client') }], SecurityGroupEgress: closed }),
      C: eni('Client'),
      S: eni('Web', 'Tls'),
    });
    expect(access.flow(kind('C'), kind('S'))!.certain.toString()).toBe('tcp 80, tcp 443');
  });
});

behaviour(AWS_BEHAVIOURS.groupReferenceMatchesMembers, () => {
  test('a rule naming a group admits what carries it, not another interface of the same VPC', () => {
    const { access, kind } = accessOf({
      App: sgOf({ SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: '10.0.0.0/16' }] }),
      Other: sgOf({ SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: '10.0.0.0/16' }] }),
      Db: sgOf({ SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: group('App') }], SecurityGroupEgress: closed }),
      A: eni('App'),
      O: eni('Other'),
      D: eni('Db'),
    });
    expect(access.flow(kind('A'), kind('D'))!.certain.toString()).toBe('tcp 5432');
    expect(access.flow(kind('O'), kind('D'))).toBeUndefined();
  });
});

behaviour(AWS_BEHAVIOURS.statefulReturnTraffic, () => {
  test('a connection needs the initiator\'s egress and the receiver\'s ingress only, and replies are not a connection back', () => {
    const { access, kind } = accessOf({
      App: sgOf({ SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, DestinationSecurityGroupId: group('Db') }] }),
      Db: sgOf({ SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: group('App') }], SecurityGroupEgress: closed }),
      A: eni('App'),
      D: eni('Db'),
    });
    expect(access.flow(kind('A'), kind('D'))!.certain.toString()).toBe('tcp 5432');
    expect(access.flow(kind('D'), kind('A'))).toBeUndefined();
  });
});

behaviour(AWS_BEHAVIOURS.tcpUdpPortsMinusOneOrNone, () => {
  const caveat = AWS_BEHAVIOURS.tcpUdpPortsMinusOneOrNone.caveat;
  const world = (rule: Record<string, unknown>) => ({ Sg: sgOf({ SecurityGroupIngress: [{ ...rule, CidrIp: '0.0.0.0/0' }], SecurityGroupEgress: closed }) });

  test.each([
    ['tcp -1 to -1', { IpProtocol: 'tcp', FromPort: -1, ToPort: -1 }],
    ['tcp "-1" to 22', { IpProtocol: 'tcp', FromPort: '-1', ToPort: 22 }],
    ['udp without ports', { IpProtocol: 'udp' }],
  ])('%s from the world is read as every port, and the admin-port finding is a warning that says why', (_label, rule) => {
    const found = findingsOf(findings(world(rule)), 'WorldOpenAdminPort');
    expect(found.map(f => [f.level, f.message])).toEqual([
      ['warning', expect.stringMatching(new RegExp(`which reaches SSH 22, .*WinRM over HTTPS 5986\\..* Not certain: ${caveat}\\.$`))],
    ]);
  });

  test('the same ports written as 0-65535 are settled: an error, with no caveat', () => {
    const found = findingsOf(findings(world({ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535 })), 'WorldOpenAdminPort');
    expect(found.map(f => [f.level, f.message.includes('Not certain')])).toEqual([['error', false]]);
  });

  test('AllPortsFromPeer and SelfReferencingAllPorts say so too', () => {
    const all = findings({
      Sg: sgOf({ SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: -1, ToPort: -1, CidrIp: '10.1.0.0/16' }], SecurityGroupEgress: closed }),
      Self: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: group('Sg'), IpProtocol: 'udp', SourceSecurityGroupId: group('Sg') } },
      Tcp: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: group('Sg'), IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, SourceSecurityGroupId: group('Sg') } },
    });
    expect(findingsOf(all, 'AllPortsFromPeer').map(f => f.message)).toEqual([expect.stringContaining(`Not certain: ${caveat}.`)]);
    expect(findingsOf(all, 'SelfReferencingAllPorts').map(f => f.message.includes(`Not certain: ${caveat}.`)).sort()).toEqual([false, true]);
  });

  test('reachability: a flow that rests on the reading is possible, never certain', () => {
    const db = sgOf({ SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: group('App') }], SecurityGroupEgress: closed });
    const unsettled = accessOf({ App: sgOf({ SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: -1, ToPort: -1, CidrIp: '10.0.0.0/16' }] }), Db: db, A: eni('App'), D: eni('Db') });
    const flow = unsettled.access.flow(unsettled.kind('A'), unsettled.kind('D'))!;
    expect([flow.certain.toString(), flow.possible.toString()]).toEqual(['nothing', 'tcp 5432']);
    expect(flow.caveats).toContainEqual(expect.stringContaining(AWS_BEHAVIOURS.tcpUdpPortsMinusOneOrNone.id));
    const settled = accessOf({ App: sgOf({ SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIp: '10.0.0.0/16' }] }), Db: db, A: eni('App'), D: eni('Db') });
    expect(settled.access.flow(settled.kind('A'), settled.kind('D'))!.certain.toString()).toBe('tcp 5432');
  });
});

test('every behaviour of the table has its tests above', () => {
  expect([...tested].sort()).toEqual(Object.values(AWS_BEHAVIOURS).map(b => b.id).sort());
});

test('AWS-BEHAVIOURS.md is generated from the table and up to date (run `npx projen docgen:behaviours`)', () => {
  expect(fs.readFileSync(path.join(__dirname, '..', '..', 'AWS-BEHAVIOURS.md'), 'utf8')).toBe(awsBehavioursMarkdown());
});

test('every behaviour has at least one source, each an https address, and every unsettled one a caveat for its findings', () => {
  for (const row of Object.values(AWS_BEHAVIOURS) as Array<{ sources: readonly { url: string }[]; certainty: string; caveat?: string }>) {
    expect(row.sources.length).toBeGreaterThan(0);
    for (const source of row.sources) expect(source.url).toMatch(/^https:\/\//);
    if (row.certainty === 'unsettled') expect(row.caveat).toBeDefined();
  }
});
