/**
 * The handler behind LockedDefaultSecurityGroup. Bundled into assets/ and run by Lambda; never imported by
 * the library's public API.
 *
 * It is invoked two ways:
 * - by the CDK Provider framework, for the custom resource's Create, Update and Delete;
 * - by an EventBridge rule on CloudTrail events, when `relockOnDrift` is on and someone adds a rule to a
 *   locked group.
 *
 * Fail-safes: it only ever touches a group whose name is `default`, in the VPC the resource names, and on a
 * drift event only a group this stack locks (LOCKED_GROUP_IDS). It logs every rule in full before revoking
 * it, so the CloudWatch log is the record of what was removed.
 *
 * An Update must not strand the stack: a group deleted out of band is logged and the Update succeeds, and on
 * the Update of a rollback (recognised by an older DeployNonce) a failed relock is logged and reported in the
 * response instead of failing the rollback into UPDATE_ROLLBACK_FAILED.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { describeFailure, errorMessage, errorName, handlerClientConfig, TimeBudget, tolerating, withTimeBudget } from './shared/aws-calls';
import { type CloudTrailEvent, groupIdOf, groupNameOf, isCloudTrailCall } from './shared/cloudtrail';
import type { CustomResourceEvent } from './shared/custom-resource';
import { describeRules, GROUP_GONE, RULE_GONE } from './shared/security-group-rules';

/** The custom resource's properties, as CloudFormation passes them (booleans arrive as strings). */
export interface LockProperties {
  readonly DefaultSecurityGroupId: string;
  readonly VpcId?: string;
  readonly RestoreAwsDefaultsOnDelete?: string | boolean;
  /** The synth time, an ISO date, when the locker relocks on every deploy. */
  readonly DeployNonce?: string;
}

/** The Provider framework's event for the locker's custom resource. */
export type LockEvent = CustomResourceEvent<LockProperties>;

export interface CustomResourceResponse {
  readonly PhysicalResourceId: string;
  readonly Data: {
    readonly RevokedRuleCount: number;
    /** Why a relock during a rollback did not happen; the rollback went on. */
    readonly RelockError?: string;
  };
}

/** What a lock did. */
export interface LockResult {
  readonly groupId: string;
  readonly revoked: SecurityGroupRule[];
}

export interface LockDependencies {
  readonly ec2: EC2Client;
  /** Where the record of revoked rules goes; CloudWatch Logs through `console.log` in Lambda. */
  readonly log?: (line: string) => void;
  /** The group ids a drift event may relock, comma-separated; the LOCKED_GROUP_IDS environment variable. */
  readonly lockedGroupIds?: string;
}

/** A revoke call takes this many rule ids at most. */
const REVOKE_BATCH = 50;
/** Describe-and-revoke rounds before giving up on a group someone keeps adding rules to. */
const MAX_ROUNDS = 3;

export class LockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockError';
  }
}

/** Makes the handler around a given EC2 client; the exported `handler` uses the runtime's default client. */
export function makeHandler(deps: LockDependencies) {
  const locker = new DefaultGroupLocker(deps);
  return async (event: LockEvent | CloudTrailEvent): Promise<CustomResourceResponse | LockResult | undefined> => {
    if ('RequestType' in event) return locker.onCustomResourceEvent(event);
    if (isCloudTrailCall(event)) return locker.onDrift(event);
    throw new LockError(`Unrecognised event: ${JSON.stringify(event).slice(0, 500)}`);
  };
}

export class DefaultGroupLocker {
  private readonly ec2: EC2Client;
  private readonly log: (line: string) => void;
  private readonly lockedGroupIds: Set<string>;

  constructor(deps: LockDependencies) {
    this.ec2 = deps.ec2;
    this.log = deps.log ?? ((line) => console.log(line));
    this.lockedGroupIds = new Set((deps.lockedGroupIds ?? '').split(',').map((id) => id.trim()).filter((id) => id));
  }

