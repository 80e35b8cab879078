import { RawFinding, RuleDefinition, notCertain, parameterDefaultsReason, refLabel } from './rule';
import { QUOTAS } from '../model/aws-behaviours';
import { Attachment } from '../model/types';

export const tooManySecurityGroupsPerInterface: RuleDefinition = {
  id: 'TooManySecurityGroupsPerInterface',
  defaultLevel: 'warning',
  title: 'More than 5 groups on one interface (the default quota); above 16 (the hard limit), or above 5 on a Lambda function or an ECS awsvpc service, is an error',
  rationale: 'AWS allows 5 security groups per network interface by default and 16 at most after a quota increase; Lambda functions and ECS awsvpc services and task sets allow 5, whatever the quota. Going over fails at deploy time, and many groups on one interface usually means rules nobody can reason about. A list that is a parameter\'s default may not be the list deployed: over a limit, that is a warning.',
  fix: 'Consolidate the groups, or use a ServerClientPair client group instead of one group per peer.',
  example: '// a resource with six security groups is flagged; five or fewer is fine',
  check(model, params) {
    const findings: RawFinding[] = [];
    const seen = new Set<Attachment>();
    for (const group of model.groups.values()) {
      for (const attachment of group.attachments) {
        if (seen.has(attachment)) continue;
        seen.add(attachment);
        // The template's own attachment speaks for groups an instance or Auto Scaling group takes from it.
        if (attachment.viaTemplate) continue;
        const count = attachment.groupKeys.length + attachment.unresolved.length;
        const typeLimit = QUOTAS.groupLimitByResourceType[attachment.resource.type];
        const where = `${refLabel(attachment.resource)}${attachment.interfaceLabel ? ` (${attachment.interfaceLabel})` : ''}`;
        // A list from a parameter's default may not be the list deployed: over a hard limit is then a warning.
        const caveat = notCertain([parameterDefaultsReason(attachment.viaParameters ?? [])]);
        const overLimit = caveat ? 'warning' : 'error';
        if (typeLimit !== undefined && count > typeLimit) {
          findings.push({ at: attachment.resource, level: overLimit, message: `${where} has ${count} security groups; ${attachment.resource.type} accepts at most ${typeLimit}.${caveat}` });
        } else if (count > params.securityGroupsPerInterfaceHardLimit) {
          findings.push({ at: attachment.resource, level: overLimit, message: `${where} has ${count} security groups; the hard limit is ${params.securityGroupsPerInterfaceHardLimit} per interface.${caveat}` });
        } else if (count > params.securityGroupsPerInterfaceQuota) {
          findings.push({ at: attachment.resource, message: `${where} has ${count} security groups, over the default quota of ${params.securityGroupsPerInterfaceQuota} per interface.${caveat}` });
        }
      }
    }
    return findings;
  },
};
