import { AddressSet, Family } from './address-set';
import { PolicyStatement, PortSpec, ReachabilityDeclarations } from './declarations';
import { AddressEndpoint, EffectiveAccess, Flow, InterfaceKind, OUT_OF_SCOPE } from './effective-access';
import { EndpointResolver, ResolvedEndpoint, internetEndpoint } from './endpoints';
import { TrafficSet } from './traffic-set';
import { End, Witness } from './witness';
import { behaviourById } from '../model/aws-behaviours';
import { readTraffic } from '../model/ports';
import { ResourceRef, resourceKey } from '../model/types';

/** A statement the app breaks, where, and whether that is certain. */
export interface PolicyViolation {
  readonly at: ResourceRef;
  readonly message: string;
  /** False where it depends on something the app does not settle: then at most a warning, and the message says why. */
  readonly certain: boolean;
}

/** What one statement found at one place. */
interface Item {
  readonly text: string;
  readonly certain: boolean;
  readonly caveats: readonly string[];
}

const FAMILIES: readonly Family[] = [4, 6];
const NO_FLOWS: readonly Flow[] = [];
const SHOWN = 3;

/** The traffic of ports as a policy gives them; all traffic when it gives none. */
export function trafficOfPorts(ports: readonly PortSpec[] | undefined): TrafficSet {
  if (ports === undefined) return TrafficSet.ALL;
  let traffic = TrafficSet.EMPTY;
  for (const port of ports) {
    const read = readTraffic(port.ipProtocol, port.fromPort, port.toPort);
    if (read.traffic) traffic = traffic.union(TrafficSet.of(read.traffic));
  }
  return traffic;
}

/** Every statement, evaluated over the app's effective access. Never throws on a statement. */
export function evaluatePolicies(access: EffectiveAccess, declarations: ReachabilityDeclarations): PolicyViolation[] {
  const evaluator = new PolicyEvaluator(access, declarations);
  const violations: PolicyViolation[] = [];
  for (const problem of declarations.problems ?? []) {
    violations.push({ at: policyRef(problem.declaredAt), message: `A reachability declaration at ${problem.declaredAt} cannot be read: ${problem.message}. It checks nothing.`, certain: false });
  }
  for (const statement of declarations.statements) {
    try {
      violations.push(...evaluator.evaluate(statement));
    } catch (e) {
      violations.push({ at: policyRef(statement.declaredAt), message: `The reachability policy ${describeStatement(statement)} could not be evaluated and checked nothing: ${(e as Error).message}`, certain: false });
    }
  }
  return violations;
}

/** Where a finding about a policy itself goes: the policy's construct path. */
function policyRef(declaredAt: string): ResourceRef {
  return { stackId: '(app)', stackName: '(app)', logicalId: '(policy)', type: 'AWS::CDK::ReachabilityPolicy', constructPath: declaredAt };
}

/** A statement in words, for messages: "only tier api may reach OrdersData/Postgres, on tcp 5432". */
export function describeStatement(statement: PolicyStatement, labels?: { target: string; sources: string[] }): string {
  const target = labels?.target ?? endpointText(statement.target);
  const sources = labels?.sources ?? statement.sources.map(endpointText);
  const ports = statement.ports ? ` on ${trafficOfPorts(statement.ports)}` : '';
  const name = statement.description ? `"${statement.description}": ` : '';
  switch (statement.kind) {
    case 'onlyFrom': return `${name}only ${sources.join(', ')} may reach ${target}${ports ? `, and only${ports}` : ''}`;
    case 'never': return `${name}${sources[0]} must never reach ${target}${ports}`;
    case 'notFromInternet': return `${name}nothing on the internet may reach ${target}${ports}`;
    case 'mustReach': return `${name}${sources[0]} must reach ${target}${ports}`;
  }
}

function endpointText(spec: PolicyStatement['target']): string {
  switch (spec.kind) {
    case 'construct': return spec.path;
    case 'tier': return `tier ${spec.name}`;
    case 'internet': return spec.family ? `the IPv${spec.family} internet` : 'the internet';
    case 'cidr': return spec.cidr;
    case 'vpcCidr': return `the CIDR of ${spec.path}`;
    case 'prefixList': return `prefix list ${spec.id ?? spec.path}`;
    case 'group': return spec.id ?? spec.path ?? 'a group';
    case 'name': return spec.name;
    case 'any': return spec.label;
  }
}

