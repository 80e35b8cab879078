import {
  AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand, IpPermission, RevokeSecurityGroupEgressCommand, SecurityGroup, Tag,
} from '@aws-sdk/client-ec2';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { permissionTraffic } from './group-audit';
import { PruneRecord, readRecord, RecordedGroup } from './record';
import { AwsSession, CleanupDependencies, openSession } from './session';
import { errorMessage, errorName } from '../../handlers/shared/aws-calls';
import { RESTORE_OPTIONS } from '../account-options';
import { choice, listValues, ParsedArgs, stringValue } from '../args';
import { counted } from '../counted';
import { CliError } from '../inputs';
import type { CliIo } from '../main';

export const RESTORE_USAGE = 'sg-strategy restore <record> [--group sg-... ...] [--region r] [--profile p] [--format table|json]';

/** The tag `restore` puts on each group it makes, naming the deleted one: a second run finds it, and makes no other. */
export const RESTORED_FROM_TAG = 'sg-strategy:restored-from';

/** One group of the record, and what became of it. */
export interface RestoredGroup {
  readonly oldGroupId: string;
  readonly groupName: string;
  readonly vpcId: string;
  /** The group made (or found made by an earlier run); absent when it could not be made. */
  readonly newGroupId?: string;
  readonly created: boolean;
  readonly rulesRestored: number;
  /** Each rule, tag or reference that did not come back, and why. */
  readonly notRestored: string[];
}

/** What `restore --format json` prints. README documents it. */
export interface RestoreReport {
  readonly schemaVersion: '1.0';
  readonly region: string;
  readonly record: string;
  readonly groups: RestoredGroup[];
  /** The interfaces the record holds: recorded for the trail, never recreated. */
  readonly interfacesNotRecreated: string[];
}

/**
 * `sg-strategy restore <record>`: makes each recorded group again, in its VPC, with its name, description,
 * tags and rules, then lists what could not come back. Running it twice makes nothing twice.
 */
export async function runRestore(args: ParsedArgs, io: CliIo, deps: CleanupDependencies = {}): Promise<number> {
  const format = choice(args, 'format', RESTORE_OPTIONS);
  const positionals = args.positional;
  if (positionals.length !== 1) throw new CliError(`restore: give one record, the file or s3:// location prune wrote: ${RESTORE_USAGE}`);
  const where = positionals[0];
  const region = stringValue(args, 'region');

  // The record names its region; an S3 record is read in the region given (or the default) first.
  let session = await openSession(io, { region, profile: stringValue(args, 'profile') }, deps);
  const record = await readRecord(where, io.cwd, async (bucket, key) => {
    const got = await session.call(`read s3://${bucket}/${key}`, () => session.s3().send(new GetObjectCommand({ Bucket: bucket, Key: key })));
    return got.Body ? got.Body.transformToString() : '';
  });
  if (region && region !== record.region) throw new CliError(`restore: the record is of ${record.region}, and --region says ${region}; groups are restored where they were`);
  if (session.region !== record.region) session = await openSession(io, { region: record.region, profile: stringValue(args, 'profile') }, deps);

  const wanted = listValues(args, 'group');
  const unknown = wanted.filter(w => !record.groups.some(g => g.groupId === w || g.groupName === w));
  if (unknown.length > 0) throw new CliError(`restore: the record holds no group ${unknown.map(u => `"${u}"`).join(', ')}; it holds ${record.groups.map(g => g.groupId).join(', ') || 'none'}`);
  const chosen = record.groups.filter(g => wanted.length === 0 || wanted.includes(g.groupId) || wanted.includes(g.groupName));

  io.err(`sg-strategy restore: ${counted(chosen.length, 'group')} from ${where} into ${record.region}...`);
  const groups = await restoreGroups(record, chosen, session, text => io.err(text));
  const report: RestoreReport = {
    schemaVersion: '1.0',
    region: record.region,
    record: where,
    groups,
    interfacesNotRecreated: record.interfaces.map(i => i.interfaceId),
  };
  io.out(format === 'json' ? JSON.stringify(report, undefined, 2) : restoreTable(report));
  return groups.every(g => g.newGroupId && g.notRestored.length === 0) ? 0 : 1;
}

