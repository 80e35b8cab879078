import type { NetworkInterface } from '@aws-sdk/client-ec2';

/** What kind of thing stands behind a network interface or lists a group. */
export type ResourceKind =
  | 'EC2 instance' | 'Lambda function' | 'ECS task' | 'Application Load Balancer' | 'Network Load Balancer'
  | 'Gateway Load Balancer' | 'Classic Load Balancer' | 'VPC endpoint' | 'RDS database' | 'NAT gateway'
  | 'EFS mount target' | 'EC2 launch template' | 'Auto Scaling launch configuration' | 'unattached interface' | 'other';

/** The resource behind an interface, as far as the account tells. */
export interface AttributedResource {
  readonly kind: ResourceKind;
  /** Its id or name: i-..., a function name, a task ARN, a load balancer name, vpce-... */
  readonly id: string;
  /** More that a user needs: the cluster, "deleted", "not found among those listed"... */
  readonly detail?: string;
  /** The interface will go away by itself (a deleted function's): wait rather than act. */
  readonly releasing?: boolean;
}

export interface KnownLoadBalancer {
  readonly name: string;
  readonly arn?: string;
  readonly kind: 'Application Load Balancer' | 'Network Load Balancer' | 'Gateway Load Balancer' | 'Classic Load Balancer';
  readonly securityGroups: string[];
  /** How AWS describes its interfaces: "ELB net/name/id", or "ELB name" for a Classic Load Balancer. */
  readonly interfaceDescription: string;
}

export interface KnownTask {
  readonly taskArn: string;
  readonly cluster: string;
  readonly group?: string;
  readonly lastStatus?: string;
}

export interface KnownEndpoint {
  readonly id: string;
  readonly type?: string;
  readonly serviceName?: string;
}

/** What the account's other services said, for attributing interfaces. A list is undefined when it could not be read. */
export interface AttributionLookups {
  readonly tasksByInterface?: ReadonlyMap<string, KnownTask>;
  readonly endpointsByInterface: ReadonlyMap<string, KnownEndpoint>;
  readonly loadBalancers?: readonly KnownLoadBalancer[];
  readonly functionNames?: ReadonlySet<string>;
}

/** How long AWS takes, at most, to release a Lambda function's interfaces once it no longer needs them. */
export const LAMBDA_RELEASE_TEXT = 'AWS releases this interface in up to 45 minutes';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const LAMBDA_DESCRIPTION = new RegExp(`^AWS Lambda VPC ENI-(.+?)(-${UUID})?$`);
const ELBV2_DESCRIPTION = /^ELB (app|net|gwy)\/([^/\s]+)\/([0-9a-f]+)$/;
const CLASSIC_DESCRIPTION = /^ELB ([^\s/]+)$/;
const ELBV2_KIND = { app: 'Application Load Balancer', net: 'Network Load Balancer', gwy: 'Gateway Load Balancer' } as const;

/**
 * The resource behind one network interface. It reads, in order: what other services list (ECS tasks, VPC
 * endpoints), the interface's attachment, then its interface type, description and requester, as AWS
 * sets them for each managed service.
 */
