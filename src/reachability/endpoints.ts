import { AddressSet, Family, INTERNET } from './address-set';
import { DEFAULT_TIER_TAG_KEY, EndpointSpec, GroupSpec, ReachabilityDeclarations, TierMark, TierTags } from './declarations';
import { AddressEndpoint, EffectiveAccess, InterfaceKind, Member, setsOf } from './effective-access';
import { parseCidr } from '../model/cidr';
import { SecurityGroupModel, SecurityGroupNode, refLabel } from '../model/types';

/** What a statement's endpoint stands for in the app. */
export interface ResolvedEndpoint {
  readonly label: string;
  /** The interfaces of the app it names. */
  readonly members: readonly Member[];
  /** For groups nothing carries: what a member of each would be. */
  readonly supposed: readonly InterfaceKind[];
  readonly addresses?: AddressEndpoint;
  /** Why it names nothing the computation can use. */
  readonly problem?: string;
}

/** Resolves endpoints against one app: construct paths, tiers, names, addresses. */
export class EndpointResolver {
  /** Tier marks as the app declares them, then from the templates' tags; the tree's tags are read on demand. */
  private readonly declaredTiers: readonly TierMark[];
  private readonly templateTiers: TierMark[];
  private readonly treeTiers?: TierTags;
  /**
   * The marks indexed, so a resource's tier is a few lookups, not a pass over every mark: a resource's own mark
   * by stack and logical id (the first one given), and marks by path (at one path, the last one given).
   */
  private readonly tierByResource = new Map<string, string>();
  private readonly declaredTierByPath = new Map<string, string>();
  private readonly templateTierByPath = new Map<string, string>();
  private readonly tierByScope = new Map<string, string | undefined>();
  /** Each construct path's label, found once: every path statement asks. */
  private readonly labels = new Map<string, string>();
  private membersByTopScope?: Map<string, Member[]>;
  /** Some member's construct path is empty: the root's, which only its label names. */
  private atEmptyPath = false;
  /** The members in each tier, in the members' order. */
  private membersByTier?: Map<string | undefined, Member[]>;

  constructor(private readonly access: EffectiveAccess, declarations: ReachabilityDeclarations) {
    this.declaredTiers = declarations.tiers;
    this.templateTiers = tierTags(access.model, declarations.tierTagKey ?? DEFAULT_TIER_TAG_KEY);
    this.treeTiers = declarations.tierTags;
    for (const [marks, byPath] of [[this.declaredTiers, this.declaredTierByPath], [this.templateTiers, this.templateTierByPath]] as const) {
      for (const mark of marks) {
        if (mark.stackId !== undefined) {
          const key = `${mark.stackId}\u0000${mark.logicalId}`;
          if (mark.logicalId !== undefined && !this.tierByResource.has(key)) this.tierByResource.set(key, mark.tier);
        } else if (mark.path !== undefined) {
          byPath.set(mark.path, mark.tier);
        }
      }
    }
  }

  private get model(): SecurityGroupModel {
    return this.access.model;
  }

  public resolve(spec: EndpointSpec): ResolvedEndpoint {
    switch (spec.kind) {
      case 'construct': return this.construct(spec.path, spec.groups);
      case 'tier': return this.tier(spec.name);
      case 'internet': return internetEndpoint(spec.family);
      case 'cidr': return cidrEndpoint(spec.cidr);
      case 'vpcCidr': return this.vpcCidr(spec.path);
      case 'prefixList': return this.prefixList(spec.id, spec.path);
      case 'group': return this.groups(spec.id ?? spec.path ?? '', [{ id: spec.id, path: spec.path }]);
      case 'name': return this.name(spec.name);
      case 'any': return this.union(spec.label, spec.of.map(s => this.resolve(s)));
    }
  }

  /** Everything several endpoints name, as one. */
  private union(label: string, parts: ResolvedEndpoint[]): ResolvedEndpoint {
    const problems = parts.filter(p => p.problem).map(p => p.problem!);
    if (problems.length > 0) return { label, members: [], supposed: [], problem: `${label}: ${problems.join('; ')}` };
    const addressed = parts.filter(p => p.addresses);
    if (addressed.length > 0 && addressed.length < parts.length) return { label, members: [], supposed: [], problem: `${label} mixes address ranges and resources` };
    if (addressed.length > 0) {
      const all = (f: Family) => addressed.reduce((s, p) => s.union(p.addresses!.sets[f]), AddressSet.empty(f));
      const sets = { 4: all(4), 6: all(6) };
      return { label, members: [], supposed: [], addresses: { label, sets, caveat: addressed.find(p => p.addresses!.caveat)?.addresses!.caveat } };
    }
    return { label, members: [...new Set(parts.flatMap(p => p.members))], supposed: [...new Set(parts.flatMap(p => p.supposed))] };
  }

