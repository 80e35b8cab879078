import {
  DeleteNetworkInterfaceCommand, DeleteSecurityGroupCommand, DescribeNetworkInterfacesCommand, DescribeSecurityGroupReferencesCommand,
  DescribeSecurityGroupsCommand, DescribeTransitGatewayVpcAttachmentsCommand, DescribeVpcPeeringConnectionsCommand,
  EC2Client, IpPermission, NetworkInterface, SecurityGroup, Tag,
} from '@aws-sdk/client-ec2';
import { auditGroups, GroupAudit } from './group-audit';
import { auditInterfaces, InterfaceAudit } from './interface-audit';
import { deniedName, Inventory, InventoryReader } from './inventory';
import { placeText, PruneRecord, RecordedGroup, RecordedInterface, recordPlace, RECORD_KIND, relativeTo, writeRecord } from './record';
import { AwsSession, CleanupDependencies, openSession } from './session';
import { allPages, errorMessage, errorName } from '../../handlers/shared/aws-calls';
import { PRUNE_OPTIONS } from '../account-options';
import { choice, listValues, ParsedArgs, stringValue } from '../args';
import { counted } from '../counted';
import { CliError } from '../inputs';
import type { CliIo } from '../main';

export const PRUNE_USAGE = 'sg-strategy prune [--region r] [--profile p] [--group sg-... ...] [--vpc vpc-... ...] [--interfaces] [--interface eni-... ...] '
  + '[--exempt-tag key[=value] ...] [--record-dir dir|s3://bucket/prefix] [--apply] [--format table|json]';

/** The tag that keeps a group or interface out of `prune` without any flag. */
export const DEFAULT_EXEMPT_TAG = 'sg-strategy:keep';
/** CloudFormation tags every resource of a stack that can be tagged with the stack's name. */
export const STACK_TAG = 'aws:cloudformation:stack-name';
/** Where records go when --record-dir is not given. */
export const DEFAULT_RECORD_DIR = 'sg-strategy-records';

/** Exit codes of `prune` beyond those of every command (0 done, 2 could not run, nothing deleted). */
export const PRUNE_EXIT = {
  /** Some of what the plan would delete was not deleted: it came into use, AWS refused, or a call failed. */
  PARTIAL: 1,
} as const;

/** What happened to one group or interface. */
export type Outcome =
  | 'kept' // the plan refuses it, and says why
  | 'would-delete' // a dry run
  | 'deleted'
  | 'already-gone' // deleted before this run got to it: a second run, or AWS itself
  | 'skipped' // the check just before the delete found it used or changed
  | 'refused' // AWS refused the delete because it is in use
  | 'failed'; // another error

export interface PruneItem {
  readonly kind: 'group' | 'interface';
  readonly id: string;
  readonly name?: string;
  readonly vpcId?: string;
  readonly outcome: Outcome;
  readonly why: string;
}

/** What `prune --format json` prints. README documents it. */
export interface PruneReport {
  readonly schemaVersion: '1.0';
  readonly region: string;
  readonly apply: boolean;
  /** Where the record was written (relative to the working directory when under it); absent on a dry run or when nothing was to be deleted. */
  readonly record?: string;
  readonly items: PruneItem[];
  readonly warnings: string[];
}

interface Planned {
  readonly kind: 'group' | 'interface';
  readonly id: string;
  readonly name?: string;
  readonly vpcId?: string;
  readonly delete: boolean;
  readonly why: string;
}

/** The flags `prune` reads, parsed. */
export interface PruneOptions {
  readonly groups: string[];
  readonly vpcs: string[];
  readonly interfaces: boolean;
  readonly interfaceIds: string[];
  readonly exemptTags: Array<{ readonly key: string; readonly value?: string }>;
}

/**
 * `sg-strategy prune`: plans the removal of unused groups (and, with --interfaces, unused interfaces), says
 * why it keeps the rest, and with --apply writes a record, then deletes each one after checking it again.
 */