/** Makes the groups first (so rules between them can name the new ids), then their rules. */
async function restoreGroups(
  record: PruneRecord, chosen: readonly RecordedGroup[], session: AwsSession, progress: (text: string) => void,
): Promise<RestoredGroup[]> {
  const made = new Map<string, Made>();
  for (const group of chosen) {
    progress(`  ${group.groupId} ${group.groupName}...`);
    made.set(group.groupId, await makeGroup(group, session));
  }
  const newIds = new Map([...made].filter(([, m]) => m.newGroupId).map(([old, m]) => [old, m.newGroupId!]));
  for (const group of chosen) {
    const state = made.get(group.groupId)!;
    if (!state.newGroupId) continue;
    const result = await restoreRules(group, state.newGroupId, newIds, session);
    state.rules += result.restored;
    state.notRestored.push(...result.notRestored);
    // Rules of other groups that named this one: they come back only with their own group.
    for (const ref of group.referencedBy) {
      if (newIds.has(ref.groupId)) continue;
      const inRecord = record.groups.some(g => g.groupId === ref.groupId);
      state.notRestored.push(`the ${ref.direction} rule (${ref.traffic}) of ${ref.groupId}${ref.groupName ? ` ${ref.groupName}` : ''} named the old id, and ${inRecord
        ? 'that group was deleted in the same run: restore it from this record too'
        : 'is not restored by this run'}`);
    }
  }
  return chosen.map(group => {
    const state = made.get(group.groupId)!;
    return {
      oldGroupId: group.groupId,
      groupName: group.groupName,
      vpcId: group.vpcId,
      newGroupId: state.newGroupId,
      created: state.created,
      rulesRestored: state.rules,
      notRestored: state.notRestored,
    };
  });
}

interface Made {
  newGroupId?: string;
  created: boolean;
  notRestored: string[];
  rules: number;
}

async function makeGroup(group: RecordedGroup, session: AwsSession): Promise<Made> {
  const ec2 = session.clients.ec2;
  const notRestored: string[] = [];
  // Tags whose keys start with aws: are AWS's own; no caller may set them.
  const tags: Tag[] = group.tags.filter(t => !(t.Key ?? '').toLowerCase().startsWith('aws:'));
  for (const t of group.tags.filter(x => !tags.includes(x))) notRestored.push(`tag ${t.Key}=${t.Value}: keys starting with aws: are AWS's own`);
  const found = await findRestored(group, session);
  if (found) return { newGroupId: found.GroupId, created: false, notRestored, rules: 0 };
  try {
    const created = await session.call(`create ${group.groupName} in ${group.vpcId}`, () => ec2.send(new CreateSecurityGroupCommand({
      GroupName: group.groupName,
      Description: group.description,
      VpcId: group.vpcId,
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [...tags, { Key: RESTORED_FROM_TAG, Value: group.groupId }] }],
    })));
    return { newGroupId: created.GroupId, created: true, notRestored, rules: 0 };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    const why = errorName(cause) === 'InvalidGroup.Duplicate'
      ? `not restored: ${group.vpcId} already has a group named ${group.groupName} that this command did not make; rename or delete it, and run again`
      : `not restored: ${errorMessage(error)}`;
    return { created: false, notRestored: [why], rules: 0 };
  }
}

/** A group an earlier run made from this one, found by its tag. */
async function findRestored(group: RecordedGroup, session: AwsSession): Promise<SecurityGroup | undefined> {
  const found = await session.call(`look for an earlier restore of ${group.groupId}`, () => session.clients.ec2.send(new DescribeSecurityGroupsCommand({
    Filters: [{ Name: 'vpc-id', Values: [group.vpcId] }, { Name: `tag:${RESTORED_FROM_TAG}`, Values: [group.groupId] }],
  })));
  return found.SecurityGroups?.[0];
}

/** One source of one rule, so that each comes back, or fails, alone. */
function split(permission: IpPermission): IpPermission[] {
  const base = { IpProtocol: permission.IpProtocol, FromPort: permission.FromPort, ToPort: permission.ToPort };
  return [
    ...(permission.IpRanges ?? []).map(r => ({ ...base, IpRanges: [r] })),
    ...(permission.Ipv6Ranges ?? []).map(r => ({ ...base, Ipv6Ranges: [r] })),
    ...(permission.PrefixListIds ?? []).map(p => ({ ...base, PrefixListIds: [p] })),
    ...(permission.UserIdGroupPairs ?? []).map(p => ({ ...base, UserIdGroupPairs: [p] })),
  ];
}

function source(p: IpPermission): string {
  const pair = p.UserIdGroupPairs?.[0];
  return p.IpRanges?.[0]?.CidrIp ?? p.Ipv6Ranges?.[0]?.CidrIpv6 ?? p.PrefixListIds?.[0]?.PrefixListId
    ?? (pair ? `${pair.UserId && pair.VpcPeeringConnectionId ? `${pair.UserId}/` : ''}${pair.GroupId}` : '?');
}

/** One split rule's protocol, ports, source and description: a default egress rule differs from a described one. */
const ruleKey = (p: IpPermission) => `${p.IpProtocol}|${p.FromPort ?? ''}|${p.ToPort ?? ''}|${source(p)}|${description(p) ?? ''}`;

function description(p: IpPermission): string | undefined {
  return p.IpRanges?.[0]?.Description ?? p.Ipv6Ranges?.[0]?.Description ?? p.PrefixListIds?.[0]?.Description ?? p.UserIdGroupPairs?.[0]?.Description;
}

