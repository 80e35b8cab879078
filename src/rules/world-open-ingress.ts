import {
  RawFinding, RuleDefinition, allRules, formatPorts, groupLabel, internetFacingLoadBalancerGroups, refLabel, ruleLabel,
} from './rule';
import { classifyWorldOpen, onlyAllowedPorts, worldOpenUncertainty } from './world-open';
import { ResourceRef, SecurityGroupModel } from '../model/types';

export const worldOpenIngress: RuleDefinition = {
  id: 'WorldOpenIngress',
  defaultLevel: 'warning',
  title: 'The world reaches any other port, except the allowed public ports on a group carried only by internet-facing load balancers',
  rationale: 'Anything open to the internet is attack surface. A public load balancer on 80 and 443 is the expected exception and is not flagged; the same ports on an instance, on a private load balancer, or on a group an instance shares with the load balancer are.',
  fix: 'Put the service behind an internet-facing load balancer and admit only the load balancer\'s group, or narrow the source.',
  example: 'sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(8080)); // flagged\nalb.connections.allowDefaultPortFromAnyIpv4();               // fine on an internet-facing ALB',
  check(model, params) {
    const findings: RawFinding[] = [];
    const publicLbGroups = internetFacingLoadBalancerGroups(model);
    for (const { group, rule } of allRules(model)) {
      const hit = classifyWorldOpen(model, group, rule, params).find(h => h.category === 'WorldOpenIngress');
      if (!hit) continue;
      // The exception holds only where internet-facing load balancers are all that carry the group.
      const isPublicLb = (r: ResourceRef) => model.loadBalancers
        .some(lb => lb.internetFacing && lb.ref.stackId === r.stackId && lb.ref.logicalId === r.logicalId);
      const others = group.attachments.map(a => a.resource).filter(r => !isPublicLb(r));
      const publicLb = publicLbGroups.has(group.key);
      if (publicLb && others.length === 0 && onlyAllowedPorts(rule, params.allowedPublicPorts, hit.reachable)) continue;
      const scope = hit.scope ? `; ${hit.scope}` : '';
      const exception = !publicLb ? schemeNote(model, group.key)
        : others.length > 0 ? ` It is also carried by ${others.map(refLabel).join(', ')}, which the world reaches directly.${schemeNote(model, group.key)}`
          : ` Only ${formatPorts(params.allowedPublicPorts)} are expected on an internet-facing load balancer.${schemeNote(model, group.key)}`;
      findings.push({ at: rule.origin, message: `${groupLabel(model, group.key)} ${ruleLabel(model, rule)}${scope}.${exception}${worldOpenUncertainty(hit).text}` });
    }
    return findings;
  },
};

/** Where a load balancer's scheme came from a parameter's default, or is not known at synth: say so. */
function schemeNote(model: SecurityGroupModel, groupKey: string): string {
  const lbs = model.loadBalancers.filter(lb => lb.groupKeys.includes(groupKey));
  const notes = [
    ...lbs.filter(lb => lb.schemeViaParameter).map(lb => `${refLabel(lb.ref)} is ${lb.scheme} by the default of parameter ${lb.schemeViaParameter}.`),
    ...lbs.filter(lb => lb.scheme === 'unknown').map(lb => `The scheme of ${refLabel(lb.ref)} is not known at synth, so it is not treated as internet-facing.`),
  ];
  return notes.map(n => ` ${n}`).join('');
}
