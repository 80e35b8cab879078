import { RawFinding, RuleDefinition, allRules, carriedOnlyByForwarders, groupLabel, ruleLabel } from './rule';
import { cidrEquals, isPrivate } from '../model/cidr';

export const wideCidrIngress: RuleDefinition = {
  id: 'WideCidrIngress',
  defaultLevel: 'warning',
  title: 'Ingress from a CIDR wider than the configured prefix (default /16, public ranges /24), or from the whole VPC CIDR',
  rationale: 'A wide CIDR admits every address in it, today and tomorrow: the whole VPC admits every future workload in it. The question "who may connect" is answered better by a security group than by an address range. A group carried only by NAT instances or routers (source/destination check off) is exempt: forwarding for the VPC is their job.',
  fix: 'Admit the client\'s security group (ServerClientPair makes one) instead of an address range.',
  example: 'sg.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(5432)); // flagged\nsg.addIngressRule(clients, ec2.Port.tcp(5432));                          // fine',
  check(model, params) {
    const findings: RawFinding[] = [];
    for (const { group, rule } of allRules(model)) {
      if (rule.direction !== 'ingress' || rule.peer.kind !== 'cidr' || rule.peer.cidr.prefix === 0) continue;
      // A NAT instance or router must admit the networks it forwards for.
      if (carriedOnlyByForwarders(model, group)) continue;
      const cidr = rule.peer.cidr;
      const vpc = group.vpcKey ? model.vpcs.get(group.vpcKey) : undefined;
      const wholeVpc = rule.peer.vpcCidrOf !== undefined || (vpc?.cidrs.some(c => cidrEquals(c, cidr)) ?? false);
      const privateRange = isPrivate(cidr);
      const widest = cidr.family === 4
        ? (privateRange ? params.widestPrivateIpv4Prefix : params.widestPublicIpv4Prefix)
        : (privateRange ? params.widestPrivateIpv6Prefix : params.widestPublicIpv6Prefix);
      if (wholeVpc) {
        const whole = rule.peer.vpcCidrOf ? '' : ', the whole VPC CIDR';
        findings.push({ at: rule.origin, message: `${groupLabel(model, group.key)} ${ruleLabel(model, rule)}${whole}: every workload in the VPC gets in. Admit a security group instead.` });
      } else if (cidr.prefix < widest) {
        findings.push({ at: rule.origin, message: `${groupLabel(model, group.key)} ${ruleLabel(model, rule)}, a /${cidr.prefix}, wider than the /${widest} allowed for ${privateRange ? 'private' : 'public'} ranges.` });
      }
    }
    return findings;
  },
};
