import { RawFinding, RuleDefinition, behaviourById, refLabel } from './rule';

export const invalidSecurityGroupRule: RuleDefinition = {
  id: 'InvalidSecurityGroupRule',
  defaultLevel: 'error',
  title: 'A security-group rule EC2 refuses: two peers in one rule, or an address without a prefix length. The template will not deploy',
  rationale: 'A rule names exactly one peer, and a CIDR block carries its prefix length. CloudFormation passes such a rule to EC2, which refuses it, and the stack rolls back. '
    + 'The engine does not guess which peer or width was meant. Where the value is a parameter\'s default, the deployed value may differ, and the finding is a warning.',
  fix: 'Split a rule with two peers into two rules; write a single address as 10.0.0.5/32 (or /128 for IPv6).',
  example: "new ec2.CfnSecurityGroupIngress(this, 'R', { groupId, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.5' });    // flagged\nnew ec2.CfnSecurityGroupIngress(this, 'R', { groupId, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.5/32' }); // fine",
  check(model) {
    return model.invalidRules.map((invalid): RawFinding => {
      const source = behaviourById(invalid.behaviour)?.sources[0];
      return {
        at: invalid.at,
        level: invalid.certain ? undefined : 'warning',
        message: `An ${invalid.direction} rule of ${refLabel(invalid.at)} ${invalid.what}. ${invalid.certain ? 'The template will not deploy' : 'The template will not deploy if that value is used'}${source ? ` (${source.title})` : ''}.`,
      };
    });
  },
};
