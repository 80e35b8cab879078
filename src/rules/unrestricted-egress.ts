import { RawFinding, RuleDefinition, allRules, groupLabel, isWorldPeer, peerLabel } from './rule';
import { AWS_BEHAVIOURS } from '../model/aws-behaviours';

export const unrestrictedEgress: RuleDefinition = {
  id: 'UnrestrictedEgress',
  defaultLevel: 'warning',
  title: 'All protocols to 0.0.0.0/0 or ::/0, counting AWS\'s implicit allow-all and CDK\'s allowAllOutbound',
  rationale: 'Unrestricted egress lets a compromised workload reach anything: exfiltration, command and control, lateral movement. A group with no egress rule at all, inline or as a standalone AWS::EC2::SecurityGroupEgress from any stack, keeps AWS\'s implicit IPv4 allow-all; any egress rule, even CDK\'s "no traffic" placeholder or a rule to another group, removes it. CDK\'s allowAllOutbound (the default for most constructs) writes the allow-all explicitly.',
  fix: 'Set `allowAllOutbound: false` and add the egress the workload needs, for example to a ServerClientPair\'s server group or to VPC endpoints. '
    + 'For a group that a resource made for itself (a Lambda function, an RDS cluster), give the resource your groups when you create it, or '
    + 'attach it with `pair.addClient(resource, options)` and `dropAutomaticSecurityGroup: true`, which removes the group it made.',
  example: "new ec2.SecurityGroup(this, 'Sg', { vpc });                            // flagged\nnew ec2.SecurityGroup(this, 'Sg', { vpc, allowAllOutbound: false }); // fine",
  check(model) {
    const findings: RawFinding[] = [];
    for (const { group, rule } of allRules(model)) {
      if (rule.direction !== 'egress' || rule.traffic?.protocol !== 'all' || !isWorldPeer(rule.peer)) continue;
      if (group.defaultOfVpc) continue; // DefaultSecurityGroupOpen speaks for default groups
      const message = rule.implicit
        ? `${groupLabel(model, group.key)} has no egress rule, inline or standalone, so AWS lets it send all IPv4 traffic to 0.0.0.0/0. For IPv6 the sources disagree: ${AWS_BEHAVIOURS.defaultEgressIpv6.caveat}.`
        : `${groupLabel(model, group.key)} sends all traffic to ${peerLabel(model, rule.peer)}.`;
      findings.push({ at: rule.origin, message });
    }
    return findings;
  },
};
