import { CfnResource, TagManager } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DEFAULT_TIER_TAG_KEY, PolicyStatement, ReachabilityDeclarations, TierMark, declarationsAt } from './declarations';

/**
 * The reachability policies and tiers declared in the construct tree below `root`, as the Aspect and the
 * plugin see them; `sg-strategy check` reads the same entries from the cloud assembly. Tier tags are read
 * from each resource's tags here, since the Aspect renders some resources without their tags.
 */
export function collectDeclarations(root: IConstruct, constructs: IConstruct[] = root.node.findAll()): ReachabilityDeclarations {
  const statements: PolicyStatement[] = [];
  const tiers: TierMark[] = [];
  const problems: Array<{ declaredAt: string; message: string }> = [];
  for (const construct of constructs) {
    if (construct.node.metadata.length === 0) continue;
    const found = declarationsAt(construct.node.path, construct.node.metadata);
    statements.push(...found.statements);
    tiers.push(...found.tiers);
    problems.push(...found.problems);
  }
  // Tags matter only to statements about tiers; most apps declare none, and reading every resource's tags costs.
  if (statements.some(s => [s.target, ...s.sources].some(e => e.kind === 'tier'))) {
    for (const construct of constructs) {
      if (!CfnResource.isCfnResource(construct)) continue;
      const tier = TagManager.of(construct)?.tagValues()[DEFAULT_TIER_TAG_KEY];
      if (tier) tiers.push({ tier, path: construct.node.path });
    }
  }
  return { statements, tiers, problems };
}
