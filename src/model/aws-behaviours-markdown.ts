import { AWS_BEHAVIOURS, AwsBehaviour, Certainty, DEFAULT_GROUP_FALLBACK, QUOTAS } from './aws-behaviours';

const CERTAINTY: Record<Certainty, string> = {
  documented: 'documented',
  observed: 'observed (issue trackers)',
  unsettled: 'unsettled: findings are warnings and say so',
};

/** AWS-BEHAVIOURS.md, generated from the table in aws-behaviours.ts so the two never disagree. */
export function awsBehavioursMarkdown(): string {
  const rows = Object.values(AWS_BEHAVIOURS) as AwsBehaviour[];
  const lines = [
    '<!-- Generated from src/model/aws-behaviours.ts by `npx projen docgen:behaviours`. Do not edit. -->',
    '# What the engine knows about AWS',
    '',
    'Every AWS and CloudFormation behaviour the checks rely on, with the sources that establish it. The model and',
    'the [rules](RULES.md) read these rows; none restates them. Where the sources disagree or none settles a',
    'behaviour, a finding that relies on it is at most a warning and says what is uncertain.',
    '',
    '| Behaviour | Certainty | Rules |',
    '|---|---|---|',
    ...rows.map(b => `| [${b.id}](#${b.id}) | ${CERTAINTY[b.certainty]} | ${b.rules.join(', ')} |`),
    '',
  ];
  for (const b of rows) {
    lines.push(`## ${b.id}`, '', b.statement, '', `**Certainty:** ${CERTAINTY[b.certainty]}.${b.caveat ? ` Findings say: "${b.caveat}".` : ''}`, '', '**Sources:**', '');
    for (const source of b.sources) lines.push(`- [${source.title}](${source.url})`);
    lines.push('');
  }
  lines.push(
    '## Resources that fall back to the default group',
    '',
    'Created without security groups, these get their VPC\'s default group:',
    '',
    '| Resource type | Behaviour |',
    '|---|---|',
    ...Object.entries(DEFAULT_GROUP_FALLBACK).map(([type, id]) => `| ${type} | [${AWS_BEHAVIOURS[id].id}](#${AWS_BEHAVIOURS[id].id}) |`),
    '',
    '## Quotas',
    '',
    `- Security groups per network interface: ${QUOTAS.securityGroupsPerInterface} by default, ${QUOTAS.securityGroupsPerInterfaceHardLimit} at most.`,
    ...Object.entries(QUOTAS.groupLimitByResourceType).map(([type, limit]) => `- ${type}: ${limit} security groups at most.`),
    `- Rules per group and direction: ${QUOTAS.rulesPerDirection} by default; a prefix-list reference counts as its MaxEntries.`,
    '',
  );
  return lines.join('\n');
}
