import { AddressSet, Family } from './address-set';
import { TrafficSet } from './traffic-set';
import { AWS_BEHAVIOURS, behaviourById } from '../model/aws-behaviours';
import { Traffic } from '../model/ports';
import { Attachment, ResourceRef, SecurityGroupModel, SecurityGroupRule, resourceKey } from '../model/types';

/**
 * Effective access at group level, lifted to the resources that carry the groups.
 *
 * A packet from one network interface to another passes only where the sender's groups, taken together, have
 * an egress rule that admits it toward the receiver and the receiver's groups have an ingress rule that
 * admits it from the sender (see AWS_BEHAVIOURS: rules aggregate across groups, a group reference matches the
 * interfaces that carry the group, and groups are stateful, so only the side that opens the connection is
 * checked). Interfaces that carry the same groups, in the same VPC, accepting the same traffic, behave alike:
 * they are one "kind", and flows are computed between kinds, so the cost grows with the rules and the distinct
 * group sets, not with pairs of resources.
 *
 * Routes, network ACLs and public addresses are out of scope: an interface's address is a private address
 * somewhere in its VPC's CIDR blocks, and traffic between VPCs through address rules needs a route the
 * engine does not see.
 */

export const OUT_OF_SCOPE = 'Security groups only: routes, network ACLs and public addresses are out of scope.';

/** Where a rule's peer points. */
export type RulePeer =
  | { readonly kind: 'group'; readonly groupKey: string }
  | { readonly kind: 'addresses'; readonly sets: Readonly<Record<Family, AddressSet>> }
  | { readonly kind: 'unknown' };

/** One rule as the computation uses it, with the model's rule for witnesses. */
export interface EffectiveRule {
  readonly direction: 'ingress' | 'egress';
  readonly groupKey: string;
  readonly traffic: TrafficSet;
  readonly peer: RulePeer;
  /** Why the rule itself is not certain: unreadable traffic or peer, an unsettled AWS behaviour, rules defined outside the app. */
  readonly caveat?: string;
  /** The rule the template (or AWS) states; undefined for a rule the engine supposes, such as one outside the app. */
  readonly source?: SecurityGroupRule;
  /** For a supposed rule: what it stands for. */
  readonly supposed?: string;
}

/** Whether an interface of a kind has an address of a family, and where. */
export type Participation =
  | { readonly kind: 'yes'; readonly set: AddressSet }
  /** It may or may not have one (a VPC outside the app): anything is possible, nothing certain. */
  | { readonly kind: 'maybe'; readonly set: AddressSet }
  | { readonly kind: 'no' };

/** Interfaces that carry the same groups in the same VPC and accept the same traffic. */
export interface InterfaceKind {
  readonly key: string;
  readonly groups: readonly string[];
  readonly groupSet: ReadonlySet<string>;
  /** Some of the groups could not be resolved: it may carry any group. */
  readonly unknownGroups: boolean;
  readonly vpcKey?: string;
  readonly addresses: Readonly<Record<Family, Participation>>;
  /** What it accepts whatever its rules admit: a load balancer only its listeners' ports. */
  readonly accepts: TrafficSet;
  readonly acceptsNote?: string;
  readonly egress: readonly EffectiveRule[];
  readonly ingress: readonly EffectiveRule[];
  /** The interfaces of this kind; empty for a group nothing in the app carries (a supposed member). */
  readonly members: Member[];
}

/** One interface of a resource in the app. */
export interface Member {
  readonly resource: ResourceRef;
  readonly resourceKey: string;
  readonly attachment: Attachment;
  readonly kind: InterfaceKind;
}

/** A pair of rules, one on each side, that together let some traffic through. */
export interface Grant {
  readonly egress: EffectiveRule;
  readonly ingress: EffectiveRule;
  readonly traffic: TrafficSet;
  /** Each rule is settled and matches whatever address either end has. */
  readonly certain: boolean;
}

/** What can flow from one kind to another. */
export interface Flow {
  readonly from: InterfaceKind;
  readonly to: InterfaceKind;
  /** Traffic that some packet may carry, as far as the app says. */
  readonly possible: TrafficSet;
  /** Traffic that passes whatever the unknowns are: every address either end may have, settled behaviour only. */
  readonly certain: TrafficSet;
  readonly grants: readonly Grant[];
  /** Why some of `possible` is not certain. */
  readonly caveats: readonly string[];
}

/** How one side (the egress of the sender, or the ingress of the receiver) treats the other end. */
export interface SideMatch {
  readonly matched: ReadonlyArray<{ readonly rule: EffectiveRule; readonly certain: boolean }>;
  readonly possible: TrafficSet;
  readonly certain: TrafficSet;
  readonly caveats: readonly string[];
}

