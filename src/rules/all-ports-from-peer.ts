import { RawFinding, RuleDefinition, allRules, carriedOnlyByForwarders, groupLabel, readingCaveat, ruleLabel } from './rule';
import { isAllPorts } from '../model/ports';

export const allPortsFromPeer: RuleDefinition = {
  id: 'AllPortsFromPeer',
  defaultLevel: 'warning',
  title: 'All ports (or all protocols) admitted from another group, a prefix list or a non-world CIDR',
  rationale: 'Trusting a peer on every port turns one compromised client into full access to the server. A service listens on a few ports; admit those. NAT instances and routers (source/destination check off) forward every port and are exempt.',
  fix: 'Admit only the service port(s), for example `ec2.Port.tcp(5432)`.',
  example: 'sg.addIngressRule(app, ec2.Port.allTraffic()); // flagged\nsg.addIngressRule(app, ec2.Port.tcp(5432));    // fine',
  check(model) {
    const findings: RawFinding[] = [];
    for (const { group, rule } of allRules(model)) {
      if (rule.direction !== 'ingress' || !rule.traffic || !isAllPorts(rule.traffic) || carriedOnlyByForwarders(model, group)) continue;
      const peer = rule.peer;
      // The world, as a CIDR or a prefix list holding it, is the WorldOpen rules' to report.
      const applies = (peer.kind === 'group' && peer.groupKey !== group.key) || (peer.kind === 'prefixList' && !peer.holdsWorld) || (peer.kind === 'cidr' && peer.cidr.prefix > 0);
      if (applies) findings.push({ at: rule.origin, message: `${groupLabel(model, group.key)} ${ruleLabel(model, rule)}.${readingCaveat(rule)}` });
    }
    return findings;
  },
};
