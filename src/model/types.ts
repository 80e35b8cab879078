import { Cidr } from './cidr';
import { Traffic } from './ports';

/**
 * One stack's template, as the model takes it: from a cloud assembly on disk, from the construct tree at
 * synth, or a hand-written template.
 */
export interface StackTemplate {
  /** Unique in the app: the artifact id, or the stack's construct path. */
  readonly stackId: string;
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The stack's construct path, when it came from a CDK app. */
  readonly constructPath?: string;
  /** Where the template file is, when there is one. */
  readonly templatePath?: string;
  /** The parsed template. Anything at all: the model never trusts its shape. */
  readonly template: unknown;
  /** Construct paths by logical id, when known without the template's `aws:cdk:path` metadata. */
  readonly constructPaths?: Record<string, string>;
  /** For a nested stack: its parent and the logical id of the AWS::CloudFormation::Stack resource there. */
  readonly parent?: { readonly stackId: string; readonly logicalId: string };
}

/** A resource in one stack. */
export interface ResourceRef {
  readonly stackId: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly constructPath?: string;
  readonly templatePath?: string;
}

export type Peer =
  | { readonly kind: 'cidr'; readonly cidr: Cidr; readonly viaParameter?: string; readonly vpcCidrOf?: string }
  | { readonly kind: 'group'; readonly groupKey: string }
  | { readonly kind: 'prefixList'; readonly id: string; readonly viaParameter?: string }
  | { readonly kind: 'unresolved'; readonly reason: string };

export interface SecurityGroupRule {
  readonly direction: 'ingress' | 'egress';
  readonly groupKey: string;
  /** Undefined when protocol or ports cannot be read; then `trafficProblem` says why. */
  readonly traffic?: Traffic;
  readonly trafficProblem?: string;
  readonly peer: Peer;
  readonly description?: string;
  /** The resource that states the rule: the group itself for inline rules, else the standalone rule. */
  readonly origin: ResourceRef;
  /** AWS's allow-all egress, present because the group states no egress of its own. */
  readonly implicit?: boolean;
}

export interface SecurityGroupNode {
  readonly key: string;
  /** The group's resource; undefined for a VPC's default group and for groups outside the app. */
  readonly ref?: ResourceRef;
  readonly vpcKey?: string;
  /** Set for a VPC's default security group. */
  readonly defaultOfVpc?: string;
  /** Set for a group known only by a literal id or an import from outside the app. */
  readonly externalId?: string;
  readonly groupName?: string;
  readonly nameTag?: string;
  readonly description?: string;
  readonly rules: SecurityGroupRule[];
  /** Every place a resource carries this group on its interfaces. */
  readonly attachments: Attachment[];
  /** Resources that mention the group other than by carrying it or by a rule (custom resources, outputs...). */
  readonly references: ResourceRef[];
  /** Export names under which its id leaves its stack. */
  readonly exports: string[];
  /** Uses of the group from other stacks. */
  readonly crossStackUses: CrossStackUse[];
}

export interface CrossStackUse {
  /** The stack that uses the group. */
  readonly by: ResourceRef;
  /** How: an `Fn::ImportValue` of an export, or a nested-stack parameter. */
  readonly via: 'import' | 'nested-stack-parameter';
  readonly exportName?: string;
}

/** One network interface's (or one resource's) set of groups. */
export interface Attachment {
  readonly resource: ResourceRef;
  readonly groupKeys: string[];
  /** Group entries that could not be resolved. */
  readonly unresolved: string[];
  /** The resource gave no group and AWS puts the VPC's default group on it. */
  readonly viaDefault: boolean;
  /** Which interface, for resources that declare several. */
  readonly interfaceLabel?: string;
}

export interface VpcNode {
  readonly key: string;
  readonly ref: ResourceRef;
  readonly cidrs: Cidr[];
  readonly defaultGroupKey: string;
  /** The resource that locks the default group, if any. */
  readonly lockedBy?: ResourceRef;
}

export interface LoadBalancerNode {
  readonly ref: ResourceRef;
  readonly type: 'application' | 'network' | 'gateway' | 'classic';
  readonly internetFacing: boolean;
  readonly groupKeys: string[];
  /** The SecurityGroups property is absent or an empty list. */
  readonly withoutSecurityGroups: boolean;
  /** EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic, as written ('on', 'off'), if at all. */
  readonly privateLinkEnforcement?: string;
  /** Endpoint services that front this load balancer. */
  readonly endpointServices: ResourceRef[];
}

export interface LambdaNode {
  readonly ref: ResourceRef;
  readonly groupKeys: string[];
}

/** Something the model could not understand. Becomes a finding, never a silent pass. */
export interface Unresolved {
  readonly at: ResourceRef;
  readonly what: string;
  readonly rule?: boolean;
}

export interface SecurityGroupModel {
  readonly stacks: StackTemplate[];
  readonly groups: Map<string, SecurityGroupNode>;
  readonly vpcs: Map<string, VpcNode>;
  readonly loadBalancers: LoadBalancerNode[];
  readonly lambdas: LambdaNode[];
  readonly unresolved: Unresolved[];
}

/** The one place that says how a resource is keyed. */
export function resourceKey(stackId: string, logicalId: string): string {
  return `${stackId}|${logicalId}`;
}
