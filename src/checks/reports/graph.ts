import { describeTraffic } from '../../model/ports';
import { SecurityGroupModel } from '../../model/types';
import { groupLabel, refLabel } from '../../rules/rule';

/**
 * The security-group graph: groups as nodes, "admits" edges from peers with their ports, and resources
 * attached to each group. Rendered as Mermaid (for Markdown) and as DOT (for Graphviz).
 */
export function graphEdges(model: SecurityGroupModel) {
  const nodes = new Map<string, { label: string; kind: 'group' | 'peer' | 'resource'; index: number }>();
  const edges: Array<{ from: string; to: string; label: string; kind: 'admits' | 'sends' | 'attached' }> = [];
  const id = (key: string) => `n${nodes.get(key)!.index}`;
  const node = (key: string, label: string, kind: 'group' | 'peer' | 'resource') => {
    if (!nodes.has(key)) nodes.set(key, { label, kind, index: nodes.size });
    return key;
  };
  for (const group of model.groups.values()) {
    const interesting = group.ref || group.attachments.length > 0 || group.rules.length > 0;
    if (!interesting) continue;
    const g = node(group.key, groupLabel(model, group.key), 'group');
    for (const rule of group.rules) {
      const traffic = rule.traffic ? describeTraffic(rule.traffic) : 'unknown';
      const peerKey = rule.peer.kind === 'group' ? node(rule.peer.groupKey, groupLabel(model, rule.peer.groupKey), 'group')
        : rule.peer.kind === 'cidr' ? node(`cidr:${rule.peer.cidr.text}`, rule.peer.cidr.text, 'peer')
          : rule.peer.kind === 'prefixList' ? node(`pl:${rule.peer.id}`, `prefix list ${rule.peer.id}`, 'peer')
            : node('unresolved', 'unresolved peer', 'peer');
      if (rule.direction === 'ingress') edges.push({ from: peerKey, to: g, label: traffic, kind: 'admits' });
      else edges.push({ from: g, to: peerKey, label: `${traffic}${rule.implicit ? ' (implicit)' : ''}`, kind: 'sends' });
    }
    for (const attachment of group.attachments) {
      const r = node(`res:${attachment.resource.stackId}|${attachment.resource.logicalId}`, `${attachment.resource.type.replace(/^AWS::/, '')} ${refLabel(attachment.resource)}`, 'resource');
      edges.push({ from: r, to: g, label: attachment.viaDefault ? 'falls back to' : 'carries', kind: 'attached' });
    }
  }
  return { nodes, edges, id };
}

function escapeMermaid(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/[<>]/g, ' ');
}

export function mermaidGraph(model: SecurityGroupModel): string {
  const { nodes, edges, id } = graphEdges(model);
  const lines = ['flowchart LR'];
  for (const [key, n] of nodes) {
    const label = escapeMermaid(n.label);
    lines.push(n.kind === 'group' ? `  ${id(key)}["${label}"]` : n.kind === 'resource' ? `  ${id(key)}(["${label}"])` : `  ${id(key)}{{"${label}"}}`);
  }
  for (const e of edges) {
    const arrow = e.kind === 'attached' ? '-.->' : '-->';
    lines.push(`  ${id(e.from)} ${arrow}|"${escapeMermaid(e.label)}"| ${id(e.to)}`);
  }
  return lines.join('\n');
}

export function graphMarkdown(model: SecurityGroupModel): string {
  return [
    '# Security-group graph',
    '',
    'Solid arrows: who admits whom (peer --> group) and where a group sends (group --> peer), with ports.',
    'Dashed arrows: the resources that carry each group.',
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

/** The same graph in Graphviz's DOT language: `dot -Tsvg`. */
export function dotGraph(model: SecurityGroupModel): string {
  const { nodes, edges, id } = graphEdges(model);
  const shapes = { group: 'box', peer: 'hexagon', resource: 'ellipse' };
  const lines = ['digraph "security-groups" {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  for (const [key, n] of nodes) lines.push(`  ${id(key)} [label="${escapeDot(n.label)}", shape=${shapes[n.kind]}];`);
  for (const e of edges) {
    const style = e.kind === 'attached' ? ', style=dashed' : '';
    lines.push(`  ${id(e.from)} -> ${id(e.to)} [label="${escapeDot(e.label)}"${style}];`);
  }
  lines.push('}');
  return lines.join('\n');
}
