import { RawFinding, RuleDefinition, refLabel } from './rule';

export const defaultSecurityGroupOpen: RuleDefinition = {
  id: 'DefaultSecurityGroupOpen',
  defaultLevel: 'warning',
  title: 'A VPC in the app whose default security group is not locked',
  rationale: 'Every VPC\'s default group admits itself on everything and sends anywhere (and to ::/0 on a dual-stack VPC) until someone removes its rules, and resources fall into it by accident. CIS AWS 5.4 asks for it to have no rules.',
  fix: 'Set `restrictDefaultSecurityGroup: true` on the VPC, so a custom resource removes the default group\'s rules. The model also recognises a locker resource of type Custom::SgStrategyLockedDefaultSecurityGroup.',
  example: "new ec2.Vpc(this, 'Vpc', { restrictDefaultSecurityGroup: false }); // flagged\nnew ec2.Vpc(this, 'Vpc');  // fine where the feature flag @aws-cdk/aws-ec2:restrictDefaultSecurityGroup is on (new projects); flagged without it",
  check(model) {
    const findings: RawFinding[] = [];
    for (const vpc of model.vpcs.values()) {
      if (vpc.lockedBy) continue;
      const ipv6 = vpc.hasIpv6 ? ' and ::/0' : '';
      findings.push({ at: vpc.ref, message: `The default security group of ${refLabel(vpc.ref)} keeps AWS's rules: it admits itself on all traffic and sends all traffic to 0.0.0.0/0${ipv6}.` });
    }
    return findings;
  },
};
