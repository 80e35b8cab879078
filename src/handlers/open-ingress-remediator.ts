/**
 * The handler behind OpenIngressRemediator. Bundled into assets/ and run by Lambda; never imported by the
 * library's public API.
 *
 * Invoked by a schedule (scan every group), by an EventBridge rule on CloudTrail events (scan the group
 * that changed), or directly with a revert payload:
 *
 *   { "action": "revert", "recordKeys": ["closed/2026-11-22/sg-…/sgr-….json", …] }
 *
 * Nothing is lost: every rule it closes is first written to S3 as a JSON record, and only when every
 * record of the run is written does it revoke anything. A revert re-authorizes exactly the rules in the
 * given records.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  type IpPermission,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand as DescribeClassicLoadBalancersCommand, ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { allPages, DEFAULT_RETRY_POLICY, describeFailure, errorName, type RetryPolicy, tolerating, withRetries } from './shared/aws-calls';
import { type CloudTrailEvent, groupIdOf, isCloudTrailCall } from './shared/cloudtrail';
import { describeRules, GROUP_GONE, RULE_GONE } from './shared/security-group-rules';

const WORLD = new Set(['0.0.0.0/0', '::/0']);
export const RECORD_SCHEMA_VERSION = '1';

/** How the remediator is configured; from environment variables in Lambda. */
export interface RemediatorSettings {
  readonly bucketName: string;
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
  readonly settings: RemediatorSettings;
  readonly retry?: RetryPolicy;
  readonly log?: (line: string) => void;
  readonly now?: () => Date;
}

/** What the remediator stores for each rule it closes. */
export interface ClosedRuleRecord {
  readonly schemaVersion: string;
  readonly closedAt: string;
  readonly reason: string;
  readonly dryRun: boolean;
  readonly rule: {
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
  };
}

export interface RevertRequest {
  readonly action: 'revert';
  readonly recordKeys: string[];
}

/** A schedule's event (`Scheduled Event`) or a CloudTrail one. */
type TriggerEvent = CloudTrailEvent | { readonly 'detail-type'?: string; readonly 'detail'?: unknown };

export interface RunSummary {
  readonly dryRun: boolean;
  /** Rules closed (or, in a dry run, that would be). */
  readonly closed: number;
  readonly recordKeys: string[];
  /** Open rules left alone, by reason. */
  readonly skipped: { readonly exempt: number; readonly allowedPort: number };
}

export interface RevertSummary {
  readonly restored: number;
  /** Rules already present again, left as they are. */
  readonly alreadyPresent: number;
  /** Records of dry runs, which closed nothing and so restore nothing. */
  readonly dryRunRecords: number;
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
      if (event.action !== 'revert' || !Array.isArray(event.recordKeys) || event.recordKeys.length === 0) {
        throw new RemediationError('A revert needs { "action": "revert", "recordKeys": ["closed/…json", …] }.');
      }
      return remediator.revert(event.recordKeys);
    }
    if (isCloudTrailCall(event)) {
      const groupId = groupIdOf(event);
      if (groupId) return remediator.run(`${event.detail.eventName ?? 'a change'} on ${groupId}`, [groupId]);
    }
    if (event['detail-type'] === 'Scheduled Event') return remediator.run('scheduled scan');
    throw new RemediationError(`Unrecognised event: ${JSON.stringify(event).slice(0, 500)}`);
  };
}

export class Remediator {
  private readonly retry: RetryPolicy;
  private readonly log: (line: string) => void;
  private readonly now: () => Date;

  constructor(private readonly deps: RemediatorDependencies) {
    this.retry = deps.retry ?? DEFAULT_RETRY_POLICY;
    this.log = deps.log ?? ((line) => console.log(line));
    this.now = deps.now ?? (() => new Date());
  }

  /** Finds ingress open to the world, records each rule, then (unless dry) revokes them. */
  async run(trigger: string, groupIds?: string[]): Promise<RunSummary> {
    const { settings } = this.deps;
    const groups = await this.describeGroups(groupIds);
    const rules = groups.size === 0 ? [] : await this.attempt('describe security group rules', () => describeRules(this.deps.ec2, groupIds));
    const skipped = { exempt: 0, allowedPort: 0 };
    const toClose: SecurityGroupRule[] = [];
    let internetFacing: Set<string> | undefined;
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
      toClose.push(rule);
    }

