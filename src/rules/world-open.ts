import { Level, RuleParameters, caveatOf, formatPorts, isWorldPeer, notCertain, parameterDefaultsReason, refLabel } from './rule';
import { carriesPort, hasPorts } from '../model/ports';
import { SecurityGroupModel, SecurityGroupNode, SecurityGroupRule, resourceKey } from '../model/types';

/** The catalog rules that speak for a world-open ingress rule: one per category of port the rule reaches. */
export type WorldOpenCategory = 'WorldOpenAdminPort' | 'WorldOpenDataPort' | 'WorldOpenIngress';

export interface WorldOpenHit {
  readonly category: WorldOpenCategory;
  /** The ports of that category the rule reaches; for WorldOpenIngress, known only where listeners bound it. */
  readonly ports: number[];
  /** Set when the group is carried only by load balancers: what bounds the exposure, in words. */
  readonly scope?: string;
  /** For WorldOpenIngress with a scope: every port reachable through the listeners. */
  readonly reachable?: number[];
  /** Parameters whose defaults make the rule world-open or decide its ports: the finding is at most a warning. */
  readonly viaParameters: string[];
  /**
   * Set when every resource that carries the group accepts inbound connections in a way no source settles
   * (Lambda functions, interface endpoints): who they are, in words, and the AWS_BEHAVIOURS ids.
   */
  readonly unsettled?: { readonly words: string; readonly behaviours: string[] };
  /** The AWS_BEHAVIOURS id of an unsettled reading of the rule's ports (tcp -1 read as every port). */
  readonly trafficUnsettledBy?: string;
}

/**
 * What makes a world-open hit uncertain, as the end of its message, and the level that allows: a warning where a
 * parameter's default or an unsettled behaviour decides it, else the rule's own.
 */
export function worldOpenUncertainty(hit: WorldOpenHit): { level?: Level; text: string } {
  const unsettled = [...(hit.trafficUnsettledBy ? [hit.trafficUnsettledBy] : []), ...(hit.unsettled?.behaviours ?? [])];
  const caveats = unsettled.map(caveatOf);
  const carriers = hit.unsettled ? ` It is carried only by ${hit.unsettled.words}.` : '';
  const text = `${carriers}${notCertain([...caveats, parameterDefaultsReason(hit.viaParameters)])}`;
  return { level: text ? 'warning' : undefined, text };
}

/** Where every resource that carries the group is one whose inbound traffic no source settles: who they are. */
function carriedOnlyByUnsettled(model: SecurityGroupModel, group: SecurityGroupNode): WorldOpenHit['unsettled'] {
  if (group.attachments.length === 0) return undefined;
  const carriers = group.attachments.map(a => model.inboundUnsettled.get(resourceKey(a.resource.stackId, a.resource.logicalId)));
  if (carriers.some(c => c === undefined)) return undefined;
  const words = [...new Set(carriers.map(c => `${refLabel(c!.resource)} (${c!.what})`))].join(', ');
  return { words, behaviours: [...new Set(carriers.map(c => c!.behaviour))] };
}

/**
 * Where every resource that carries a group accepts connections only on known ports (a load balancer's
 * listeners, a Transfer Family server's protocols), the world can reach those ports and no others, whatever the
 * rule admits (see AWS_BEHAVIOURS). Undefined when anything else carries the group.
 */
export function serviceScope(
  model: SecurityGroupModel, group: SecurityGroupNode,
): { ports: number[]; words: string; remoteAdministration: boolean; viaParameters: string[] } | undefined {
  if (group.attachments.length === 0) return undefined;
  const services = [];
  for (const attachment of group.attachments) {
    const service = model.servicePorts.get(resourceKey(attachment.resource.stackId, attachment.resource.logicalId));
    if (!service) return undefined;
    services.push(service);
  }
  const ports = [...new Set(services.flatMap(s => s.ports))].sort((a, b) => a - b);
  const names = [...new Set(services.map(s => `${refLabel(s.resource)} (${s.what} on ${formatPorts(s.ports)})`))];
  return {
    ports,
    words: `it is carried only by ${names.join(', ')}, so the world reaches ${ports.length > 0 ? formatPorts(ports) : 'none of its ports'}`,
    remoteAdministration: services.some(s => s.remoteAdministration),
    viaParameters: [...new Set(services.flatMap(s => s.viaParameters ?? []))],
  };
}

