import { RawFinding, RuleDefinition, refLabel } from './rule';
import { Attachment } from '../model/types';

export const tooManySecurityGroupsPerInterface: RuleDefinition = {
  id: 'TooManySecurityGroupsPerInterface',
  defaultLevel: 'warning',
  title: 'More than 5 groups on one interface (the default quota); above 16 (the hard limit), or above 5 on a Lambda function, is an error',
  rationale: 'AWS allows 5 security groups per network interface by default and 16 at most after a quota increase; Lambda allows 5. Going over fails at deploy time, and many groups on one interface usually means rules nobody can reason about.',
  fix: 'Consolidate the groups, or use a ServerClientPair client group instead of one group per peer.',
  example: '// a resource with six security groups is flagged; five or fewer is fine',
  check(model, params) {
    const findings: RawFinding[] = [];
    const seen = new Set<Attachment>();
    for (const group of model.groups.values()) {
      for (const attachment of group.attachments) {
        if (seen.has(attachment)) continue;
        seen.add(attachment);
        const count = attachment.groupKeys.length + attachment.unresolved.length;
        const isLambda = attachment.resource.type === 'AWS::Lambda::Function';
        const where = `${refLabel(attachment.resource)}${attachment.interfaceLabel ? ` (${attachment.interfaceLabel})` : ''}`;
        if (isLambda && count > params.lambdaSecurityGroupLimit) {
          findings.push({ at: attachment.resource, level: 'error', message: `${where} has ${count} security groups; Lambda accepts at most ${params.lambdaSecurityGroupLimit}.` });
        } else if (count > params.securityGroupsPerInterfaceHardLimit) {
          findings.push({ at: attachment.resource, level: 'error', message: `${where} has ${count} security groups; the hard limit is ${params.securityGroupsPerInterfaceHardLimit} per interface.` });
        } else if (count > params.securityGroupsPerInterfaceQuota) {
          findings.push({ at: attachment.resource, message: `${where} has ${count} security groups, over the default quota of ${params.securityGroupsPerInterfaceQuota} per interface.` });
        }
      }
    }
    return findings;
  },
};