class PolicyEvaluator {
  private readonly resolver: EndpointResolver;
  private readonly witness: Witness;
  private flowsInto?: Map<InterfaceKind, Flow[]>;
  private flowsOutOf?: Map<InterfaceKind, Flow[]>;
  private carried?: Set<string>;

  constructor(private readonly access: EffectiveAccess, declarations: ReachabilityDeclarations) {
    this.resolver = new EndpointResolver(access, declarations);
    this.witness = new Witness(access.model);
  }

  public evaluate(statement: PolicyStatement): PolicyViolation[] {
    const target = this.resolver.resolve(statement.target);
    const sources = statement.kind === 'notFromInternet' ? [internetEndpoint()] : statement.sources.map(s => this.resolver.resolve(s));
    const labels = { target: target.label, sources: sources.map(s => s.label) };
    const title = describeStatement(statement, labels);
    const problems = [target, ...sources].filter(e => e.problem).map(e => e.problem!);
    // Traffic into a Lambda function's or an interface endpoint's interfaces is unsettled (AWS_BEHAVIOURS): a
    // statement broken only by what their groups admit is at most a warning. What they must reach is not affected.
    const findings = new Findings(statement, title, statement.kind === 'mustReach' ? () => undefined : this.unsettledInbound(target));
    for (const problem of problems) findings.problem(problem);
    const ports = trafficOfPorts(statement.ports);
    if (!target.problem) {
      switch (statement.kind) {
        case 'onlyFrom': this.onlyFrom(target, sources, statement.ports ? ports : undefined, findings); break;
        case 'never':
        case 'notFromInternet': if (!sources[0].problem) this.never(sources[0], target, ports, findings); break;
        case 'mustReach': if (!sources[0].problem) this.mustReach(sources[0], target, ports, findings); break;
      }
    }
    return findings.violations();
  }

  /**
   * The caveat a finding at one of the target's resources carries where no source settles its inbound traffic.
   * Worked out where a finding is made: a statement about a stack of functions holds far more often than not.
   */
  private unsettledInbound(target: ResolvedEndpoint): (resourceKey: string) => string | undefined {
    let keys: Set<string> | undefined;
    return key => {
      keys ??= new Set(target.members.map(m => m.resourceKey));
      const unsettled = keys.has(key) ? this.access.model.inboundUnsettled.get(key) : undefined;
      if (!unsettled) return undefined;
      const behaviour = behaviourById(unsettled.behaviour);
      return `${unsettled.what}: ${behaviour?.caveat ?? 'what it accepts is not settled'} (${unsettled.behaviour})`;
    };
  }

  private ends(endpoint: ResolvedEndpoint): End[] {
    return [...endpoint.members.map(m => ({ kind: m.kind, member: m })), ...endpoint.supposed.map(kind => ({ kind }))];
  }

  /** Where a finding about an end goes: its resource, or the group a supposed member would carry. */
  private at(end: End): ResourceRef {
    if (end.member) return end.member.resource;
    const group = this.access.model.groups.get(end.kind.groups[0]);
    return group?.ref ?? { stackId: '(app)', stackName: '(app)', logicalId: end.kind.groups[0] ?? '(group)', type: 'AWS::EC2::SecurityGroup' };
  }

