import { RawFinding, RuleDefinition, groupLabel, refLabel } from './rule';

export const defaultSecurityGroupUsed: RuleDefinition = {
  id: 'DefaultSecurityGroupUsed',
  defaultLevel: 'error',
  title: 'A resource is attached to a VPC\'s default security group, explicitly or by falling back to it',
  rationale: 'The default group is shared by everything that was not given a group, so its rules are nobody\'s and everybody\'s. EC2 instances, launch-template interfaces, interface endpoints, RDS and ElastiCache land in it when they name no group.',
  fix: 'Give the resource a security group of its own (or a ServerClientPair group), and restrict the default group (restrictDefaultSecurityGroup: true).',
  example: "new ec2.CfnInstance(this, 'I', { subnetId, imageId });                            // flagged: falls back\nnew ec2.CfnInstance(this, 'I', { subnetId, imageId, securityGroupIds: [sg.securityGroupId] }); // fine",
  check(model) {
    const findings: RawFinding[] = [];
    for (const group of model.groups.values()) {
      if (!group.defaultOfVpc) continue;
      for (const attachment of group.attachments) {
        const where = attachment.interfaceLabel ? ` (${attachment.interfaceLabel})` : '';
        const how = attachment.viaDefault ? 'names no security group, so AWS attaches' : 'is attached to';
        findings.push({ at: attachment.resource, message: `${refLabel(attachment.resource)}${where} ${how} ${groupLabel(model, group.key)}.` });
      }
    }
    return findings;
  },
};
