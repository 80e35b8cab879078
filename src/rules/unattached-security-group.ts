import { RawFinding, RuleDefinition, groupLabel, groupsNamingEachGroup } from './rule';

export const unattachedSecurityGroup: RuleDefinition = {
  id: 'UnattachedSecurityGroup',
  defaultLevel: 'warning',
  title: 'A group attached to nothing and referenced by no launch template, endpoint, service or export',
  rationale: 'An unused group is clutter that nobody dares to delete later, and rules that name it grant nothing. It is often a sign that a group was created but never passed to the resource it was meant for.',
  fix: "Attach it to the resource it was made for, with a ServerClientPair's `addServer` or `addClient`, or remove it.",
  example: "new ec2.SecurityGroup(this, 'Orphan', { vpc }); // flagged when nothing uses it",
  check(model) {
    const findings: RawFinding[] = [];
    const namedBy = groupsNamingEachGroup(model);
    for (const group of model.groups.values()) {
      if (!group.ref || group.defaultOfVpc) continue;
      if (group.attachments.length > 0 || group.references.length > 0 || group.exports.length > 0) continue;
      const peers = namedBy.get(group.key) ?? [];
      const note = peers.length > 0 ? ` Rules in ${peers.map(p => groupLabel(model, p.key)).join(', ')} name it, but grant nothing while no resource carries it.` : '';
      findings.push({ at: group.ref, message: `${groupLabel(model, group.key)} is attached to nothing.${note}` });
    }
    return findings;
  },
};