export async function runPrune(args: ParsedArgs, io: CliIo, deps: CleanupDependencies = {}): Promise<number> {
  const format = choice(args, 'format', PRUNE_OPTIONS);
  if (args.positional.length > 0) throw new CliError(`prune reads a live account and takes no paths; got "${args.positional[0]}"`);
  const interfaceIds = listValues(args, 'interface');
  const options: PruneOptions = {
    groups: listValues(args, 'group'),
    vpcs: listValues(args, 'vpc'),
    interfaces: args.switches.has('interfaces') || interfaceIds.length > 0,
    interfaceIds,
    exemptTags: [DEFAULT_EXEMPT_TAG, ...listValues(args, 'exempt-tag')].map(t => {
      const [key, ...value] = t.split('=');
      if (!key) throw new CliError(`prune: --exempt-tag needs a tag key, as key or key=value; got "${t}"`);
      return { key, value: value.length > 0 ? value.join('=') : undefined };
    }),
  };
  const apply = args.switches.has('apply');
  const place = recordPlace(stringValue(args, 'record-dir') ?? DEFAULT_RECORD_DIR, io.cwd);

  const session = await openSession(io, { region: stringValue(args, 'region'), profile: stringValue(args, 'profile') }, deps);
  io.err(`sg-strategy prune: reading ${session.region}${session.profile ? ` as profile ${session.profile}` : ''}${apply ? '' : ' (dry run: nothing is deleted without --apply)'}...`);
  const inventory = await new InventoryReader(session.clients, text => io.err(text), session.policy, session.profile).read();
  const now = deps.now?.() ?? new Date();
  const crossVpc = await readCrossVpcReferences(session, inventory, options, text => io.err(text));
  const plan = planPrune(inventory, options, now, crossVpc);
  const toDelete = plan.filter(p => p.delete);

  let items: PruneItem[];
  let record: string | undefined;
  if (!apply || toDelete.length === 0) {
    items = plan.map(p => item(p, p.delete ? 'would-delete' : 'kept', p.why));
  } else {
    const recorded = recordOf(inventory, toDelete, session.region, now);
    io.err(`  writing the record of ${counted(toDelete.length, 'deletion')} to ${placeText(place, io.cwd)}...`);
    record = relativeTo(io.cwd, await writeRecord(recorded, place, session));
    io.err(`  record: ${record}`);
    const results = new Map<string, PruneItem>();
    for (const [i, planned] of toDelete.entries()) {
      io.err(`  ${planned.kind} ${planned.id} (${i + 1}/${toDelete.length})...`);
      const result = await deleteOne(planned, recorded, session, crossVpc);
      io.err(`    ${result.outcome}${result.outcome === 'deleted' ? '' : `: ${result.why}`}`);
      results.set(planned.id, result);
    }
    items = plan.map(p => results.get(p.id) ?? item(p, 'kept', p.why));
  }

  const report: PruneReport = { schemaVersion: '1.0', region: session.region, apply, record, items, warnings: inventory.warnings };
  io.out(format === 'json' ? JSON.stringify(report, undefined, 2) : pruneTable(report, placeText(place, io.cwd)));
  const incomplete = items.some(i => i.outcome === 'skipped' || i.outcome === 'refused' || i.outcome === 'failed');
  return incomplete ? PRUNE_EXIT.PARTIAL : 0;
}

function item(planned: Planned, outcome: Outcome, why: string): PruneItem {
  return { kind: planned.kind, id: planned.id, name: planned.name, vpcId: planned.vpcId, outcome, why };
}

/**
 * Rules in other VPCs that name a group, across a VPC peering connection or a transit gateway. The account's
 * own groups are in the inventory; these may be another account's, which only DescribeSecurityGroupReferences
 * tells. AWS deletes a group that such a rule names, and leaves the rule stale (DeleteSecurityGroup refuses
 * only for a reference from the same VPC), so prune must ask.
 */
export interface CrossVpcReferences {
  /** VPCs with a peering connection or a transit gateway attachment: only their groups can be named from across. */
  readonly connectedVpcs: ReadonlySet<string>;
  /** Group id -> the VPCs whose rules name it, as "vpc-... (pcx-...)". */
  readonly referencedFrom: ReadonlyMap<string, string[]>;
  /** Group id -> why it is not known (the call was denied); '*' for every group. */
  readonly unknown: ReadonlyMap<string, string>;
}