  private never(source: ResolvedEndpoint, target: ResolvedEndpoint, ports: TrafficSet, findings: Findings) {
    if (source.addresses && target.addresses) {
      findings.problem('both ends are address ranges, which security groups do not stand between');
      return;
    }
    // A plain loop over every member of the other end (see EffectiveAccess's constructor).
    if (source.addresses) {
      const ends = this.ends(target);
      for (let i = 0; i < ends.length; i++) this.addressReach('ingress', ends[i], source.addresses, ports, findings);
      return;
    }
    if (target.addresses) {
      const ends = this.ends(source);
      for (let i = 0; i < ends.length; i++) this.addressReach('egress', ends[i], target.addresses, ports, findings);
      return;
    }
    // Between members of the app, the matrix holds every flow: look up the flows out of each source's kind
    // rather than try every pair of ends, which grows with the product of two tiers.
    const targets = this.ends(target);
    const membersByKind = new Map<InterfaceKind, End[]>();
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i];
      if (t.member) (membersByKind.get(t.kind) ?? membersByKind.set(t.kind, []).get(t.kind)!).push(t);
    }
    const supposedTargets = targets.filter(t => !t.member);
    const sources = this.ends(source);
    for (let i = 0; i < sources.length; i++) {
      const s = sources[i];
      // Most members of a tier reach nothing of the other: nothing to pair (a plain loop, see EffectiveAccess).
      if (s.member && supposedTargets.length === 0 && this.flowsOutOfKind(s.kind).length === 0) continue;
      const pairs: Array<[End, Flow | undefined]> = s.member
        ? this.flowsOutOfKind(s.kind).flatMap(flow => (membersByKind.get(flow.to) ?? []).map((t): [End, Flow] => [t, flow]))
        : targets.filter(t => t.member).map((t): [End, Flow | undefined] => [t, this.access.flow(s.kind, t.kind)]);
      for (const t of supposedTargets) pairs.push([t, this.access.flow(s.kind, t.kind)]);
      for (const [t, flow] of pairs) {
        if (!flow || sameResource(s, t)) continue;
        const possible = flow.possible.intersect(ports);
        if (possible.isEmpty) continue;
        const certain = flow.certain.intersect(ports);
        findings.add(this.at(t), {
          text: this.witness.flow(s, t, flow, certain.isEmpty ? possible : certain),
          certain: !certain.isEmpty,
          caveats: certain.isEmpty ? flow.caveats : [],
        });
      }
    }
  }

  /** The flows out of a kind of the app's members, from the matrix. */
  private flowsOutOfKind(kind: InterfaceKind): readonly Flow[] {
    if (!this.flowsOutOf) {
      this.flowsOutOf = new Map();
      for (const flow of this.access.flows()) (this.flowsOutOf.get(flow.from) ?? this.flowsOutOf.set(flow.from, []).get(flow.from)!).push(flow);
    }
    return this.flowsOutOf.get(kind) ?? NO_FLOWS;
  }

  /** An address endpoint reaching an end (ingress) or an end reaching it (egress), on `ports`. */
  private addressReach(direction: 'ingress' | 'egress', end: End, endpoint: AddressEndpoint, ports: TrafficSet, findings: Findings) {
    const access = this.access.addressAccess(end.kind, direction, endpoint);
    const possible = (endpoint.internet ? access.everyPossible : access.somePossible).intersect(ports);
    if (possible.isEmpty) return;
    const certain = (endpoint.internet ? access.everyCertain : access.someCertain).intersect(ports);
    findings.add(this.at(end), {
      text: this.witness.addressFlow(direction, end, endpoint, access, certain.isEmpty ? possible : certain),
      certain: !certain.isEmpty,
      caveats: certain.isEmpty ? access.caveats : [],
    });
  }

  private onlyFrom(target: ResolvedEndpoint, sources: ResolvedEndpoint[], ports: TrafficSet | undefined, findings: Findings) {
    if (target.addresses) {
      findings.problem('its target is an address range, which has no security group to admit or refuse anything');
      return;
    }
    const allowedResources = new Set(sources.flatMap(s => s.members.map(m => m.resourceKey)));
    const allowedKinds = new Set(sources.flatMap(s => s.supposed));
    // The internet as a source means anyone: every address, private ones too, so that onlyFrom(alb, [internet], 443) says "only on 443".
    const addressesOf = (f: Family) => sources.reduce((set, s) => {
      if (!s.addresses || s.addresses.sets[f].isEmpty) return set;
      return set.union(s.addresses.internet ? AddressSet.whole(f) : s.addresses.sets[f]);
    }, AddressSet.empty(f));
    const allowedAddresses: Record<Family, AddressSet> = { 4: addressesOf(4), 6: addressesOf(6) };
    const targetResources = new Set(target.members.map(m => m.resourceKey));
    const beyond = (traffic: TrafficSet) => (ports ? traffic.subtract(ports) : TrafficSet.EMPTY);
    for (const t of this.ends(target)) {
      for (const flow of this.flowsIntoKind(t.kind)) {
        const senders: End[] = flow.from.members.length > 0 ? flow.from.members.map(m => ({ kind: flow.from, member: m })) : [{ kind: flow.from }];
        for (const s of senders) {
          if (s.member && targetResources.has(s.member.resourceKey)) continue;
          if (sameResource(s, t)) continue;
          const allowed = s.member ? allowedResources.has(s.member.resourceKey) || within(s.kind, allowedAddresses) : allowedKinds.has(s.kind);
          const possible = allowed ? beyond(flow.possible) : flow.possible;
          if (possible.isEmpty) continue;
          // A group nothing in the app carries stands for whatever outside the app carries it: it may reach the
          // target, which is worth saying, but the app alone does not make it so.
          const certain = !s.member ? TrafficSet.EMPTY : allowed ? beyond(flow.certain) : flow.certain;
          const outside = s.member ? [] : [`nothing in the app carries ${this.witness.groups(s.kind)}, so only what outside the app is given it reaches the target`];
          findings.add(this.at(t), {
            text: `${this.witness.flow(s, t, flow, certain.isEmpty ? possible : certain)}${allowed ? ' It may reach it, but not on that.' : ''}`,
            certain: !certain.isEmpty,
            caveats: certain.isEmpty ? [...outside, ...flow.caveats] : [],
          });
        }
      }
      // Address rules admit hosts that are not the sources, whatever the app's own interfaces do.
      for (const rule of t.kind.ingress) {
        if (rule.peer.kind === 'group') continue;
        const traffic = rule.traffic.intersect(t.kind.accepts);
        let outside = false;
        for (const family of FAMILIES) {
          const set = rule.peer.kind === 'addresses' ? rule.peer.sets[family] : AddressSet.whole(family);
          if (!set.subtract(allowedAddresses[family]).isEmpty) outside = true;
        }
        const bad = outside ? traffic : beyond(traffic);
        if (bad.isEmpty) continue;
        const certain = rule.peer.kind === 'addresses' && rule.caveat === undefined;
        const admitted = rule.peer.kind === 'addresses' ? FAMILIES.flatMap(f => (rule.peer as { sets: Record<Family, AddressSet> }).sets[f].subtract(allowedAddresses[f]).toCidrs()) : [];
        const who = rule.peer.kind === 'addresses' ? (admitted.length > 0 ? `any host in ${abbreviate(admitted)}` : 'the allowed addresses') : 'a peer the app does not resolve';
        findings.add(this.at(t), {
          text: `${this.witness.end(t)} admits ${who} on ${bad}: ${this.witness.rule(rule)}. Name those addresses among the sources if they are meant to reach it.`,
          certain,
          caveats: certain ? [] : [rule.caveat ?? 'the rule\'s peer is not known'],
        });
      }
    }
  }

  private mustReach(source: ResolvedEndpoint, target: ResolvedEndpoint, ports: TrafficSet, findings: Findings) {
    if (source.addresses && target.addresses) {
      findings.problem('both ends are address ranges, which security groups do not stand between');
      return;
    }
    if (source.addresses || target.addresses) {
      const direction = source.addresses ? 'ingress' : 'egress';
      const endpoint = (source.addresses ?? target.addresses)!;
      for (const end of this.ends(source.addresses ? target : source)) {
        const access = this.access.addressAccess(end.kind, direction, endpoint);
        const missing = ports.subtract(access.everyCertain);
        if (missing.isEmpty) continue;
        const possible = missing.subtract(access.everyPossible).isEmpty;
        const side = direction === 'ingress' ? `the ingress of ${this.witness.groups(end.kind)} does not admit all of ${endpoint.label}` : `the egress of ${this.witness.groups(end.kind)} does not send to all of ${endpoint.label}`;
        const group = preferredGroup(this.access, end.kind);
        const fix = group ? ` The smallest fix: an ${direction} rule on ${this.witness.group(group)} ${direction === 'ingress' ? 'from' : 'to'} ${endpoint.label} on ${missing}.` : '';
        const head = direction === 'ingress' ? `${endpoint.label} cannot reach ${this.witness.end(end)} on ${missing}` : `${this.witness.end(end)} cannot reach ${endpoint.label} on ${missing}`;
        findings.add(this.at(end), { text: `${head}: ${side}.${possible ? '' : fix}`, certain: !possible, caveats: possible ? access.caveats : [] });
      }
      return;
    }
    for (const s of this.ends(source)) {
      for (const t of this.ends(target)) {
        if (sameResource(s, t)) continue;
        const flow = this.access.flow(s.kind, t.kind);
        const missing = ports.subtract(flow?.certain ?? TrafficSet.EMPTY);
        if (missing.isEmpty) continue;
        const possible = flow !== undefined && missing.subtract(flow.possible).isEmpty;
        if (possible) {
          findings.add(this.at(s), { text: `${this.witness.end(s)} may not reach ${this.witness.end(t)} on ${missing}: it cannot be proved.`, certain: false, caveats: flow!.caveats });
          continue;
        }
        findings.add(this.at(s), { text: diagnose(this.access, this.witness, s, t, missing), certain: true, caveats: [] });
      }
    }
  }

  private flowsIntoKind(kind: InterfaceKind): Flow[] {
    if (!this.flowsInto) {
      this.flowsInto = new Map();
      for (const flow of this.access.flows()) {
        const list = this.flowsInto.get(flow.to) ?? [];
        list.push(flow);
        this.flowsInto.set(flow.to, list);
      }
    }
    if (kind.members.length > 0) {
      // The matrix holds flows between the app's members; a group the kind admits that nothing in the app
      // carries is a sender too (a SAR application's function, an instance outside the app given the group).
      if (!this.carried) this.carried = new Set(this.access.kinds.filter(k => k.members.length > 0).flatMap(k => k.groups));
      const uncarried = [...new Set(kind.ingress.flatMap(r => (r.peer.kind === 'group' && !this.carried!.has(r.peer.groupKey) ? [r.peer.groupKey] : [])))];
      const fromOutside = uncarried.map(g => this.access.flow(this.access.supposedMemberOf(g), kind)).filter((f): f is Flow => f !== undefined);
      return [...(this.flowsInto.get(kind) ?? []), ...fromOutside];
    }
    // A supposed member is not in the matrix: ask each kind of the app.
    return this.access.kinds.filter(k => k.members.length > 0).map(k => this.access.flow(k, kind)).filter((f): f is Flow => f !== undefined);
  }
}

