import { AutoScalingClient, DescribeLaunchConfigurationsCommand } from '@aws-sdk/client-auto-scaling';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import {
  DescribeLaunchTemplatesCommand, DescribeLaunchTemplateVersionsCommand, DescribeNetworkInterfacesCommand, DescribeSecurityGroupsCommand,
  DescribeVpcEndpointsCommand, EC2Client, NetworkInterface, SecurityGroup,
} from '@aws-sdk/client-ec2';
import { DescribeTasksCommand, ECSClient, ListClustersCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { DescribeLoadBalancersCommand as DescribeClassicLoadBalancersCommand, ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { KnownEndpoint, KnownLoadBalancer, KnownTask } from './attribute';
import { DEFAULT_RETRY_POLICY, RetryPolicy, allPages, errorName, errorMessage, withRetries } from '../../handlers/shared/aws-calls';
import { CliError } from '../inputs';

/** The clients `audit` reads with. */
export interface AuditClients {
  readonly ec2: EC2Client;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly elb: ElasticLoadBalancingClient;
  readonly lambda: LambdaClient;
  readonly ecs: ECSClient;
  /** For the launch configurations that name a group. */
  readonly autoscaling: AutoScalingClient;
  /** For `audit --interfaces`: when an interface was detached. Made on demand when absent. */
  readonly cloudtrail?: CloudTrailClient;
  /** For `prune --record-dir s3://...` and `restore s3://...`. Made on demand when absent. */
  readonly s3?: S3Client;
}

export interface KnownFunction {
  readonly name: string;
  /** `$LATEST`, or the number of a published version, whose configuration is its own. */
  readonly version?: string;
  readonly securityGroupIds: string[];
}

/**
 * A launch template version or a launch configuration that names groups. Nothing is running from it yet,
 * so no interface carries the group, and AWS deletes the group without a word; the next launch then fails.
 */
export interface KnownLaunchSpec {
  /** `name:version` for a launch template version, the name for a launch configuration. */
  readonly id: string;
  /** Group ids, or group names (a default VPC's, and EC2-Classic's launch configurations). */
  readonly groups: string[];
}

/** Everything `audit` reads from one region. Lists that could not be read are undefined, with a warning. */
export interface Inventory {
  readonly groups: SecurityGroup[];
  readonly interfaces: NetworkInterface[];
  readonly endpoints: Array<KnownEndpoint & { readonly groupIds: string[]; readonly interfaceIds: string[] }>;
  /** False when the endpoints could not be listed (then `endpoints` is empty, and says nothing). */
  readonly endpointsListed: boolean;
  readonly loadBalancers?: KnownLoadBalancer[];
  readonly functions?: KnownFunction[];
  readonly launchTemplates?: KnownLaunchSpec[];
  readonly launchConfigurations?: KnownLaunchSpec[];
  /** Keyed by interface id, and by ECS attachment id (what the interface's description names). */
  readonly tasksByInterface?: Map<string, KnownTask>;
  readonly warnings: string[];
}

/** Errors that mean "this caller may not read that service", so the audit goes on without it. */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess', 'OptInRequired', 'SubscriptionRequiredException']);
/** Errors that mean the credentials themselves are not good. */
const BAD_CREDENTIALS = new Set(['ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'AuthFailure', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'InvalidAccessKeyId']);

export class InventoryReader {
  constructor(
    private readonly clients: AuditClients,
    private readonly progress: (text: string) => void,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    /** The --profile in use, for error messages. */
    private readonly profile?: string,
  ) {}

  async read(): Promise<Inventory> {
    const warnings: string[] = [];
    const groups = await this.list('security groups', token => this.clients.ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 1000, NextToken: token }))
      .then(r => ({ items: r.SecurityGroups ?? [], nextToken: r.NextToken })));
    const interfaces = await this.list('network interfaces', token => this.clients.ec2.send(new DescribeNetworkInterfacesCommand({ MaxResults: 1000, NextToken: token }))
      .then(r => ({ items: r.NetworkInterfaces ?? [], nextToken: r.NextToken })));
    const listedEndpoints = await this.optional('VPC endpoints', 'endpoint interfaces are named from their descriptions only', warnings, () => this.endpoints());
    const loadBalancers = await this.optional('load balancers', 'load-balancer interfaces are named from their descriptions only', warnings, () => this.loadBalancers());
    const functions = await this.optional('Lambda functions', 'a deleted function cannot be told from a live one', warnings, () => this.functions());
    const unseen = 'a group that only it names is not seen as used';
    const launchTemplates = await this.optional('launch templates', unseen, warnings, () => this.launchTemplates());
    const launchConfigurations = await this.optional('launch configurations', unseen, warnings, () => this.launchConfigurations());
    const tasksByInterface = await this.optional('ECS tasks', 'task interfaces are named from their descriptions only', warnings, () => this.tasks());
    const endpoints = listedEndpoints ?? [];
    return {
      groups,
      interfaces,
      endpoints,
      endpointsListed: listedEndpoints !== undefined,
      loadBalancers,
      functions,
      launchTemplates,
      launchConfigurations,
      tasksByInterface,
      warnings,
    };
  }

  private async endpoints() {
    const found = await this.list('VPC endpoints', token => this.clients.ec2.send(new DescribeVpcEndpointsCommand({ MaxResults: 1000, NextToken: token }))
      .then(r => ({ items: r.VpcEndpoints ?? [], nextToken: r.NextToken })));
    return found.map(e => ({
      id: e.VpcEndpointId ?? '',
      type: e.VpcEndpointType,
      serviceName: e.ServiceName,
      groupIds: (e.Groups ?? []).map(g => g.GroupId ?? '').filter(Boolean),
      interfaceIds: e.NetworkInterfaceIds ?? [],
    }));
  }

  private async loadBalancers(): Promise<KnownLoadBalancer[]> {
    const v2 = await this.list('load balancers', token => this.clients.elbv2.send(new DescribeLoadBalancersCommand({ PageSize: 400, Marker: token }))
      .then(r => ({ items: r.LoadBalancers ?? [], nextToken: r.NextMarker })));
    const classic = await this.list('Classic Load Balancers', token => this.clients.elb.send(new DescribeClassicLoadBalancersCommand({ PageSize: 400, Marker: token }))
      .then(r => ({ items: r.LoadBalancerDescriptions ?? [], nextToken: r.NextMarker })));
    const kinds = { application: 'Application Load Balancer', network: 'Network Load Balancer', gateway: 'Gateway Load Balancer' } as const;
    return [
      ...v2.map(lb => ({
        name: lb.LoadBalancerName ?? '',
        arn: lb.LoadBalancerArn,
        kind: kinds[(lb.Type ?? 'application') as keyof typeof kinds] ?? 'Application Load Balancer',
        securityGroups: lb.SecurityGroups ?? [],
        // The ARN ends in loadbalancer/net/name/id; AWS describes the interfaces as "ELB net/name/id".
        interfaceDescription: `ELB ${(lb.LoadBalancerArn ?? '').split(':loadbalancer/')[1] ?? lb.LoadBalancerName}`,
      })),
      ...classic.map(lb => ({
        name: lb.LoadBalancerName ?? '',
        kind: 'Classic Load Balancer' as const,
        securityGroups: lb.SecurityGroups ?? [],
        interfaceDescription: `ELB ${lb.LoadBalancerName}`,
      })),
    ];
  }

  private async functions(): Promise<KnownFunction[]> {
    // Published versions keep the VPC configuration they were published with; without ALL, only $LATEST is listed.
    const found = await this.list('Lambda functions', token => this.clients.lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', MaxItems: 50, Marker: token }))
      .then(r => ({ items: r.Functions ?? [], nextToken: r.NextMarker })));
    return found.map(f => ({ name: f.FunctionName ?? '', version: f.Version, securityGroupIds: f.VpcConfig?.SecurityGroupIds ?? [] }));
  }

  /** Every version of every launch template: an Auto Scaling group or a fleet may launch any of them. */
  private async launchTemplates(): Promise<KnownLaunchSpec[]> {
    const templates = await this.list('launch templates', token => this.clients.ec2.send(new DescribeLaunchTemplatesCommand({ MaxResults: 200, NextToken: token }))
      .then(r => ({ items: r.LaunchTemplates ?? [], nextToken: r.NextToken })));
    const specs: KnownLaunchSpec[] = [];
    for (const template of templates) {
      const versions = await this.list(`versions of ${template.LaunchTemplateName}`, token => this.clients.ec2.send(new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: template.LaunchTemplateId, MaxResults: 200, NextToken: token,
      })).then(r => ({ items: r.LaunchTemplateVersions ?? [], nextToken: r.NextToken })), true);
      for (const v of versions) {
        const data = v.LaunchTemplateData;
        const groups = [
          ...data?.SecurityGroupIds ?? [], ...data?.SecurityGroups ?? [],
          ...(data?.NetworkInterfaces ?? []).flatMap(n => n.Groups ?? []),
        ];
        if (groups.length > 0) specs.push({ id: `${template.LaunchTemplateName ?? template.LaunchTemplateId}:${v.VersionNumber}`, groups });
      }
    }
    return specs;
  }

  private async launchConfigurations(): Promise<KnownLaunchSpec[]> {
    const found = await this.list('launch configurations', token => this.clients.autoscaling.send(new DescribeLaunchConfigurationsCommand({ MaxRecords: 100, NextToken: token }))
      .then(r => ({ items: r.LaunchConfigurations ?? [], nextToken: r.NextToken })));
    return found.filter(c => (c.SecurityGroups ?? []).length > 0).map(c => ({ id: c.LaunchConfigurationName ?? '', groups: c.SecurityGroups ?? [] }));
  }

  private async tasks(): Promise<Map<string, KnownTask>> {
    const byInterface = new Map<string, KnownTask>();
    const clusters = await this.list('ECS clusters', token => this.clients.ecs.send(new ListClustersCommand({ maxResults: 100, nextToken: token }))
      .then(r => ({ items: r.clusterArns ?? [], nextToken: r.nextToken })));
    for (const cluster of clusters) {
      // Stopped tasks are listed too: their interfaces linger while AWS takes them down.
      for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
        const arns = await this.list(`ECS tasks in ${cluster.split('/').pop()}`, token => this.clients.ecs.send(new ListTasksCommand({ cluster, desiredStatus, maxResults: 100, nextToken: token }))
          .then(r => ({ items: r.taskArns ?? [], nextToken: r.nextToken })), true);
        for (let i = 0; i < arns.length; i += 100) {
          const batch = arns.slice(i, i + 100);
          const described = await this.call('describe ECS tasks', () => this.clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch })));
          for (const task of described.tasks ?? []) {
            for (const attachment of task.attachments ?? []) {
              const known = { taskArn: task.taskArn ?? '', cluster: cluster.split('/').pop() ?? cluster, group: task.group, lastStatus: task.lastStatus };
              const eni = attachment.details?.find(d => d.name === 'networkInterfaceId')?.value;
              if (eni) byInterface.set(eni, known);
              // The interface's description names the attachment, which a task has before its details name the interface.
              if (attachment.type === 'ElasticNetworkInterface' && attachment.id) byInterface.set(attachment.id, known);
            }
          }
        }
      }
    }
    return byInterface;
  }

  /** Every page of a list, with progress on stderr for lists longer than a page. */
  private async list<T>(what: string, page: (token: string | undefined) => Promise<{ items: T[]; nextToken?: string }>, quiet = false): Promise<T[]> {
    let pages = 0;
    let count = 0;
    const items = await allPages(async token => {
      const result = await this.call(`list ${what}`, () => page(token));
      pages++;
      count += result.items.length;
      if (result.nextToken) this.progress(`  ${what}: ${count} so far...`);
      return result;
    });
    if (!quiet || pages > 1) this.progress(`  ${what}: ${items.length}`);
    return items;
  }

  /** One call, retried with backoff while AWS throttles; a throttled wait is reported on stderr. */
  private call<T>(what: string, call: () => Promise<T>): Promise<T> {
    return retrying(what, call, this.progress, this.policy, this.profile);
  }

  /** A list the audit can do without: if the caller may not read it, say what is lost and go on. */
  private async optional<T>(what: string, lost: string, warnings: string[], read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      const denied = deniedName(error);
      if (!denied) throw error;
      warnings.push(`Could not list ${what} (${denied}): ${lost}.`);
      return undefined;
    }
  }
}

