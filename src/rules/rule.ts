import { describeTraffic } from '../model/ports';
import { Peer, ResourceRef, SecurityGroupModel, SecurityGroupNode, SecurityGroupRule } from '../model/types';

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
  readonly lambdaSecurityGroupLimit: number;
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
    const vpc = model.vpcs.get(group.defaultOfVpc);
    return vpc ? `the default security group of ${refLabel(vpc.ref)}` : `the default security group of ${group.externalId ?? 'a VPC outside the app'}`;
  }
  if (group.ref) return refLabel(group.ref);
  return group.externalId ?? key;
}

export function refLabel(ref: ResourceRef): string {
  return ref.constructPath ? ref.constructPath.replace(/\/(Resource|Default)$/, '') : `${ref.stackName}/${ref.logicalId}`;
}

export function peerLabel(model: SecurityGroupModel, peer: Peer, self?: string): string {
  switch (peer.kind) {
    case 'cidr': {
      const via = peer.viaParameter ? ` (the default of parameter ${peer.viaParameter})` : peer.vpcCidrOf ? ' (the whole VPC CIDR)' : '';
      return `${peer.cidr.text}${via}`;
    }
    case 'group': return peer.groupKey === self ? 'itself' : `group ${groupLabel(model, peer.groupKey)}`;
    case 'prefixList': return `prefix list ${peer.id}`;
    case 'unresolved': return `an unresolved peer (${peer.reason})`;
  }
}

export function ruleLabel(model: SecurityGroupModel, rule: SecurityGroupRule): string {
  const traffic = rule.traffic ? describeTraffic(rule.traffic) : 'unknown traffic';
  const peer = peerLabel(model, rule.peer, rule.groupKey);
  return rule.direction === 'ingress' ? `admits ${traffic} from ${peer}` : `sends ${traffic} to ${peer}`;
}

export function isWorldPeer(peer: Peer): boolean {
  return peer.kind === 'cidr' && peer.cidr.prefix === 0;
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
