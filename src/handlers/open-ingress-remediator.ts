/**
 * The handler behind OpenIngressRemediator. Bundled into assets/ and run by Lambda; never imported by the
 * library's public API.
 *
 * Invoked by a schedule (scan every group), by an EventBridge rule on CloudTrail events (scan the group
 * that changed), or directly with a revert payload:
 *
 *   { "action": "revert", "recordKeys": ["closed/2026-11-22/sg-…/sgr-….json", …] }
 *   { "action": "revert", "runKey": "runs/2026-11-22T10:00:00.000Z.json" }
 *
 * Nothing is lost: every rule it closes is first written to S3 as a JSON record, and only when every
 * record of the run is written does it revoke anything. Each rule is revoked by the permission built from
 * its record, so a rule changed meanwhile is not removed under a record that describes something else.
 *
 * Nothing is forged: every record carries an HMAC, made by a KMS key that only the function's role may use,
 * over the record and its key. A revert restores only records that verify, whose content matches their key
 * and is open to the world. A restored rule gets an exemption (signed the same way, under `reverted/`) that
 * later scans honour, so the remediator does not close again what a person chose to reopen.
 *
 * Each record and each rule is handled on its own: one failure is reported, after what was done, and does not
 * stop the others.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand as DescribeClassicLoadBalancersCommand, ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GenerateMacCommand, KMSClient, VerifyMacCommand } from '@aws-sdk/client-kms';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { allPages, describeFailure, errorName, handlerClientConfig, listed, TimeBudget, tolerating, withTimeBudget } from './shared/aws-calls';
import { type CloudTrailEvent, groupIdOf, groupNameOf, isCloudTrailCall } from './shared/cloudtrail';
import { describeRules, GROUP_GONE, permissionOf, RULE_GONE } from './shared/security-group-rules';

const WORLD = new Set(['0.0.0.0/0', '::/0']);
export const RECORD_SCHEMA_VERSION = '2';
/** The key of a record of a closed rule: the date it was closed, its group and its rule id. */
const CLOSED_KEY = /^closed\/(\d{4}-\d{2}-\d{2})\/(sg-[0-9a-f]+)\/(sgr-[0-9a-f]+)\.json$/;
const MAC_ALGORITHM = 'HMAC_SHA_256';
/** Rules listed in a notification; the run's summary in S3 has them all (SNS takes 256 KB at most). */
const RULES_IN_NOTIFICATION = 50;

/** How the remediator is configured; from environment variables in Lambda. */
export interface RemediatorSettings {
  readonly bucketName: string;
  /** The KMS HMAC key that signs and verifies records; only the function's role may use it. */
  readonly macKeyId: string;
  /** Ports left open to the world on groups of internet-facing load balancers (or anywhere, see below). */
  readonly allowedPorts: readonly number[];
  /** Leave allowed ports open on any group, not only on groups of internet-facing load balancers. */
  readonly allowedPortsOnAnyGroup: boolean;
  /** Groups carrying this tag key are never touched. */
  readonly exemptionTagKey: string;
  readonly dryRun: boolean;
  readonly topicArn?: string;
}

export interface RemediatorDependencies {
  readonly ec2: EC2Client;
  readonly s3: S3Client;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly elb: ElasticLoadBalancingClient;
  readonly sns: SNSClient;
  readonly kms: KMSClient;
  readonly settings: RemediatorSettings;
  readonly log?: (line: string) => void;
  readonly now?: () => Date;
}

/** The rule a record describes: every field needed to rebuild its permission. */
export interface RecordedRule {
  readonly groupId: string;
  readonly groupName?: string;
  readonly vpcId?: string;
  readonly securityGroupRuleId: string;
  readonly ipProtocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrIpv4?: string;
  readonly cidrIpv6?: string;
  readonly prefixListId?: string;
  readonly description?: string;
}

