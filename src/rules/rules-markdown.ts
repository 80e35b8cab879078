import { ACKNOWLEDGEMENT_WITHOUT_REASON, RULES } from './catalog';
import { DEFAULT_ADMIN_PORTS, DEFAULT_DATA_PORTS } from '../checks/engine';
import { inLanguage } from '../checks/language';

/** RULES.md, generated from the catalog so the two never disagree. */
export function rulesMarkdown(): string {
  const rules = [...RULES, ACKNOWLEDGEMENT_WITHOUT_REASON];
  const lines = [
    '<!-- Generated from src/rules/catalog.ts by `npx projen docgen:rules`. Do not edit. -->',
    '# Rule catalog',
    '',
    'Every rule runs over one model of all the security groups in the app. Acknowledge a finding with',
    "`Validations.of(scope).acknowledge({ id: 'sg-strategy::<RuleId>', reason: '...' })`: it covers that scope and",
    'everything below it. Change levels with `ruleLevels`, switch rules off with `disabledRules`.',
    '',
    '| Rule | Default level | Flags |',
    '|---|---|---|',
    ...rules.map(r => `| [${r.id}](#${r.id.toLowerCase()}) | ${r.defaultLevel} | ${r.title.replace(/\|/g, '\\|')} |`),
    '',
    `Default admin ports: ${DEFAULT_ADMIN_PORTS.join(', ')}.`,
    `Default data ports: ${DEFAULT_DATA_PORTS.join(', ')}.`,
    '',
  ];
  for (const rule of rules) {
    lines.push(
      `## ${rule.id}`,
      '',
      `**Level:** ${rule.defaultLevel}. **Acknowledge as:** \`sg-strategy::${rule.id}\``,
      '',
      rule.title + '.',
      '',
      `**Why:** ${rule.rationale}`,
      '',
      // RULES.md is read from every language: code in the fix is given in TypeScript and Python.
      `**Fix:** ${inLanguage(rule.fix, undefined)}`,
      '',
      '```ts',
      rule.example,
      '```',
      '',
    );
  }
  return lines.join('\n');
}
