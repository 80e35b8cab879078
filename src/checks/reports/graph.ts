import { Traffic, describeTraffic } from '../../model/ports';
import { SecurityGroupModel, SecurityGroupNode, SecurityGroupRule } from '../../model/types';
import { groupLabel, refLabel } from '../../rules/rule';

type NodeKind = 'group' | 'peer' | 'resource';

/**
 * - `admits`: an address or prefix list a group admits; `sends`: one a group sends to.
 * - `permits`: group to group, where the sender's egress and the receiver's ingress both allow it.
 * - `half-open`: group to group, where only one side allows it, so no connection is made.
 * - `attached`: a resource that carries a group.
 */
export type EdgeKind = 'admits' | 'sends' | 'permits' | 'half-open' | 'attached';

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly kind: EdgeKind;
}

/** Whether `outer` lets through everything `inner` does: same protocol (or all), wider ports or ICMP types. */
function trafficCovers(outer: Traffic, inner: Traffic): boolean {
  if (outer.protocol === 'all') return true;
  if (outer.protocol !== inner.protocol) return false;
  if (outer.ports || inner.ports) return !!outer.ports && !!inner.ports && outer.ports.from <= inner.ports.from && inner.ports.to <= outer.ports.to;
  if (outer.icmp || inner.icmp) {
    if (!outer.icmp || !inner.icmp) return !outer.icmp;
    return outer.icmp.type === -1 || (outer.icmp.type === inner.icmp.type && (outer.icmp.code === -1 || outer.icmp.code === inner.icmp.code));
  }
  return true;
}

function sameTraffic(a: SecurityGroupRule, b: SecurityGroupRule): boolean {
  return !!a.traffic && !!b.traffic && trafficCovers(a.traffic, b.traffic) && trafficCovers(b.traffic, a.traffic);
}

/**
 * Whether `group`'s rules in `direction` may let `traffic` to or from the group `peerKey`: a rule naming that
 * group, or one whose peer is an address range, prefix list or unknown peer that may hold its members. Only a
 * certain "no" makes an edge half-open, so a group the app does not declare (a literal id, an import from
 * outside, a VPC's default group), whose rules the model holds only in part, may allow anything.
 */
function mayAllow(group: SecurityGroupNode | undefined, direction: 'ingress' | 'egress', peerKey: string, traffic: Traffic | undefined): boolean {
  if (!group?.ref || !traffic) return true;
  return group.rules.some(rule => rule.direction === direction
    && (rule.peer.kind !== 'group' || rule.peer.groupKey === peerKey)
    && (!rule.traffic || trafficCovers(rule.traffic, traffic)));
}

/**
 * The security-group graph, from the model: groups and the peers and resources around them. A permission
 * between two groups is one edge, drawn once whether the sender's egress rule, the receiver's ingress rule,
 * or both state it; it is half-open when the other side does not allow it.
 */
