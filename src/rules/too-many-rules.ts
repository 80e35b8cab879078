import { RawFinding, RuleDefinition, groupLabel } from './rule';
import { SecurityGroupModel, SecurityGroupRule } from '../model/types';

interface RuleCount {
  ipv4: number;
  ipv6: number;
  /** Prefix lists whose weight is not known at synth, counted as one rule each. */
  unknownLists: Set<string>;
  /** In-app prefix lists and what each weighs. */
  weighed: Map<string, number>;
}

/**
 * AWS counts IPv4 and IPv6 rules separately; a rule naming a group counts towards both, and a rule naming a
 * prefix list counts as the list's MaxEntries, towards its address family (see AWS_BEHAVIOURS).
 */
function counts(model: SecurityGroupModel, rules: SecurityGroupRule[]): RuleCount {
  const count: RuleCount = { ipv4: 0, ipv6: 0, unknownLists: new Set(), weighed: new Map() };
  for (const rule of rules) {
    const peer = rule.peer;
    if (peer.kind === 'cidr') {
      if (peer.cidr.family === 4) count.ipv4++;
      else count.ipv6++;
      continue;
    }
    const list = peer.kind === 'prefixList' && peer.prefixListKey ? model.prefixLists.get(peer.prefixListKey) : undefined;
    const weight = list?.maxEntries ?? 1;
    if (peer.kind === 'prefixList') {
      if (list?.maxEntries !== undefined) count.weighed.set(peer.id, list.maxEntries);
      else count.unknownLists.add(peer.id);
    }
    if (list?.addressFamily !== 'IPv6') count.ipv4 += weight;
    if (list?.addressFamily !== 'IPv4') count.ipv6 += weight;
  }
  return count;
}

export const tooManyRules: RuleDefinition = {
  id: 'TooManyRules',
  defaultLevel: 'warning',
  title: 'A group over 60 inbound or 60 outbound rules (the default quota), counting a prefix list as its MaxEntries',
  rationale: 'Past the quota a deployment fails with RulesPerSecurityGroupLimitExceeded. A rule that references a prefix list counts as the list\'s maximum number of entries, not as one, so a few rules over a large list can be over. A group with dozens of address rules is usually a list of IPs that should be a group or a prefix list.',
  fix: 'Replace address lists with a managed prefix list sized to what it holds, or admit security groups instead of addresses; or raise the quota.',
  example: '// 61 addIngressRule calls with different CIDRs on one group are flagged;\n// so are tcp 80 and 443 from one prefix list with MaxEntries 40 (80 rules)',
  check(model, params) {
    const findings: RawFinding[] = [];
    for (const group of model.groups.values()) {
      if (!group.ref) continue;
      for (const direction of ['ingress', 'egress'] as const) {
        const { ipv4, ipv6, unknownLists, weighed } = counts(model, group.rules.filter(r => r.direction === direction && !r.implicit));
        const worst = Math.max(ipv4, ipv6);
        if (worst <= params.rulesPerDirectionQuota) continue;
        const lists = [...weighed].map(([id, weight]) => `prefix list ${id} counts as ${weight}`);
        if (unknownLists.size > 0) lists.push(`${[...unknownLists].join(', ')} counted as 1 each, so at least this many`);
        const detail = lists.length > 0 ? `; ${lists.join('; ')}` : '';
        findings.push({ at: group.ref, message: `${groupLabel(model, group.key)} has ${worst} ${direction} rules (${ipv4} IPv4, ${ipv6} IPv6${detail}), over the quota of ${params.rulesPerDirectionQuota}.` });
      }
    }
    return findings;
  },
};