  /** A name as a policy file or the command gives it. */
  public name(text: string): ResolvedEndpoint {
    const name = text.trim();
    const lower = name.toLowerCase();
    if (lower === 'internet') return internetEndpoint();
    if (lower === 'internet-ipv4') return internetEndpoint(4);
    if (lower === 'internet-ipv6') return internetEndpoint(6);
    if (lower.startsWith('tier:')) return this.tier(name.slice(5).trim());
    if (lower.startsWith('vpc-cidr:')) return this.vpcCidr(name.slice(9).trim());
    if (/^[0-9a-f:.]+\/\d{1,3}$/i.test(name)) return cidrEndpoint(name);
    if (/^pl-[0-9a-f]+$/.test(name)) return this.prefixList(name, undefined);
    if (/^sg-[0-9a-f]+$/.test(name)) return this.groups(name, [{ id: name }]);
    for (const equal of [(a: string) => a === name, (a: string) => a.toLowerCase() === lower]) {
      const byPath = this.underPath(name, equal);
      if (byPath) return byPath;
      const byId = this.byLogicalIdOrName(name, equal);
      if (byId) return byId;
    }
    return { label: name, members: [], supposed: [], problem: `"${name}" names nothing in the app: give a construct path, a logical id (or Stack/LogicalId), a group name, a Name tag, tier:NAME, a CIDR, a prefix list id or internet` };
  }

  private construct(path: string, groups: readonly GroupSpec[] = []): ResolvedEndpoint {
    const found = this.underExactPath(path);
    if (found) return found;
    if (groups.length > 0) return this.groups(path, groups);
    return { label: path, members: [], supposed: [], problem: `\`${path}\` carries no security group in this app` };
  }

  /** Resources under the path that carry groups, else the groups defined under it. */
  private underPath(path: string, equal: (a: string) => boolean): ResolvedEndpoint | undefined {
    const under = (p: string | undefined) => p !== undefined
      && (equal(p) || equal(this.label(p)) || startsWith(p, path, equal));
    const members = this.access.members.filter(m => under(m.resource.constructPath));
    if (members.length > 0) return { label: path, members, supposed: [] };
    const groups = [...this.model.groups.values()].filter(g => under(g.ref?.constructPath));
    if (groups.length > 0) return this.groupEndpoint(path, groups);
    return undefined;
  }

  /**
   * underPath for a path as given, in one pass without labels: a label is its path less a last `/Resource` or
   * `/Default`, so a path whose label is `path` is below it, except the empty path, whose label is its stack's.
   */
  private underExactPath(path: string): ResolvedEndpoint | undefined {
    const under = (p: string | undefined) => p !== undefined
      && (p === path || (p.length > path.length && p[path.length] === '/' && p.startsWith(path)) || (p === '' && this.label(p) === path));
    const candidates = this.membersUnder().get(topScope(path));
    const below = (p: string | undefined) => p !== undefined && (p === path || (p.length > path.length && p[path.length] === '/' && p.startsWith(path)));
    let members = candidates?.filter(m => below(m.resource.constructPath)) ?? [];
    if (this.atEmptyPath) members = this.access.members.filter(m => under(m.resource.constructPath));
    if (members.length > 0) return { label: path, members, supposed: [] };
    const groups = [...this.model.groups.values()].filter(g => under(g.ref?.constructPath));
    if (groups.length > 0) return this.groupEndpoint(path, groups);
    return undefined;
  }

  /**
   * The members by the first part of their construct path (a top-level stack, usually), in the members' order: a
   * path's members are among those of its first part, so statements about dozens of stacks go through a stack's
   * members each, not every member, and the index is one entry per member, not one per scope above it. A member at
   * the empty path (under a path by its label too) sends every lookup through the pass above.
   */
  private membersUnder(): Map<string, Member[]> {
    if (this.membersByTopScope) return this.membersByTopScope;
    const byTop = this.membersByTopScope = new Map<string, Member[]>();
    const members = this.access.members;
    for (let i = 0; i < members.length; i++) {
      const member = members[i];
      const p = member.resource.constructPath;
      if (p === undefined) continue;
      if (p === '') this.atEmptyPath = true;
      const top = topScope(p);
      const list = byTop.get(top);
      if (list) list.push(member);
      else byTop.set(top, [member]);
    }
    return byTop;
  }

  /** A construct path as refLabel gives it. */
  private label(path: string): string {
    let label = this.labels.get(path);
    if (label === undefined) this.labels.set(path, label = refLabel({ constructPath: path } as never));
    return label;
  }

