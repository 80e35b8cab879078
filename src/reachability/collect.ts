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
  for (const construct of declaringConstructs(root, constructs)) {
    // Every CfnElement records its logical id as metadata: look for ours before reading anything, in the
    // entries themselves where the construct library keeps them, since `node.metadata` copies them for each of
    // thousands of constructs. Where that field is not there (another version of the library), the copy.
    const kept = (construct.node as unknown as { _metadata?: unknown })._metadata;
    const metadata: ReadonlyArray<{ type: string } | undefined> = Array.isArray(kept) ? kept : construct.node.metadata;
    if (!hasDeclaration(metadata)) continue;
    const found = declarationsAt(construct.node.path, construct.node.metadata);
    statements.push(...found.statements);
    tiers.push(...found.tiers);
    problems.push(...found.problems);
  }
  // Tags matter only to statements about tiers; most apps declare none, and reading every resource's tags costs:
  // they are read where an endpoint's tier is asked for.
  const tierTags = statements.some(s => [s.target, ...s.sources].some(e => e.kind === 'tier')) ? treeTierTags(root, constructs) : undefined;
  return { statements, tiers, problems, ...(tierTags ? { tierTags } : {}) };
}

/**
 * Where ReachabilityPolicy and Tier.assign record a declaration, on the app's root, besides the metadata they
 * write: looking at each of tens of thousands of constructs' metadata costs more than the rest of reading them.
 * A symbol every copy of this library shares, so that a policy made by another copy in the same app counts too.
 */
const DECLARING = Symbol.for('cdk-sg-strategy.reachability.declaring');

/** The constructs recorded on the root of `construct`'s tree, if any. */
function recordedOn(construct: IConstruct): Set<IConstruct> | undefined {
  const recorded = (construct.node.root as unknown as Record<symbol, unknown>)[DECLARING];
  return recorded instanceof Set ? recorded : undefined;
}

/** Notes that `construct` now carries a declaration in its metadata. */
export function recordDeclaring(construct: IConstruct): void {
  let declaring = recordedOn(construct);
  if (!declaring) Object.defineProperty(construct.node.root, DECLARING, { value: declaring = new Set<IConstruct>() });
  declaring.add(construct);
}

/**
 * The constructs among `constructs` that may carry declarations, in their order: those recorded on the root,
 * else (nothing recorded: an app whose declarations a version of this library without the record made, or
 * none) every construct, whose metadata the loop above then looks through. An app that mixes this version with an
 * older copy that records nothing would have that copy's declarations missed once this one records any.
 */
function declaringConstructs(root: IConstruct, constructs: IConstruct[]): IConstruct[] {
  const declaring = recordedOn(root);
  if (!declaring || declaring.size === 0) return constructs;
  return constructs.filter(construct => declaring.has(construct));
}

function hasDeclaration(entries: ReadonlyArray<{ type: string } | undefined>): boolean {
  for (let i = 0; i < entries.length; i++) {
    const type = entries[i]?.type;
    if (type === REACHABILITY_POLICY_METADATA || type === TIER_METADATA) return true;
  }
  return false;
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
    // Most resources have no tags, and tagValues sorts them: ask first.
    const tags = resource ? TagManager.of(resource) : undefined;
    const tier = tags?.hasTags() ? tags.tagValues()[DEFAULT_TIER_TAG_KEY] || undefined : undefined;
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
