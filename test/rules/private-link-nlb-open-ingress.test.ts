import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { analyseApp, findingsOf, testStack } from '../support/analyse-app';

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