  private byLogicalIdOrName(name: string, equal: (a: string) => boolean): ResolvedEndpoint | undefined {
    const qualified = (stackName: string, stackId: string, logicalId: string) => equal(logicalId) || equal(`${stackName}/${logicalId}`) || equal(`${stackId}/${logicalId}`);
    const members = this.access.members.filter(m => qualified(m.resource.stackName, m.resource.stackId, m.resource.logicalId));
    const groups = [...this.model.groups.values()].filter(g => (g.ref && qualified(g.ref.stackName, g.ref.stackId, g.ref.logicalId))
      || (g.groupName !== undefined && equal(g.groupName)) || (g.nameTag !== undefined && equal(g.nameTag)));
    const resources = new Set(members.map(m => m.resourceKey));
    const candidates = resources.size + groups.length;
    if (candidates === 0) return undefined;
    if (candidates > 1) {
      const names = [...new Set([...members.map(m => `${m.resource.stackName}/${m.resource.logicalId}`), ...groups.map(g => (g.ref ? `${g.ref.stackName}/${g.ref.logicalId}` : g.key))])];
      return { label: name, members: [], supposed: [], problem: `"${name}" names ${names.length} things: ${names.join(', ')}; name one as Stack/LogicalId or by its construct path` };
    }
    return members.length > 0 ? { label: name, members, supposed: [] } : this.groupEndpoint(name, groups);
  }

  /** Groups as an endpoint: the interfaces that carry them, or a supposed member of each that nothing carries. */
  private groupEndpoint(label: string, groups: SecurityGroupNode[]): ResolvedEndpoint {
    const members = new Set<Member>();
    const supposed: InterfaceKind[] = [];
    for (const group of groups) {
      const carrying = this.access.members.filter(m => m.kind.groupSet.has(group.key));
      if (carrying.length > 0) carrying.forEach(m => members.add(m));
      else supposed.push(this.access.supposedMemberOf(group.key));
    }
    return { label, members: [...members], supposed };
  }

  private groups(label: string, specs: readonly GroupSpec[]): ResolvedEndpoint {
    const groups: SecurityGroupNode[] = [];
    for (const spec of specs) {
      const byId = spec.id ? this.model.groups.get(`external:${spec.id}`) : undefined;
      const byPath = spec.path ? [...this.model.groups.values()].filter(g => isUnder(g.ref?.constructPath, spec.path!)) : [];
      if (byId) groups.push(byId);
      groups.push(...byPath);
    }
    if (groups.length === 0) return { label, members: [], supposed: [], problem: `\`${label}\` names no security group the app uses` };
    return this.groupEndpoint(label, groups);
  }

  private tier(name: string): ResolvedEndpoint {
    const label = `tier ${name}`;
    const tierOf = (m: Member) => this.tierOf(m.resource.constructPath, m.resource.stackId, m.resource.logicalId);
    if (!this.membersByTier) {
      const byTier = this.membersByTier = new Map<string | undefined, Member[]>();
      const all = this.access.members;
      for (let i = 0; i < all.length; i++) {
        const m = all[i];
        const tier = tierOf(m);
        (byTier.get(tier) ?? byTier.set(tier, []).get(tier)!).push(m);
      }
    }
    const members = this.membersByTier.get(name)?.slice() ?? [];
    if (members.length > 0) return { label, members, supposed: [] };
    const groups = [...this.model.groups.values()].filter(g => g.ref && this.tierOf(g.ref.constructPath, g.ref.stackId, g.ref.logicalId) === name);
    if (groups.length > 0) return this.groupEndpoint(label, groups);
    const known = [...new Set([...this.declaredTiers, ...this.treeTiers?.all() ?? [], ...this.templateTiers].map(t => t.tier))];
    return {
      label,
      members: [],
      supposed: [],
      problem: `tier ${name} has no member that carries a security group${known.length > 0 ? ` (tiers in the app: ${known.join(', ')})` : ' (the app assigns no tier)'}`,
    };
  }

  /**
   * A resource's tier: its own mark by stack and logical id, else the mark nearest to it (its own tag, else the
   * closest scope above it). At one path, a tag counts over a declared tier, and the templates' tags last.
   */
  public tierOf(path: string | undefined, stackId: string, logicalId: string): string | undefined {
    const own = this.tierByResource.size > 0 ? this.tierByResource.get(`${stackId}\u0000${logicalId}`) : undefined;
    if (own !== undefined) return own;
    if (path === undefined) return undefined;
    return this.tierAt(path);
  }

  /**
   * The tier of the mark nearest to a path: the path itself, then each scope above it, then the root (''). Found
   * once per path: the resources of a stack share the scopes above them.
   */
  private tierAt(path: string): string | undefined {
    if (this.tierByScope.has(path)) return this.tierByScope.get(path);
    let tier = this.templateTierByPath.get(path) ?? this.treeTiers?.at(path) ?? this.declaredTierByPath.get(path);
    if (tier === undefined && path !== '') {
      const slash = path.lastIndexOf('/');
      tier = this.tierAt(slash < 0 ? '' : path.slice(0, slash));
    }
    this.tierByScope.set(path, tier);
    return tier;
  }

