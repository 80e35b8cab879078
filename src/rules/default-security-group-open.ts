import { RawFinding, RuleDefinition, refLabel } from './rule';

export const defaultSecurityGroupOpen: RuleDefinition = {
  id: 'DefaultSecurityGroupOpen',
  defaultLevel: 'warning',
  title: 'A VPC in the app whose default security group is not locked',
  rationale: 'Every VPC\'s default group admits itself on everything and sends anywhere until someone removes its rules, and resources fall into it by accident. CIS AWS 5.4 asks for it to have no rules.',
  fix: 'Set restrictDefaultSecurityGroup: true on the VPC, so a custom resource removes the default group\'s rules. The model also recognises a locker resource of type Custom::SgStrategyLockedDefaultSecurityGroup.',
  example: "new ec2.Vpc(this, 'Vpc', { restrictDefaultSecurityGroup: false }); // flagged\nnew ec2.Vpc(this, 'Vpc');                                          // fine: CDK restricts it by default",
  check(model) {
    const findings: RawFinding[] = [];
    for (const vpc of model.vpcs.values()) {
      if (vpc.lockedBy) continue;
      findings.push({ at: vpc.ref, message: `The default security group of ${refLabel(vpc.ref)} keeps AWS's rules: it admits itself on all traffic and sends all traffic anywhere.` });
    }
    return findings;
  },
};
