import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testStack } from '../support/analyse-app';

const RULE = 'PrivateLinkNlbOpenIngress';

function service(worldOpen: boolean, enforcement?: string) {
  const { app, stack, vpc } = testStack();
  const sg = new ec2.SecurityGroup(stack, 'NlbSg', { vpc, allowAllOutbound: false });
  if (worldOpen) sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443));
  const nlb = new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc, securityGroups: [sg] });
  if (enforcement) (nlb.node.defaultChild as elbv2.CfnLoadBalancer).enforceSecurityGroupInboundRulesOnPrivateLinkTraffic = enforcement;
  new ec2.VpcEndpointService(stack, 'Service', { vpcEndpointServiceLoadBalancers: [nlb] });
  return app;
}

describe(RULE, () => {
  test('flags a world-open NLB behind an endpoint service (L2)', () => {
    const found = findingsOf(analyseApp(service(true)), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('PrivateLink inbound enforcement is not set (on)');
  });

  test("the seeds' pattern, enforcement off and no world rule, is compliant (L1 escape hatch)", () => {
    expect(findingsOf(analyseApp(service(false, 'off')), RULE)).toEqual([]);
  });

  test('a world-open NLB that serves no endpoint service is not this rule', () => {
    const { app, stack, vpc } = testStack();
    const sg = new ec2.SecurityGroup(stack, 'NlbSg', { vpc, allowAllOutbound: false });
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443));
    new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc, securityGroups: [sg] });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });
});

describe('PrivateLinkNlbOpenIngress on hand-written templates', () => {
  const template = (ingress: Record<string, unknown>, lb: Record<string, unknown> = {}, withService = true) => handTemplate({
    Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [ingress] } },
    Nlb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network', Scheme: 'internal', SecurityGroups: [{ Ref: 'Sg' }], Subnets: ['s'], ...lb } },
    ...(withService ? { Svc: { Type: 'AWS::EC2::VPCEndpointService', Properties: { NetworkLoadBalancerArns: [{ Ref: 'Nlb' }], AcceptanceRequired: true } } } : {}),
  });
  const messages = (t: ReturnType<typeof handTemplate>) => findingsOf(analyse(t, {}, []).findings, 'PrivateLinkNlbOpenIngress').map(f => f.message);
  const world = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' };

  test('the whole message, with the enforcement setting as the template has it', () => {
    expect(messages(template(world))).toEqual(['Hand/Nlb serves Hand/Svc and its group Hand/Sg admits the world; PrivateLink inbound enforcement is not set (on).']);
    expect(messages(template(world, { EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off' }))).toEqual([
      'Hand/Nlb serves Hand/Svc and its group Hand/Sg admits the world; PrivateLink inbound enforcement is off.',
    ]);
  });

  test('not without an endpoint service, nor for a group that admits only a private range, nor for an application load balancer', () => {
    expect(messages(template(world, {}, false))).toEqual([]);
    expect(messages(template({ ...world, CidrIp: '10.0.0.0/8' }))).toEqual([]);
    expect(messages(template(world, { Type: 'application' }))).toEqual([]);
  });
});