const NO_CROSS_VPC: CrossVpcReferences = { connectedVpcs: new Set(), referencedFrom: new Map(), unknown: new Map() };

/** Peering connections and transit gateway attachments that may carry a reference (none that is over). */
const ENDED_PEERING = new Set(['deleted', 'rejected', 'failed', 'expired']);
const ENDED_ATTACHMENT = new Set(['deleted', 'deleting', 'failed', 'rejected']);

/** Asks AWS which groups in scope are named from across a peering or transit gateway; only groups of connected VPCs are asked about. */
async function readCrossVpcReferences(
  session: AwsSession, inventory: Inventory, options: PruneOptions, progress: (text: string) => void,
): Promise<CrossVpcReferences> {
  const ec2 = session.clients.ec2;
  const connectedVpcs = new Set<string>();
  try {
    const peerings = await allPages(token => session.call('list VPC peering connections', () => ec2.send(new DescribeVpcPeeringConnectionsCommand({ MaxResults: 1000, NextToken: token })))
      .then(r => ({ items: r.VpcPeeringConnections ?? [], nextToken: r.NextToken })));
    for (const p of peerings.filter(x => !ENDED_PEERING.has(x.Status?.Code ?? ''))) {
      for (const vpc of [p.RequesterVpcInfo?.VpcId, p.AccepterVpcInfo?.VpcId]) if (vpc) connectedVpcs.add(vpc);
    }
    const attachments = await allPages(token => session.call('list transit gateway VPC attachments', () => ec2.send(new DescribeTransitGatewayVpcAttachmentsCommand({ MaxResults: 1000, NextToken: token })))
      .then(r => ({ items: r.TransitGatewayVpcAttachments ?? [], nextToken: r.NextToken })));
    for (const a of attachments.filter(x => !ENDED_ATTACHMENT.has(x.State ?? ''))) if (a.VpcId) connectedVpcs.add(a.VpcId);
  } catch (error) {
    const denied = deniedName(error);
    if (!denied) throw error;
    inventory.warnings.push(`Could not list VPC peering connections or transit gateway attachments (${denied}): no group is deleted, since rules across them may name it.`);
    return { ...NO_CROSS_VPC, unknown: new Map([['*', `VPC peering connections and transit gateway attachments could not be listed (${denied}), so whether a rule across one names it is unknown`]]) };
  }
  progress(`  VPCs with a peering connection or transit gateway attachment: ${connectedVpcs.size}`);

  const referencedFrom = new Map<string, string[]>();
  const unknown = new Map<string, string>();
  const asked = inventory.groups.filter(g => g.GroupId && g.VpcId && connectedVpcs.has(g.VpcId) && g.GroupName !== 'default' && groupInScope(g, options));
  for (const group of asked) {
    try {
      const from = await crossVpcReferences(ec2, group.GroupId!, session);
      if (from.length > 0) referencedFrom.set(group.GroupId!, from);
    } catch (error) {
      const denied = deniedName(error);
      if (!denied) throw error;
      unknown.set(group.GroupId!, `whether a rule across a peering or transit gateway names it is unknown (${denied})`);
    }
  }
  if (asked.length > 0) progress(`  groups asked about rules across them: ${asked.length}, named from across: ${referencedFrom.size}`);
  return { connectedVpcs, referencedFrom, unknown };
}

/** The VPCs across a peering or transit gateway whose rules name the group, as "vpc-... (pcx-...)". */
async function crossVpcReferences(ec2: EC2Client, groupId: string, session: AwsSession): Promise<string[]> {
  const found = await session.call(`ask which VPCs across a peering name ${groupId}`, () => ec2.send(new DescribeSecurityGroupReferencesCommand({ GroupId: [groupId] })));
  return (found.SecurityGroupReferenceSet ?? []).filter(r => r.GroupId === undefined || r.GroupId === groupId)
    .map(r => `${r.ReferencingVpcId ?? 'a VPC'}${r.VpcPeeringConnectionId ?? r.TransitGatewayId ? ` (${r.VpcPeeringConnectionId ?? r.TransitGatewayId})` : ''}`);
}

/**
 * Whether the flags put a group in scope: its VPC is one of --vpc, and it is one of --group. Naming
 * interfaces (--interface) without --group puts no group in scope: asking for one interface deletes no group.
 */
