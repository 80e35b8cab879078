import type { NetworkInterface } from '@aws-sdk/client-ec2';
import { AttributedResource, attributeInterface, ecsAttachmentId } from './attribute';
import { attributionLookups } from './group-audit';
import { LAMBDA_RELEASE_MINUTES } from './interface-lifecycle';
import { Inventory } from './inventory';
import { counted } from '../counted';

/** Whether the resource behind an interface still exists, as far as the account's lists tell. */
export type OwnerState = 'present' | 'gone' | 'unknown';

/**
 * What becomes of an interface: in use; released by AWS without anyone acting; needing a delete (nothing
 * will remove it otherwise); or left alone because its owner may still use it.
 */
export type Release = 'in-use' | 'released-by-aws' | 'needs-deleting' | 'owner-may-use-it';

/** When an interface became `available`, as far as CloudTrail's event history tells. */
export interface DetachedSince {
  /** ISO time of the newest event that left it detached (CreateNetworkInterface, DetachNetworkInterface). */
  readonly since?: string;
  /** The newest event that names the interface, whatever it is. */
  readonly lastEvent?: { readonly name: string; readonly time: string; readonly by?: string };
  /** How the time was found, or why there is none. */
  readonly note: string;
}

/** One network interface, what is behind it, and what becomes of it. */
export interface InterfaceAudit {
  readonly interfaceId: string;
  readonly status: string;
  readonly interfaceType: string;
  readonly description: string;
  readonly vpcId?: string;
  readonly subnetId?: string;
  readonly privateIpAddress?: string;
  readonly requesterManaged: boolean;
  readonly requesterId?: string;
  readonly groups: Array<{ readonly groupId: string; readonly groupName?: string }>;
  readonly resource: AttributedResource;
  readonly inUse: boolean;
  readonly owner: OwnerState;
  /** Only for `available` interfaces, when the history was read. */
  readonly detached?: DetachedSince & { readonly availableForSeconds?: number };
  readonly release: Release;
  readonly why: string;
  readonly tags: Record<string, string>;
}

/** Every interface in the inventory, attributed as `audit` attributes the interfaces that carry a group. */
export function auditInterfaces(inventory: Inventory, history: ReadonlyMap<string, DetachedSince>, now: Date): InterfaceAudit[] {
  const lookups = attributionLookups(inventory);
  return inventory.interfaces.map(eni => {
    const id = eni.NetworkInterfaceId ?? '';
    const resource = attributeInterface(eni, lookups);
    const status = eni.Status ?? 'unknown';
    const inUse = status !== 'available' || eni.Attachment?.Status === 'attached';
    const owner = ownerOf(eni, resource, inventory);
    const found = history.get(id);
    const detached = !inUse && found
      ? { ...found, availableForSeconds: found.since ? Math.max(0, Math.round((now.getTime() - Date.parse(found.since)) / 1000)) : undefined }
      : undefined;
    const { release, why } = verdict(eni, resource, inUse, owner, detached?.availableForSeconds);
    return {
      interfaceId: id,
      status,
      interfaceType: eni.InterfaceType ?? 'interface',
      description: eni.Description ?? '',
      vpcId: eni.VpcId,
      subnetId: eni.SubnetId,
      privateIpAddress: eni.PrivateIpAddress,
      requesterManaged: eni.RequesterManaged === true,
      requesterId: eni.RequesterId,
      groups: (eni.Groups ?? []).map(g => ({ groupId: g.GroupId ?? '', groupName: g.GroupName })),
      resource,
      inUse,
      owner,
      detached,
      release,
      why,
      tags: Object.fromEntries((eni.TagSet ?? []).map(t => [t.Key ?? '', t.Value ?? ''])),
    };
  });
}

/**
 * Whether the resource behind an interface still exists. "gone" needs positive evidence: the list that would
 * name the resource was read, and does not. Kinds the command does not list (RDS, NAT gateways, EFS) are
 * "unknown", and so is everything when its list could not be read.
 */
export function ownerOf(eni: NetworkInterface, resource: AttributedResource, inventory: Inventory): OwnerState {
  const id = eni.NetworkInterfaceId ?? '';
  const description = eni.Description ?? '';
  switch (resource.kind) {
    case 'EC2 instance':
      return 'present';
    case 'Lambda function':
      if (!inventory.functions) return 'unknown';
      return resource.releasing ? 'gone' : 'present';
    case 'ECS task':
      if (!inventory.tasksByInterface) return 'unknown';
      return inventory.tasksByInterface.has(id) || inventory.tasksByInterface.has(ecsAttachmentId(description) ?? '') ? 'present' : 'gone';
    case 'Application Load Balancer': case 'Network Load Balancer': case 'Gateway Load Balancer': case 'Classic Load Balancer':
      if (!inventory.loadBalancers) return 'unknown';
      return inventory.loadBalancers.some(lb => lb.interfaceDescription === description) ? 'present' : 'gone';
    case 'VPC endpoint':
      if (!inventory.endpointsListed) return 'unknown';
      return inventory.endpoints.some(e => e.id === resource.id || e.interfaceIds.includes(id)) ? 'present' : 'gone';
    case 'unattached interface':
      // Nothing stands behind an interface the account created and nothing attaches.
      return eni.RequesterManaged ? 'unknown' : 'gone';
    default:
      return 'unknown';
  }
}