/** What the remediator stores for each rule it closes. */
export interface ClosedRuleRecord {
  readonly schemaVersion: string;
  readonly closedAt: string;
  readonly reason: string;
  readonly dryRun: boolean;
  readonly rule: RecordedRule;
  /** Set when the revoke did not happen: the rule had changed since it was described. A revert skips such a record. */
  readonly notRevoked?: string;
}

/** What a revert leaves under `reverted/`: the rule it restored, which later scans leave open. */
export interface RevertExemption {
  readonly schemaVersion: string;
  readonly revertedAt: string;
  readonly recordKey: string;
  readonly groupId: string;
  /** The id AWS gave the restored rule. */
  readonly securityGroupRuleId: string;
  /**
   * The rule as it was restored. ModifySecurityGroupRules keeps a rule's id, so the exemption covers the rule
   * only while it still has these fields.
   */
  readonly rule: RecordedRule;
}

/** A signed object as stored: the content, and the HMAC over its key and content. */
interface Signed<T> {
  readonly content: T;
  readonly mac: string;
}

export interface RevertRequest {
  readonly action: 'revert';
  readonly recordKeys?: string[];
  /** A run's summary, whose records are all reverted. */
  readonly runKey?: string;
}

/** A schedule's event (`Scheduled Event`) or a CloudTrail one. */
type TriggerEvent = CloudTrailEvent | { readonly 'detail-type'?: string; readonly 'detail'?: unknown };

export interface RunSummary {
  readonly dryRun: boolean;
  /** Rules closed (or, in a dry run, that would be). */
  readonly closed: number;
  readonly recordKeys: string[];
  /** The run's summary in S3, with every rule and record key; absent when nothing was to close. */
  readonly runKey?: string;
  /** Open rules left alone, by reason. */
  readonly skipped: { readonly exempt: number; readonly allowedPort: number; readonly reverted: number };
  /** Rules not revoked because they had changed since they were described (their records say so). */
  readonly changedMeanwhile: string[];
  /** Rules that could not be revoked, with AWS's error; the run fails after notifying. */
  readonly failed: string[];
}

export interface RevertSummary {
  readonly restored: number;
  /** Rules already present again, left as they are. */
  readonly alreadyPresent: number;
  /** Records of dry runs, or of rules that were never revoked: nothing to restore. */
  readonly nothingToRestore: number;
  /** Records whose group no longer exists. */
  readonly groupGone: string[];
  /** Records that could not be restored: not written by this function, or an AWS error. The revert fails. */
  readonly failed: string[];
}

export class RemediationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemediationError';
  }
}

export function makeHandler(deps: RemediatorDependencies) {
  const remediator = new Remediator(deps);
  return async (event: TriggerEvent | RevertRequest): Promise<RunSummary | RevertSummary> => {
    if ('action' in event) {
      const keys = Array.isArray(event.recordKeys) ? event.recordKeys.filter((k) => typeof k === 'string') : [];
      const runKey = typeof event.runKey === 'string' ? event.runKey : undefined;
      if (event.action !== 'revert' || (keys.length === 0 && !runKey)) {
        throw new RemediationError('A revert needs { "action": "revert", "recordKeys": ["closed/…json", …] } or { "action": "revert", "runKey": "runs/…json" }.');
      }
      return remediator.revert(runKey ? [...keys, ...await remediator.recordKeysOfRun(runKey)] : keys);
    }
    if (isCloudTrailCall(event)) {
      const groupId = groupIdOf(event) ?? await remediator.groupIdByName(groupNameOf(event));
      const what = event.detail.eventName ?? 'a change';
      if (groupId) return remediator.run(`${what} on ${groupId}`, [groupId]);
      // A call that named its group in a way we cannot resolve: look at everything rather than nothing.
      return remediator.run(`${what} on a group named ${JSON.stringify(groupNameOf(event) ?? null)}, so a full scan`);
    }
    if (event['detail-type'] === 'Scheduled Event') return remediator.run('scheduled scan');
    throw new RemediationError(`Unrecognised event: ${JSON.stringify(event).slice(0, 500)}`);
  };
}