/** AWS's default egress of a new group: all traffic to 0.0.0.0/0 (and to ::/0 in a VPC with IPv6), undescribed. */
const isDefaultEgress = (p: IpPermission) => p.IpProtocol === '-1' && !description(p) && ['0.0.0.0/0', '::/0'].includes(source(p));

async function restoreRules(
  group: RecordedGroup, newId: string, newIds: ReadonlyMap<string, string>, session: AwsSession,
): Promise<{ restored: number; notRestored: string[] }> {
  const ec2 = session.clients.ec2;
  const notRestored: string[] = [];
  let restored = 0;
  const egress = group.ipPermissionsEgress.flatMap(split);
  // A new group comes with AWS's default egress; the deleted group may not have had it (or had it with a
  // description), so a default rule the record does not hold is revoked. Also for a group an earlier run made,
  // in case that run stopped before this step.
  const fresh = await session.call(`describe ${newId}`, () => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [newId] })));
  const recorded = new Set(egress.map(ruleKey));
  const extras = (fresh.SecurityGroups?.[0]?.IpPermissionsEgress ?? []).flatMap(split).filter(p => isDefaultEgress(p) && !recorded.has(ruleKey(p)));
  for (const extra of extras) {
    try {
      await session.call(`remove the default egress rule of ${newId}`, () => ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: newId, IpPermissions: [extra] })));
    } catch (error) {
      notRestored.push(`the new group keeps AWS's default egress ${permissionTraffic(extra)} to ${source(extra)}, which the deleted one did not have: ${errorMessage(error)}`);
    }
  }
  const rules = [
    ...group.ipPermissions.flatMap(split).map(p => ['ingress', p] as const),
    ...egress.map(p => ['egress', p] as const),
  ];
  for (const [direction, rule] of rules) {
    const what = `${direction} ${permissionTraffic(rule)} ${direction === 'ingress' ? 'from' : 'to'} ${source(rule)}`;
    const pair = rule.UserIdGroupPairs?.[0];
    let permission = rule;
    if (pair?.GroupId) {
      const target = pair.GroupId === group.groupId ? newId : newIds.get(pair.GroupId) ?? pair.GroupId;
      // Only the id and the description travel: a name or a stale peering status would be refused.
      const peering = pair.VpcPeeringConnectionId ? { UserId: pair.UserId, VpcPeeringConnectionId: pair.VpcPeeringConnectionId } : {};
      permission = { ...rule, UserIdGroupPairs: [{ GroupId: target, Description: pair.Description, ...peering }] };
    }
    try {
      const input = { GroupId: newId, IpPermissions: [permission] };
      await session.call(`restore ${what} of ${newId}`, () => (direction === 'ingress'
        ? ec2.send(new AuthorizeSecurityGroupIngressCommand(input))
        : ec2.send(new AuthorizeSecurityGroupEgressCommand(input))));
      restored++;
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause ?? error;
      const name = errorName(cause);
      if (name === 'InvalidPermission.Duplicate') {
        restored++;
        continue;
      }
      const hint = name === 'InvalidGroup.NotFound' ? `: ${pair?.GroupId} no longer exists, and is not restored by this run`
        : /^InvalidPrefixListId\.NotFound$/i.test(name) ? `: prefix list ${rule.PrefixListIds?.[0]?.PrefixListId} no longer exists`
          : ` (${name}: ${errorMessage(cause)})`;
      notRestored.push(`${what}${hint}`);
    }
  }
  return { restored, notRestored };
}

export function restoreTable(report: RestoreReport): string {
  const lines: string[] = [];
  for (const g of report.groups) {
    const head = g.newGroupId
      ? `${g.oldGroupId} ${g.groupName} -> ${g.newGroupId} (${g.created ? 'created' : 'made by an earlier restore'}), ${counted(g.rulesRestored, 'rule')} in place`
      : `${g.oldGroupId} ${g.groupName}: not restored`;
    lines.push(head);
    for (const n of g.notRestored) lines.push(`  not restored: ${n}`);
  }
  const made = report.groups.filter(g => g.newGroupId);
  if (made.length > 0) {
    lines.push('', 'The new groups have new ids. Whatever named an old id (a launch template, a CloudFormation template or CDK code, '
      + 'a rule in another account across a peering) still names it: change it to the new id.');
  }
  if (report.interfacesNotRecreated.length > 0) {
    lines.push(`Interfaces are recorded, not recreated: ${report.interfacesNotRecreated.join(', ')}.`);
  }
  const incomplete = report.groups.filter(g => !g.newGroupId || g.notRestored.length > 0).length;
  lines.push(`${report.region}: ${made.length} of ${counted(report.groups.length, 'group')} restored${incomplete > 0 ? `, ${incomplete} with something that could not come back (above)` : ', all rules and tags in place'}.`);
  return lines.join('\n');
}