export function attributeInterface(eni: NetworkInterface, lookups: AttributionLookups): AttributedResource {
  const id = eni.NetworkInterfaceId ?? '';
  const description = eni.Description ?? '';
  const type = eni.InterfaceType ?? '';

  const task = lookups.tasksByInterface?.get(id) ?? lookups.tasksByInterface?.get(ecsAttachmentId(description) ?? '');
  if (task) return { kind: 'ECS task', id: task.taskArn, detail: [`cluster ${task.cluster}`, task.group, task.lastStatus?.toLowerCase()].filter(Boolean).join(', ') };
  const endpoint = lookups.endpointsByInterface.get(id);
  if (endpoint) return { kind: 'VPC endpoint', id: endpoint.id, detail: [endpoint.type?.toLowerCase(), endpoint.serviceName].filter(Boolean).join(', ') || undefined };
  if (eni.Attachment?.InstanceId) return { kind: 'EC2 instance', id: eni.Attachment.InstanceId };

  const lambda = LAMBDA_DESCRIPTION.exec(description);
  if (type === 'lambda' || lambda) return lambdaFunction(description, lambda?.[1], lookups.functionNames);

  const elbv2 = ELBV2_DESCRIPTION.exec(description);
  if (elbv2) {
    const kind = ELBV2_KIND[elbv2[1] as keyof typeof ELBV2_KIND];
    return { kind, id: elbv2[2], detail: listedDetail(lookups.loadBalancers, lb => lb.interfaceDescription === description) };
  }
  if (type === 'network_load_balancer') return { kind: 'Network Load Balancer', id: description || id };
  if (type === 'gateway_load_balancer') return { kind: 'Gateway Load Balancer', id: description || id };
  const classic = CLASSIC_DESCRIPTION.exec(description);
  if (classic && (eni.RequesterId === 'amazon-elb' || lookups.loadBalancers?.some(lb => lb.interfaceDescription === description))) {
    return { kind: 'Classic Load Balancer', id: classic[1], detail: listedDetail(lookups.loadBalancers, lb => lb.interfaceDescription === description) };
  }

  const vpce = /^VPC Endpoint Interface (vpce-[0-9a-f]+)/.exec(description);
  if (type === 'vpc_endpoint' || type === 'gateway_load_balancer_endpoint' || vpce) return { kind: 'VPC endpoint', id: vpce?.[1] ?? (description || id) };
  if (description === 'RDSNetworkInterface' || eni.RequesterId === 'amazon-rds') {
    return { kind: 'RDS database', id: description || id, detail: 'the interface does not name the instance or cluster; look for the group in their VPC security groups' };
  }
  const nat = /^Interface for NAT Gateway (nat-[0-9a-f]+)/.exec(description);
  if (type === 'natGateway' || nat) return { kind: 'NAT gateway', id: nat?.[1] ?? (description || id) };
  const efs = /^EFS mount target for (fs-[0-9a-f]+) \((fsmt-[0-9a-f]+)\)/.exec(description);
  if (efs) return { kind: 'EFS mount target', id: efs[2], detail: `file system ${efs[1]}` };
  if (/^arn:aws[a-z-]*:ecs:/.test(description)) {
    const detail = lookups.tasksByInterface ? 'an ECS attachment not found among the tasks listed' : 'ECS tasks could not be listed';
    return { kind: 'ECS task', id: description, detail };
  }

  if (!eni.Attachment && eni.Status === 'available') {
    return { kind: 'unattached interface', id, detail: 'nothing uses it, but it still holds the group; delete the interface or change its groups' };
  }
  const facts = [
    type && type !== 'interface' ? `interface type ${type}` : undefined,
    eni.RequesterId ? `requested by ${eni.RequesterId}` : undefined,
    description ? `"${description}"` : undefined,
  ].filter(Boolean);
  return { kind: 'other', id, detail: facts.join(', ') || 'the interface says nothing about what created it' };
}

/** The attachment id an ECS task's interface is described with ("arn:aws:ecs:...:attachment/<id>"). */
export function ecsAttachmentId(description: string): string | undefined {
  return /^arn:aws[a-z-]*:ecs:[^\s]*:attachment\/([0-9a-f-]+)$/.exec(description)?.[1];
}

function lambdaFunction(description: string, parsed: string | undefined, functionNames: ReadonlySet<string> | undefined): AttributedResource {
  // Function names may contain hyphens, so prefer a listed function whose name the description starts with.
  const listed = functionNames ? [...functionNames].filter(n => description.startsWith(`AWS Lambda VPC ENI-${n}-`) || description === `AWS Lambda VPC ENI-${n}`) : [];
  const name = listed.sort((a, b) => b.length - a.length)[0] ?? parsed ?? description;
  if (!functionNames) return { kind: 'Lambda function', id: name, detail: 'functions could not be listed, so whether it still exists is unknown' };
  if (listed.length > 0) return { kind: 'Lambda function', id: name };
  return { kind: 'Lambda function', id: name, detail: `the function no longer exists; ${LAMBDA_RELEASE_TEXT}`, releasing: true };
}

function listedDetail(loadBalancers: readonly KnownLoadBalancer[] | undefined, matches: (lb: KnownLoadBalancer) => boolean): string | undefined {
  if (!loadBalancers) return undefined;
  return loadBalancers.some(matches) ? undefined : 'not among the load balancers listed: it may be being deleted';
}