export class Remediator {
  private readonly log: (line: string) => void;
  private readonly now: () => Date;

  constructor(private readonly deps: RemediatorDependencies) {
    this.log = deps.log ?? ((line) => console.log(line));
    this.now = deps.now ?? (() => new Date());
  }

  /** Finds ingress open to the world, records each rule, then (unless dry) revokes them one by one. */
  async run(trigger: string, groupIds?: string[]): Promise<RunSummary> {
    const { settings } = this.deps;
    const groups = await this.describeGroups(groupIds);
    const rules = groups.size === 0 ? [] : await this.attempt('describe security group rules', () => describeRules(this.deps.ec2, groupIds));
    const skipped = { exempt: 0, allowedPort: 0, reverted: 0 };
    const toClose: SecurityGroupRule[] = [];
    let internetFacing: Set<string> | undefined;
    let exemptions: Set<string> | undefined;
    // Whether each prefix list holds a world range, read once a run (the Lambda keeps this object between runs).
    const prefixLists = new Map<string, Promise<boolean>>();
    for (const rule of rules) {
      if (rule.IsEgress || !rule.SecurityGroupRuleId || !await this.isWorldOpen(rule, prefixLists)) continue;
      const group = groups.get(rule.GroupId!);
      if (group?.Tags?.some((tag) => tag.Key === settings.exemptionTagKey)) {
        skipped.exempt++;
        continue;
      }
      // Load balancers are described once a run, and only when an allowed port is open to the world.
      if (portsAllowed(rule, settings.allowedPorts)
        && (settings.allowedPortsOnAnyGroup || (internetFacing ??= await this.internetFacingGroups()).has(rule.GroupId!))) {
        skipped.allowedPort++;
        continue;
      }
      exemptions ??= await this.revertedRuleKeys();
      if (exemptions.has(exemptionKey(rule.GroupId!, rule.SecurityGroupRuleId)) && await this.isExempted(rule)) {
        skipped.reverted++;
        continue;
      }
      toClose.push(rule);
    }

    const closedAt = this.now().toISOString();
    const reason = `ingress open to the world, found by ${trigger}`;
    const prefix = settings.dryRun ? 'dry-run' : 'closed';
    // Every record is written before anything is revoked: a failed write revokes nothing.
    const planned = toClose.map((rule) => ({
      rule,
      key: `${prefix}/${closedAt.slice(0, 10)}/${rule.GroupId}/${rule.SecurityGroupRuleId}.json`,
      record: recordOf(rule, groups.get(rule.GroupId!), closedAt, reason, settings.dryRun),
    }));
    for (const { rule, key, record } of planned) {
      await this.attempt(`record rule ${rule.SecurityGroupRuleId} in s3://${settings.bucketName}/${key}, so nothing was revoked`,
        () => this.putSigned(key, record));
    }
    const recordKeys = planned.map((p) => p.key);
    const runKey = planned.length > 0 ? `runs/${closedAt}.json` : undefined;
    if (runKey) {
      // The whole run in one object, before any revoke, so that a notification can stay short.
      await this.attempt(`record the run in s3://${settings.bucketName}/${runKey}, so nothing was revoked`, () => this.deps.s3.send(new PutObjectCommand({
        Bucket: settings.bucketName,
        Key: runKey,
        ContentType: 'application/json',
        Body: JSON.stringify({ trigger, closedAt, dryRun: settings.dryRun, recordKeys, rules: toClose.map(describeRule) }, null, 2),
      })));
    }
    this.log(JSON.stringify({ action: settings.dryRun ? 'would-close' : 'closing', trigger, runKey, recordKeys, skipped }));

    const changedMeanwhile: string[] = [];
    const failed: string[] = [];
    if (!settings.dryRun) {
      for (const { rule, key, record } of planned) {
        try {
          if (await this.revoke(record.rule)) continue;
          changedMeanwhile.push(rule.SecurityGroupRuleId!);
          this.log(JSON.stringify({ action: 'not-revoked', reason: 'the rule changed since it was described (its id is still there)', recordKey: key }));
          // The record must not restore a rule that was never closed.
          await this.attempt(`mark ${key} as not revoked`, () => this.putSigned(key, { ...record, notRevoked: 'the rule had changed since it was described' }));
        } catch (error) {
          failed.push(`${rule.GroupId} ${rule.SecurityGroupRuleId}: ${describeFailure('revoke it', error)}`);
        }
      }
    }
    const closed = toClose.length - changedMeanwhile.length - failed.length;
    const summary: RunSummary = { dryRun: settings.dryRun, closed, recordKeys, runKey, skipped, changedMeanwhile, failed };
    if (toClose.length > 0) await this.notify(summary, toClose, trigger);
    if (failed.length > 0) {
      this.log(JSON.stringify({ action: 'revoke-failed', failed }));
      throw new RemediationError(`Could not revoke ${failed.length} of ${toClose.length} rule(s); the others were closed and notified: ${listed(failed)}`);
    }
    return summary;
  }