/** Addresses outside the app's interfaces: the internet, a CIDR, a prefix list, a VPC's CIDR. */
export interface AddressEndpoint {
  readonly label: string;
  readonly sets: Readonly<Record<Family, AddressSet>>;
  /** For the internet: reached only where rules admit every public address, not some. */
  readonly internet?: boolean;
  /** Why the endpoint's addresses are not all known (a prefix list outside the app). */
  readonly caveat?: string;
}

/** Traffic between an address endpoint and a kind, through one side's rules. */
export interface AddressAccess {
  /** Traffic some address of the endpoint has, through a settled rule. */
  readonly someCertain: TrafficSet;
  readonly somePossible: TrafficSet;
  /** Traffic every address of the endpoint has. */
  readonly everyCertain: TrafficSet;
  readonly everyPossible: TrafficSet;
  /** The rules that match some address of the endpoint. */
  readonly rules: readonly EffectiveRule[];
  readonly caveats: readonly string[];
}

const FAMILIES: readonly Family[] = [4, 6];

/** EffectiveAccess.of's: a model is never changed once built, so neither is its effective access. */
const SHARED = new WeakMap<SecurityGroupModel, EffectiveAccess>();

const NO_ADDRESS_ACCESS: AddressAccess = {
  someCertain: TrafficSet.EMPTY,
  somePossible: TrafficSet.EMPTY,
  everyCertain: TrafficSet.EMPTY,
  everyPossible: TrafficSet.EMPTY,
  rules: [],
  caveats: [],
};

/** The effective access of an app: its interface kinds and the flows between them. */
export class EffectiveAccess {
  /**
   * The effective access of a model, built once: the policies' evaluation and the reports read the same
   * matrix, which at thousands of resources is worth computing once per synth, not once per reader.
   */
  public static of(model: SecurityGroupModel): EffectiveAccess {
    let access = SHARED.get(model);
    if (!access) SHARED.set(model, access = new EffectiveAccess(model));
    return access;
  }

  public readonly kinds: InterfaceKind[] = [];
  public readonly members: Member[] = [];
  /** Members by resource key. */
  public readonly membersByResource = new Map<string, Member[]>();
  private readonly kindsByKey = new Map<string, InterfaceKind>();
  private readonly rulesByGroup = new Map<string, { ingress: EffectiveRule[]; egress: EffectiveRule[] }>();
  private readonly flowCache = new Map<string, Flow | undefined>();
  private readonly addressesByVpc = new Map<string, Record<Family, Participation>>();
  private readonly shared: SharedParts = { setsByCidr: new Map(), trafficByRule: new Map() };
  private matrix?: Flow[];
  /**
   * Whether two address sets overlap, found once per pair: rules share the sets of a CIDR, and the matrix, the
   * report and the policies ask it of every kind's rules against the same few classes and endpoints.
   */
  private readonly overlapping = new Map<AddressSet, Map<AddressSet, boolean>>();
  private readonly overlapsOf: (set: AddressSet, of: AddressSet) => boolean;

  constructor(public readonly model: SecurityGroupModel) {
    this.overlapsOf = (set, of) => {
      let known = this.overlapping.get(of);
      if (!known) this.overlapping.set(of, known = new Map());
      let answer = known.get(set);
      if (answer === undefined) known.set(set, answer = set.overlaps(of));
      return answer;
    };
    // Plain loops here and in the other passes over every kind, member or rule: they run once per synth, before the
    // JIT has made anything fast, where each step of a for-of loop allocates.
    model.groups.forEach(group => {
      const attachments = group.attachments;
      for (let i = 0; i < attachments.length; i++) {
        const attachment = attachments[i];
        // Each attachment appears under every group it lists; take it once, under its first group.
        if (attachment.groupKeys[0] !== group.key && attachment.groupKeys.length > 0) continue;
        this.addMember(attachment);
      }
    });
  }

  /** The kind of a group no resource in the app carries: what a member of it would be. */
  public supposedMemberOf(groupKey: string): InterfaceKind {
    return this.kindOf([groupKey], false, ALL_ACCEPTED);
  }

  /** The flow from one kind to another, or undefined where nothing can flow. */
  public flow(from: InterfaceKind, to: InterfaceKind): Flow | undefined {
    const key = `${from.key}\u0000${to.key}`;
    if (this.flowCache.has(key)) return this.flowCache.get(key);
    const flow = this.computeFlow(from, to);
    this.flowCache.set(key, flow);
    return flow;
  }

