import { RawFinding, RuleDefinition, groupLabel } from './rule';

export const hardcodedGroupName: RuleDefinition = {
  id: 'HardcodedGroupName',
  defaultLevel: 'warning',
  title: 'A group with a fixed GroupName: a replacement fails on the name',
  rationale: 'CloudFormation creates the replacement before it deletes the old group, and a name is unique in a VPC, so any change that replaces the group (its description, its VPC) fails. Two stacks cannot create the same name either.',
  fix: 'Drop `securityGroupName`; use a Name tag (ServerClientPair\'s name prop sets one) for a readable console.',
  example: "new ec2.SecurityGroup(this, 'Sg', { vpc, securityGroupName: 'db' }); // flagged",
  check(model) {
    const findings: RawFinding[] = [];
    for (const group of model.groups.values()) {
      if (group.ref && group.groupName !== undefined) {
        findings.push({ at: group.ref, message: `${groupLabel(model, group.key)} has the fixed GroupName "${group.groupName}".` });
      }
    }
    return findings;
  },
};