  /** Re-authorizes exactly the rules in the given records, each on its own. Running it twice changes nothing. */
  async revert(recordKeys: string[]): Promise<RevertSummary> {
    let restored = 0;
    let alreadyPresent = 0;
    let nothingToRestore = 0;
    const groupGone: string[] = [];
    const failed: string[] = [];
    for (const key of [...new Set(recordKeys)]) {
      try {
        const record = await this.readRecord(key);
        if (record.dryRun || record.notRevoked) {
          nothingToRestore++;
          continue;
        }
        const outcome = await this.restore(key, record);
        if (outcome === 'group-gone') groupGone.push(key);
        else if (outcome === 'already-present') alreadyPresent++;
        else restored++;
      } catch (error) {
        failed.push(`${key}: ${error instanceof RemediationError ? error.message : describeFailure('restore it', error)}`);
      }
    }
    const summary: RevertSummary = { restored, alreadyPresent, nothingToRestore, groupGone, failed };
    this.log(JSON.stringify({ action: 'reverted', recordKeys, ...summary }));
    if (failed.length > 0) throw new RemediationError(`Restored ${restored} rule(s); could not restore ${failed.length}: ${listed(failed)}`);
    return summary;
  }

  /** The record keys of a run's summary. They are verified one by one, like any others. */
  async recordKeysOfRun(runKey: string): Promise<string[]> {
    if (!/^runs\/[\w:.-]+\.json$/.test(runKey)) throw new RemediationError(`"${runKey}" is not a run key (runs/….json).`);
    const where = `s3://${this.deps.settings.bucketName}/${runKey}`;
    const body = await this.attempt(`read ${where}`, () => this.getObject(runKey));
    let summary: { recordKeys?: unknown } | null;
    try {
      summary = JSON.parse(body);
    } catch {
      throw new RemediationError(`${where} is not a run summary this remediator wrote (not JSON).`);
    }
    const keys = summary?.recordKeys;
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
  }