function groupInScope(group: SecurityGroup, options: PruneOptions): boolean {
  if (options.vpcs.length > 0 && !(group.VpcId !== undefined && options.vpcs.includes(group.VpcId))) return false;
  if (options.groups.length > 0) return options.groups.includes(group.GroupId ?? '') || options.groups.includes(group.GroupName ?? '');
  return options.interfaceIds.length === 0;
}

/**
 * What to delete and what to keep, in the order to delete: interfaces first, then groups, each group before
 * the groups its rules name. A group held only by interfaces or by rules of groups that are themselves to be
 * deleted is deleted after them.
 */
export function planPrune(inventory: Inventory, options: PruneOptions, now: Date, crossVpc: CrossVpcReferences = NO_CROSS_VPC): Planned[] {
  const inVpc = (vpcId?: string) => options.vpcs.length === 0 || (vpcId !== undefined && options.vpcs.includes(vpcId));
  const exemptBy = (tags: Tag[] | undefined) => options.exemptTags.find(
    e => (tags ?? []).some(t => t.Key === e.key && (e.value === undefined || t.Value === e.value)));
  const exemptText = (e: { key: string; value?: string }) => `exempt: it has the tag ${e.key}${e.value !== undefined ? `=${e.value}` : ''}`;

  const missingGroups = options.groups.filter(g => !inventory.groups.some(s => s.GroupId === g || s.GroupName === g));
  if (missingGroups.length > 0) throw new CliError(`prune: no security group ${missingGroups.map(g => `"${g}"`).join(', ')} in this region`);
  const missingInterfaces = options.interfaceIds.filter(i => !inventory.interfaces.some(n => n.NetworkInterfaceId === i));
  if (missingInterfaces.length > 0) throw new CliError(`prune: no network interface ${missingInterfaces.map(i => `"${i}"`).join(', ')} in this region`);

  const interfaces: Planned[] = [];
  if (options.interfaces) {
    const tagsOf = new Map(inventory.interfaces.map(n => [n.NetworkInterfaceId ?? '', n.TagSet]));
    for (const a of auditInterfaces(inventory, new Map(), now)) {
      if (!inVpc(a.vpcId) || (options.interfaceIds.length > 0 && !options.interfaceIds.includes(a.interfaceId))) continue;
      const exempt = exemptBy(tagsOf.get(a.interfaceId));
      const planned = { kind: 'interface' as const, id: a.interfaceId, vpcId: a.vpcId };
      if (exempt) interfaces.push({ ...planned, delete: false, why: exemptText(exempt) });
      else interfaces.push({ ...planned, ...interfaceVerdict(a) });
    }
  }
  const goingInterfaces = new Set(interfaces.filter(i => i.delete).map(i => i.id));

  const audits = new Map(auditGroups(inventory).map(a => [a.groupId, a]));
  const candidates: Array<{ group: SecurityGroup; audit: GroupAudit }> = [];
  const groups = new Map<string, Planned>();
  for (const group of inventory.groups) {
    const id = group.GroupId ?? '';
    if (!groupInScope(group, options)) continue;
    const audit = audits.get(id)!;
    const planned = { kind: 'group' as const, id, name: group.GroupName, vpcId: group.VpcId };
    const stack = group.Tags?.find(t => t.Key === STACK_TAG)?.Value;
    const exempt = exemptBy(group.Tags);
    const from = crossVpc.referencedFrom.get(id);
    const refusal = audit.isDefault ? audit.why
      : stack ? `it belongs to CloudFormation stack ${stack}: delete it through the stack, or the stack drifts and its next update fails`
        : exempt ? exemptText(exempt)
          : from ? `rules in groups of ${from.join(', ')} name it across a peering or transit gateway; AWS would delete it and leave those rules stale`
            : crossVpc.unknown.get(id) ?? crossVpc.unknown.get('*');
    if (refusal) groups.set(id, { ...planned, delete: false, why: refusal });
    else candidates.push({ group, audit });
  }

  // A list that could not be read may hold the only resource configured with a group: then no group is safe.
  const unread = [
    inventory.endpointsListed ? undefined : 'VPC endpoints',
    inventory.loadBalancers ? undefined : 'load balancers',
    inventory.functions ? undefined : 'Lambda functions',
    inventory.launchTemplates ? undefined : 'launch templates',
    inventory.launchConfigurations ? undefined : 'launch configurations',
  ].filter((l): l is string => l !== undefined);
  if (unread.length > 0) {
    const why = `the ${unread.join(', ')} could not be listed (see the warnings), so whether one of them is configured with it is unknown`;
    for (const { audit } of candidates.splice(0)) groups.set(audit.groupId, { kind: 'group', id: audit.groupId, name: audit.groupName, vpcId: audit.vpcId, delete: false, why });
  }

  // Rounds: a group becomes deletable once all that holds it is deletable too.
  const ordered: Planned[] = [];
  const going = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const { group, audit } of candidates) {
      const id = audit.groupId;
      if (going.has(id)) continue;
      const heldBy = audit.interfaces.filter(i => !goingInterfaces.has(i.interfaceId));
      const namedBy = audit.referencedBy.filter(r => !going.has(r.groupId));
      if (heldBy.length > 0 || namedBy.length > 0 || audit.configuredOn.length > 0) continue;
      const after = [...audit.interfaces.map(i => i.interfaceId), ...new Set(audit.referencedBy.map(r => r.groupId))];
      const why = after.length === 0 ? audit.why : `only ${after.join(', ')} ${after.length === 1 ? 'holds' : 'hold'} it, and ${after.length === 1 ? 'that goes' : 'those go'} first`;
      ordered.push({ kind: 'group', id, name: group.GroupName, vpcId: group.VpcId, delete: true, why });
      going.add(id);
      changed = true;
    }
  }
  for (const { audit } of candidates) {
    if (!going.has(audit.groupId)) groups.set(audit.groupId, { kind: 'group', id: audit.groupId, name: audit.groupName, vpcId: audit.vpcId, delete: false, why: audit.why });
  }
  return [
    ...interfaces.filter(i => i.delete), ...ordered,
    ...interfaces.filter(i => !i.delete), ...groups.values(),
  ];
}

