import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { auditGroups, auditTable } from './group-audit';
import { AuditClients, InventoryReader, asCliError } from './inventory';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../../handlers/shared/aws-calls';
import { CliError } from '../inputs';
import type { CliIo } from '../main';
import { similarNames } from '../similar-names';

export interface AuditOptions {
  readonly region?: string;
  readonly profile?: string;
  /** Only these groups, by id or name; every group is still read, for the rules that name them. */
  readonly groupIds: string[];
  /** Only the groups that can be removed. */
  readonly unusedOnly: boolean;
  readonly format: 'table' | 'json';
  /** How throttled calls back off; tests pass a fake clock. */
  readonly retryPolicy?: RetryPolicy;
}

export type AuditClientFactory = (options: { readonly region?: string; readonly profile?: string }) => AuditClients;

/** The SDK v3 clients, configured the way the AWS CLI is: --region and --profile over the environment and ~/.aws. */
export const defaultAuditClients: AuditClientFactory = ({ region, profile }) => {
  // Retries are ours (with progress on stderr), so the SDK's own are off.
  const config = { region, profile, maxAttempts: 1 };
  return {
    ec2: new EC2Client(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    elb: new ElasticLoadBalancingClient(config),
    lambda: new LambdaClient(config),
    ecs: new ECSClient(config),
    autoscaling: new AutoScalingClient(config),
  };
};

/** Reads the region's groups and what holds each, prints the verdicts, and changes nothing. */
export async function runAudit(options: AuditOptions, io: CliIo, factory: AuditClientFactory = defaultAuditClients): Promise<number> {
  const clients = factory({ region: options.region, profile: options.profile });
  let region: string;
  try {
    region = await clients.ec2.config.region();
  } catch (error) {
    throw asCliError('find the region', error, options.profile);
  }
  if (!region) throw asCliError('find the region', new Error('Region is missing'));

  io.err(`sg-strategy audit: reading ${region}${options.profile ? ` as profile ${options.profile}` : ''} (read-only)...`);
  const inventory = await new InventoryReader(clients, text => io.err(text), options.retryPolicy ?? DEFAULT_RETRY_POLICY, options.profile).read();
  let audits = auditGroups(inventory);

  if (options.groupIds.length > 0) {
    const wanted = new Set(options.groupIds);
    const missing = options.groupIds.filter(g => !audits.some(a => a.groupId === g || a.groupName === g));
    if (missing.length > 0) {
      const candidates = audits.flatMap(a => [a.groupId, ...(a.groupName ? [a.groupName] : [])]);
      const hints = missing.map(m => {
        const similar = similarNames(m, candidates);
        return `"${m}"${similar.length > 0 ? ` (did you mean ${similar.join(', ')}?)` : ''}`;
      });
      throw new CliError(`No security group ${hints.join(', ')} in ${region}, among ${audits.length} groups.`);
    }
    audits = audits.filter(a => wanted.has(a.groupId) || (a.groupName !== undefined && wanted.has(a.groupName)));
  }
  if (options.unusedOnly) audits = audits.filter(a => a.canBeRemoved);

  if (options.format === 'json') {
    io.out(JSON.stringify({ schemaVersion: '1.0', region, groups: audits, warnings: inventory.warnings }, undefined, 2));
  } else {
    io.out(auditTable(audits, inventory.warnings, region));
  }
  return 0;
}