  private vpcCidr(name: string): ResolvedEndpoint {
    const vpc = [...this.model.vpcs.values()].find(v => v.ref.constructPath !== undefined
      && (v.ref.constructPath === name || startsWith(v.ref.constructPath, name, a => a === name) || refLabel(v.ref) === name))
      ?? [...this.model.vpcs.values()].find(v => v.ref.logicalId === name || `${v.ref.stackName}/${v.ref.logicalId}` === name);
    const label = `the CIDR of ${name}`;
    if (!vpc) return { label, members: [], supposed: [], problem: `\`${name}\` names no VPC in the app` };
    if (vpc.cidrs.length === 0) {
      return { label, members: [], supposed: [], addresses: { label, sets: { 4: AddressSet.whole(4), 6: AddressSet.empty(6) }, caveat: `the CIDR of ${refLabel(vpc.ref)} is not known at synth` } };
    }
    return { label: `${label} (${vpc.cidrs.map(c => c.text).join(', ')})`, members: [], supposed: [], addresses: { label: `${label} (${vpc.cidrs.map(c => c.text).join(', ')})`, sets: setsOf(vpc.cidrs) } };
  }

  private prefixList(id: string | undefined, path: string | undefined): ResolvedEndpoint {
    const list = path ? [...this.model.prefixLists.values()].find(l => isUnder(l.ref.constructPath, path)) : undefined;
    const label = `prefix list ${id ?? path}`;
    if (list && list.unresolvedEntries === 0) return { label, members: [], supposed: [], addresses: { label, sets: setsOf(list.entries) } };
    const caveat = list ? `${list.unresolvedEntries} entries of ${label} cannot be read at synth` : `${label} is not defined in the app, so its entries are not known`;
    return { label, members: [], supposed: [], addresses: { label, sets: { 4: AddressSet.whole(4), 6: AddressSet.whole(6) }, caveat } };
  }
}

/** A construct path's first part: the path up to its first `/`, which every path below it shares. */
function topScope(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? path : path.slice(0, slash);
}

/** The path is the scope's, or below it. */
function isUnder(path: string | undefined, scope: string): boolean {
  return path !== undefined && (path === scope || path.startsWith(`${scope}/`));
}

function startsWith(path: string, prefix: string, equal: (a: string) => boolean): boolean {
  return path.length > prefix.length && path[prefix.length] === '/' && equal(path.slice(0, prefix.length));
}

export function internetEndpoint(family?: Family): ResolvedEndpoint {
  const label = family === 4 ? 'the IPv4 internet' : family === 6 ? 'the IPv6 internet' : 'the internet';
  const sets = { 4: family === 6 ? AddressSet.empty(4) : INTERNET[4], 6: family === 4 ? AddressSet.empty(6) : INTERNET[6] };
  return { label, members: [], supposed: [], addresses: { label, sets, internet: true } };
}

function cidrEndpoint(text: string): ResolvedEndpoint {
  const cidr = parseCidr(text);
  if (!cidr || !text.includes('/')) return { label: text, members: [], supposed: [], problem: `${text} is not a CIDR block` };
  if (cidr.prefix === 0) return internetEndpoint(cidr.family);
  return { label: cidr.text, members: [], supposed: [], addresses: { label: cidr.text, sets: setsOf([cidr]) } };
}

/** Tier marks from resources' tags in the templates. */
function tierTags(model: SecurityGroupModel, key: string): TierMark[] {
  const marks: TierMark[] = [];
  for (const stack of model.stacks) {
    const resources = (stack.template as { Resources?: Record<string, any> } | undefined)?.Resources;
    if (!resources || typeof resources !== 'object') continue;
    // Every resource of the app: a plain loop over the ids, not a pair for each (see EffectiveAccess's constructor).
    const ids = Object.keys(resources);
    for (let i = 0; i < ids.length; i++) {
      const logicalId = ids[i];
      const resource = resources[logicalId];
      const tags = resource?.Properties?.Tags;
      const value = Array.isArray(tags)
        ? tags.find((t: any) => t?.Key === key)?.Value
        : tags && typeof tags === 'object' ? tags[key] : undefined;
      if (typeof value !== 'string' || value === '') continue;
      const path = stack.constructPaths?.[logicalId] ?? resource?.Metadata?.['aws:cdk:path'];
      marks.push(typeof path === 'string' ? { tier: value, path } : { tier: value, stackId: stack.stackId, logicalId });
    }
  }
  return marks;
}