/** Which side is missing, what the other side already grants, and the smallest rule that would fix it. */
export function diagnose(access: EffectiveAccess, witness: Witness, s: End, t: End, missing: TrafficSet): string {
  let egress = TrafficSet.EMPTY;
  let ingress = TrafficSet.EMPTY;
  const granting: string[] = [];
  for (const family of FAMILIES) {
    if (s.kind.addresses[family].kind === 'no' || t.kind.addresses[family].kind === 'no') continue;
    const out = access.side(s.kind.egress, t.kind, family);
    const into = access.side(t.kind.ingress, s.kind, family);
    egress = egress.union(out.certain);
    ingress = ingress.union(into.certain);
    for (const m of [...out.matched, ...into.matched]) {
      if (m.certain && !m.rule.traffic.intersect(missing).isEmpty) granting.push(witness.rule(m.rule));
    }
  }
  const parts: string[] = [];
  const refused = missing.subtract(t.kind.accepts);
  if (!refused.isEmpty) parts.push(`${witness.end(t)} does not accept ${refused}: ${t.kind.acceptsNote ?? 'it accepts other traffic only'}, so no rule can open it`);
  const open = missing.intersect(t.kind.accepts);
  const noEgress = open.subtract(egress);
  const noIngress = open.subtract(ingress);
  const sourceGroup = preferredGroup(access, s.kind);
  const targetGroup = preferredGroup(access, t.kind);
  const fixes: string[] = [];
  if (!noEgress.isEmpty) {
    parts.push(`the egress of ${witness.groups(s.kind)} does not send ${noEgress} to it`);
    if (sourceGroup && targetGroup) fixes.push(`an egress rule on ${witness.group(sourceGroup)} to ${witness.group(targetGroup)} on ${noEgress}`);
  }
  if (!noIngress.isEmpty) {
    parts.push(`the ingress of ${witness.groups(t.kind)} does not admit ${noIngress} from it`);
    if (sourceGroup && targetGroup) fixes.push(`an ingress rule on ${witness.group(targetGroup)} from ${witness.group(sourceGroup)} on ${noIngress}`);
  }
  if (noEgress.isEmpty && noIngress.isEmpty && refused.isEmpty) parts.push('each side admits it, but not for every address the two ends may have');
  const already = granting.length > 0 ? ` Already granted: ${[...new Set(granting)].slice(0, 2).join('; ')}.` : '';
  const fix = fixes.length > 0 ? ` The smallest fix: ${fixes.join(', and ')}.` : '';
  return `${witness.end(s)} cannot reach ${witness.end(t)} on ${missing}: ${parts.join('; ')}.${already}${fix}`;
}

