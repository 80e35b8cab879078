import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { S3Client } from '@aws-sdk/client-s3';
import { AuditClients, asCliError, retrying } from './inventory';
import { AuditClientFactory, defaultAuditClients } from './run-audit';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../../handlers/shared/aws-calls';
import type { CliIo } from '../main';

/** What `audit --interfaces`, `prune` and `restore` take from their caller; tests pass emulators and a fake clock. */
export interface CleanupDependencies {
  /** Builds the AWS clients; by default the SDK's, configured as the AWS CLI is. */
  readonly clients?: AuditClientFactory;
  /** How throttled calls back off. */
  readonly retryPolicy?: RetryPolicy;
  /** The time now, for how long an interface has been available and for record names. */
  readonly now?: () => Date;
}

/** The clients, region and retrying caller that one command run uses. */
export interface AwsSession {
  readonly clients: AuditClients;
  readonly region: string;
  readonly profile?: string;
  readonly policy: RetryPolicy;
  /** One AWS call, retried while throttled; a failure is a CliError saying what was being done. */
  call<T>(what: string, call: () => Promise<T>): Promise<T>;
  /** The CloudTrail client the factory gave, or one made now (only `audit --interfaces` reads CloudTrail). */
  cloudtrail(): CloudTrailClient;
  /** The S3 client the factory gave, or one made now (only records on S3 need it). */
  s3(): S3Client;
}

/** Builds the clients and finds the region, with the same messages as `audit` when either is missing. */
export async function openSession(io: CliIo, options: { region?: string; profile?: string }, deps: CleanupDependencies): Promise<AwsSession> {
  const factory = deps.clients ?? defaultAuditClients;
  const clients = factory({ region: options.region, profile: options.profile });
  let region: string;
  try {
    region = await clients.ec2.config.region();
  } catch (error) {
    throw asCliError('find the region', error, options.profile);
  }
  if (!region) throw asCliError('find the region', new Error('Region is missing'));
  const policy = deps.retryPolicy ?? DEFAULT_RETRY_POLICY;
  // Retries are ours (with progress on stderr), so the SDK's own are off, as for the other clients.
  const config = { region, profile: options.profile, maxAttempts: 1 };
  return {
    clients,
    region,
    profile: options.profile,
    policy,
    call: (what, call) => retrying(what, call, text => io.err(text), policy, options.profile),
    cloudtrail: () => clients.cloudtrail ?? new CloudTrailClient(config),
    s3: () => clients.s3 ?? new S3Client(config),
  };
}
