import { behaviourById } from '../model/aws-behaviours';

export { behaviourById };
import { describeTraffic } from '../model/ports';
import { Peer, ResourceRef, SecurityGroupModel, SecurityGroupNode, SecurityGroupRule, refLabel, resourceKey } from '../model/types';

export type Level = 'error' | 'warning' | 'info';

/** Every parameter a rule can read, with defaults filled in. */
export interface RuleParameters {
  readonly adminPorts: number[];
  readonly dataPorts: number[];
  readonly allowedPublicPorts: number[];
  readonly widestPrivateIpv4Prefix: number;
  readonly widestPublicIpv4Prefix: number;
  readonly widestPrivateIpv6Prefix: number;
  readonly widestPublicIpv6Prefix: number;
  readonly securityGroupsPerInterfaceQuota: number;
  readonly securityGroupsPerInterfaceHardLimit: number;
  readonly rulesPerDirectionQuota: number;
  readonly groupNamePattern?: RegExp;
  /** Whether a rule runs; rules use it to pick the most specific of overlapping rules. */
  readonly isEnabled: (ruleId: string) => boolean;
}

/** What a rule reports: where, what, and optionally a level other than the rule's own. */
export interface RawFinding {
  readonly at: ResourceRef;
  readonly message: string;
  readonly level?: Level;
}

export interface RuleDefinition {
  /** The public rule id. Acknowledge it as `sg-strategy::<id>`. */
  readonly id: string;
  readonly defaultLevel: Level;
  /** One line: what the rule flags. */
  readonly title: string;
  readonly rationale: string;
  /**
   * What to do. Code is written in backticks, as TypeScript (`allowAllOutbound: false`, `ec2.Port.tcp(5432)`):
   * findings give it in the app's language (see checks/language.ts).
   */
  readonly fix: string;
  /** A short TypeScript example of the flagged pattern and its fix. */
  readonly example: string;
  readonly check: (model: SecurityGroupModel, params: RuleParameters) => RawFinding[];
}

// --- Helpers the rules share -----------------------------------------------------------------------------

export function groupLabel(model: SecurityGroupModel, key: string): string {
  const group = model.groups.get(key);
  if (!group) return key;
  if (group.defaultOfVpc) {
    // The model names a VPC outside the app by what it knows of it: "VPC vpc-1", "the account's default VPC".
    const vpc = model.vpcs.get(group.defaultOfVpc);
    return `the default security group of ${vpc ? refLabel(vpc.ref) : group.externalId ?? 'a VPC outside the app'}`;
  }
  if (group.ref) return refLabel(group.ref);
  return group.externalId ?? key;
}

export { refLabel };

export function peerLabel(model: SecurityGroupModel, peer: Peer, self?: string): string {
  switch (peer.kind) {
    case 'cidr': {
      const via = peer.viaParameter ? ` (the default of parameter ${peer.viaParameter})` : peer.vpcCidrOf ? ' (the whole VPC CIDR)' : '';
      return `${peer.cidr.text}${via}`;
    }
    case 'group': return peer.groupKey === self ? 'itself' : `group ${groupLabel(model, peer.groupKey)}`;
    case 'prefixList': return `prefix list ${peer.id}${peer.holdsWorld ? ', which holds the whole internet' : ''}`;
    case 'unresolved': return `an unresolved peer (${peer.reason})`;
  }
}

export function ruleLabel(model: SecurityGroupModel, rule: SecurityGroupRule): string {
  const traffic = rule.traffic ? describeTraffic(rule.traffic) : 'unknown traffic';
  const peer = peerLabel(model, rule.peer, rule.groupKey);
  return rule.direction === 'ingress' ? `admits ${traffic} from ${peer}` : `sends ${traffic} to ${peer}`;
}

/** 0.0.0.0/0, ::/0, or a prefix list of the app with either among its entries (see AWS_BEHAVIOURS). */
export function isWorldPeer(peer: Peer): boolean {
  return (peer.kind === 'cidr' && peer.cidr.prefix === 0) || (peer.kind === 'prefixList' && peer.holdsWorld === true);
}

/**
 * For a rule whose default level is error: the level of a finding that relies on an AWS behaviour, a warning
 * where the behaviour is unsettled (the finding then says so), else the rule's own.
 */
export function errorUnlessUnsettled(behaviourId: string | undefined): Level | undefined {
  const behaviour = behaviourId === undefined ? undefined : behaviourById(behaviourId);
  return behaviour?.certainty === 'unsettled' ? 'warning' : undefined;
}

/**
 * Why a finding that rests on parameters' defaults is not certain: the values deployed may differ, so such a
 * finding is at most a warning (where nothing settles a fact, the finding says so). Undefined without any.
 */
export function parameterDefaultsReason(names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  const which = names.length === 1 ? `the default of parameter ${names[0]}, and the value` : `the defaults of parameters ${names.join(', ')}, and the values`;
  return `this rests on ${which} deployed may differ`;
}

/** What an unsettled behaviour's sources say, in words a finding can carry. */
export function caveatOf(behaviourId: string): string {
  return behaviourById(behaviourId)?.caveat ?? `${behaviourId} is not settled`;
}

/** For a rule whose ports are read in a way AWS does not settle (tcp -1 as every port): the sentence that says so. */
export function readingCaveat(rule: SecurityGroupRule): string {
  const id = rule.trafficUnsettledBy;
  return id === undefined ? '' : notCertain([caveatOf(id)]);
}

/** The sentence that ends an uncertain finding's message, with every reason; empty when there is none. */
export function notCertain(reasons: ReadonlyArray<string | undefined>): string {
  const given = reasons.filter((r): r is string => r !== undefined && r !== '');
  return given.length > 0 ? ` Not certain: ${given.join('; ')}.` : '';
}


export function* allRules(model: SecurityGroupModel): Generator<{ group: SecurityGroupNode; rule: SecurityGroupRule }> {
  for (const group of model.groups.values()) {
    for (const rule of group.rules) yield { group, rule };
  }
}

/** Groups attached to an internet-facing load balancer. */
export function internetFacingLoadBalancerGroups(model: SecurityGroupModel): Set<string> {
  const keys = new Set<string>();
  for (const lb of model.loadBalancers) {
    if (lb.internetFacing) lb.groupKeys.forEach(k => keys.add(k));
  }
  return keys;
}

export function formatPorts(ports: number[]): string {
  return ports.join(', ');
}

/** For each group, the other groups whose rules name it as their peer. */
export function groupsNamingEachGroup(model: SecurityGroupModel): Map<string, SecurityGroupNode[]> {
  const namedBy = new Map<string, SecurityGroupNode[]>();
  for (const group of model.groups.values()) {
    for (const rule of group.rules) {
      if (rule.peer.kind !== 'group' || rule.peer.groupKey === group.key) continue;
      const namers = namedBy.get(rule.peer.groupKey) ?? [];
      if (!namers.includes(group)) namers.push(group);
      namedBy.set(rule.peer.groupKey, namers);
    }
  }
  return namedBy;
}

/** A group carried only by instances that forward traffic for others (NAT instances, routers): see AWS_BEHAVIOURS. */
export function carriedOnlyByForwarders(model: SecurityGroupModel, group: SecurityGroupNode): boolean {
  return group.attachments.length > 0 && group.attachments.every(a => model.forwarders.has(resourceKey(a.resource.stackId, a.resource.logicalId)));
}