/** The group a fix should name: one the app defines, not a default group, else the first. */
export function preferredGroup(access: EffectiveAccess, kind: InterfaceKind): string | undefined {
  const groups = kind.groups.map(g => access.model.groups.get(g)).filter(g => g !== undefined);
  return (groups.find(g => g!.ref && !g!.defaultOfVpc) ?? groups[0])?.key;
}

function sameResource(a: End, b: End): boolean {
  return a.member !== undefined && b.member !== undefined && a.member.resourceKey === b.member.resourceKey;
}

/** Whether every address an interface of this kind may have lies in `allowed`. */
function within(kind: InterfaceKind, allowed: Record<Family, AddressSet>): boolean {
  if (allowed[4].isEmpty && allowed[6].isEmpty) return false;
  return FAMILIES.every(f => {
    const p = kind.addresses[f];
    return p.kind === 'no' || allowed[f].contains(p.set);
  });
}

function abbreviate(cidrs: string[]): string {
  return cidrs.length <= 3 ? cidrs.join(', ') : `${cidrs.slice(0, 3).join(', ')} and ${cidrs.length - 3} more ranges`;
}

/** The items of one statement, gathered by place: one finding per place, its first few witnesses in full. */
class Findings {
  private readonly byPlace = new Map<string, { at: ResourceRef; items: Item[] }>();
  private readonly problems: string[] = [];

