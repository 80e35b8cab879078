import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { RULE_NAMESPACE } from './acknowledgements';
import { validationError } from '../core/errors';
import { RULE_IDS } from '../rules/catalog';

/**
 * Rules of CDK's built-in template validation (the plugin named "CloudFormation Validate", whose rule ids CDK
 * prefixes with `CloudFormation-Validate::`) that report the same exposure as one of ours. W2508 warns on
 * ingress from 0.0.0.0/0 or ::/0 that reaches 22, 1433, 3306, 3389, 5432, 6379 or 27017, on any protocol and
 * through ranges and all-traffic rules: what WorldOpenAdminPort and WorldOpenDataPort report as errors.
 * Source: CDK's validation report ("Acknowledge with 'CloudFormation-Validate::W2508'"); the ports were read from
 * it on aws-cdk-lib 2.276.0 (validator 1.14.0), and test/checks/finding-acknowledgements.test.ts runs it.
 */
const BUILT_IN_EQUIVALENTS: Readonly<Record<string, readonly string[]>> = {
  WorldOpenAdminPort: ['CloudFormation-Validate::W2508'],
  WorldOpenDataPort: ['CloudFormation-Validate::W2508'],
};

/**
 * Acknowledging a finding of these checks, and the same exposure where CDK's built-in template validation also
 * reports it under a rule id of its own.
 *
 * CDK's built-in validation warns on SSH and database ports open to the world as `CloudFormation-Validate::W2508`;
 * an acknowledgement of `sg-strategy::WorldOpenAdminPort` does not silence that warning, and the reverse. This
 * acknowledges both, with the same reason.
 */
export class FindingAcknowledgements {
  /**
   * Every validation rule id that reports the exposure an sg-strategy rule reports: `sg-strategy::<ruleId>`, and
   * the ids of CDK's built-in validation for the same exposure.
   *
   * @param ruleId a rule id of the catalog, such as `WorldOpenAdminPort` (with or without `sg-strategy::`)
   */
  public static ruleIdsFor(ruleId: string): string[] {
    const id = ruleId.startsWith(RULE_NAMESPACE) ? ruleId.slice(RULE_NAMESPACE.length) : ruleId;
    return [`${RULE_NAMESPACE}${id}`, ...(BUILT_IN_EQUIVALENTS[id] ?? [])];
  }

  /**
   * Acknowledge a finding at `scope` and below it, with CDK's `Validations.of(scope).acknowledge`, under its
   * sg-strategy rule id and every built-in rule id for the same exposure. Returns the ids acknowledged.
   *
   * An acknowledgement of W2508 covers every sensitive port at that scope, so acknowledge on the group that
   * is open, not on a whole stack.
   *
   * @param scope the construct the finding is on, or a scope above it
   * @param ruleId a rule id of the catalog, such as `WorldOpenAdminPort` (with or without `sg-strategy::`)
   * @param reason why the exposure is accepted; it is kept in the reports
   */
  public static acknowledge(scope: IConstruct, ruleId: string, reason: string): string[] {
    const id = ruleId.startsWith(RULE_NAMESPACE) ? ruleId.slice(RULE_NAMESPACE.length) : ruleId;
    if (!RULE_IDS.includes(id)) {
      throw validationError(scope, `'${ruleId}' is not an sg-strategy rule id (known: ${RULE_IDS.join(', ')}).`);
    }
    if (reason.trim() === '') {
      throw validationError(scope, `the acknowledgement of ${id} needs a reason: say why the finding is accepted.`);
    }
    const ids = FindingAcknowledgements.ruleIdsFor(id);
    for (const acknowledged of ids) Validations.of(scope).acknowledge({ id: acknowledged, reason });
    return ids;
  }

  private constructor() {}
}
