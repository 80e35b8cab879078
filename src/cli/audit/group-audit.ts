import type { IpPermission } from '@aws-sdk/client-ec2';
import { AttributedResource, attributeInterface, AttributionLookups, ResourceKind } from './attribute';
import { Inventory } from './inventory';
import { counted } from '../counted';

/** One interface that carries the group, and what is behind it. */
export interface CarryingInterface {
  readonly interfaceId: string;
  readonly status?: string;
  readonly resource: AttributedResource;
}

/** A resource configured with the group whose interfaces were not seen carrying it (a load balancer, endpoint or function). */
export interface ConfiguredUser {
  readonly kind: ResourceKind;
  readonly id: string;
}

/** A rule in another group that names this one. */
export interface ReferencingRule {
  readonly groupId: string;
  readonly groupName?: string;
  readonly direction: 'ingress' | 'egress';
  readonly traffic: string;
}

/** One group's place in the account, and whether it can be removed. */
export interface GroupAudit {
  readonly groupId: string;
  readonly groupName?: string;
  readonly vpcId?: string;
  readonly description?: string;
  readonly isDefault: boolean;
  readonly interfaces: CarryingInterface[];
  readonly configuredOn: ConfiguredUser[];
  readonly referencedBy: ReferencingRule[];
  readonly selfReferenced: boolean;
  readonly canBeRemoved: boolean;
  readonly why: string;
}

/** "tcp 443", "udp 53-54", "all traffic", "icmp type 8 code -1". */
export function permissionTraffic(permission: IpPermission): string {
  const protocol = permission.IpProtocol ?? '?';
  if (protocol === '-1' || protocol === 'all') return 'all traffic';
  const name = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' }[Number(protocol)] ?? protocol;
  if (name === 'icmp' || name === 'icmpv6') return `${name} type ${permission.FromPort ?? -1} code ${permission.ToPort ?? -1}`;
  if (permission.FromPort === undefined || (permission.FromPort === 0 && permission.ToPort === 65535) || permission.FromPort === -1) return `${name} all ports`;
  return permission.FromPort === permission.ToPort ? `${name} ${permission.FromPort}` : `${name} ${permission.FromPort}-${permission.ToPort}`;
}

/** What the inventory's other services said, arranged for attributing interfaces. */
export function attributionLookups(inventory: Inventory): AttributionLookups {
  return {
    tasksByInterface: inventory.tasksByInterface,
    endpointsByInterface: new Map(inventory.endpoints.flatMap(e => e.interfaceIds.map(i => [i, e] as const))),
    loadBalancers: inventory.loadBalancers,
    functionNames: inventory.functions ? new Set(inventory.functions.map(f => f.name)) : undefined,
  };
}

