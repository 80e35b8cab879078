import { CfnResource, TagManager } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import {
  DEFAULT_TIER_TAG_KEY, PolicyStatement, REACHABILITY_POLICY_METADATA, ReachabilityDeclarations, TIER_METADATA, TierMark, TierTags, declarationsAt,
} from './declarations';

/**
 * The reachability policies and tiers declared in the construct tree below `root`, as the Aspect and the
 * plugin see them; `sg-strategy check` reads the same entries from the cloud assembly. Tier tags are read
 * from the resources in the tree, where a tier is asked for, since the Aspect renders some resources without their tags.
 */
export function collectDeclarations(root: IConstruct, constructs: IConstruct[] = root.node.findAll()): ReachabilityDeclarations {
  const statements: PolicyStatement[] = [];
  const tiers: TierMark[] = [];
  const problems: Array<{ declaredAt: string; message: string }> = [];
  for (const construct of constructs) {
    // Every CfnElement records its logical id as metadata: look for ours before reading anything.
    const metadata = construct.node.metadata;
    if (!metadata.some(isDeclaration)) continue;
    const found = declarationsAt(construct.node.path, metadata);
    statements.push(...found.statements);
    tiers.push(...found.tiers);
    problems.push(...found.problems);
  }
  // Tags matter only to statements about tiers; most apps declare none, and reading every resource's tags costs:
  // they are read where an endpoint's tier is asked for.
  const tierTags = statements.some(s => [s.target, ...s.sources].some(e => e.kind === 'tier')) ? treeTierTags(root, constructs) : undefined;
  return { statements, tiers, problems, ...(tierTags ? { tierTags } : {}) };
}

function isDeclaration(entry: { type: string } | undefined): boolean {
  return entry?.type === REACHABILITY_POLICY_METADATA || entry?.type === TIER_METADATA;
}

/** The tier tags of the tree's resources below `root`, each read once, when first asked for. */
function treeTierTags(root: IConstruct, constructs: IConstruct[]): TierTags {
  const rootPath = root.node.path;
  const read = new Map<string, string | undefined>();
  // Found by walking down from the root, one step from the scope above, which siblings share: a map of every
  // resource by path would compute thousands of paths.
  const found = new Map<string, IConstruct | undefined>([['', root.node.root]]);
  const constructAt = (path: string): IConstruct | undefined => {
    if (found.has(path)) return found.get(path);
    const slash = path.lastIndexOf('/');
    const construct = constructAt(slash < 0 ? '' : path.slice(0, slash))?.node.tryFindChild(path.slice(slash + 1));
    found.set(path, construct);
    return construct;
  };
  const resourceAt = (path: string): CfnResource | undefined => {
    if (rootPath !== '' && path !== rootPath && !path.startsWith(`${rootPath}/`)) return undefined;
    const construct = constructAt(path);
    return construct && CfnResource.isCfnResource(construct) ? construct : undefined;
  };
  const at = (path: string) => {
    if (read.has(path)) return read.get(path);
    const resource = resourceAt(path);
    const tier = resource ? TagManager.of(resource)?.tagValues()[DEFAULT_TIER_TAG_KEY] || undefined : undefined;
    read.set(path, tier);
    return tier;
  };
  return {
    at,
    all: () => constructs.filter(CfnResource.isCfnResource).flatMap(resource => {
      const tier = at(resource.node.path);
      return tier ? [{ tier, path: resource.node.path }] : [];
    }),
  };
}