  /** How one side's rules treat the other end in one family. */
  public side(rules: readonly EffectiveRule[], other: InterfaceKind, family: Family): SideMatch {
    const participation = other.addresses[family];
    const matched: Array<{ rule: EffectiveRule; certain: boolean }> = [];
    const caveats = new Set<string>();
    let possible = TrafficSet.EMPTY;
    let certainByGroup = TrafficSet.EMPTY;
    const covering: Array<{ set: AddressSet; traffic: TrafficSet }> = [];
    for (const rule of rules) {
      const peer = rule.peer;
      let matches = false;
      let certain = false;
      if (peer.kind === 'group') {
        if (other.groupSet.has(peer.groupKey)) {
          matches = true;
          certain = rule.caveat === undefined;
        } else if (other.unknownGroups) {
          matches = true;
          caveats.add('some of the other end\'s groups are not resolved, so it may carry the group this rule names');
        }
        if (certain) certainByGroup = certainByGroup.union(rule.traffic);
      } else if (peer.kind === 'addresses') {
        if (participation.kind === 'no') continue;
        const set = peer.sets[family];
        if (set.isEmpty || !set.overlaps(participation.set)) continue;
        matches = true;
        certain = rule.caveat === undefined && participation.kind === 'yes' && set.contains(participation.set);
        if (rule.caveat === undefined && participation.kind === 'yes') covering.push({ set, traffic: rule.traffic });
        if (!certain && rule.caveat === undefined) caveats.add(addressCaveat(participation));
      } else {
        matches = true;
      }
      if (!matches) continue;
      if (rule.caveat) caveats.add(rule.caveat);
      matched.push({ rule, certain });
      possible = possible.union(rule.traffic);
    }
    const certain = participation.kind === 'yes' ? certainByGroup.union(coverage(covering, participation.set)) : certainByGroup;
    return { matched, possible, certain, caveats: [...caveats] };
  }

  /** Every non-empty flow between the app's kinds. */
  public flows(): Flow[] {
    if (!this.matrix) this.matrix = this.computeMatrix();
    return this.matrix;
  }

