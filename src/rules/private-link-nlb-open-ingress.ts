import { RawFinding, RuleDefinition, groupLabel, isWorldPeer, refLabel } from './rule';

export const privateLinkNlbOpenIngress: RuleDefinition = {
  id: 'PrivateLinkNlbOpenIngress',
  defaultLevel: 'warning',
  title: 'An NLB behind a VPC endpoint service admits the world, instead of turning PrivateLink inbound enforcement off',
  rationale: 'PrivateLink clients arrive from their endpoints\' addresses, which the provider cannot know. Opening the NLB to 0.0.0.0/0 to let them in also lets in everyone who can route to it. Setting EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic to off lets PrivateLink traffic in without any world rule.',
  fix: 'Remove the world ingress and set EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic to off on the load balancer: `enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false` on `elbv2.NetworkLoadBalancer`.',
  example: "nlb.connections.allowFromAnyIpv4(ec2.Port.tcp(443)); // flagged on an endpoint service's NLB\n(nlb.node.defaultChild as elbv2.CfnLoadBalancer).enforceSecurityGroupInboundRulesOnPrivateLinkTraffic = 'off'; // fine, without the world rule",
  check(model) {
    const findings: RawFinding[] = [];
    for (const lb of model.loadBalancers) {
      if (lb.type !== 'network' || lb.endpointServices.length === 0) continue;
      const open = lb.groupKeys.filter(key => model.groups.get(key)?.rules.some(r => r.direction === 'ingress' && isWorldPeer(r.peer)));
      if (open.length === 0) continue;
      const enforcement = lb.privateLinkEnforcement === undefined ? 'not set (on)' : lb.privateLinkEnforcement;
      findings.push({
        at: lb.ref,
        message: `${refLabel(lb.ref)} serves ${lb.endpointServices.map(refLabel).join(', ')} and its group ${open.map(k => groupLabel(model, k)).join(', ')} admits the world; PrivateLink inbound enforcement is ${enforcement}.`,
      });
    }
    return findings;
  },
};
