import { RawFinding, RuleDefinition, groupLabel, groupsNamingEachGroup } from './rule';
import { describeTraffic } from '../model/ports';
import { SecurityGroupNode } from '../model/types';

function signature(group: SecurityGroupNode): string | undefined {
  const rules = group.rules.filter(r => !r.implicit);
  if (rules.length === 0 || rules.some(r => r.peer.kind === 'unresolved' || !r.traffic)) return undefined;
  return rules.map(r => {
    const peer = r.peer.kind === 'cidr' ? r.peer.cidr.text
      : r.peer.kind === 'group' ? (r.peer.groupKey === group.key ? 'self' : `group:${r.peer.groupKey}`)
        : r.peer.kind === 'prefixList' ? `pl:${r.peer.id}` : '?';
    return `${r.direction} ${describeTraffic(r.traffic!)} ${peer}`;
  }).sort().join('\n') + `\nimplicit-egress:${group.rules.some(r => r.implicit)}`;
}

export const duplicateSecurityGroup: RuleDefinition = {
  id: 'DuplicateSecurityGroup',
  defaultLevel: 'warning',
  title: 'Groups in one VPC with identical rules: consolidate',
  rationale: 'Copies of one group drift apart over time, and every copy is another thing to audit. Groups that other rules name, or that admit nothing (CDK\'s per-construct groups), are identities and are not counted as copies.',
  fix: 'Keep one group and attach it to every resource that needs those rules.',
  example: '// two groups in one VPC that both admit 10.0.0.0/24 on tcp 443 and nothing else are flagged',
  check(model) {
    const findings: RawFinding[] = [];
    const namedByRules = groupsNamingEachGroup(model);
    const buckets = new Map<string, SecurityGroupNode[]>();
    for (const group of model.groups.values()) {
      if (!group.ref || !group.vpcKey || group.defaultOfVpc || namedByRules.has(group.key)) continue;
      // A group that admits nothing is an identity (CDK makes one per construct): merging two gives nothing back
      // and would widen every rule later written for either.
      if (!group.rules.some(r => r.direction === 'ingress')) continue;
      const sig = signature(group);
      if (!sig) continue;
      const key = `${group.vpcKey}\n${sig}`;
      buckets.set(key, [...buckets.get(key) ?? [], group]);
    }
    for (const groups of buckets.values()) {
      if (groups.length < 2) continue;
      for (const group of groups) {
        const others = groups.filter(g => g !== group).map(g => groupLabel(model, g.key));
        findings.push({ at: group.ref!, message: `${groupLabel(model, group.key)} has the same rules as ${others.join(', ')} in the same VPC.` });
      }
    }
    return findings;
  },
};
