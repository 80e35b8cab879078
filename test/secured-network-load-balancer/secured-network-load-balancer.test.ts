import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ConnectableInstanceTarget, SecuredNetworkLoadBalancer } from '../../src';
import { analyseApp, findingsOf, nagCheckedStack, testApp, testStack, validationViolations } from '../support/analyse-app';

function asg(stack: Stack, vpc: ec2.IVpc) {
  return new autoscaling.AutoScalingGroup(stack, 'Asg', {
    vpc,
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
}

/** A target that is not IConnectable: adding it wires no rule. */
const ipTarget = () => ({ port: 80, targets: [new targets.IpTarget('10.0.1.10')] });

/** Every ingress and egress rule of the stack, inline or standalone, as [group logical id, rule]. */
function rules(stack: Stack, direction: 'Ingress' | 'Egress'): { group: string; rule: any }[] {
  const template = Template.fromStack(stack).toJSON();
  const found: { group: string; rule: any }[] = [];
  for (const [id, resource] of Object.entries<any>(template.Resources)) {
    if (resource.Type === 'AWS::EC2::SecurityGroup') {
      for (const rule of resource.Properties[`SecurityGroup${direction}`] ?? []) found.push({ group: id, rule });
    }
    if (resource.Type === `AWS::EC2::SecurityGroup${direction}`) {
      found.push({ group: resource.Properties.GroupId['Fn::GetAtt'][0], rule: resource.Properties });
    }
  }
  return found;
}

function groupIdOf(stack: Stack, group: ec2.ISecurityGroup): string {
  return stack.getLogicalId(group.node.defaultChild as ec2.CfnSecurityGroup);
}

describe('SecuredNetworkLoadBalancer', () => {
  test('always has a security group of its own, which allows nothing out and nobody in by default', () => {
    const { stack, vpc } = testStack();
    const nlb = new SecuredNetworkLoadBalancer(stack, 'Nlb', { vpc });
    nlb.addListener('Tcp', { port: 443 }).addTargets('Ip', ipTarget());
    const template = Template.fromStack(stack);
    const groupId = groupIdOf(stack, nlb.securityGroup);

    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      SecurityGroups: [{ 'Fn::GetAtt': [groupId, 'GroupId'] }],
    });
    expect(rules(stack, 'Ingress').filter((r) => r.group === groupId)).toEqual([]);
    // allowAllOutbound: false renders CDK's placeholder egress, which matches no traffic.
    expect(rules(stack, 'Egress').filter((r) => r.group === groupId).map((r) => r.rule.CidrIp)).toEqual(['255.255.255.255/32']);
    expect(nlb).toBeInstanceOf(elbv2.NetworkLoadBalancer);
  });

  test.each([true, false])('has exactly its own group whether CDK\'s NLB security-group flag is %p', (flag) => {
    const app = testApp({ context: { '@aws-cdk/aws-elasticloadbalancingv2:networkLoadBalancerWithSecurityGroupByDefault': flag } });
    const { stack, vpc } = testStack(app);
    const nlb = new SecuredNetworkLoadBalancer(stack, 'Nlb', { vpc });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      SecurityGroups: [{ 'Fn::GetAtt': [groupIdOf(stack, nlb.securityGroup), 'GroupId'] }],
    });
  });

  test('uses the groups it is given', () => {
    const { stack, vpc } = testStack();
    const sg = new ec2.SecurityGroup(stack, 'Given', { vpc, allowAllOutbound: false });
    const nlb = new SecuredNetworkLoadBalancer(stack, 'Nlb', { vpc, securityGroups: [sg] });
    expect(nlb.securityGroup).toBe(sg);
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      SecurityGroups: [{ 'Fn::GetAtt': [groupIdOf(stack, sg), 'GroupId'] }],
    });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::SecurityGroup', 1);
  });

  test('warns when a given group allows all outbound traffic', () => {
    const { stack, vpc } = testStack();
    const sg = new ec2.SecurityGroup(stack, 'Open', { vpc });
    new SecuredNetworkLoadBalancer(stack, 'Nlb', { vpc, securityGroups: [sg] });
    Annotations.fromStack(stack).hasWarning('/Stack/Nlb', Match.stringLikeRegexp('Stack/Open allows all outbound traffic'));
  });

  test.each([
    [{ disableSecurityGroups: true }, /Stack\/Nlb: disableSecurityGroups is refused/],
    [{ securityGroups: [] }, /Stack\/Nlb: securityGroups is empty/],
    [{ forPrivateLink: true, enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: true }, /Stack\/Nlb: forPrivateLink turns PrivateLink inbound enforcement off/],
  ])('refuses %p with an error naming the construct', (props, message) => {
    const { stack, vpc } = testStack();
    expect(() => new SecuredNetworkLoadBalancer(stack, 'Nlb', { vpc, ...props })).toThrow(message);
  });

  test('admits the named clients on every listener port, whenever either is added, and nobody else', () => {
    const { stack, vpc } = testStack();
    const office = ec2.Peer.ipv4('192.0.2.0/24');
    const nlb = new SecuredNetworkLoadBalancer(stack, 'Nlb', { vpc, clients: [office] });
    nlb.addListener('Tls', { port: 443 }).addTargets('Ip', ipTarget());
    const callers = new ec2.SecurityGroup(stack, 'Callers', { vpc, allowAllOutbound: false });
    nlb.allowClient(callers);
    nlb.addListener('Dns', { port: 53, protocol: elbv2.Protocol.TCP_UDP }).addTargets('Ip', { ...ipTarget(), port: 53 });

    const ingress = rules(stack, 'Ingress').filter((r) => r.group === groupIdOf(stack, nlb.securityGroup)).map((r) => r.rule);
    const describe = (r: any) => `${r.IpProtocol}/${r.FromPort}-${r.ToPort} from ${r.CidrIp ?? JSON.stringify(r.SourceSecurityGroupId)}`;
    expect(ingress.map(describe).sort()).toEqual([
      `tcp/443-443 from ${JSON.stringify({ 'Fn::GetAtt': [groupIdOf(stack, callers), 'GroupId'] })}`,
      'tcp/443-443 from 192.0.2.0/24',
      `tcp/53-53 from ${JSON.stringify({ 'Fn::GetAtt': [groupIdOf(stack, callers), 'GroupId'] })}`,
      'tcp/53-53 from 192.0.2.0/24',
      `udp/53-53 from ${JSON.stringify({ 'Fn::GetAtt': [groupIdOf(stack, callers), 'GroupId'] })}`,
      'udp/53-53 from 192.0.2.0/24',
    ].sort());
    // A client group with closed egress gets the matching egress to the load balancer.
    expect(rules(stack, 'Egress').filter((r) => r.group === groupIdOf(stack, callers)).map((r) => `${r.rule.IpProtocol}/${r.rule.FromPort}`).sort())
      .toEqual(['tcp/443', 'tcp/53', 'udp/53']);
  });

  test('a connectable target is opened to the load balancer alone, on the target and health-check ports', () => {
    const { stack, vpc } = testStack();
    const nlb = new SecuredNetworkLoadBalancer(stack, 'Nlb', { vpc });
    const group = asg(stack, vpc);
    nlb.addListener('Tls', { port: 443 }).addTargets('App', { port: 8443, targets: [group], healthCheck: { port: '8080' } });

    const nlbGroup = groupIdOf(stack, nlb.securityGroup);
    const asgGroup = stack.getLogicalId(group.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup);
    const egress = rules(stack, 'Egress').filter((r) => r.group === nlbGroup && r.rule.DestinationSecurityGroupId);
    expect(egress.map((r) => [r.rule.FromPort, r.rule.DestinationSecurityGroupId['Fn::GetAtt'][0]]).sort()).toEqual([[8080, asgGroup], [8443, asgGroup]]);
    const ingress = rules(stack, 'Ingress').filter((r) => r.group === asgGroup);
    expect(ingress.map((r) => [r.rule.FromPort, r.rule.SourceSecurityGroupId['Fn::GetAtt'][0]]).sort()).toEqual([[8080, nlbGroup], [8443, nlbGroup]]);
    expect(ingress.every((r) => r.rule.CidrIp === undefined)).toBe(true);
  });

  test('a UDP target group gets its UDP port, and its TCP health check on the traffic port', () => {
    const { stack, vpc } = testStack();
    const nlb = new SecuredNetworkLoadBalancer(stack, 'Nlb', { vpc });
    const group = asg(stack, vpc);
    nlb.addListener('Syslog', { port: 514, protocol: elbv2.Protocol.UDP }).addTargets('Collectors', { port: 514, targets: [group] });
    const asgGroup = stack.getLogicalId(group.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup);
    expect(rules(stack, 'Ingress').filter((r) => r.group === asgGroup).map((r) => `${r.rule.IpProtocol}/${r.rule.FromPort}`).sort()).toEqual(['tcp/514', 'udp/514']);
  });

  test('an ECS service target and a ConnectableInstanceTarget on its own port are wired too', () => {
    const { stack, vpc } = testStack();
    const nlb = new SecuredNetworkLoadBalancer(stack, 'Nlb', { vpc });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx'), portMappings: [{ containerPort: 8080 }] });
    const service = new ecs.FargateService(stack, 'Service', { cluster, taskDefinition: task, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    const instance = new ec2.Instance(stack, 'Box', {
      vpc,
      instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    const listener = nlb.addListener('Tcp', { port: 80 });
    listener.addTargets('Ecs', { port: 8080, targets: [service.loadBalancerTarget({ containerName: 'app', containerPort: 8080 })] });
    listener.addTargets('Box', { port: 80, targets: [new ConnectableInstanceTarget(instance, 9000)] });

    const serviceGroup = stack.getLogicalId(service.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup);
    const boxGroup = stack.getLogicalId(instance.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup);
    expect(rules(stack, 'Ingress').filter((r) => r.group === serviceGroup).map((r) => r.rule.FromPort)).toEqual([8080]);
    expect(rules(stack, 'Ingress').filter((r) => r.group === boxGroup).map((r) => r.rule.FromPort)).toEqual([9000]);
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 80, Targets: [{ Id: { Ref: stack.getLogicalId(instance.node.defaultChild as ec2.CfnInstance) }, Port: 9000 }],
    });
  });

  test('allowToTarget connects an IP target, and refuses all traffic or a range', () => {
    const { stack, vpc } = testStack();
    const nlb = new SecuredNetworkLoadBalancer(stack, 'Nlb', { vpc });
    nlb.allowToTarget(ec2.Peer.ipv4('10.0.9.10/32'), ec2.Port.tcp(5432));
    expect(rules(stack, 'Egress').filter((r) => r.rule.CidrIp === '10.0.9.10/32').map((r) => r.rule.FromPort)).toEqual([5432]);
    expect(() => nlb.allowToTarget(ec2.Peer.ipv4('10.0.9.10/32'), ec2.Port.allTraffic())).toThrow(/Stack\/Nlb: allowToTarget takes one port/);
    expect(() => nlb.allowToTarget(ec2.Peer.ipv4('10.0.9.10/32'), ec2.Port.tcpRange(1, 10))).toThrow(/allowToTarget takes one port/);
  });

  test('a listener or health-check port out of range is an error naming the construct', () => {
    const { stack, vpc } = testStack();
    const nlb = new SecuredNetworkLoadBalancer(stack, 'Nlb', { vpc });
    expect(() => nlb.addListener('Bad', { port: 70000 })).toThrow(/Stack\/Nlb: Listener Bad's port holds 70000/);
    const listener = nlb.addListener('Ok', { port: 80 });
    expect(() => listener.addTargets('T', { port: 80, targets: [asg(stack, vpc)], healthCheck: { port: 'eighty' } })).toThrow(/health-check port holds NaN/);
  });

  test('a UDP listener on a dual-stack load balancer without IPv6 source NAT is an error, as in CDK', () => {
    const { stack, vpc } = testStack();
    const nlb = new SecuredNetworkLoadBalancer(stack, 'Nlb', { vpc, ipAddressType: elbv2.IpAddressType.DUAL_STACK });
    expect(() => nlb.addListener('Dns', { port: 53, protocol: elbv2.Protocol.UDP })).toThrow(/Stack\/Nlb: Listener Dns is UDP on a dual-stack load balancer/);
  });

  test('forPrivateLink turns inbound enforcement off and refuses world clients', () => {
    const { stack, vpc } = testStack();
    const nlb = new SecuredNetworkLoadBalancer(stack, 'Nlb', { vpc, forPrivateLink: true });
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off',
    });
    expect(() => nlb.allowClient(ec2.Peer.anyIpv4())).toThrow(/Stack\/Nlb: A forPrivateLink load balancer admits no world range \(0\.0\.0\.0\/0\)/);
    expect(() => nlb.allowClient(ec2.Peer.anyIpv6())).toThrow(/admits no world range \(::\/0\)/);
  });

  test('passes NetworkLoadBalancerWithoutSecurityGroup, which fires on the legacy shape beside it', () => {
    const { app, stack, vpc } = testStack();
    new SecuredNetworkLoadBalancer(stack, 'Secured', { vpc });
    new elbv2.NetworkLoadBalancer(stack, 'Legacy', { vpc, disableSecurityGroups: true });
    const findings = findingsOf(analyseApp(app), 'NetworkLoadBalancerWithoutSecurityGroup');
    expect(findings.map((f) => f.constructPath)).toEqual(['Stack/Legacy/Resource']);
  });
});