    const closedAt = this.now().toISOString();
    const reason = `ingress open to the world, found by ${trigger}`;
    // Every record is written before anything is revoked: a failed write revokes nothing.
    const recordKeys: string[] = [];
    for (const rule of toClose) {
      const record = recordOf(rule, groups.get(rule.GroupId!), closedAt, reason, settings.dryRun);
      const key = `${settings.dryRun ? 'dry-run' : 'closed'}/${closedAt.slice(0, 10)}/${rule.GroupId}/${rule.SecurityGroupRuleId}.json`;
      await this.attempt(`record rule ${rule.SecurityGroupRuleId} in s3://${settings.bucketName}/${key}, so nothing was revoked`, () =>
        this.retried(() => this.deps.s3.send(new PutObjectCommand({
          Bucket: settings.bucketName, Key: key, Body: JSON.stringify(record, null, 2), ContentType: 'application/json',
        }))));
      recordKeys.push(key);
    }
    this.log(JSON.stringify({ action: settings.dryRun ? 'would-close' : 'closing', trigger, recordKeys, skipped }));

    if (!settings.dryRun) {
      for (const rule of toClose) {
        await this.attempt(`revoke rule ${rule.SecurityGroupRuleId} of ${rule.GroupId}`, () => tolerating(RULE_GONE, () => this.retried(() =>
          this.deps.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: rule.GroupId, SecurityGroupRuleIds: [rule.SecurityGroupRuleId!] })))));
      }
    }
    const summary: RunSummary = { dryRun: settings.dryRun, closed: toClose.length, recordKeys, skipped };
    if (toClose.length > 0) await this.notify(summary, toClose, trigger);
    return summary;
  }

  /** Re-authorizes exactly the rules in the given records. Running it twice changes nothing. */
  async revert(recordKeys: string[]): Promise<RevertSummary> {
    let restored = 0;
    let alreadyPresent = 0;
    let dryRunRecords = 0;
    for (const key of recordKeys) {
      const record = await this.readRecord(key);
      if (record.dryRun) {
        dryRunRecords++;
        continue;
      }
      const duplicate = await this.attempt(`restore the rule in ${key}`, () => tolerating(['InvalidPermission.Duplicate'], () => this.retried(() =>
        this.deps.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: record.rule.groupId, IpPermissions: [permissionOf(record)] })))));
      if (duplicate) alreadyPresent++;
      else restored++;
    }
    const summary = { restored, alreadyPresent, dryRunRecords };
    this.log(JSON.stringify({ action: 'reverted', recordKeys, ...summary }));
    return summary;
  }

  private async readRecord(key: string): Promise<ClosedRuleRecord> {
    const body = await this.attempt(`read the record s3://${this.deps.settings.bucketName}/${key}`, async () => {
      const object = await this.retried(() => this.deps.s3.send(new GetObjectCommand({ Bucket: this.deps.settings.bucketName, Key: key })));
      return object.Body!.transformToString();
    });
    const record = JSON.parse(body) as ClosedRuleRecord;
    if (record.schemaVersion !== RECORD_SCHEMA_VERSION || !record.rule?.groupId || !record.rule.ipProtocol) {
      throw new RemediationError(`s3://${this.deps.settings.bucketName}/${key} is not a record this remediator wrote.`);
    }
    return record;
  }

  private async describeGroups(groupIds?: string[]): Promise<Map<string, SecurityGroup>> {
    try {
      const groups = await allPages(async (nextToken) => {
        const page = await this.retried(() => this.deps.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groupIds, NextToken: nextToken })));
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
          const request = new GetManagedPrefixListEntriesCommand({ PrefixListId: id, NextToken: nextToken });
          const page = await this.retried(() => this.deps.ec2.send(request));
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
      const page = await this.retried(() => this.deps.elbv2.send(new DescribeLoadBalancersCommand({ Marker: marker })));
      return { items: page.LoadBalancers ?? [], nextToken: page.NextMarker };
    }));
    for (const lb of v2) if (lb.Scheme === 'internet-facing') lb.SecurityGroups?.forEach((id) => groups.add(id));
    const classic = await this.attempt('describe classic load balancers', () => allPages(async (marker) => {
      const page = await this.retried(() => this.deps.elb.send(new DescribeClassicLoadBalancersCommand({ Marker: marker })));
      return { items: page.LoadBalancerDescriptions ?? [], nextToken: page.NextMarker };
    }));
    for (const lb of classic) if (lb.Scheme === 'internet-facing') lb.SecurityGroups?.forEach((id) => groups.add(id));
    return groups;
  }

  private async notify(summary: RunSummary, rules: SecurityGroupRule[], trigger: string): Promise<void> {
    const topicArn = this.deps.settings.topicArn;
    if (!topicArn) return;
    const verb = summary.dryRun ? 'would close' : 'closed';
    const lines = rules.map((r) => `- ${r.GroupId} ${r.SecurityGroupRuleId}: ${r.IpProtocol} ${portText(r)} from ${r.CidrIpv4 ?? r.CidrIpv6 ?? r.PrefixListId}`);
    const message = [
      `The open-ingress remediator ${verb} ${rules.length} rule(s) open to the world (${trigger}).`,
      ...lines,
      '',
      `Records: ${summary.recordKeys.map((k) => `s3://${this.deps.settings.bucketName}/${k}`).join(', ')}`,
      summary.dryRun ? 'Dry run: nothing was revoked.' : `To restore them, invoke the function with {"action":"revert","recordKeys":${JSON.stringify(summary.recordKeys)}}.`,
    ].join('\n');
    await this.attempt(`publish the summary to ${topicArn}`, () => this.retried(() => this.deps.sns.send(new PublishCommand({
      TopicArn: topicArn, Subject: `Security groups: ${verb} ${rules.length} world-open rule(s)`.slice(0, 100), Message: message,
    }))));
  }

  private retried<T>(call: () => Promise<T>): Promise<T> {
    return withRetries(call, this.retry);
  }

  private async attempt<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw error instanceof RemediationError ? error : new RemediationError(describeFailure(what, error));
    }
  }
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