function verdict(
  eni: NetworkInterface, resource: AttributedResource, inUse: boolean, owner: OwnerState, availableFor?: number,
): { release: Release; why: string } {
  const behind = `${resource.kind} ${resource.id}`;
  if (inUse) {
    const managed = eni.RequesterManaged ? `; AWS deletes it with ${behind}` : '';
    return { release: 'in-use', why: `used by ${behind}${managed}` };
  }
  // Deleting an interface releases its Elastic IP (delete_eni): one kept with an address is likely kept on purpose.
  const elastic = eni.Association?.AllocationId ? eni.Association : undefined;
  if (elastic) {
    return { release: 'owner-may-use-it', why: `it holds Elastic IP ${elastic.PublicIp ?? ''} (${elastic.AllocationId}), which deleting it would release; disassociate the address first if the interface is not wanted` };
  }
  if (owner === 'present') {
    return { release: 'owner-may-use-it', why: `${behind} still exists and may attach it again; delete ${resource.kind === 'Lambda function' ? 'or change the function' : 'that resource'} instead` };
  }
  if (!eni.RequesterManaged) {
    return { release: 'needs-deleting', why: 'created by the account, not by an AWS service: AWS never deletes it, so it keeps its groups and address until deleted' };
  }
  if (owner === 'unknown') {
    return { release: 'owner-may-use-it', why: `AWS manages it, and whether ${behind} still exists is unknown${resource.kind === 'other' ? '' : ` (the command does not list ${resource.kind}s, or could not)`}; left alone` };
  }
  if (resource.kind === 'Lambda function') {
    const window = LAMBDA_RELEASE_MINUTES * 60;
    if (availableFor === undefined) {
      return { release: 'released-by-aws', why: `its function is gone; Lambda deletes such interfaces within ${LAMBDA_RELEASE_MINUTES} minutes, and how long this one has waited is unknown` };
    }
    if (availableFor < window) {
      return { release: 'released-by-aws', why: `its function is gone; Lambda deletes such interfaces within ${LAMBDA_RELEASE_MINUTES} minutes, and this one has waited ${duration(availableFor)}` };
    }
    return { release: 'needs-deleting', why: `stuck: its function is gone and Lambda has not deleted it in ${duration(availableFor)} (it does within ${LAMBDA_RELEASE_MINUTES} minutes)` };
  }
  return { release: 'needs-deleting', why: `stuck: ${behind} is gone, and AWS detached the interface without deleting it; the account may delete it` };
}

/** "45 s", "12 min", "3 h 5 min", "2 days 4 h". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${counted(Math.floor(hours / 24), 'day')}${hours % 24 ? ` ${hours % 24} h` : ''}`;
}

const RELEASE_TEXT: Record<Release, string> = {
  'in-use': 'in use',
  'released-by-aws': 'AWS releases it',
  'needs-deleting': 'needs deleting',
  'owner-may-use-it': 'leave it',
};

/** One line per interface, aligned; then the warnings and a summary. */
export function interfacesTable(audits: readonly InterfaceAudit[], warnings: readonly string[], region: string): string {
  const rows = audits.map(a => [
    a.interfaceId,
    a.status,
    a.interfaceType,
    a.inUse ? 'used' : 'unused',
    a.resource.kind === 'unattached interface' ? 'nothing' : `${a.resource.kind} ${a.resource.id}${a.owner === 'gone' ? ' (gone)' : ''}`,
    a.groups.map(g => (g.groupName ? `${g.groupId} ${g.groupName}` : g.groupId)).join(', ') || '(no groups)',
    a.description ? JSON.stringify(a.description) : '""',
    `${RELEASE_TEXT[a.release]}: ${a.why}${a.detached ? `; ${detachedText(a.detached)}` : ''}`,
  ]);
  const header = ['INTERFACE', 'STATUS', 'TYPE', 'USE', 'BEHIND IT', 'GROUPS', 'DESCRIPTION', 'VERDICT'];
  const all = [header, ...rows];
  const width = (i: number) => Math.max(...all.map(r => r[i].length));
  const lines = rows.length === 0 ? ['(no interfaces)'] : all.map(r => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(width(i)))).join('  '));
  for (const w of warnings) lines.push(`warning: ${w}`);
  const unused = audits.filter(a => !a.inUse).length;
  const toDelete = audits.filter(a => a.release === 'needs-deleting').length;
  lines.push(`${region}: ${counted(audits.length, 'interface')} shown, ${unused} unused, ${toDelete} to delete. Nothing was changed.`);
  return lines.join('\n');
}

function detachedText(detached: DetachedSince & { readonly availableForSeconds?: number }): string {
  if (detached.availableForSeconds !== undefined) return `available for ${duration(detached.availableForSeconds)} (${detached.note})`;
  return detached.note;
}