  /** Traffic between an address endpoint and a kind: `ingress` for traffic into the kind, `egress` for traffic out of it. */
  public addressAccess(kind: InterfaceKind, direction: 'ingress' | 'egress', endpoint: AddressEndpoint): AddressAccess {
    const rules = direction === 'ingress' ? kind.ingress : kind.egress;
    const accepts = direction === 'ingress' ? kind.accepts : TrafficSet.ALL;
    // Most interfaces name only groups, or addresses of their own network: nothing outside the app's interfaces,
    // or nothing of the endpoint, reaches them or is reached. The report asks this of every kind.
    if (!matchesAny(rules, endpoint, this.overlapsOf)) {
      return endpoint.caveat ? { ...NO_ADDRESS_ACCESS, caveats: [endpoint.caveat] } : NO_ADDRESS_ACCESS;
    }
    let someCertain = TrafficSet.EMPTY;
    let somePossible = TrafficSet.EMPTY;
    let everyCertain = TrafficSet.EMPTY;
    let everyPossible = TrafficSet.EMPTY;
    const matched: EffectiveRule[] = [];
    const caveats = new Set<string>();
    if (endpoint.caveat) caveats.add(endpoint.caveat);
    for (let f = 0; f < FAMILIES.length; f++) {
      const family = FAMILIES[f];
      const target = endpoint.sets[family];
      if (target.isEmpty) continue;
      const certainCover: Array<{ set: AddressSet; traffic: TrafficSet }> = [];
      const possibleCover: Array<{ set: AddressSet; traffic: TrafficSet }> = [];
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i];
        const peer = rule.peer;
        if (peer.kind === 'group') continue;
        const set = peer.kind === 'addresses' ? peer.sets[family] : AddressSet.whole(family);
        if (set.isEmpty || !set.overlaps(target)) continue;
        if (!matched.includes(rule)) matched.push(rule);
        const settled = peer.kind === 'addresses' && rule.caveat === undefined;
        if (rule.caveat) caveats.add(rule.caveat);
        if (peer.kind === 'unknown' && !rule.caveat) caveats.add('a peer the app does not resolve may hold these addresses');
        somePossible = somePossible.union(rule.traffic);
        possibleCover.push({ set, traffic: rule.traffic });
        if (settled) {
          someCertain = someCertain.union(rule.traffic);
          certainCover.push({ set, traffic: rule.traffic });
        }
      }
      everyPossible = everyPossible.union(coverage(possibleCover, target));
      everyCertain = everyCertain.union(coverage(certainCover, target));
    }
    // An endpoint whose addresses are not all known (a prefix list outside the app) is never certainly reached.
    if (endpoint.caveat) {
      someCertain = TrafficSet.EMPTY;
      everyCertain = TrafficSet.EMPTY;
    }
    return {
      someCertain: someCertain.intersect(accepts),
      somePossible: somePossible.intersect(accepts),
      everyCertain: everyCertain.intersect(accepts),
      everyPossible: everyPossible.intersect(accepts),
      rules: matched,
      caveats: [...caveats],
    };
  }

  /**
   * Whether any rule of the kind, either way, may match some address of the endpoint: where none does,
   * `addressAccess` finds nothing in either direction, for the endpoint or any part of it.
   */
  public mayReachAddresses(kind: InterfaceKind, endpoint: AddressEndpoint): boolean {
    return matchesAny(kind.ingress, endpoint, this.overlapsOf) || matchesAny(kind.egress, endpoint, this.overlapsOf);
  }

  /** The effective rules of a group: what the app states, what AWS adds, and what the engine cannot know. */
  public rulesOf(groupKey: string): { ingress: EffectiveRule[]; egress: EffectiveRule[] } {
    let rules = this.rulesByGroup.get(groupKey);
    if (!rules) {
      rules = effectiveRules(this.model, groupKey, this.shared);
      this.rulesByGroup.set(groupKey, rules);
    }
    return rules;
  }

  private addMember(attachment: Attachment) {
    const key = resourceKey(attachment.resource.stackId, attachment.resource.logicalId);
    const kind = this.kindOf(attachment.groupKeys, attachment.unresolved.length > 0, this.acceptedBy(key));
    const member: Member = { resource: attachment.resource, resourceKey: key, attachment, kind };
    kind.members.push(member);
    this.members.push(member);
    const list = this.membersByResource.get(key);
    if (list) list.push(member);
    else this.membersByResource.set(key, [member]);
  }

  private kindOf(groupKeys: readonly string[], unknownGroups: boolean, accepted: Accepted): InterfaceKind {
    // Most interfaces carry one group.
    const groups = groupKeys.length === 1 ? [groupKeys[0]] : [...new Set(groupKeys)].sort();
    // An interface is in one VPC, which its groups share; groups that disagree (AWS refuses that) leave it unknown.
    let vpcKey: string | undefined;
    if (groups.length === 1) {
      vpcKey = this.model.groups.get(groups[0])?.vpcKey;
    } else {
      const vpcKeys = [...new Set(groups.map(g => this.model.groups.get(g)?.vpcKey).filter(v => v !== undefined))];
      vpcKey = vpcKeys.length === 1 ? vpcKeys[0] : undefined;
    }
    const key = `${groups.join(',')}|${unknownGroups ? '?' : ''}|${vpcKey ?? ''}|${accepted.traffic.signature()}`;
    let kind = this.kindsByKey.get(key);
    if (kind) return kind;
    let ingress: EffectiveRule[];
    let egress: EffectiveRule[];
    if (groups.length === 1) {
      const rules = this.rulesOf(groups[0]);
      ingress = rules.ingress.slice();
      egress = rules.egress.slice();
    } else {
      ingress = [];
      egress = [];
      for (let i = 0; i < groups.length; i++) {
        const rules = this.rulesOf(groups[i]);
        ingress.push(...rules.ingress);
        egress.push(...rules.egress);
      }
    }
    if (unknownGroups) {
      const caveat = 'some of its groups are not resolved, so their rules are not known';
      ingress.push({ direction: 'ingress', groupKey: '(unresolved)', traffic: TrafficSet.ALL, peer: { kind: 'unknown' }, caveat, supposed: 'the rules of its unresolved groups' });
      egress.push({ direction: 'egress', groupKey: '(unresolved)', traffic: TrafficSet.ALL, peer: { kind: 'unknown' }, caveat, supposed: 'the rules of its unresolved groups' });
    }
    kind = {
      key,
      groups,
      groupSet: new Set(groups),
      unknownGroups,
      vpcKey,
      addresses: this.addressesOf(vpcKey),
      accepts: accepted.traffic,
      acceptsNote: accepted.note,
      ingress,
      egress,
      members: [],
    };
    this.kindsByKey.set(key, kind);
    this.kinds.push(kind);
    return kind;
  }

  private addressesOf(vpcKey: string | undefined): Record<Family, Participation> {
    const key = vpcKey ?? '';
    let addresses = this.addressesByVpc.get(key);
    if (!addresses) {
      addresses = this.participationOf(vpcKey);
      this.addressesByVpc.set(key, addresses);
    }
    return addresses;
  }

  private participationOf(vpcKey: string | undefined): Record<Family, Participation> {
    const vpc = vpcKey === undefined ? undefined : this.model.vpcs.get(vpcKey);
    if (!vpc) return { 4: { kind: 'yes', set: AddressSet.whole(4) }, 6: { kind: 'maybe', set: AddressSet.whole(6) } };
    const v4 = AddressSet.ofCidrs(4, vpc.cidrs);
    const v6 = AddressSet.ofCidrs(6, vpc.cidrs);
    return {
      // A CIDR known only at deploy time (IPAM, a parameter) leaves the address unknown, not absent.
      4: { kind: 'yes', set: v4.isEmpty ? AddressSet.whole(4) : v4 },
      6: vpc.hasIpv6 ? { kind: 'yes', set: v6.isEmpty ? AddressSet.whole(6) : v6 } : { kind: 'no' },
    };
  }

  private acceptedBy(key: string): Accepted {
    const ports = this.model.servicePorts.get(key);
    if (!ports) return ALL_ACCEPTED;
    const lb = this.model.loadBalancers.find(l => resourceKey(l.ref.stackId, l.ref.logicalId) === key);
    let traffic = TrafficSet.EMPTY;
    for (const port of ports.ports) {
      const protocols = lb ? lb.listeners.filter(l => l.port === port).map(l => (l.protocol ?? '').toUpperCase()) : ['TCP'];
      const udp = protocols.some(p => p === 'UDP' || p === 'TCP_UDP' || p === '');
      const tcp = protocols.some(p => p !== 'UDP');
      if (tcp) traffic = traffic.union(TrafficSet.ports('tcp', port));
      if (udp) traffic = traffic.union(TrafficSet.ports('udp', port));
    }
    return { traffic, note: `it accepts connections only on its ${ports.what} (${ports.ports.join(', ')})` };
  }

  private computeFlow(from: InterfaceKind, to: InterfaceKind): Flow | undefined {
    let possible = TrafficSet.EMPTY;
    let certain = TrafficSet.EMPTY;
    const caveats = new Set<string>();
    const egressMatched = new Map<EffectiveRule, boolean>();
    const ingressMatched = new Map<EffectiveRule, boolean>();
    // An end whose VPC is not known may be in another VPC than the other end.
    const crossVpc = from.vpcKey === undefined || to.vpcKey === undefined || from.vpcKey !== to.vpcKey;
    for (const family of FAMILIES) {
      const a = from.addresses[family];
      const b = to.addresses[family];
      if (a.kind === 'no' || b.kind === 'no') continue;
      const out = this.side(from.egress, to, family);
      if (out.possible.isEmpty) continue;
      const into = this.side(to.ingress, from, family);
      const familyPossible = out.possible.intersect(into.possible).intersect(to.accepts);
      if (familyPossible.isEmpty) continue;
      possible = possible.union(familyPossible);
      let familyCertain = a.kind === 'yes' && b.kind === 'yes' ? out.certain.intersect(into.certain).intersect(to.accepts) : TrafficSet.EMPTY;
      // Between VPCs, an address rule matches only if a route carries the packet there, which the engine does not see.
      if (crossVpc) familyCertain = familyCertain.intersect(this.certainWithoutRoutes(out, into, to.accepts));
      certain = certain.union(familyCertain);
      for (const m of out.matched) egressMatched.set(m.rule, (egressMatched.get(m.rule) ?? false) || m.certain);
      for (const m of into.matched) ingressMatched.set(m.rule, (ingressMatched.get(m.rule) ?? false) || m.certain);
      for (const c of [...out.caveats, ...into.caveats]) caveats.add(c);
      if (a.kind === 'maybe' || b.kind === 'maybe') caveats.add(`it depends on whether both ends have an IPv${family} address`);
    }
    if (possible.isEmpty) return undefined;
    const grants: Grant[] = [];
    for (const [egress, egressCertain] of egressMatched) {
      for (const [ingress, ingressCertain] of ingressMatched) {
        const traffic = egress.traffic.intersect(ingress.traffic).intersect(to.accepts);
        if (traffic.isEmpty) continue;
        const viaAddresses = egress.peer.kind !== 'group' || ingress.peer.kind !== 'group';
        grants.push({ egress, ingress, traffic, certain: egressCertain && ingressCertain && !(crossVpc && viaAddresses) });
      }
    }
    if (crossVpc && !possible.subtract(certain).isEmpty && grants.some(g => g.egress.peer.kind !== 'group' || g.ingress.peer.kind !== 'group')) {
      caveats.add('the two ends are in different VPCs, and an address rule between them matters only if a route connects the VPCs');
    }
    return { from, to, possible, certain, grants, caveats: [...caveats] };
  }

  /** Across VPCs, only what group references grant on both sides is certain: address rules need a route. */
  private certainWithoutRoutes(out: SideMatch, into: SideMatch, accepts: TrafficSet): TrafficSet {
    const byGroups = (side: SideMatch) => TrafficSet.unionOf(side.matched.filter(m => m.certain && m.rule.peer.kind === 'group').map(m => m.rule.traffic));
    return byGroups(out).intersect(byGroups(into)).intersect(accepts);
  }

  /**
   * Every non-empty flow, found without trying every pair: a flow needs a rule on each side that matches the
   * other end, so candidates come from the rules. Group references are looked up by group; address rules are
   * joined per pair of VPC address classes on their traffic, so kinds whose address rules admit the same
   * traffic are taken together.
   */
  private computeMatrix(): Flow[] {
    const kinds = this.kinds.filter(k => k.members.length > 0);
    const candidates = new Map<InterfaceKind, Set<InterfaceKind>>();
    const add = (from: InterfaceKind, to: InterfaceKind) => {
      let set = candidates.get(from);
      if (!set) candidates.set(from, set = new Set());
      set.add(to);
    };
    // Plain loops over the kinds (see the constructor).
    const carrying = new Map<string, InterfaceKind[]>();
    const openEgress: InterfaceKind[] = [];
    const openIngress: InterfaceKind[] = [];
    for (let i = 0; i < kinds.length; i++) {
      const k = kinds[i];
      for (let j = 0; j < k.groups.length; j++) {
        const list = carrying.get(k.groups[j]);
        if (list) list.push(k);
        else carrying.set(k.groups[j], [k]);
      }
    }
    for (let i = 0; i < kinds.length; i++) if (kinds[i].unknownGroups || hasUnknownPeer(kinds[i].egress)) openEgress.push(kinds[i]);
    for (let i = 0; i < kinds.length; i++) if (kinds[i].unknownGroups || hasUnknownPeer(kinds[i].ingress)) openIngress.push(kinds[i]);
    // Group references and peers not known: the senders' egress first, kind by kind, then the receivers' ingress.
    const named = (rules: readonly EffectiveRule[]): readonly InterfaceKind[] => {
      let found: InterfaceKind[] | undefined;
      for (let j = 0; j < rules.length; j++) {
        const peer = rules[j].peer;
        if (peer.kind === 'group') (found ??= []).push(...carrying.get(peer.groupKey) ?? []);
      }
      return found ?? NO_KINDS;
    };
    for (let i = 0; i < kinds.length; i++) {
      const from = kinds[i];
      const targets = named(from.egress);
      for (let o = 0; o < targets.length; o++) add(from, targets[o]);
      for (let o = 0; o < openIngress.length; o++) add(from, openIngress[o]);
    }
    for (let i = 0; i < kinds.length; i++) {
      const to = kinds[i];
      const sources = named(to.ingress);
      for (let o = 0; o < sources.length; o++) add(sources[o], to);
      for (let o = 0; o < openEgress.length; o++) add(openEgress[o], to);
    }
    // Address rules on both sides: by class of VPC addresses.
    const classes = new Map<string, InterfaceKind[]>();
    const signatures = new Map<Record<Family, Participation>, string>();
    for (let i = 0; i < kinds.length; i++) {
      const k = kinds[i];
      let signature = signatures.get(k.addresses);
      if (signature === undefined) signatures.set(k.addresses, signature = FAMILIES.map(f => participationSignature(k.addresses[f])).join('|'));
      const list = classes.get(signature);
      if (list) list.push(k);
      else classes.set(signature, [k]);
    }
    const addressTraffic = (rules: readonly EffectiveRule[], other: InterfaceKind) => {
      let traffic = TrafficSet.EMPTY;
      for (let f = 0; f < FAMILIES.length; f++) {
        const family = FAMILIES[f];
        const participation = other.addresses[family];
        if (participation.kind === 'no') continue;
        for (let i = 0; i < rules.length; i++) {
          const rule = rules[i];
          // Once per pair of sets: thousands of kinds are tested against the same few classes.
          if (rule.peer.kind === 'addresses' && this.overlapsOf(rule.peer.sets[family], participation.set)) traffic = traffic.union(rule.traffic);
        }
      }
      return traffic;
    };
    /** The kinds by the traffic their address rules admit toward the other class (none where it is empty), in the kinds' order. */
    const byTraffic = (among: readonly InterfaceKind[], admitted: (kind: InterfaceKind) => TrafficSet) => {
      const groups = new Map<string, { traffic: TrafficSet; kinds: InterfaceKind[] }>();
      for (let i = 0; i < among.length; i++) {
        const traffic = admitted(among[i]);
        if (traffic.isEmpty) continue;
        const signature = traffic.signature();
        const group = groups.get(signature);
        if (group) group.kinds.push(among[i]);
        else groups.set(signature, { traffic, kinds: [among[i]] });
      }
      return [...groups.values()];
    };
    const allClasses = [...classes.values()];
    for (const senders of allClasses) {
      for (const receivers of allClasses) {
        const sent = byTraffic(senders, k => addressTraffic(k.egress, receivers[0]));
        if (sent.length === 0) continue;
        const received = byTraffic(receivers, k => addressTraffic(k.ingress, senders[0]).intersect(k.accepts));
        for (const s of sent) {
          for (const r of received) {
            if (s.traffic.intersect(r.traffic).isEmpty) continue;
            for (let i = 0; i < s.kinds.length; i++) for (let j = 0; j < r.kinds.length; j++) add(s.kinds[i], r.kinds[j]);
          }
        }
      }
    }
    const flows: Flow[] = [];
    for (const [from, targets] of candidates) {
      for (const to of targets) {
        const flow = this.flow(from, to);
        if (flow) flows.push(flow);
      }
    }
    return flows;
  }
}

