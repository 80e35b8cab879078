import { RawFinding, RuleDefinition, groupLabel } from './rule';
import { SecurityGroupRule } from '../model/types';

/** AWS counts IPv4 and IPv6 rules separately; rules naming a group or prefix list count towards both. */
function counts(rules: SecurityGroupRule[]): { ipv4: number; ipv6: number } {
  let ipv4 = 0;
  let ipv6 = 0;
  for (const rule of rules) {
    if (rule.peer.kind === 'cidr') {
      if (rule.peer.cidr.family === 4) ipv4++;
      else ipv6++;
    } else {
      ipv4++;
      ipv6++;
    }
  }
  return { ipv4, ipv6 };
}

export const tooManyRules: RuleDefinition = {
  id: 'TooManyRules',
  defaultLevel: 'warning',
  title: 'A group over 60 inbound or 60 outbound rules (the default quota)',
  rationale: 'Past the quota a deployment fails, and a group with dozens of address rules is usually a list of IPs that should be a group or a prefix list.',
  fix: 'Replace address lists with a managed prefix list, or admit security groups instead of addresses.',
  example: '// 61 addIngressRule calls with different CIDRs on one group are flagged',
  check(model, params) {
    const findings: RawFinding[] = [];
    for (const group of model.groups.values()) {
      if (!group.ref) continue;
      for (const direction of ['ingress', 'egress'] as const) {
        const { ipv4, ipv6 } = counts(group.rules.filter(r => r.direction === direction && !r.implicit));
        const worst = Math.max(ipv4, ipv6);
        if (worst > params.rulesPerDirectionQuota) {
          findings.push({ at: group.ref, message: `${groupLabel(model, group.key)} has ${worst} ${direction} rules (${ipv4} IPv4, ${ipv6} IPv6), over the quota of ${params.rulesPerDirectionQuota}.` });
        }
      }
    }
    return findings;
  },
};