  async onCustomResourceEvent(event: LockEvent): Promise<CustomResourceResponse> {
    const props = event.ResourceProperties;
    const groupId = props.DefaultSecurityGroupId;
    if (!groupId) throw new LockError('The custom resource has no DefaultSecurityGroupId property.');
    if (event.RequestType === 'Delete') {
      if (isTrue(props.RestoreAwsDefaultsOnDelete)) await this.restoreAwsDefaults(groupId, props.VpcId);
      else this.log(JSON.stringify({ action: 'left-locked', groupId }));
      return { PhysicalResourceId: event.PhysicalResourceId ?? groupId, Data: { RevokedRuleCount: 0 } };
    }
    // Create and every Update lock again, which heals drift. When the group id changes, CloudFormation
    // sees a new physical id and sends a Delete for the old group, which handles it.
    if (event.RequestType === 'Create') {
      const result = await this.lock(groupId, props.VpcId);
      return { PhysicalResourceId: groupId, Data: { RevokedRuleCount: result.revoked.length } };
    }
    const rollback = isRollback(event);
    try {
      const result = await this.lock(groupId, props.VpcId, { missingIsFine: true });
      return { PhysicalResourceId: groupId, Data: { RevokedRuleCount: result.revoked.length } };
    } catch (error) {
      if (!rollback) throw error;
      // Failing here would leave the stack in UPDATE_ROLLBACK_FAILED; the group is relocked by the next deploy.
      this.log(JSON.stringify({ action: 'relock-failed-during-rollback', groupId, error: errorMessage(error) }));
      return { PhysicalResourceId: groupId, Data: { RevokedRuleCount: 0, RelockError: errorMessage(error).slice(0, 1_000) } };
    }
  }

  async onDrift(event: CloudTrailEvent): Promise<LockResult | undefined> {
    const groupId = groupIdOf(event) ?? await this.groupIdByName(groupNameOf(event));
    if (!groupId || !this.lockedGroupIds.has(groupId)) {
      // The EventBridge rule filters on the group; anything else reaching here is not ours to touch.
      this.log(JSON.stringify({ action: 'ignored', reason: 'not a group this stack locks', groupId: groupId ?? null, eventName: event.detail.eventName }));
      return undefined;
    }
    return this.lock(groupId, undefined, { missingIsFine: true });
  }

