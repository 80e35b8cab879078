import { RawFinding, RuleDefinition, groupLabel, refLabel } from './rule';

export const lambdaEniDeletionDelay: RuleDefinition = {
  id: 'LambdaEniDeletionDelay',
  defaultLevel: 'info',
  title: 'A VPC Lambda function whose group lives in the same stack; deleting them can wait 20-45 minutes',
  rationale: 'Lambda keeps hyperplane network interfaces for a while after a function is deleted or leaves the VPC, and a group cannot be deleted while an interface carries it. Deleting the stack, or replacing the group, then waits for AWS to release the interfaces.',
  fix: 'Expect the wait, or keep long-lived groups in a separate stack from the functions that use them.',
  example: '// new lambda.Function(this, "Fn", { vpc, ... }) with its automatic group in the same stack',
  check(model) {
    const findings: RawFinding[] = [];
    for (const fn of model.lambdas) {
      const sameStack = fn.groupKeys.filter(key => model.groups.get(key)?.ref?.stackId === fn.ref.stackId);
      if (sameStack.length === 0) continue;
      findings.push({ at: fn.ref, message: `${refLabel(fn.ref)} runs in a VPC with ${sameStack.map(k => groupLabel(model, k)).join(', ')} from the same stack; deleting them can wait up to 45 minutes for AWS to release the function's network interfaces.` });
    }
    return findings;
  },
};
