import * as fs from 'fs';
import * as path from 'path';
import { RuleCatalog } from '../../src';
import { RULES } from '../../src/rules/catalog';
import { rulesMarkdown } from '../../src/rules/rules-markdown';

describe('the rule catalog', () => {
  test('has every rule the issue names, each with a rationale, a fix and an example', () => {
    const ids = RuleCatalog.rules().map(r => r.id);
    expect(ids).toEqual(expect.arrayContaining([
      'WorldOpenAdminPort', 'WorldOpenDataPort', 'WorldOpenIngress', 'UnrestrictedEgress', 'WideCidrIngress', 'AllPortsFromPeer',
      'SelfReferencingAllPorts', 'DefaultSecurityGroupUsed', 'DefaultSecurityGroupOpen', 'NetworkLoadBalancerWithoutSecurityGroup',
      'PrivateLinkNlbOpenIngress', 'TooManySecurityGroupsPerInterface', 'TooManyRules', 'UnattachedSecurityGroup',
      'DuplicateSecurityGroup', 'CrossStackSecurityGroupReference', 'LambdaEniDeletionDelay', 'HardcodedGroupName', 'UnresolvedRulePeer',
    ]));
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RuleCatalog.rules()) {
      expect(rule.rationale.length).toBeGreaterThan(40);
      expect(rule.fix.length).toBeGreaterThan(10);
      expect(rule.example.length).toBeGreaterThan(10);
    }
  });

  test('every rule has a test file named after it', () => {
    const files = fs.readdirSync(__dirname).join('\n');
    for (const rule of RULES) {
      const kebab = rule.id.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
      expect(files.includes(kebab) || (rule.id.startsWith('Unresolved') && files.includes('unresolved'))).toBe(true);
    }
  });

  test('RULES.md is generated from the catalog and up to date (run `npx projen docgen:rules`)', () => {
    expect(fs.readFileSync(path.join(__dirname, '..', '..', 'RULES.md'), 'utf8')).toBe(rulesMarkdown());
  });

  test('code in a fix is in backticks, so each language gets it in its own names', () => {
    for (const rule of RuleCatalog.rules()) {
      const prose = rule.fix.replace(/`[^`]*`/g, '');
      expect(`${rule.id}: ${prose}`).not.toMatch(/\b[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*\b|\b[a-z0-9]+\.[A-Z]\w*/);
    }
  });

  test('acknowledgement ids', () => {
    expect(RuleCatalog.acknowledgementId('WorldOpenIngress')).toBe('sg-strategy::WorldOpenIngress');
  });
});
