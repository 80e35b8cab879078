import { RawFinding, RuleDefinition, allRules, groupLabel, readingCaveat, ruleLabel } from './rule';
import { isAllPorts } from '../model/ports';

export const selfReferencingAllPorts: RuleDefinition = {
  id: 'SelfReferencingAllPorts',
  defaultLevel: 'warning',
  title: 'A group admits itself on all ports: every member reaches every other member on everything',
  rationale: 'Self-referencing "all traffic" rules (the pattern of the default security group) make every workload that shares the group a stepping stone to every other.',
  fix: 'Admit the group on the ports the members really use, or split the members into a ServerClientPair.',
  example: 'sg.connections.allowInternally(ec2.Port.allTraffic()); // flagged\nsg.connections.allowInternally(ec2.Port.tcp(7000));    // fine',
  check(model) {
    const findings: RawFinding[] = [];
    for (const { group, rule } of allRules(model)) {
      if (rule.direction !== 'ingress' || !rule.traffic || !isAllPorts(rule.traffic)) continue;
      if (rule.peer.kind === 'group' && rule.peer.groupKey === group.key && !group.defaultOfVpc) {
        findings.push({ at: rule.origin, message: `${groupLabel(model, group.key)} ${ruleLabel(model, rule)}.${readingCaveat(rule)}` });
      }
    }
    return findings;
  },
};