/** The error's name if it means "this caller may not read that" (the cause's, for a CliError); otherwise undefined. */
export function deniedName(error: unknown): string | undefined {
  const name = errorName((error as { cause?: unknown }).cause ?? error);
  return DENIED.has(name) ? name : undefined;
}

/**
 * One AWS call, retried with backoff while AWS throttles, each wait reported through `progress`. What still
 * fails becomes a CliError that says what was being done; the SDK's error stays as its cause.
 */
export function retrying<T>(
  what: string, call: () => Promise<T>, progress: (text: string) => void, policy: RetryPolicy, profile?: string,
): Promise<T> {
  const reported: RetryPolicy = {
    ...policy,
    sleep: ms => {
      progress(`  throttled while trying to ${what}; waiting ${(ms / 1000).toFixed(1)} s`);
      return policy.sleep(ms);
    },
  };
  return withRetries(call, reported).catch(error => {
    throw asCliError(what, error, profile);
  });
}

/** What went wrong in words a user can act on; the SDK's error stays as the cause. */
export function asCliError(what: string, error: unknown, profile?: string): Error {
  if (error instanceof CliError) return error;
  const name = errorName(error);
  const message = errorMessage(error);
  let text: string;
  if (profile && (name === 'CredentialsProviderError' || /Could not load credentials|profile/i.test(message))) {
    text = `No AWS credentials for profile "${profile}" (${message}). Check that ~/.aws/config or ~/.aws/credentials defines it `
      + `(for an SSO profile, run \`aws sso login --profile ${profile}\` first).`;
  } else if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    text = `No AWS credentials were found (${message}). Pass --profile NAME`
      + ', or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY '
      + '(for an SSO profile, run `aws sso login --profile NAME` first).';
  } else if (BAD_CREDENTIALS.has(name)) {
    text = `AWS refused the credentials (${name}: ${message}). Refresh them, or pass another --profile.`;
  } else if (/Region is missing/i.test(message)) {
    text = 'No AWS region. Pass --region, or set AWS_REGION, or give the profile a region in ~/.aws/config.';
  } else {
    text = `Could not ${what}: ${name ? `${name}: ` : ''}${message}`;
  }
  const failure = new CliError(text);
  (failure as { cause?: unknown }).cause = error;
  return failure;
}
