/**
 * Reachability policies and tiers as data: what a ReachabilityPolicy records in the construct tree and the
 * cloud assembly, and what a policy file says. Nothing here loads aws-cdk-lib, so the command reads it too.
 */

/** The metadata type under which a ReachabilityPolicy records each statement. */
export const REACHABILITY_POLICY_METADATA = 'sg-strategy:reachability-policy';
/** The metadata type under which Tier.assign records a tier. */
export const TIER_METADATA = 'sg-strategy:tier';
/** A resource tagged with this key is in the tier the tag's value names. */
export const DEFAULT_TIER_TAG_KEY = 'sg-strategy:tier';

/** Who or what a statement speaks of. */
export type EndpointSpec =
  /** A construct: the resources under it that carry groups, else the groups under it, else `groups`. */
  | { readonly kind: 'construct'; readonly path: string; readonly groups?: readonly GroupSpec[] }
  | { readonly kind: 'tier'; readonly name: string }
  /** Every public address: of one family, or of both when `family` is absent. */
  | { readonly kind: 'internet'; readonly family?: 4 | 6 }
  | { readonly kind: 'cidr'; readonly cidr: string }
  /** The CIDR blocks of the VPC at `path` (a construct path, or a name a file gives). */
  | { readonly kind: 'vpcCidr'; readonly path: string }
  | { readonly kind: 'prefixList'; readonly id?: string; readonly path?: string }
  | { readonly kind: 'group'; readonly id?: string; readonly path?: string }
  /** From a policy file: a construct path, logical id, Stack/LogicalId, group name or Name tag. */
  | { readonly kind: 'name'; readonly name: string }
  /** From a policy file: a tier it defines, everything its names name. */
  | { readonly kind: 'any'; readonly of: readonly EndpointSpec[]; readonly label: string };

/** A security group named by the construct that defines it, or by its id. */
export interface GroupSpec {
  readonly path?: string;
  readonly id?: string;
}

/** Traffic as CloudFormation writes it in a rule. */
export interface PortSpec {
  readonly ipProtocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
}

export type StatementKind = 'onlyFrom' | 'never' | 'notFromInternet' | 'mustReach';

/**
 * One statement. `onlyFrom`: only `sources` reach `target` (on `ports`, if given). `never`: `sources[0]` does
 * not reach `target` (on `ports`). `notFromInternet`: nothing on the internet reaches `target` (on `ports`).
 * `mustReach`: `sources[0]` reaches `target` on every one of `ports`.
 */
export interface PolicyStatement {
  readonly kind: StatementKind;
  readonly target: EndpointSpec;
  readonly sources: readonly EndpointSpec[];
  readonly ports?: readonly PortSpec[];
  readonly description?: string;
  /** Where it was declared: the policy's construct path, or the file and entry. */
  readonly declaredAt: string;
}

/** A tier given to a scope (everything below it) or, by tag, to one resource. */
export interface TierMark {
  readonly tier: string;
  /** The scope's construct path. */
  readonly path?: string;
  /** For a tagged resource of a template without construct paths: its stack and logical id. */
  readonly stackId?: string;
  readonly logicalId?: string;
}

/**
 * Tier tags read on demand: an app has thousands of resources and only those that carry groups, and the
 * resources above them, can put an endpoint in a tier.
 */
export interface TierTags {
  /** The tier the tag of the resource at this construct path names, if it has one. */
  at(path: string): string | undefined;
  /** Every tier tag, in the tree's order: for a message that lists the app's tiers. */
  all(): TierMark[];
}

/** Everything an app or a file declares about reachability. */
export interface ReachabilityDeclarations {
  readonly statements: readonly PolicyStatement[];
  readonly tiers: readonly TierMark[];
  /** The tag key whose value names a resource's tier. */
  readonly tierTagKey?: string;
  /** Tier tags of the construct tree, read where a tier is asked for (the Aspect renders some resources without their tags). */
  readonly tierTags?: TierTags;
  /** Declarations that could not be read: they become findings. */
  readonly problems?: ReadonlyArray<{ readonly declaredAt: string; readonly message: string }>;
}

export const NO_DECLARATIONS: ReachabilityDeclarations = { statements: [], tiers: [] };

/** A metadata entry, as the construct tree and the cloud assembly's metadata both hold it. */
export interface DeclarationMetadataEntry {
  readonly type?: string;
  readonly data?: unknown;
}