/** Every group in the inventory, with what carries it, what names it, and the verdict. */
export function auditGroups(inventory: Inventory): GroupAudit[] {
  const lookups = attributionLookups(inventory);
  const carriers = new Map<string, CarryingInterface[]>();
  for (const eni of inventory.interfaces) {
    const carrying: CarryingInterface = { interfaceId: eni.NetworkInterfaceId ?? '', status: eni.Status, resource: attributeInterface(eni, lookups) };
    for (const group of eni.Groups ?? []) {
      if (!group.GroupId) continue;
      carriers.set(group.GroupId, [...(carriers.get(group.GroupId) ?? []), carrying]);
    }
  }

  const configured = new Map<string, ConfiguredUser[]>();
  const configure = (groupIds: string[], user: ConfiguredUser) => {
    for (const id of groupIds) configured.set(id, [...(configured.get(id) ?? []), user]);
  };
  for (const lb of inventory.loadBalancers ?? []) configure(lb.securityGroups, { kind: lb.kind, id: lb.name });
  for (const endpoint of inventory.endpoints) configure(endpoint.groupIds, { kind: 'VPC endpoint', id: endpoint.id });
  for (const fn of inventory.functions ?? []) {
    configure(fn.securityGroupIds, { kind: 'Lambda function', id: !fn.version || fn.version === '$LATEST' ? fn.name : `${fn.name}:${fn.version}` });
  }
  // A launch spec may name a group by name (a default VPC's); any group of that name counts, to be safe.
  const idsOf = (refs: string[]) => [...new Set(refs.flatMap(r => (r.startsWith('sg-') ? [r] : inventory.groups.filter(g => g.GroupName === r).map(g => g.GroupId ?? ''))))];
  for (const spec of inventory.launchTemplates ?? []) configure(idsOf(spec.groups), { kind: 'EC2 launch template', id: spec.id });
  for (const spec of inventory.launchConfigurations ?? []) configure(idsOf(spec.groups), { kind: 'Auto Scaling launch configuration', id: spec.id });

  const names = new Map(inventory.groups.map(g => [g.GroupId ?? '', g.GroupName]));
  const references = new Map<string, ReferencingRule[]>();
  const selfReferenced = new Set<string>();
  for (const group of inventory.groups) {
    const rules = [
      ...(group.IpPermissions ?? []).map(p => ['ingress', p] as const),
      ...(group.IpPermissionsEgress ?? []).map(p => ['egress', p] as const),
    ];
    for (const [direction, permission] of rules) {
      for (const pair of permission.UserIdGroupPairs ?? []) {
        if (!pair.GroupId) continue;
        if (pair.GroupId === group.GroupId) {
          selfReferenced.add(pair.GroupId);
          continue;
        }
        const rule = { groupId: group.GroupId ?? '', groupName: names.get(group.GroupId ?? ''), direction, traffic: permissionTraffic(permission) };
        references.set(pair.GroupId, [...(references.get(pair.GroupId) ?? []), rule]);
      }
    }
  }

  return inventory.groups.map(group => {
    const id = group.GroupId ?? '';
    const interfaces = carriers.get(id) ?? [];
    // A resource seen through its interfaces is not listed again as configured with the group.
    const seen = new Set(interfaces.map(i => `${i.resource.kind}|${i.resource.id}`));
    const configuredOn = (configured.get(id) ?? []).filter((u, i, all) => !seen.has(`${u.kind}|${u.id}`)
      && !(u.kind === 'Lambda function' && seen.has(`${u.kind}|${u.id.replace(/:[^:]+$/, '')}`))
      && all.findIndex(o => o.kind === u.kind && o.id === u.id) === i);
    const referencedBy = references.get(id) ?? [];
    const isDefault = group.GroupName === 'default';
    const reasons: string[] = [];
    if (isDefault) reasons.push(`it is the default group of ${group.VpcId ?? 'its VPC'}, which AWS deletes only with the VPC`);
    const releasing = interfaces.filter(i => i.resource.releasing);
    const held = interfaces.length - releasing.length;
    if (held > 0) reasons.push(`${counted(held, 'network interface')} ${held === 1 ? 'carries' : 'carry'} it`);
    if (releasing.length > 0) reasons.push(`${counted(releasing.length, 'interface')} of deleted Lambda functions still ${releasing.length === 1 ? 'carries' : 'carry'} it (${LAMBDA_WAIT})`);
    if (configuredOn.length > 0) reasons.push(`${configuredOn.map(u => `${u.kind} ${u.id}`).join(', ')} ${configuredOn.length === 1 ? 'is' : 'are'} configured with it`);
    if (referencedBy.length > 0) reasons.push(`${counted(referencedBy.length, 'rule')} in other groups ${referencedBy.length === 1 ? 'refers' : 'refer'} to it; remove ${referencedBy.length === 1 ? 'that rule' : 'those rules'} first`);
    const why = reasons.length > 0 ? reasons.join('; ')
      : `no network interface carries it, nothing is configured with it, and no other group's rule refers to it${selfReferenced.has(id) ? ' (its own rules name itself, which does not block)' : ''}`;
    return {
      groupId: id,
      groupName: group.GroupName,
      vpcId: group.VpcId,
      description: group.Description,
      isDefault,
      interfaces,
      configuredOn,
      referencedBy,
      selfReferenced: selfReferenced.has(id),
      canBeRemoved: reasons.length === 0,
      why,
    };
  });
}

const LAMBDA_WAIT = 'AWS releases them in up to 45 minutes, then look again';

/** The audit as text: one block per group, then warnings and a summary. */
export function auditTable(audits: GroupAudit[], warnings: string[], region: string): string {
  const lines: string[] = [];
  for (const a of audits) {
    const name = a.groupName ? ` ${a.groupName}` : '';
    lines.push(`${a.groupId}${name} (${a.vpcId ?? 'no VPC'})`);
    lines.push(`  can be removed: ${a.canBeRemoved ? 'yes' : 'no'} — ${a.why}`);
    for (const i of a.interfaces) {
      const detail = i.resource.detail ? ` (${i.resource.detail})` : '';
      lines.push(`  ${i.interfaceId}  ${i.resource.kind} ${i.resource.id}${detail}`);
    }
    for (const u of a.configuredOn) lines.push(`  configured on ${u.kind} ${u.id}`);
    for (const r of a.referencedBy) lines.push(`  named by ${r.groupId}${r.groupName ? ` ${r.groupName}` : ''}: ${r.direction} ${r.traffic}`);
    lines.push('');
  }
  for (const w of warnings) lines.push(`warning: ${w}`);
  const removable = audits.filter(a => a.canBeRemoved).length;
  lines.push(`${region}: ${counted(audits.length, 'group')} shown, ${removable} can be removed, ${audits.length - removable} in use. Nothing was changed.`);
  return lines.join('\n');
}