  constructor(
    private readonly statement: PolicyStatement,
    private readonly title: string,
    private readonly unsettled: (resourceKey: string) => string | undefined,
  ) {}

  public add(at: ResourceRef, found: Item) {
    const caveat = this.unsettled(resourceKey(at.stackId, at.logicalId));
    const item = caveat && found.certain ? { ...found, certain: false, caveats: [...found.caveats, caveat] } : found;
    const key = `${at.stackId}|${at.logicalId}|${at.constructPath ?? ''}`;
    const place = this.byPlace.get(key) ?? this.byPlace.set(key, { at, items: [] }).get(key)!;
    if (!place.items.some(i => i.text === item.text)) place.items.push(item);
  }

  public problem(text: string) {
    this.problems.push(text);
  }

  public violations(): PolicyViolation[] {
    const out: PolicyViolation[] = [];
    const declared = `(declared at ${this.statement.declaredAt})`;
    for (const problem of this.problems) {
      out.push({ at: policyRef(this.statement.declaredAt), message: `The reachability policy ${this.title} ${declared} checks less than it says: ${problem}.`, certain: false });
    }
    for (const { at, items } of this.byPlace.values()) {
      const certain = items.filter(i => i.certain);
      const shown = (certain.length > 0 ? certain : items).slice(0, SHOWN);
      const rest = (certain.length > 0 ? certain : items).length - shown.length;
      const caveats = certain.length > 0 ? [] : [...new Set(items.flatMap(i => i.caveats))];
      const verb = this.statement.kind === 'mustReach' ? 'is not met' : 'is broken';
      const message = [
        `The reachability policy ${this.title} ${declared} ${verb}${certain.length > 0 ? '' : ' unless the unknowns say otherwise'}:`,
        ...shown.map(i => i.text),
        ...(rest > 0 ? [`And ${rest} more like it (all in sg-strategy-reachability.json).`] : []),
        ...(caveats.length > 0 ? [`Not certain: ${caveats.join('; ')}.`] : []),
        OUT_OF_SCOPE,
      ].join(' ');
      out.push({ at, message, certain: certain.length > 0 });
    }
    return out;
  }
}