  /** The id of a group a CloudTrail event names only by name (EC2 allows that in the default VPC alone). */
  async groupIdByName(groupName: string | undefined): Promise<string | undefined> {
    if (!groupName) return undefined;
    try {
      const result = await this.deps.ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: [groupName] }));
      return result.SecurityGroups?.length === 1 ? result.SecurityGroups[0].GroupId : undefined;
    } catch (error) {
      if ((GROUP_GONE as readonly string[]).includes(errorName(error))) return undefined;
      throw new RemediationError(describeFailure(`find the security group named ${groupName}`, error));
    }
  }

  /**
   * Revokes the rule by the permission built from its record. False only when the rule is still there but
   * changed (ModifySecurityGroupRules keeps its id), so that nothing matched: AWS says
   * InvalidPermission.NotFound, or in a default VPC lists it as unknown.
   *
   * Nothing matching does not prove the rule changed: the SDK retries a revoke whose answer was lost (a dropped
   * connection, a timeout, a 5xx), and the retry finds nothing because the first attempt removed it. So the
   * rule's id decides: still present means changed; absent means removed (by this revoke or by someone else),
   * and the record stays restorable.
   */
  private async revoke(rule: RecordedRule): Promise<boolean> {
    let unknown = false;
    const gone = await tolerating([...RULE_GONE, ...GROUP_GONE], async () => {
      const result = await this.deps.ec2.send(new RevokeSecurityGroupIngressCommand({
        GroupId: rule.groupId, IpPermissions: [permissionOf(rule, false)],
      }));
      unknown = (result?.UnknownIpPermissions ?? []).length > 0;
    });
    if (!gone && !unknown) return true;
    const rules = await describeRules(this.deps.ec2, [rule.groupId]);
    return !rules.some((r) => r.SecurityGroupRuleId === rule.securityGroupRuleId);
  }

  /** Authorizes the recorded rule again and leaves an exemption for it, so scans keep it open. */
  private async restore(key: string, record: ClosedRuleRecord): Promise<'restored' | 'already-present' | 'group-gone'> {
    const { rule } = record;
    let ruleId: string | undefined;
    let duplicate = false;
    try {
      const result = await this.deps.ec2.send(new AuthorizeSecurityGroupIngressCommand({
        GroupId: rule.groupId, IpPermissions: [permissionOf(rule, true)],
      }));
      ruleId = result.SecurityGroupRules?.[0]?.SecurityGroupRuleId;
    } catch (error) {
      const name = errorName(error);
      if ((GROUP_GONE as readonly string[]).includes(name)) {
        this.log(JSON.stringify({ action: 'restore-skipped', reason: 'the group no longer exists', recordKey: key, groupId: rule.groupId }));
        return 'group-gone';
      }
      if (name !== 'InvalidPermission.Duplicate') throw error;
      duplicate = true;
    }
    ruleId ??= (await describeRules(this.deps.ec2, [rule.groupId])).find((r) => !r.IsEgress && sameRule(r, rule))?.SecurityGroupRuleId;
    if (ruleId) {
      const exemption: RevertExemption = {
        schemaVersion: RECORD_SCHEMA_VERSION,
        revertedAt: this.now().toISOString(),
        recordKey: key,
        groupId: rule.groupId,
        securityGroupRuleId: ruleId,
        rule,
      };
      await this.putSigned(exemptionKey(rule.groupId, ruleId), exemption);
    }
    return duplicate ? 'already-present' : 'restored';
  }

  /** Reads a record and checks that this function wrote it for this key, and that it describes a world-open rule. */
  private async readRecord(key: string): Promise<ClosedRuleRecord> {
    const where = `s3://${this.deps.settings.bucketName}/${key}`;
    const match = CLOSED_KEY.exec(key);
    if (!match) throw new RemediationError(`${where} is not the key of a record of a closed rule (closed/<date>/<group>/<rule>.json).`);
    const record = await this.getSigned<ClosedRuleRecord>(key);
    const rule = record.rule;
    if (record.schemaVersion !== RECORD_SCHEMA_VERSION || !rule || record.closedAt?.slice(0, 10) !== match[1]
      || rule.groupId !== match[2] || rule.securityGroupRuleId !== match[3]) {
      throw new RemediationError(`${where} does not describe the rule its key names.`);
    }
    const sources = [rule.cidrIpv4, rule.cidrIpv6, rule.prefixListId].filter((v) => v !== undefined);
    const worldOpen = sources.length === 1 && (rule.prefixListId !== undefined || WORLD.has(rule.cidrIpv4 ?? rule.cidrIpv6 ?? ''));
    if (!worldOpen) throw new RemediationError(`${where} describes a rule that was not open to the world; the remediator never closes one.`);
    return record;
  }

  /**
   * Whether a scan must leave this rule open: a verified exemption that a revert wrote for this very rule, which
   * has not changed since (a rule widened later under the same id is closed again).
   */
  private async isExempted(rule: SecurityGroupRule): Promise<boolean> {
    try {
      const exemption = await this.getSigned<RevertExemption>(exemptionKey(rule.GroupId!, rule.SecurityGroupRuleId!));
      const holds = exemption.groupId === rule.GroupId && exemption.securityGroupRuleId === rule.SecurityGroupRuleId
        && exemption.rule !== undefined && sameRule(rule, exemption.rule);
      if (!holds) this.log(JSON.stringify({ action: 'exemption-ignored', ruleId: rule.SecurityGroupRuleId, reason: 'the rule changed since it was restored' }));
      return holds;
    } catch (error) {
      this.log(JSON.stringify({ action: 'exemption-ignored', ruleId: rule.SecurityGroupRuleId, reason: error instanceof Error ? error.message : String(error) }));
      return false;
    }
  }

  /** The keys under `reverted/`, listed once a run and only when a rule is about to be closed. */
  private async revertedRuleKeys(): Promise<Set<string>> {
    const keys = await this.attempt('list the exemptions under reverted/', () => allPages(async (token) => {
      const page = await this.deps.s3.send(new ListObjectsV2Command({ Bucket: this.deps.settings.bucketName, Prefix: 'reverted/', ContinuationToken: token }));
      return { items: (page.Contents ?? []).map((o) => o.Key!), nextToken: page.NextContinuationToken };
    }));
    return new Set(keys);
  }

  /** Writes `content` with an HMAC over the key and the content, made by the KMS key only the role may use. */
  private async putSigned(key: string, content: object): Promise<void> {
    const text = JSON.stringify(content);
    const mac = await this.deps.kms.send(new GenerateMacCommand({
      KeyId: this.deps.settings.macKeyId, MacAlgorithm: MAC_ALGORITHM, Message: macMessage(key, text),
    }));
    const signed: Signed<unknown> = { content, mac: Buffer.from(mac.Mac!).toString('base64') };
    await this.deps.s3.send(new PutObjectCommand({
      Bucket: this.deps.settings.bucketName, Key: key, Body: JSON.stringify(signed, null, 2), ContentType: 'application/json',
    }));
  }

  /** Reads a signed object and verifies its HMAC for this key; anything else is refused. */
  private async getSigned<T>(key: string): Promise<T> {
    const where = `s3://${this.deps.settings.bucketName}/${key}`;
    const body = await this.attempt(`read ${where}`, () => this.getObject(key));
    let signed: Partial<Signed<T>>;
    try {
      signed = JSON.parse(body);
    } catch {
      throw new RemediationError(`${where} is not JSON, so not a record this remediator wrote.`);
    }
    if (typeof signed.mac !== 'string' || typeof signed.content !== 'object' || signed.content === null) {
      throw new RemediationError(`${where} carries no signature, so it is not a record this remediator wrote.`);
    }
    const valid = await this.attempt(`verify ${where}`, async () => {
      const invalid = await tolerating(['KMSInvalidMacException'], () => this.deps.kms.send(new VerifyMacCommand({
        KeyId: this.deps.settings.macKeyId, MacAlgorithm: MAC_ALGORITHM, Message: macMessage(key, JSON.stringify(signed.content)), Mac: Buffer.from(signed.mac!, 'base64'),
      })));
      return !invalid;
    });
    if (!valid) throw new RemediationError(`${where} has a signature that does not verify: it was not written by this remediator, or was changed.`);
    return signed.content as T;
  }

  private async getObject(key: string): Promise<string> {
    const object = await this.deps.s3.send(new GetObjectCommand({ Bucket: this.deps.settings.bucketName, Key: key }));
    return object.Body!.transformToString();
  }

  private async describeGroups(groupIds?: string[]): Promise<Map<string, SecurityGroup>> {
    try {
      const groups = await allPages(async (nextToken) => {
        const page = await this.deps.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groupIds, NextToken: nextToken }));
        return { items: page.SecurityGroups ?? [], nextToken: page.NextToken };
      });
      return new Map(groups.map((group) => [group.GroupId!, group]));
    } catch (error) {
      // A group deleted between the event and this run has nothing left to close.
      if (groupIds && (GROUP_GONE as readonly string[]).includes(errorName(error))) return new Map();
      throw new RemediationError(describeFailure('describe security groups', error));
    }
  }

  private async isWorldOpen(rule: SecurityGroupRule, prefixLists: Map<string, Promise<boolean>>): Promise<boolean> {
    if (rule.ReferencedGroupInfo) return false;
    if (WORLD.has(rule.CidrIpv4 ?? '') || WORLD.has(rule.CidrIpv6 ?? '')) return true;
    if (!rule.PrefixListId) return false;
    const id = rule.PrefixListId;
    if (!prefixLists.has(id)) {
      prefixLists.set(id, this.attempt(`read prefix list ${id}`, async () => {
        const entries = await allPages(async (nextToken) => {
          const page = await this.deps.ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id, NextToken: nextToken }));
          return { items: page.Entries ?? [], nextToken: page.NextToken };
        });
        return entries.some((entry) => WORLD.has(entry.Cidr ?? ''));
      }));
    }
    return prefixLists.get(id)!;
  }

  /** The groups of internet-facing load balancers: Application, Network and Classic. */
  private async internetFacingGroups(): Promise<Set<string>> {
    const groups = new Set<string>();
    const v2 = await this.attempt('describe load balancers', () => allPages(async (marker) => {
      const page = await this.deps.elbv2.send(new DescribeLoadBalancersCommand({ Marker: marker }));
      return { items: page.LoadBalancers ?? [], nextToken: page.NextMarker };
    }));
    for (const lb of v2) if (lb.Scheme === 'internet-facing') lb.SecurityGroups?.forEach((id) => groups.add(id));
    const classic = await this.attempt('describe classic load balancers', () => allPages(async (marker) => {
      const page = await this.deps.elb.send(new DescribeClassicLoadBalancersCommand({ Marker: marker }));
      return { items: page.LoadBalancerDescriptions ?? [], nextToken: page.NextMarker };
    }));
    for (const lb of classic) if (lb.Scheme === 'internet-facing') lb.SecurityGroups?.forEach((id) => groups.add(id));
    return groups;
  }

  /** A short summary that always fits SNS's 256 KB: counts, the first rules, and where the whole run is. */
  private async notify(summary: RunSummary, rules: SecurityGroupRule[], trigger: string): Promise<void> {
    const topicArn = this.deps.settings.topicArn;
    if (!topicArn) return;
    const bucket = this.deps.settings.bucketName;
    const verb = summary.dryRun ? 'would close' : 'closed';
    const shown = rules.slice(0, RULES_IN_NOTIFICATION).map((r) => `- ${describeRule(r)}`);
    const problems = [
      ...summary.changedMeanwhile.length ? [`Not revoked, because they changed meanwhile: ${summary.changedMeanwhile.length} (their records say so).`] : [],
      ...summary.failed.slice(0, RULES_IN_NOTIFICATION).map((f) => `Could not revoke ${f}`),
    ];
    const message = [
      `The open-ingress remediator ${verb} ${summary.closed} of ${rules.length} rule(s) open to the world (${trigger}).`,
      ...shown,
      ...rules.length > shown.length ? [`… and ${rules.length - shown.length} more: see the run's summary.`] : [],
      ...problems,
      '',
      `The run's summary, with every rule and record: s3://${bucket}/${summary.runKey}`,
      summary.dryRun ? 'Dry run: nothing was revoked.' : `To restore them all, invoke the function with {"action":"revert","runKey":"${summary.runKey}"}.`,
    ].join('\n');
    await this.attempt(`publish the summary to ${topicArn}`, () => this.deps.sns.send(new PublishCommand({
      TopicArn: topicArn, Subject: `Security groups: ${verb} ${summary.closed} world-open rule(s)`.slice(0, 100), Message: message,
    })));
  }

  private async attempt<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw error instanceof RemediationError ? error : new RemediationError(describeFailure(what, error));
    }
  }
}