/** The permission that re-creates a recorded rule, description included. */
function permissionOf(record: ClosedRuleRecord): IpPermission {
  const { rule } = record;
  const description = rule.description || undefined;
  return {
    IpProtocol: rule.ipProtocol,
    FromPort: rule.fromPort,
    ToPort: rule.toPort,
    IpRanges: rule.cidrIpv4 ? [{ CidrIp: rule.cidrIpv4, Description: description }] : undefined,
    Ipv6Ranges: rule.cidrIpv6 ? [{ CidrIpv6: rule.cidrIpv6, Description: description }] : undefined,
    PrefixListIds: rule.prefixListId ? [{ PrefixListId: rule.prefixListId, Description: description }] : undefined,
  };
}

function settingsFromEnvironment(env: NodeJS.ProcessEnv): RemediatorSettings {
  return {
    bucketName: env.RECORD_BUCKET ?? '',
    allowedPorts: (env.ALLOWED_PORTS ?? '').split(',').filter((p) => p.trim()).map(Number),
    allowedPortsOnAnyGroup: env.ALLOWED_PORTS_ON_ANY_GROUP === 'true',
    exemptionTagKey: env.EXEMPTION_TAG_KEY ?? 'sg-strategy:exempt',
    dryRun: env.DRY_RUN === 'true',
    topicArn: env.TOPIC_ARN || undefined,
  };
}

/** The Lambda entry point. The SDK's own retries are off: `withRetries` is the one retry policy. */
export const handler = makeHandler({
  ec2: new EC2Client({ maxAttempts: 1 }),
  s3: new S3Client({ maxAttempts: 1 }),
  elbv2: new ElasticLoadBalancingV2Client({ maxAttempts: 1 }),
  elb: new ElasticLoadBalancingClient({ maxAttempts: 1 }),
  sns: new SNSClient({ maxAttempts: 1 }),
  settings: settingsFromEnvironment(process.env),
});