/**
 * Classify an ingress rule open to the world: one hit per category of port it reaches, so that acknowledging a
 * bastion's SSH does not also silence a database port on the same rule. ICMP is not a port and is never
 * classified: its FromPort/ToPort are a type and code, so "ICMP type 22" is not SSH. A port in a category that
 * is switched off counts as "any other port", so nothing reached goes unreported.
 */
export function classifyWorldOpen(
  model: SecurityGroupModel, group: SecurityGroupNode, rule: SecurityGroupRule, params: RuleParameters,
): WorldOpenHit[] {
  if (rule.direction !== 'ingress' || !isWorldPeer(rule.peer)) return [];
  const peerVia = rule.peer.kind === 'cidr' ? rule.peer.viaParameter : rule.peer.kind === 'prefixList' ? rule.peer.worldViaParameter : undefined;
  const ruleVia = [...(peerVia ? [peerVia] : []), ...(rule.trafficViaParameters ?? [])];
  // Open to the world on ports synth cannot read: never a pass.
  if (!rule.traffic) return [{ category: 'WorldOpenIngress', ports: [], viaParameters: ruleVia }];
  const traffic = rule.traffic;
  if (traffic.protocol === 'icmp' || traffic.protocol === 'icmpv6') return [];
  const reading = rule.trafficUnsettledBy ? { trafficUnsettledBy: rule.trafficUnsettledBy } : {};
  const adminOn = params.isEnabled('WorldOpenAdminPort');
  const dataOn = params.isEnabled('WorldOpenDataPort');
  const hits: WorldOpenHit[] = [];

  const scope = serviceScope(model, group);
  if (scope) {
    const viaParameters = [...new Set([...ruleVia, ...scope.viaParameters])];
    const common = { viaParameters, ...reading };
    const reachable = scope.ports.filter(port => carriesPort(traffic, port));
    if (reachable.length === 0) return [];
    // Transfer Family's SFTP on 22 is a file service, not a shell: not an admin port there.
    const admin = adminOn && scope.remoteAdministration ? reachable.filter(p => params.adminPorts.includes(p)) : [];
    const data = dataOn ? reachable.filter(p => params.dataPorts.includes(p) && !admin.includes(p)) : [];
    const other = reachable.filter(p => !admin.includes(p) && !data.includes(p));
    if (admin.length > 0) hits.push({ category: 'WorldOpenAdminPort', ports: admin, scope: scope.words, ...common });
    if (data.length > 0) hits.push({ category: 'WorldOpenDataPort', ports: data, scope: scope.words, ...common });
    if (other.length > 0) hits.push({ category: 'WorldOpenIngress', ports: other, scope: scope.words, reachable, ...common });
    return hits;
  }

  const admin = adminOn && hasPorts(traffic) ? ascending(params.adminPorts.filter(p => carriesPort(traffic, p))) : [];
  const data = dataOn && hasPorts(traffic) ? ascending(params.dataPorts.filter(p => carriesPort(traffic, p) && !admin.includes(p))) : [];
  const unsettled = carriedOnlyByUnsettled(model, group);
  const common = { viaParameters: ruleVia, ...reading, ...(unsettled ? { unsettled } : {}) };
  if (admin.length > 0) hits.push({ category: 'WorldOpenAdminPort', ports: admin, ...common });
  if (data.length > 0) hits.push({ category: 'WorldOpenDataPort', ports: data, ...common });
  if (reachesOtherPorts(traffic, admin.length + data.length)) hits.push({ category: 'WorldOpenIngress', ports: [], ...common });
  return hits;
}

function ascending(ports: number[]): number[] {
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** Whether the traffic reaches more ports than the `classified` ones it was already reported for. */
function reachesOtherPorts(traffic: NonNullable<SecurityGroupRule['traffic']>, classified: number): boolean {
  if (!hasPorts(traffic) || traffic.protocol === 'all' || !traffic.ports) return true;
  return traffic.ports.to - traffic.ports.from + 1 > classified;
}

/** Whether every port in `ports` (or, without ports, every port the rule admits) is one of `allowed` on tcp. */
export function onlyAllowedPorts(rule: SecurityGroupRule, allowed: number[], ports?: number[]): boolean {
  if (ports) return ports.every(p => allowed.includes(p));
  const traffic = rule.traffic;
  if (!traffic || !traffic.ports || traffic.protocol !== 'tcp') return false;
  for (let port = traffic.ports.from; port <= traffic.ports.to; port++) {
    if (!allowed.includes(port)) return false;
  }
  return true;
}