interface Accepted {
  readonly traffic: TrafficSet;
  readonly note?: string;
}

const ALL_ACCEPTED: Accepted = { traffic: TrafficSet.ALL };
const NO_KINDS: readonly InterfaceKind[] = [];

function hasUnknownPeer(rules: readonly EffectiveRule[]): boolean {
  for (let i = 0; i < rules.length; i++) if (rules[i].peer.kind === 'unknown') return true;
  return false;
}

/** Whether an address rule (or one whose peer is not known) may match some address of the endpoint. */
function matchesAny(rules: readonly EffectiveRule[], endpoint: AddressEndpoint, overlaps: (set: AddressSet, of: AddressSet) => boolean): boolean {
  // Plain loops: this runs for every kind, once, before the JIT has made anything fast.
  for (let i = 0; i < rules.length; i++) {
    const peer = rules[i].peer;
    if (peer.kind === 'group') continue;
    if (peer.kind === 'unknown') {
      if (!endpoint.sets[4].isEmpty || !endpoint.sets[6].isEmpty) return true;
      continue;
    }
    if (overlaps(peer.sets[4], endpoint.sets[4]) || overlaps(peer.sets[6], endpoint.sets[6])) return true;
  }
  return false;
}

function participationSignature(p: Participation): string {
  return p.kind === 'no' ? 'no' : `${p.kind}:${p.set.signature()}`;
}

