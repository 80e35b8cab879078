import { RawFinding, RuleDefinition, groupLabel } from './rule';

export const crossStackSecurityGroupReference: RuleDefinition = {
  id: 'CrossStackSecurityGroupReference',
  defaultLevel: 'info',
  title: 'A group referenced from another stack; deleting or replacing it is blocked until the reference goes',
  rationale: 'CloudFormation will not delete or replace an export another stack imports, so a change that replaces the group (a new description, a new VPC) fails in the exporting stack until the importing stack lets go. A nested stack that takes the group as a parameter does not lock it: the parent passes the new id on.',
  fix: 'Nothing to fix by itself; when you replace the group, deploy the importing stack without the reference first. Keeping a group and its users in one stack avoids the dance.',
  example: '// a ServerClientPair in stack Data whose client is a Lambda function in stack Api',
  check(model) {
    const findings: RawFinding[] = [];
    for (const group of model.groups.values()) {
      if (!group.ref) continue;
      const byStack = new Map<string, { stackName: string; via: string }>();
      for (const use of group.crossStackUses) {
        // A nested-stack parameter is not an export: the parent passes the new id on (see AWS_BEHAVIOURS).
        if (use.by.stackId === group.ref.stackId || use.via !== 'import') continue;
        byStack.set(use.by.stackId, { stackName: use.by.stackName, via: `import of ${use.exportName ?? 'an export'}` });
      }
      for (const { stackName, via } of byStack.values()) {
        findings.push({ at: group.ref, message: `${groupLabel(model, group.key)} in stack ${group.ref.stackName} is used by stack ${stackName} (${via}); it cannot be deleted or replaced while ${stackName} uses it.` });
      }
    }
    return findings;
  },
};
