import { RawFinding, RuleDefinition, allRules, formatPorts, groupLabel, internetFacingLoadBalancerGroups, ruleLabel } from './rule';
import { classifyWorldOpen, onlyAllowedPorts } from './world-open';

export const worldOpenIngress: RuleDefinition = {
  id: 'WorldOpenIngress',
  defaultLevel: 'warning',
  title: 'The world reaches any other port, except the allowed public ports on a group attached to an internet-facing load balancer',
  rationale: 'Anything open to the internet is attack surface. A public load balancer on 80 and 443 is the expected exception and is not flagged; the same ports on an instance or a private load balancer are.',
  fix: 'Put the service behind an internet-facing load balancer and admit only the load balancer\'s group, or narrow the source.',
  example: 'sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(8080)); // flagged\nalb.connections.allowDefaultPortFromAnyIpv4();               // fine on an internet-facing ALB',
  check(model, params) {
    const findings: RawFinding[] = [];
    const publicLbGroups = internetFacingLoadBalancerGroups(model);
    for (const { group, rule } of allRules(model)) {
      const hit = classifyWorldOpen(rule, params);
      if (hit?.category !== 'WorldOpenIngress') continue;
      if (publicLbGroups.has(group.key) && onlyAllowedPorts(rule, params.allowedPublicPorts)) continue;
      const exception = publicLbGroups.has(group.key)
        ? ` Only ${formatPorts(params.allowedPublicPorts)} are expected on an internet-facing load balancer.`
        : '';
      findings.push({ at: rule.origin, message: `${groupLabel(model, group.key)} ${ruleLabel(model, rule)}.${exception}` });
    }
    return findings;
  },
};