function addressCaveat(participation: Participation): string {
  if (participation.kind === 'no') return '';
  return participation.kind === 'maybe'
    ? 'the other end is in a VPC outside the app, so its addresses are not known'
    : `it depends on which address the other end gets in ${abbreviated(participation.set.toCidrs())}`;
}

function abbreviated(cidrs: string[]): string {
  return cidrs.length <= 3 ? cidrs.join(', ') : `${cidrs.slice(0, 3).join(', ')} and ${cidrs.length - 3} more ranges`;
}

/**
 * The traffic for which the rules' address sets, taken together, contain every address of `target`: split the
 * traffic where any rule's traffic begins or ends, and test each piece once.
 */
export function coverage(rules: ReadonlyArray<{ set: AddressSet; traffic: TrafficSet }>, target: AddressSet): TrafficSet {
  if (rules.length === 0 || target.isEmpty) return TrafficSet.EMPTY;
  if (rules.length === 1) return rules[0].set.contains(target) ? rules[0].traffic : TrafficSet.EMPTY;
  const cuts = [...new Set(rules.flatMap(r => r.traffic.boundaries()))].sort((a, b) => a - b);
  const covered: Array<[number, number]> = [];
  for (let i = 0; i < cuts.length - 1; i++) {
    const key = cuts[i];
    let union: AddressSet | undefined;
    for (const rule of rules) if (rule.traffic.has(key)) union = union ? union.union(rule.set) : rule.set;
    if (union && union.contains(target)) covered.push([key, cuts[i + 1] - 1]);
  }
  return TrafficSet.fromIntervals(covered);
}

