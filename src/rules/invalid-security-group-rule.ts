import { RawFinding, RuleDefinition, behaviourById, notCertain, parameterDefaultsReason, refLabel } from './rule';

export const invalidSecurityGroupRule: RuleDefinition = {
  id: 'InvalidSecurityGroupRule',
  defaultLevel: 'error',
  title: 'A security-group rule that keeps the template from deploying: two peers in one rule, or an address without a prefix length',
  rationale: 'A rule names exactly one peer, and a CIDR block carries its prefix length. A rule with two peers is refused, and the stack rolls back; an address without its prefix length is expected to be refused the same way. '
    + 'The engine does not guess which peer or width was meant. Two peers are refused for certain (an error). An address without a prefix length is a warning: AWS does not document that EC2 refuses it. '
    + 'Where the value is a parameter\'s default, the deployed value may differ, and the finding is a warning.',
  fix: 'Split a rule with two peers into two rules; write a single address as 10.0.0.5/32 (or /128 for IPv6).',
  example: "new ec2.CfnSecurityGroupIngress(this, 'R', { groupId, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.5' });    // flagged\nnew ec2.CfnSecurityGroupIngress(this, 'R', { groupId, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.5/32' }); // fine",
  check(model) {
    return model.invalidRules.map((invalid): RawFinding => {
      const behaviour = behaviourById(invalid.behaviour);
      const source = behaviour?.sources[0];
      // What an unsettled behaviour says, or a parameter's default that may not be deployed: at most a warning.
      const caveat = notCertain([behaviour?.certainty === 'unsettled' ? behaviour.caveat : undefined, parameterDefaultsReason(invalid.viaParameter ? [invalid.viaParameter] : [])]);
      return {
        at: invalid.at,
        level: caveat ? 'warning' : undefined,
        message: `An ${invalid.direction} rule of ${refLabel(invalid.at)} ${invalid.what}. ${caveat ? 'The template would not deploy' : 'The template will not deploy'}${source ? ` (${source.title})` : ''}.${caveat}`,
      };
    });
  },
};
