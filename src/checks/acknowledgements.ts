import { IConstruct } from 'constructs';
import { Acknowledgement } from './engine';

/** CDK's metadata key for `Validations.of(scope).acknowledge(...)`. */
export const ACKNOWLEDGED_RULES_METADATA = 'aws:cdk:acknowledged-rules';
/** How CDK names the rules of the plugin called sg-strategy: `sg-strategy::<RuleId>`. */
export const RULE_NAMESPACE = 'sg-strategy::';

/**
 * Every acknowledgement of an sg-strategy rule in the tree below `root`, read from CDK's metadata.
 * A reason that is missing or not a string counts as empty, so the acknowledgement is refused.
 */
export function collectAcknowledgements(root: IConstruct, constructs: IConstruct[] = root.node.findAll()): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const construct of constructs) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== ACKNOWLEDGED_RULES_METADATA || !entry.data || typeof entry.data !== 'object') continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        if (!id.startsWith(RULE_NAMESPACE)) continue;
        found.push({ ruleId: id.slice(RULE_NAMESPACE.length), path: construct.node.path, reason: typeof reason === 'string' ? reason : '' });
      }
    }
  }
  return found;
}