  /**
   * Revokes every rule of a VPC's default group. Running it again on a locked group changes nothing. A
   * missing group is an error, unless `missingIsFine` (an Update or a drift event: it was deleted meanwhile).
   */
  async lock(groupId: string, expectedVpcId?: string, options: { missingIsFine?: boolean } = {}): Promise<LockResult> {
    const group = await this.describeGroup(groupId);
    if (!group && options.missingIsFine) {
      this.log(JSON.stringify({ action: 'lock-skipped', reason: 'the group no longer exists (its VPC was deleted out of band?)', groupId }));
      return { groupId, revoked: [] };
    }
    if (!group) throw new LockError(`Security group ${groupId} does not exist, so it cannot be locked. Check the VPC's default security group id.`);
    this.assertDefaultGroup(group, expectedVpcId);
    const revoked: SecurityGroupRule[] = [];
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const rules = await this.describeRules(groupId);
      if (rules.length === 0) {
        this.log(JSON.stringify({ action: 'locked', groupId, revokedRuleCount: revoked.length }));
        return { groupId, revoked };
      }
      // The record comes first: if a revoke fails half way, the log still holds every rule.
      this.log(JSON.stringify({ action: 'revoking', groupId, vpcId: group.VpcId, rules }));
      revoked.push(...await this.revoke(groupId, rules));
    }
    const left = await this.describeRules(groupId);
    if (left.length === 0) return { groupId, revoked };
    throw new LockError(
      `Security group ${groupId} still has ${left.length} rule(s) after ${MAX_ROUNDS} rounds of revoking ` +
      `(${left.map((r) => r.SecurityGroupRuleId).join(', ')}); something keeps adding rules to it.`,
    );
  }

  /**
   * Puts back the rules AWS gives a new default group: all traffic in from itself, all traffic out to
   * 0.0.0.0/0, and to ::/0 when the VPC has an IPv6 CIDR block associated.
   */
  async restoreAwsDefaults(groupId: string, expectedVpcId?: string): Promise<void> {
    const group = await this.describeGroup(groupId);
    if (!group) {
      this.log(JSON.stringify({ action: 'restore-skipped', reason: 'group no longer exists', groupId }));
      return;
    }
    this.assertDefaultGroup(group, expectedVpcId);
    await this.tolerating(['InvalidPermission.Duplicate'], () => this.ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: groupId }] }],
    })));
    const dualStack = await this.hasIpv6(group.VpcId!);
    await this.tolerating(['InvalidPermission.Duplicate'], () => this.ec2.send(new AuthorizeSecurityGroupEgressCommand({
      GroupId: groupId,
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    })));
    if (dualStack) {
      await this.tolerating(['InvalidPermission.Duplicate'], () => this.ec2.send(new AuthorizeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
      })));
    }
    this.log(JSON.stringify({ action: 'restored-aws-defaults', groupId, ipv6Egress: dualStack }));
  }

  private assertDefaultGroup(group: SecurityGroup, expectedVpcId: string | undefined): void {
    if (group.GroupName !== 'default') {
      throw new LockError(
        `Refusing to change security group ${group.GroupId} ("${group.GroupName}"): it is not a VPC's default security group. ` +
        'Pass the id of the group named "default".',
      );
    }
    if (expectedVpcId && group.VpcId !== expectedVpcId) {
      throw new LockError(
        `Refusing to change security group ${group.GroupId}: it is the default group of ${group.VpcId}, not of ${expectedVpcId}.`,
      );
    }
  }

  /** Whether AWS gives this VPC's default group the `::/0` egress rule: it has an IPv6 block associated. */
  private async hasIpv6(vpcId: string): Promise<boolean> {
    try {
      const result = await this.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
      return (result.Vpcs?.[0]?.Ipv6CidrBlockAssociationSet ?? []).some((block) => block.Ipv6CidrBlockState?.State === 'associated');
    } catch (error) {
      throw this.wrap(`describe VPC ${vpcId}`, error);
    }
  }

  /**
   * The id of the group a CloudTrail event names only by `groupName`, which EC2 accepts for the default VPC
   * alone; undefined when there is none.
   */
  private async groupIdByName(groupName: string | undefined): Promise<string | undefined> {
    if (!groupName) return undefined;
    try {
      const result = await this.ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: [groupName] }));
      return result.SecurityGroups?.[0]?.GroupId;
    } catch (error) {
      if ((GROUP_GONE as readonly string[]).includes(errorName(error))) return undefined;
      throw this.wrap(`find the security group named ${groupName}`, error);
    }
  }

  private async describeGroup(groupId: string): Promise<SecurityGroup | undefined> {
    try {
      const result = await this.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
      return result.SecurityGroups?.[0];
    } catch (error) {
      if ((GROUP_GONE as readonly string[]).includes(errorName(error))) return undefined;
      throw this.wrap(`describe security group ${groupId}`, error);
    }
  }

  private async describeRules(groupId: string): Promise<SecurityGroupRule[]> {
    try {
      return await describeRules(this.ec2, [groupId]);
    } catch (error) {
      throw this.wrap(`describe the rules of ${groupId}`, error);
    }
  }

  /** Revokes the given rules, in batches; a rule already gone is not an error. Returns what it revoked. */
  private async revoke(groupId: string, rules: SecurityGroupRule[]): Promise<SecurityGroupRule[]> {
    const revoked: SecurityGroupRule[] = [];
    for (const egress of [false, true]) {
      const side = rules.filter((r) => (r.IsEgress ?? false) === egress && r.SecurityGroupRuleId);
      for (let start = 0; start < side.length; start += REVOKE_BATCH) {
        const batch = side.slice(start, start + REVOKE_BATCH);
        try {
          await this.revokeIds(groupId, egress, batch.map((r) => r.SecurityGroupRuleId!));
          revoked.push(...batch);
        } catch (error) {
          if (!(RULE_GONE as readonly string[]).includes(errorName(error))) throw this.wrap(`revoke rules of ${groupId}`, error);
          // One rule in the batch went away under us; revoke the rest one by one.
          for (const rule of batch) {
            const gone = await this.tolerating([...RULE_GONE], () => this.revokeIds(groupId, egress, [rule.SecurityGroupRuleId!]));
            if (!gone) revoked.push(rule);
          }
        }
      }
    }
    return revoked;
  }

  private async revokeIds(groupId: string, egress: boolean, ruleIds: string[]): Promise<void> {
    const input = { GroupId: groupId, SecurityGroupRuleIds: ruleIds };
    await (egress
      ? this.ec2.send(new RevokeSecurityGroupEgressCommand(input))
      : this.ec2.send(new RevokeSecurityGroupIngressCommand(input)));
  }

  /** Runs a call; true when it failed with one of `names` (tolerated). */
  private async tolerating(names: readonly string[], call: () => Promise<unknown>): Promise<boolean> {
    try {
      return await tolerating(names, call);
    } catch (error) {
      throw this.wrap('change the default security group', error);
    }
  }

  private wrap(what: string, error: unknown): Error {
    return error instanceof LockError ? error : new LockError(describeFailure(what, error));
  }
}

function isTrue(value: string | boolean | undefined): boolean {
  return value === true || value === 'true';
}

/**
 * Whether an Update is CloudFormation rolling back: it goes back to properties synthesized before the ones it
 * replaces, so its DeployNonce is the older. Without a nonce on both sides it cannot tell, and says no.
 */
function isRollback(event: LockEvent): boolean {
  const now = event.ResourceProperties.DeployNonce;
  const before = event.OldResourceProperties?.DeployNonce;
  return event.RequestType === 'Update' && !!now && !!before && Date.parse(now) < Date.parse(before);
}

const budget = new TimeBudget();
/** The Lambda entry point: the SDK retries each call, within the time the invocation has left. */
export const handler = withTimeBudget(budget, makeHandler({
  ec2: new EC2Client(handlerClientConfig(budget)),
  lockedGroupIds: process.env.LOCKED_GROUP_IDS,
}));
