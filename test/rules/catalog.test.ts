import * as fs from 'fs';
import * as path from 'path';
import { RuleCatalog } from '../../src';
import { RULES, RULE_IDS } from '../../src/rules/catalog';
import { rulesMarkdown } from '../../src/rules/rules-markdown';

describe('the rule catalog', () => {
  test('holds every rule, in the order RULES.md lists them, each with a rationale, a fix and an example', () => {
    expect(RuleCatalog.rules().map(r => r.id)).toEqual([
      'InvalidSecurityGroupRule', 'WorldOpenAdminPort', 'WorldOpenDataPort', 'WorldOpenIngress', 'UnrestrictedEgress',
      'EgressRevokesDefaultOfExternalGroup', 'WideCidrIngress', 'AllPortsFromPeer', 'SelfReferencingAllPorts', 'DefaultSecurityGroupUsed',
      'DefaultSecurityGroupOpen', 'NetworkLoadBalancerWithoutSecurityGroup', 'PrivateLinkNlbOpenIngress', 'TooManySecurityGroupsPerInterface',
      'TooManyRules', 'UnattachedSecurityGroup', 'DuplicateSecurityGroup', 'CrossStackSecurityGroupReference', 'LambdaEniDeletionDelay',
      'HardcodedGroupName', 'UnresolvedRulePeer', 'UnresolvedReference', 'GroupNameConvention', 'AcknowledgementWithoutReason',
      // Rules a delivery reports rather than the catalog's runner: evaluated from the app's reachability policies.
      'ReachabilityViolation',
    ]);
    expect(RULE_IDS).toEqual(RuleCatalog.rules().map(r => r.id));
    for (const rule of RuleCatalog.rules()) {
      expect(rule.rationale.length).toBeGreaterThan(40);
      expect(rule.fix.length).toBeGreaterThan(10);
      expect(rule.example.length).toBeGreaterThan(10);
    }
  });

  test('every rule has a test file named after it that names the rule it tests', () => {
    for (const rule of RULES) {
      const kebab = rule.id.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
      // The two Unresolved rules share one file: both report what synth could not read.
      const file = path.join(__dirname, `${rule.id.startsWith('Unresolved') ? 'unresolved' : kebab}.test.ts`);
      expect([rule.id, fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(`'${rule.id}'`)]).toEqual([rule.id, true]);
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