const IMPLICIT_EGRESS = AWS_BEHAVIOURS.defaultEgressWithoutEgressRules.id;

/** A group's rules as the computation reads them. */
function effectiveRules(model: SecurityGroupModel, groupKey: string, shared: SharedParts): { ingress: EffectiveRule[]; egress: EffectiveRule[] } {
  const group = model.groups.get(groupKey);
  const ingress: EffectiveRule[] = [];
  const egress: EffectiveRule[] = [];
  if (!group) return { ingress, egress };
  const vpc = group.defaultOfVpc ? model.vpcs.get(group.defaultOfVpc) : undefined;
  // The group's rules, then the default group's from AWS; each read into its direction's list, without a list of
  // both or one per rule: this runs for every group of the app.
  const read = (rule: SecurityGroupRule) => {
    fromModelRule(model, rule, shared, rule.direction === 'ingress' ? ingress : egress);
    if (rule.implicitBy === IMPLICIT_EGRESS) {
      // The IPv6 half of the default egress is unsettled (see AWS_BEHAVIOURS): possible, never certain.
      const behaviour = AWS_BEHAVIOURS.defaultEgressIpv6;
      egress.push({
        direction: 'egress',
        groupKey,
        traffic: TrafficSet.ALL,
        peer: { kind: 'addresses', sets: { 4: AddressSet.empty(4), 6: AddressSet.whole(6) } },
        caveat: `not certain: ${behaviour.caveat} (${behaviour.id})`,
        supposed: 'the allow-all IPv6 egress a group without egress rules may have',
      });
    }
  };
  for (let i = 0; i < group.rules.length; i++) read(group.rules[i]);
  if (vpc) for (let i = 0; i < vpc.awsDefaultRules.length; i++) read(vpc.awsDefaultRules[i]);
  // A group the app does not define, or the default group of a VPC outside it, has rules the app cannot see.
  const outside = group.externalId !== undefined || (group.defaultOfVpc !== undefined && !vpc);
  if (outside) {
    const caveat = 'it carries a group defined outside the app, whose other rules are not known';
    const supposed = 'rules defined outside the app';
    ingress.push({ direction: 'ingress', groupKey, traffic: TrafficSet.ALL, peer: { kind: 'unknown' }, caveat, supposed });
    egress.push({ direction: 'egress', groupKey, traffic: TrafficSet.ALL, peer: { kind: 'unknown' }, caveat, supposed });
  }
  return { ingress, egress };
}