/** The statements and tiers among the metadata entries at one construct path. */
export function declarationsAt(path: string, entries: readonly DeclarationMetadataEntry[]): Required<Pick<ReachabilityDeclarations, 'statements' | 'tiers' | 'problems'>> {
  const statements: PolicyStatement[] = [];
  const tiers: TierMark[] = [];
  const problems: Array<{ declaredAt: string; message: string }> = [];
  for (const entry of entries) {
    if (entry?.type === TIER_METADATA) {
      const tier = (entry.data as { tier?: unknown } | undefined)?.tier;
      if (typeof tier === 'string' && tier !== '') tiers.push({ tier, path });
      else problems.push({ declaredAt: path, message: 'a tier without a name' });
    } else if (entry?.type === REACHABILITY_POLICY_METADATA) {
      const statement = readStatement(entry.data, path);
      if (typeof statement === 'string') problems.push({ declaredAt: path, message: statement });
      else statements.push(statement);
    }
  }
  return { statements, tiers, problems };
}

/** Joins declarations from several places. */
export function mergeDeclarations(...all: ReachabilityDeclarations[]): ReachabilityDeclarations {
  return {
    statements: all.flatMap(d => d.statements),
    tiers: all.flatMap(d => d.tiers),
    tierTagKey: all.find(d => d.tierTagKey)?.tierTagKey,
    tierTags: all.find(d => d.tierTags)?.tierTags,
    problems: all.flatMap(d => d.problems ?? []),
  };
}

const KINDS: readonly StatementKind[] = ['onlyFrom', 'never', 'notFromInternet', 'mustReach'];

/** A statement as recorded in metadata, checked field by field: the assembly may hold anything. */
function readStatement(data: unknown, path: string): PolicyStatement | string {
  const record = data as Record<string, unknown> | undefined;
  if (!record || typeof record !== 'object') return 'a reachability statement that is not an object';
  const kind = record.kind as StatementKind;
  if (!KINDS.includes(kind)) return `a reachability statement of unknown kind ${JSON.stringify(record.kind)}`;
  const target = readEndpoint(record.target);
  if (!target) return `a ${kind} statement whose target cannot be read`;
  const sources = Array.isArray(record.sources) ? record.sources.map(readEndpoint) : [];
  if (sources.some(s => !s)) return `a ${kind} statement with a source that cannot be read`;
  const ports = record.ports === undefined ? undefined : Array.isArray(record.ports) ? record.ports.map(readPort) : [undefined];
  if (ports?.some(p => !p)) return `a ${kind} statement with ports that cannot be read`;
  return {
    kind,
    target,
    sources: sources as EndpointSpec[],
    ports: ports as PortSpec[] | undefined,
    description: typeof record.description === 'string' ? record.description : undefined,
    declaredAt: path,
  };
}

function readEndpoint(value: unknown): EndpointSpec | undefined {
  const v = value as Record<string, unknown> | undefined;
  if (!v || typeof v !== 'object') return undefined;
  const text = (key: string) => (typeof v[key] === 'string' && v[key] !== '' ? v[key] as string : undefined);
  switch (v.kind) {
    case 'construct': {
      const path = text('path');
      if (path === undefined) return undefined;
      const groups = Array.isArray(v.groups)
        ? v.groups.map(g => g as GroupSpec).filter(g => typeof g?.path === 'string' || typeof g?.id === 'string').map(g => ({ path: g.path, id: g.id }))
        : undefined;
      return { kind: 'construct', path, groups };
    }
    case 'tier': return text('name') ? { kind: 'tier', name: text('name')! } : undefined;
    case 'internet': return v.family === 4 || v.family === 6 ? { kind: 'internet', family: v.family } : { kind: 'internet' };
    case 'cidr': return text('cidr') ? { kind: 'cidr', cidr: text('cidr')! } : undefined;
    case 'vpcCidr': return text('path') ? { kind: 'vpcCidr', path: text('path')! } : undefined;
    case 'prefixList': return text('id') || text('path') ? { kind: 'prefixList', id: text('id'), path: text('path') } : undefined;
    case 'group': return text('id') || text('path') ? { kind: 'group', id: text('id'), path: text('path') } : undefined;
    case 'name': return text('name') ? { kind: 'name', name: text('name')! } : undefined;
    default: return undefined;
  }
}

function readPort(value: unknown): PortSpec | undefined {
  const v = value as Record<string, unknown> | undefined;
  if (!v || typeof v !== 'object' || (typeof v.ipProtocol !== 'string' && typeof v.ipProtocol !== 'number')) return undefined;
  const int = (x: unknown) => (x === undefined ? undefined : Number.isInteger(Number(x)) ? Number(x) : NaN);
  const fromPort = int(v.fromPort);
  const toPort = int(v.toPort);
  if (Number.isNaN(fromPort) || Number.isNaN(toPort)) return undefined;
  return { ipProtocol: String(v.ipProtocol), fromPort, toPort };
}