describe("SecuredNetworkLoadBalancer and cdk-nag's AwsSolutions pack", () => {
  function nlbApp(logs: boolean) {
    const { app, stack, outdir } = nagCheckedStack('nlb-nag-');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0a1b2c3d', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-0a', 'subnet-0b'], vpcCidrBlock: '10.0.0.0/16',
    });
    const nlb = new SecuredNetworkLoadBalancer(stack, 'Nlb', { vpc, clients: [ec2.Peer.ipv4('10.20.0.0/16')] });
    nlb.addListener('Tcp', { port: 443 }).addTargets('App', { port: 8443, targets: [new targets.IpTarget('10.0.1.10')] });
    nlb.allowToTarget(ec2.Peer.ipv4('10.0.1.10/32'), ec2.Port.tcp(8443));
    if (logs) nlb.logAccessLogs(s3.Bucket.fromBucketName(stack, 'Logs', 'access-logs-bucket'), 'nlb');
    try {
      app.synth();
    } catch {
      // The violations are in the report either way.
    }
    return validationViolations(outdir).map(v => `${v.plugin} ${v.rule} ${v.paths.join(',')}`);
  }

  test('the one finding left is access logs (ELB2), a decision that needs the user\'s bucket; logAccessLogs clears it', () => {
    expect(nlbApp(false)).toEqual(['AwsSolutions AwsSolutions-ELB2 Stack/Nlb/Resource']);
    expect(nlbApp(true)).toEqual([]);
  });
});