/** What the rules of one effective access share: most rules of an app name a few ranges, on a few ports. */
interface SharedParts {
  /** Address sets by CIDR text. */
  readonly setsByCidr: Map<string, Record<Family, AddressSet>>;
  /**
   * Traffic sets by what the rule says, so that equal traffic is one object (and its signature found once): by
   * protocol and whether ports or an ICMP type follow, then by the two numbers, without a key string per rule.
   */
  readonly trafficByRule: Map<string, Map<number, Map<number, TrafficSet>>>;
}

function trafficOf(traffic: Traffic, shared: SharedParts): TrafficSet {
  const { ports, icmp } = traffic;
  const kind = `${traffic.protocol}|${ports ? 'ports' : icmp ? 'icmp' : ''}`;
  const first = ports ? ports.from : icmp ? icmp.type : 0;
  const second = ports ? ports.to : icmp ? icmp.code : 0;
  let byFirst = shared.trafficByRule.get(kind);
  if (!byFirst) shared.trafficByRule.set(kind, byFirst = new Map());
  let bySecond = byFirst.get(first);
  if (!bySecond) byFirst.set(first, bySecond = new Map());
  let set = bySecond.get(second);
  if (!set) bySecond.set(second, set = TrafficSet.of(traffic));
  return set;
}

/** Where the rule's ports are read in a way AWS does not settle (tcp -1 as every port): what the flow rests on. */
function unsettledReading(rule: SecurityGroupRule): string | undefined {
  const behaviour = rule.trafficUnsettledBy === undefined ? undefined : behaviourById(rule.trafficUnsettledBy);
  return behaviour ? `not certain: ${behaviour.caveat} (${behaviour.id})` : undefined;
}

/** The effective rules a model's rule stands for (one, or two for a prefix list read in part), added to `into`. */
function fromModelRule(model: SecurityGroupModel, rule: SecurityGroupRule, shared: SharedParts, into: EffectiveRule[]): void {
  const traffic = rule.traffic ? trafficOf(rule.traffic, shared) : TrafficSet.ALL;
  const trafficCaveat = !rule.traffic ? `a rule's traffic cannot be read (${rule.trafficProblem ?? 'unknown'})` : unsettledReading(rule);
  const peer = rule.peer;
  switch (peer.kind) {
    case 'group':
      into.push({ direction: rule.direction, groupKey: rule.groupKey, traffic, source: rule, peer: { kind: 'group', groupKey: peer.groupKey }, caveat: trafficCaveat });
      return;
    case 'cidr': {
      let sets = shared.setsByCidr.get(peer.cidr.text);
      if (!sets) shared.setsByCidr.set(peer.cidr.text, sets = setsOf([peer.cidr]));
      into.push({ direction: rule.direction, groupKey: rule.groupKey, traffic, source: rule, peer: { kind: 'addresses', sets }, caveat: trafficCaveat });
      return;
    }
  }
  const base = { direction: rule.direction, groupKey: rule.groupKey, traffic, source: rule };
  if (peer.kind === 'unresolved') {
    into.push({ ...base, peer: { kind: 'unknown' }, caveat: `a rule's peer is not resolved (${peer.reason})` });
    return;
  }
  const list = peer.prefixListKey ? model.prefixLists.get(peer.prefixListKey) : undefined;
  if (!list) {
    into.push({ ...base, peer: { kind: 'unknown' }, caveat: trafficCaveat ?? `prefix list ${peer.id} is not defined in the app, so its entries are not known` });
    return;
  }
  into.push({ ...base, peer: { kind: 'addresses', sets: setsOf(list.entries) }, caveat: trafficCaveat });
  if (list.unresolvedEntries !== 0) into.push({ ...base, peer: { kind: 'unknown' }, caveat: `${list.unresolvedEntries} entries of prefix list ${peer.id} cannot be read at synth` });
}

export function setsOf(cidrs: readonly import('../model/cidr').Cidr[]): Record<Family, AddressSet> {
  return { 4: AddressSet.ofCidrs(4, cidrs), 6: AddressSet.ofCidrs(6, cidrs) };
}
