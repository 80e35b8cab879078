import { RawFinding, RuleDefinition, refLabel } from './rule';

export const networkLoadBalancerWithoutSecurityGroup: RuleDefinition = {
  id: 'NetworkLoadBalancerWithoutSecurityGroup',
  defaultLevel: 'error',
  title: 'A Network Load Balancer with no security group, including an empty list; it can never get one later',
  rationale: 'Since August 2023 NLBs take security groups, and AWS recommends them. An NLB created without one can never be given one: it must be replaced. Without a group its targets must admit the clients\' addresses directly, and CDK\'s nlb.connections silently does nothing.',
  fix: 'Create the NLB with a security group: `securityGroups` on `elbv2.NetworkLoadBalancer`, and no `disableSecurityGroups`. An existing NLB must be replaced.',
  example: "new elbv2.NetworkLoadBalancer(this, 'Nlb', { vpc, disableSecurityGroups: true }); // flagged\nnew elbv2.NetworkLoadBalancer(this, 'Nlb', { vpc, securityGroups: [sg] });     // fine",
  check(model) {
    const findings: RawFinding[] = [];
    for (const lb of model.loadBalancers) {
      if (lb.type === 'network' && lb.withoutSecurityGroups) {
        findings.push({ at: lb.ref, message: `${refLabel(lb.ref)} is a Network Load Balancer without a security group; it cannot be given one after creation.` });
      }
    }
    return findings;
  },
};