/** Whether `prune --interfaces` may delete an interface: never one in use, nor one AWS manages whose owner may be alive. */
function interfaceVerdict(a: InterfaceAudit): { delete: boolean; why: string } {
  if (a.inUse) return { delete: false, why: a.why };
  if (a.requesterManaged && a.owner !== 'gone') return { delete: false, why: a.why };
  if (a.release === 'owner-may-use-it') return { delete: false, why: a.why };
  if (a.release === 'released-by-aws') return { delete: true, why: `${a.why}; deleting it now is safe, its owner being gone` };
  return { delete: true, why: a.why };
}

function recordOf(inventory: Inventory, toDelete: readonly Planned[], region: string, now: Date): PruneRecord {
  const audits = new Map(auditGroups(inventory).map(a => [a.groupId, a]));
  const interfaceAudits = new Map(auditInterfaces(inventory, new Map(), now).map(a => [a.interfaceId, a]));
  const groupsById = new Map(inventory.groups.map(g => [g.GroupId ?? '', g]));
  const enisById = new Map(inventory.interfaces.map(n => [n.NetworkInterfaceId ?? '', n]));
  return {
    kind: RECORD_KIND,
    schemaVersion: '1.0',
    createdAt: now.toISOString(),
    region,
    interfaces: toDelete.filter(p => p.kind === 'interface').map(p => recordedInterface(enisById.get(p.id)!, interfaceAudits.get(p.id)!)),
    groups: toDelete.filter(p => p.kind === 'group').map(p => recordedGroup(groupsById.get(p.id)!, audits.get(p.id)!.referencedBy)),
  };
}

function recordedGroup(group: SecurityGroup, referencedBy: GroupAudit['referencedBy']): RecordedGroup {
  return {
    groupId: group.GroupId ?? '',
    groupName: group.GroupName ?? '',
    description: group.Description ?? '',
    vpcId: group.VpcId ?? '',
    ownerId: group.OwnerId,
    tags: group.Tags ?? [],
    ipPermissions: group.IpPermissions ?? [],
    ipPermissionsEgress: group.IpPermissionsEgress ?? [],
    referencedBy,
  };
}

