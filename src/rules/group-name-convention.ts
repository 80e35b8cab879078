import { RawFinding, RuleDefinition, groupLabel } from './rule';

export const groupNameConvention: RuleDefinition = {
  id: 'GroupNameConvention',
  defaultLevel: 'warning',
  title: 'A group whose Name tag (or GroupName) does not match the configured naming pattern; off unless a pattern is set',
  rationale: 'A naming convention lets people read the console and audits without opening every group.',
  fix: 'Tag the group with a Name that matches the pattern (ServerClientPair\'s name prop does it).',
  example: "// with groupNamePattern '^[a-z0-9-]+$', a group tagged Name=DB_Group is flagged",
  check(model, params) {
    const findings: RawFinding[] = [];
    const pattern = params.groupNamePattern;
    if (!pattern) return findings;
    for (const group of model.groups.values()) {
      if (!group.ref || group.defaultOfVpc) continue;
      const name = group.nameTag ?? group.groupName;
      // A name known only at deploy time (a parameter without default, ${AWS::StackName}...) cannot be judged here.
      if (name?.includes('${')) continue;
      if (name === undefined) {
        findings.push({ at: group.ref, message: `${groupLabel(model, group.key)} has neither a Name tag nor a GroupName to match ${pattern}.` });
      } else if (!pattern.test(name)) {
        findings.push({ at: group.ref, message: `${groupLabel(model, group.key)} is named "${name}", which does not match ${pattern}.` });
      }
    }
    return findings;
  },
};