export function graphEdges(model: SecurityGroupModel) {
  const nodes = new Map<string, { label: string; kind: NodeKind; index: number }>();
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const id = (key: string) => `n${nodes.get(key)!.index}`;
  const node = (key: string, label: string, kind: NodeKind) => {
    if (!nodes.has(key)) nodes.set(key, { label, kind, index: nodes.size });
    return key;
  };
  const edge = (e: GraphEdge) => {
    const key = `${e.from}|${e.to}|${e.kind}|${e.label}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push(e);
  };
  const groupNode = (key: string) => node(key, groupLabel(model, key), 'group');

  for (const group of model.groups.values()) {
    const interesting = group.ref || group.attachments.length > 0 || group.rules.length > 0;
    if (!interesting) continue;
    const g = groupNode(group.key);
    for (const rule of group.rules) {
      const traffic = rule.traffic ? describeTraffic(rule.traffic) : 'unknown traffic';
      if (rule.peer.kind === 'group') {
        const peerKey = rule.peer.groupKey;
        const peer = groupNode(peerKey);
        const other = model.groups.get(peerKey);
        if (rule.direction === 'ingress') {
          const both = mayAllow(other, 'egress', group.key, rule.traffic);
          edge({ from: peer, to: g, label: both ? traffic : `${traffic} (half-open: no matching egress)`, kind: both ? 'permits' : 'half-open' });
        } else {
          // The receiver's ingress rule with the same traffic draws this permission already.
          const drawn = other?.rules.some(r => r.direction === 'ingress' && r.peer.kind === 'group' && r.peer.groupKey === group.key && sameTraffic(r, rule));
          if (drawn) continue;
          const both = mayAllow(other, 'ingress', group.key, rule.traffic);
          edge({ from: g, to: peer, label: both ? traffic : `${traffic} (half-open: no matching ingress)`, kind: both ? 'permits' : 'half-open' });
        }
        continue;
      }
      const peerKey = rule.peer.kind === 'cidr' ? node(`cidr:${rule.peer.cidr.text}`, rule.peer.cidr.text, 'peer')
        : rule.peer.kind === 'prefixList' ? node(`pl:${rule.peer.id}`, `prefix list ${rule.peer.id}`, 'peer')
          : node('unresolved', 'unresolved peer', 'peer');
      if (rule.direction === 'ingress') edge({ from: peerKey, to: g, label: traffic, kind: 'admits' });
      else edge({ from: g, to: peerKey, label: `${traffic}${rule.implicit ? ' (implicit)' : ''}`, kind: 'sends' });
    }
    for (const attachment of group.attachments) {
      const r = node(`res:${attachment.resource.stackId}|${attachment.resource.logicalId}`, `${attachment.resource.type.replace(/^AWS::/, '')} ${refLabel(attachment.resource)}`, 'resource');
      edge({ from: r, to: g, label: attachment.viaDefault ? 'falls back to' : 'carries', kind: 'attached' });
    }
  }
  return { nodes, edges, id };
}

function escapeMermaid(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/[<>]/g, ' ');
}

const MERMAID_ARROWS: Record<EdgeKind, string> = { 'admits': '-->', 'sends': '-->', 'permits': '-->', 'half-open': '--x', 'attached': '-.->' };

export function mermaidGraph(model: SecurityGroupModel): string {
  const { nodes, edges, id } = graphEdges(model);
  const lines = ['flowchart LR'];
  for (const [key, n] of nodes) {
    const label = escapeMermaid(n.label);
    lines.push(n.kind === 'group' ? `  ${id(key)}["${label}"]` : n.kind === 'resource' ? `  ${id(key)}(["${label}"])` : `  ${id(key)}{{"${label}"}}`);
  }
  for (const e of edges) lines.push(`  ${id(e.from)} ${MERMAID_ARROWS[e.kind]}|"${escapeMermaid(e.label)}"| ${id(e.to)}`);
  return lines.join('\n');
}

export function graphMarkdown(model: SecurityGroupModel): string {
  return [
    '# Security-group graph',
    '',
    'Solid arrows: who reaches whom (peer --> group, group --> group) and where a group sends, with ports. Between',
    'two groups, one arrow stands for the ingress and the egress rule that allow it together. An arrow ending in x',
    'is half-open: only one side allows the traffic, so it does not flow. Dashed arrows: the resources that carry',
    'each group.',
    '',
    '```mermaid',
    mermaidGraph(model),
    '```',
    '',
  ].join('\n');
}

function escapeDot(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

const DOT_STYLES: Record<EdgeKind, string> = { 'admits': '', 'sends': '', 'permits': '', 'half-open': ', style=dotted, arrowhead=tee', 'attached': ', style=dashed' };

/** The same graph in Graphviz's DOT language: `dot -Tsvg`. */
export function dotGraph(model: SecurityGroupModel): string {
  const { nodes, edges, id } = graphEdges(model);
  const shapes = { group: 'box', peer: 'hexagon', resource: 'ellipse' };
  const lines = ['digraph "security-groups" {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  for (const [key, n] of nodes) lines.push(`  ${id(key)} [label="${escapeDot(n.label)}", shape=${shapes[n.kind]}];`);
  for (const e of edges) lines.push(`  ${id(e.from)} -> ${id(e.to)} [label="${escapeDot(e.label)}"${DOT_STYLES[e.kind]}];`);
  lines.push('}');
  return lines.join('\n');
}