function recordedInterface(eni: NetworkInterface, audit: InterfaceAudit): RecordedInterface {
  return {
    interfaceId: audit.interfaceId,
    description: audit.description,
    interfaceType: audit.interfaceType,
    status: audit.status,
    vpcId: audit.vpcId,
    subnetId: audit.subnetId,
    privateIpAddress: audit.privateIpAddress,
    requesterManaged: audit.requesterManaged,
    requesterId: audit.requesterId,
    groupIds: audit.groups.map(g => g.groupId),
    tags: eni.TagSet ?? [],
    behind: `${audit.resource.kind} ${audit.resource.id}${audit.resource.detail ? ` (${audit.resource.detail})` : ''}`,
  };
}

/** AWS's answers that mean "in use, not deleted": a group's (VPC, and EC2-Classic's) and an interface's. */
const IN_USE_ERRORS = new Set(['DependencyViolation', 'InvalidGroup.InUse', 'InvalidNetworkInterface.InUse']);
const NOT_FOUND_ERRORS = new Set(['InvalidGroup.NotFound', 'InvalidNetworkInterfaceID.NotFound']);

/** Checks one planned deletion against the account as it is now, then deletes it, and says what happened. */
async function deleteOne(planned: Planned, record: PruneRecord, session: AwsSession, crossVpc: CrossVpcReferences): Promise<PruneItem> {
  const ec2 = session.clients.ec2;
  const done = (outcome: Outcome, why: string) => item(planned, outcome, why);
  try {
    const blocker = planned.kind === 'group'
      ? await groupBlocker(ec2, record.groups.find(g => g.groupId === planned.id)!, session, crossVpc)
      : await interfaceBlocker(ec2, record.interfaces.find(i => i.interfaceId === planned.id)!, session);
    if (blocker === 'gone') return done('already-gone', 'it was no longer there');
    if (blocker) return done('skipped', `${blocker}; not deleted`);
  } catch (error) {
    return done('failed', `could not check it again before deleting, so it was not deleted: ${errorMessage(error)}`);
  }
  try {
    if (planned.kind === 'group') await session.call(`delete ${planned.id}`, () => ec2.send(new DeleteSecurityGroupCommand({ GroupId: planned.id })));
    else await session.call(`delete ${planned.id}`, () => ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: planned.id })));
    return done('deleted', 'deleted');
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    const name = errorName(cause);
    if (NOT_FOUND_ERRORS.has(name)) return done('already-gone', 'it was no longer there');
    // AWS answers a delete of an interface in use with InvalidParameterValue and "is currently in use".
    if (IN_USE_ERRORS.has(name) || (name === 'InvalidParameterValue' && /currently in use/i.test(errorMessage(cause)))) {
      return done('refused', `AWS refused: it came into use (${name}: ${errorMessage(cause)})`);
    }
    return done('failed', errorMessage(error));
  }
}

/** Why the group must not be deleted now, 'gone' if it is not there, or undefined if it may go. */
async function groupBlocker(ec2: EC2Client, recorded: RecordedGroup, session: AwsSession, crossVpc: CrossVpcReferences): Promise<string | undefined> {
  const id = recorded.groupId;
  let current: SecurityGroup | undefined;
  try {
    current = (await session.call(`describe ${id}`, () => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] })))).SecurityGroups?.[0];
  } catch (error) {
    if (errorName((error as { cause?: unknown }).cause) === 'InvalidGroup.NotFound') return 'gone';
    throw error;
  }
  if (!current) return 'gone';
  if (!sameGroup(current, recorded)) return 'its rules or tags changed since the record was written';
  const carriers = await session.call(`list the interfaces that carry ${id}`, () => ec2.send(new DescribeNetworkInterfacesCommand({
    Filters: [{ Name: 'group-id', Values: [id] }],
  })));
  const carrying = (carriers.NetworkInterfaces ?? []).map(n => n.NetworkInterfaceId);
  if (carrying.length > 0) return `it came into use: ${carrying.join(', ')} ${carrying.length === 1 ? 'carries' : 'carry'} it now`;
  const naming = new Set<string>();
  for (const filter of ['ip-permission.group-id', 'egress.ip-permission.group-id']) {
    const found = await session.call(`list the groups whose rules name ${id}`, () => ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: filter, Values: [id] }] })));
    for (const g of found.SecurityGroups ?? []) if (g.GroupId && g.GroupId !== id) naming.add(g.GroupId);
  }
  if (naming.size > 0) return `rules in ${[...naming].join(', ')} name it now`;
  if (crossVpc.connectedVpcs.has(recorded.vpcId)) {
    const from = await crossVpcReferences(ec2, id, session);
    if (from.length > 0) return `rules in groups of ${from.join(', ')} name it now, across a peering or transit gateway`;
  }
  return undefined;
}