/** The message an HMAC covers: the object's key and its content, so that a record cannot be moved. */
function macMessage(key: string, content: string): Uint8Array {
  return Buffer.from(`${key}\n${content}`, 'utf8');
}

function exemptionKey(groupId: string, ruleId: string): string {
  return `reverted/${groupId}/${ruleId}.json`;
}

/** Whether a described rule is the recorded one: same protocol, ports and source. */
function sameRule(r: SecurityGroupRule, rule: RecordedRule): boolean {
  const ports = rule.ipProtocol === '-1' || (r.FromPort === rule.fromPort && r.ToPort === rule.toPort);
  return r.IpProtocol === rule.ipProtocol && ports
    && r.CidrIpv4 === rule.cidrIpv4 && r.CidrIpv6 === rule.cidrIpv6 && r.PrefixListId === rule.prefixListId;
}

/** True when every port the rule opens is an allowed TCP port. */
function portsAllowed(rule: SecurityGroupRule, allowed: readonly number[]): boolean {
  if (rule.IpProtocol !== 'tcp' && rule.IpProtocol !== '6') return false;
  const from = rule.FromPort ?? -1;
  const to = rule.ToPort ?? -1;
  if (from < 0 || to < from) return false;
  for (let port = from; port <= to; port++) if (!allowed.includes(port)) return false;
  return true;
}

