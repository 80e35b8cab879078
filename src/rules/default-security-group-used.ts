import { RawFinding, RuleDefinition, behaviourById, errorUnlessUnsettled, groupLabel, notCertain, refLabel } from './rule';

export const defaultSecurityGroupUsed: RuleDefinition = {
  id: 'DefaultSecurityGroupUsed',
  defaultLevel: 'error',
  title: 'A resource is attached to a VPC\'s default security group, explicitly or by falling back to it',
  rationale: 'The default group is shared by everything that was not given a group, so its rules are nobody\'s and everybody\'s. '
    + 'EC2 instances, interface endpoints, RDS instances, Redshift clusters, ECS awsvpc services, OpenSearch domains, MSK clusters and Classic Load Balancers land in it when they name no group; '
    + 'a launch template without groups is judged where it is used, and an Aurora instance takes its cluster\'s groups. '
    + 'Where AWS\'s documentation does not settle the fallback (network interfaces, EFS mount targets, FSx, ElastiCache, read replicas), the finding says so and is a warning.',
  fix: 'Give the resource a security group of its own (or a ServerClientPair group), and restrict the default group with `restrictDefaultSecurityGroup: true` on the VPC.',
  example: "new ec2.CfnInstance(this, 'I', { subnetId, imageId });                            // flagged: falls back\nnew ec2.CfnInstance(this, 'I', { subnetId, imageId, securityGroupIds: [sg.securityGroupId] }); // fine",
  check(model) {
    const findings: RawFinding[] = [];
    for (const group of model.groups.values()) {
      if (!group.defaultOfVpc) continue;
      for (const attachment of group.attachments) {
        // A launch template that names the default group is reported once, at the template.
        if (attachment.viaTemplate) continue;
        const where = attachment.interfaceLabel ? ` (${attachment.interfaceLabel})` : '';
        if (!attachment.viaDefault) {
          findings.push({ at: attachment.resource, message: `${refLabel(attachment.resource)}${where} is attached to ${groupLabel(model, group.key)}.` });
          continue;
        }
        const why = attachment.fallbackNote ?? 'it names no security group';
        const caveat = behaviourById(attachment.fallbackBy ?? '')?.caveat;
        findings.push({
          at: attachment.resource,
          level: errorUnlessUnsettled(attachment.fallbackBy),
          message: `${refLabel(attachment.resource)}${where} gets ${groupLabel(model, group.key)}: ${why}.${notCertain([caveat])}`,
        });
      }
    }
    return findings;
  },
};
