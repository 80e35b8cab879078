import { Family } from './address-set';
import { ReachabilityDeclarations } from './declarations';
import { EffectiveAccess, OUT_OF_SCOPE } from './effective-access';
import { EndpointResolver, ResolvedEndpoint } from './endpoints';
import { diagnose } from './evaluate';
import { TrafficSet } from './traffic-set';
import { End, Witness } from './witness';

/** Can A reach B, on what, and through which rules. */
export interface ReachAnswer {
  readonly from: string;
  readonly to: string;
  readonly reaches: boolean;
  /** Traffic that may flow, in words. */
  readonly traffic: string[];
  /** The part that flows whatever the unknowns are. */
  readonly certain: string[];
  /** Each pair of resources (or address range and resource) with a flow, in words, with its rules. */
  readonly paths: Array<{ readonly text: string; readonly traffic: string[]; readonly certain: boolean }>;
  /** Where nothing flows (or not all of `--port`): which side refuses it. */
  readonly blocked: string[];
  readonly caveats: string[];
  readonly scope: string;
}

export class ReachQueryError extends Error {}

const FAMILIES: readonly Family[] = [4, 6];
const MAX_PATHS = 20;

/** Answers `sg-strategy reach <from> <to>`, optionally for some traffic only. */
export function answerReach(
  access: EffectiveAccess, declarations: ReachabilityDeclarations, fromName: string, toName: string, ports?: TrafficSet,
): ReachAnswer {
  const resolver = new EndpointResolver(access, declarations);
  const witness = new Witness(access.model);
  const from = resolver.name(fromName);
  const to = resolver.name(toName);
  for (const end of [from, to]) if (end.problem) throw new ReachQueryError(end.problem);
  if (from.addresses && to.addresses) throw new ReachQueryError(`${from.label} and ${to.label} are both address ranges, which security groups do not stand between`);
  const wanted = ports ?? TrafficSet.ALL;
  const paths: Array<{ text: string; traffic: TrafficSet; certain: TrafficSet }> = [];
  const blocked: string[] = [];
  const caveats = new Set<string>();
  let possible = TrafficSet.EMPTY;
  let certain = TrafficSet.EMPTY;
  if (from.addresses || to.addresses) {
    const direction = from.addresses ? 'ingress' : 'egress';
    const endpoint = (from.addresses ?? to.addresses)!;
    for (const end of ends(from.addresses ? to : from)) {
      const access_ = access.addressAccess(end.kind, direction, endpoint);
      const some = (endpoint.internet ? access_.everyPossible : access_.somePossible).intersect(wanted);
      const sure = (endpoint.internet ? access_.everyCertain : access_.someCertain).intersect(wanted);
      if (some.isEmpty) {
        const on = ports ? ` on ${ports}` : '';
        const what = endpoint.internet ? `every public address${on}` : `anything in ${endpoint.label}${on}`;
        blocked.push(direction === 'ingress'
          ? `The ingress of ${witness.groups(end.kind)} does not admit ${what}`
          : `The egress of ${witness.groups(end.kind)} does not send to ${what}`);
        continue;
      }
      possible = possible.union(some);
      certain = certain.union(sure);
      if (!sure.equals(some)) access_.caveats.forEach(c => caveats.add(c));
      paths.push({ text: witness.addressFlow(direction, end, endpoint, access_, some), traffic: some, certain: sure });
    }
  } else {
    for (const s of ends(from)) {
      for (const t of ends(to)) {
        if (s.member && t.member && s.member.resourceKey === t.member.resourceKey) continue;
        const flow = access.flow(s.kind, t.kind);
        const some = flow?.possible.intersect(wanted) ?? TrafficSet.EMPTY;
        if (ports && !ports.subtract(flow?.certain ?? TrafficSet.EMPTY).isEmpty) {
          const missing = ports.subtract(flow?.certain ?? TrafficSet.EMPTY);
          blocked.push(missing.subtract(flow?.possible ?? TrafficSet.EMPTY).isEmpty
            ? `${witness.end(s)} may not reach ${witness.end(t)} on ${missing}: it cannot be proved`
            : diagnose(access, witness, s, t, missing));
        } else if (some.isEmpty) {
          blocked.push(nothingFlows(access, witness, s, t));
        }
        if (!flow || some.isEmpty) continue;
        possible = possible.union(some);
        const sure = flow.certain.intersect(wanted);
        certain = certain.union(sure);
        if (!sure.equals(some)) flow.caveats.forEach(c => caveats.add(c));
        paths.push({ text: witness.flow(s, t, flow, some), traffic: some, certain: sure });
      }
    }
  }
  return {
    from: from.label,
    to: to.label,
    reaches: !possible.isEmpty,
    traffic: possible.describe(),
    certain: certain.describe(),
    paths: paths.slice(0, MAX_PATHS).map(p => ({ text: p.text, traffic: p.traffic.describe(), certain: p.certain.equals(p.traffic) })),
    blocked: [...new Set(blocked)].slice(0, MAX_PATHS),
    caveats: [...caveats],
    scope: OUT_OF_SCOPE,
  };
}

function ends(endpoint: ResolvedEndpoint): End[] {
  return [...endpoint.members.map(m => ({ kind: m.kind, member: m })), ...endpoint.supposed.map(kind => ({ kind }))];
}

/** Why nothing at all flows between two ends: what each side allows toward the other. */
function nothingFlows(access: EffectiveAccess, witness: Witness, s: End, t: End): string {
  let out = TrafficSet.EMPTY;
  let into = TrafficSet.EMPTY;
  for (const family of FAMILIES) {
    if (s.kind.addresses[family].kind === 'no' || t.kind.addresses[family].kind === 'no') continue;
    out = out.union(access.side(s.kind.egress, t.kind, family).possible);
    into = into.union(access.side(t.kind.ingress, s.kind, family).possible);
  }
  into = into.intersect(t.kind.accepts);
  const sends = out.isEmpty ? 'sends nothing to it' : `sends only ${out} to it`;
  const admits = into.isEmpty ? 'admits nothing from it' : `admits only ${into} from it`;
  return `${witness.end(s)} does not reach ${witness.end(t)}: the egress of ${witness.groups(s.kind)} ${sends}, and the ingress of ${witness.groups(t.kind)} ${admits}`;
}
