import { IConstruct } from 'constructs';
import { Acknowledgement } from './engine';

/** CDK's metadata key for `Validations.of(scope).acknowledge(...)`. */
export const ACKNOWLEDGED_RULES_METADATA = 'aws:cdk:acknowledged-rules';
/** How CDK names the rules of the plugin called sg-strategy: `sg-strategy::<RuleId>`. */
export const RULE_NAMESPACE = 'sg-strategy::';

/** A metadata entry, as the construct tree and the cloud assembly's metadata both hold it. */
export interface MetadataEntry {
  readonly type?: string;
  readonly data?: unknown;
}

/**
 * The acknowledgements of sg-strategy rules among the metadata entries at one construct path. A reason that
 * is missing or not a string counts as empty, so the acknowledgement is refused.
 */
export function acknowledgementsAt(path: string, entries: readonly MetadataEntry[]): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const entry of entries) {
    if (entry?.type !== ACKNOWLEDGED_RULES_METADATA || !entry.data || typeof entry.data !== 'object') continue;
    for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
      if (!id.startsWith(RULE_NAMESPACE)) continue;
      found.push({ ruleId: id.slice(RULE_NAMESPACE.length), path, reason: typeof reason === 'string' ? reason : '' });
    }
  }
  return found;
}

/** Every acknowledgement of an sg-strategy rule in the tree below `root`, read from CDK's metadata. */
export function collectAcknowledgements(root: IConstruct, constructs: IConstruct[] = root.node.findAll()): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const construct of constructs) {
    // A construct's path is built from its scopes on every read: read it only where there is something to say.
    const metadata = construct.node.metadata;
    if (metadata.some(entry => entry?.type === ACKNOWLEDGED_RULES_METADATA)) found.push(...acknowledgementsAt(construct.node.path, metadata));
  }
  return found;
}
