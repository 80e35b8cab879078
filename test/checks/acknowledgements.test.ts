import { App, Stack, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ACKNOWLEDGED_RULES_METADATA, acknowledgementsAt, collectAcknowledgements } from '../../src/checks/acknowledgements';
import { FindingAcknowledgements } from '../../src/checks/finding-acknowledgements';

describe('acknowledgementsAt', () => {
  test('reads the sg-strategy rules of CDK\'s acknowledged-rules entries, at the path given', () => {
    expect(acknowledgementsAt('Stack/Web', [
      { type: ACKNOWLEDGED_RULES_METADATA, data: { 'sg-strategy::WorldOpenAdminPort': 'bastion', 'sg-strategy::TooManyRules': 'legacy' } },
      { type: ACKNOWLEDGED_RULES_METADATA, data: { 'sg-strategy::UnattachedSecurityGroup': 'spare' } },
    ])).toEqual([
      { ruleId: 'WorldOpenAdminPort', path: 'Stack/Web', reason: 'bastion' },
      { ruleId: 'TooManyRules', path: 'Stack/Web', reason: 'legacy' },
      { ruleId: 'UnattachedSecurityGroup', path: 'Stack/Web', reason: 'spare' },
    ]);
    expect(ACKNOWLEDGED_RULES_METADATA).toBe('aws:cdk:acknowledged-rules');
  });

  test('leaves other plugins\' rules, other metadata and entries without data', () => {
    expect(acknowledgementsAt('S', [
      { type: ACKNOWLEDGED_RULES_METADATA, data: { 'CloudFormation-Validate::W2508': 'x', 'WorldOpenAdminPort': 'no namespace', 'sg-strategy-WorldOpenAdminPort': 'not it' } },
      { type: 'aws:cdk:warning', data: { 'sg-strategy::WorldOpenAdminPort': 'not an acknowledgement' } },
      { type: ACKNOWLEDGED_RULES_METADATA, data: 'sg-strategy::WorldOpenAdminPort' },
      { type: ACKNOWLEDGED_RULES_METADATA },
      { data: { 'sg-strategy::WorldOpenAdminPort': 'no type' } },
      undefined as any,
    ])).toEqual([]);
  });

  test('a reason that is not a string is empty, so the acknowledgement is refused', () => {
    expect(acknowledgementsAt('S', [{ type: ACKNOWLEDGED_RULES_METADATA, data: { 'sg-strategy::WorldOpenAdminPort': 42 } }]))
      .toEqual([{ ruleId: 'WorldOpenAdminPort', path: 'S', reason: '' }]);
  });
});

describe('collectAcknowledgements', () => {
  test('reads every construct below the root, each at its own path, and nothing from other plugins', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const web = new Construct(stack, 'Web');
    Validations.of(app).acknowledge({ id: 'sg-strategy::WorldOpenIngress', reason: 'a lab' });
    FindingAcknowledgements.acknowledge(web, 'WorldOpenAdminPort', 'bastion');
    // Other metadata beside the acknowledgements does not hide them.
    web.node.addMetadata('team', 'payments');
    Validations.of(new Construct(stack, 'Other')).acknowledge({ id: 'other-plugin::Rule', reason: 'theirs' });
    expect(collectAcknowledgements(app)).toEqual([
      { ruleId: 'WorldOpenIngress', path: '', reason: 'a lab' },
      { ruleId: 'WorldOpenAdminPort', path: 'Stack/Web', reason: 'bastion' },
    ]);
    expect(collectAcknowledgements(stack)).toEqual([{ ruleId: 'WorldOpenAdminPort', path: 'Stack/Web', reason: 'bastion' }]);
  });
});