async function interfaceBlocker(ec2: EC2Client, recorded: RecordedInterface, session: AwsSession): Promise<string | undefined> {
  const id = recorded.interfaceId;
  let current: NetworkInterface | undefined;
  try {
    current = (await session.call(`describe ${id}`, () => ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] })))).NetworkInterfaces?.[0];
  } catch (error) {
    if (errorName((error as { cause?: unknown }).cause) === 'InvalidNetworkInterfaceID.NotFound') return 'gone';
    throw error;
  }
  if (!current) return 'gone';
  if (current.Status !== 'available' || current.Attachment?.Status === 'attached' || current.Attachment?.Status === 'attaching') {
    return `it came into use (${current.Status}${current.Attachment?.InstanceId ? ` on ${current.Attachment.InstanceId}` : ''})`;
  }
  if (current.Association?.AllocationId) return `Elastic IP ${current.Association.PublicIp ?? current.Association.AllocationId} was associated with it`;
  const groups = (current.Groups ?? []).map(g => g.GroupId ?? '').sort();
  if (JSON.stringify(groups) !== JSON.stringify([...recorded.groupIds].sort())) return 'its groups changed since the record was written';
  return undefined;
}

/** The group has the rules and tags the record holds (in any order). */
function sameGroup(current: SecurityGroup, recorded: RecordedGroup): boolean {
  const rules = (permissions: IpPermission[] | undefined) => canonical(permissions ?? []);
  return rules(current.IpPermissions) === rules(recorded.ipPermissions)
    && rules(current.IpPermissionsEgress) === rules(recorded.ipPermissionsEgress)
    && canonical(current.Tags ?? []) === canonical(recorded.tags);
}

/** A JSON text that is the same for equal values whatever the order of keys and of list items. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).sort().join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const OUTCOME_TEXT: Record<Outcome, string> = {
  'kept': 'keep',
  'would-delete': 'would delete',
  'deleted': 'deleted',
  'already-gone': 'already gone',
  'skipped': 'NOT DELETED',
  'refused': 'NOT DELETED',
  'failed': 'FAILED',
};

/** The plan or its outcome as aligned lines, then the warnings and a summary that says what to do next. */
export function pruneTable(report: PruneReport, place: string): string {
  const rows = report.items.map(i => [OUTCOME_TEXT[i.outcome], `${i.kind === 'group' ? 'group' : 'interface'} ${i.id}${i.name ? ` ${i.name}` : ''}`, i.why]);
  const width = (c: number) => Math.max(0, ...rows.map(r => r[c].length));
  const lines = rows.length === 0 ? ['(no groups or interfaces in scope)'] : rows.map(r => `${r[0].padEnd(width(0))}  ${r[1].padEnd(width(1))}  ${r[2]}`);
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  const count = (...outcomes: Outcome[]) => report.items.filter(i => outcomes.includes(i.outcome)).length;
  const kept = count('kept');
  if (!report.apply) {
    const would = count('would-delete');
    lines.push(`${report.region}: dry run: ${would} would be deleted, ${kept} kept. Nothing was changed.`
      + (would > 0 ? ` With --apply, a record goes to ${place} before the first delete.` : ''));
  } else {
    const notDeleted = count('skipped', 'refused', 'failed');
    lines.push(`${report.region}: ${count('deleted')} deleted, ${count('already-gone')} already gone, ${notDeleted} not deleted, ${kept} kept.`
      + (report.record ? ` Record: ${report.record} (sg-strategy restore ${report.record} brings the groups back).` : ' Nothing to delete, so no record was written.'));
  }
  return lines.join('\n');
}