function portText(rule: SecurityGroupRule): string {
  if (rule.IpProtocol === '-1') return 'all traffic';
  return rule.FromPort === rule.ToPort ? `port ${rule.FromPort}` : `ports ${rule.FromPort}-${rule.ToPort}`;
}

function describeRule(r: SecurityGroupRule): string {
  return `${r.GroupId} ${r.SecurityGroupRuleId}: ${r.IpProtocol} ${portText(r)} from ${r.CidrIpv4 ?? r.CidrIpv6 ?? r.PrefixListId}`;
}

function recordOf(rule: SecurityGroupRule, group: SecurityGroup | undefined, closedAt: string, reason: string, dryRun: boolean): ClosedRuleRecord {
  return {
    schemaVersion: RECORD_SCHEMA_VERSION,
    closedAt,
    reason,
    dryRun,
    rule: {
      groupId: rule.GroupId!,
      groupName: group?.GroupName,
      vpcId: group?.VpcId,
      securityGroupRuleId: rule.SecurityGroupRuleId!,
      ipProtocol: rule.IpProtocol!,
      fromPort: rule.FromPort,
      toPort: rule.ToPort,
      cidrIpv4: rule.CidrIpv4,
      cidrIpv6: rule.CidrIpv6,
      prefixListId: rule.PrefixListId,
      description: rule.Description,
    },
  };
}

function settingsFromEnvironment(env: NodeJS.ProcessEnv): RemediatorSettings {
  return {
    bucketName: env.RECORD_BUCKET ?? '',
    macKeyId: env.RECORD_MAC_KEY ?? '',
    allowedPorts: (env.ALLOWED_PORTS ?? '').split(',').filter((p) => p.trim()).map(Number),
    allowedPortsOnAnyGroup: env.ALLOWED_PORTS_ON_ANY_GROUP === 'true',
    exemptionTagKey: env.EXEMPTION_TAG_KEY ?? 'sg-strategy:exempt',
    dryRun: env.DRY_RUN === 'true',
    topicArn: env.TOPIC_ARN || undefined,
  };
}

const budget = new TimeBudget();
const config = handlerClientConfig(budget);
/** The Lambda entry point: the SDK retries each call, within the time the invocation has left. */
export const handler = withTimeBudget(budget, makeHandler({
  ec2: new EC2Client(config),
  s3: new S3Client(config),
  elbv2: new ElasticLoadBalancingV2Client(config),
  elb: new ElasticLoadBalancingClient(config),
  sns: new SNSClient(config),
  kms: new KMSClient(config),
  settings: settingsFromEnvironment(process.env),
}));
