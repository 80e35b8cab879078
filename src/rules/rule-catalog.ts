import { ACKNOWLEDGEMENT_WITHOUT_REASON, RULES } from './catalog';
import { hostLanguage, inLanguage } from '../checks/language';
import { FindingLevel } from '../checks/options';

/**
 * A rule of the catalog, as documentation.
 */
export interface RuleInfo {
  /** The rule id, for example `WorldOpenAdminPort`. Acknowledge it as `sg-strategy::<id>`. */
  readonly id: string;
  /** The level it reports at unless configured otherwise. */
  readonly defaultLevel: FindingLevel;
  /** What it flags, in one line. */
  readonly title: string;
  /** Why it matters. */
  readonly rationale: string;
  /** How to fix what it flags, with code as the app's language writes it. */
  readonly fix: string;
  /** A short TypeScript example. */
  readonly example: string;
}

/**
 * The security-group rule catalog that the checks, the validation plugin and the CLI run.
 */
export class RuleCatalog {
  /** The namespace of acknowledgement ids: acknowledge a rule as `sg-strategy::<RuleId>`. */
  public static readonly ACKNOWLEDGEMENT_NAMESPACE = 'sg-strategy';

  /** Every rule, in catalog order. */
  public static rules(): RuleInfo[] {
    return [...RULES, ACKNOWLEDGEMENT_WITHOUT_REASON].map(rule => ({
      id: rule.id,
      defaultLevel: rule.defaultLevel as FindingLevel,
      title: rule.title,
      rationale: rule.rationale,
      fix: inLanguage(rule.fix, hostLanguage()),
      example: rule.example,
    }));
  }

  /** The id to pass to `Validations.of(scope).acknowledge` for a rule. */
  public static acknowledgementId(ruleId: string): string {
    return `${RuleCatalog.ACKNOWLEDGEMENT_NAMESPACE}::${ruleId}`;
  }

  private constructor() {}
}
