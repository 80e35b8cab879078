import { Cidr } from './cidr';
import { Traffic } from './ports';

/**
 * One stack's template, as the model takes it: from a cloud assembly on disk, from the construct tree at
 * synth, or a hand-written template.
 */
export interface StackTemplate {
  /** Unique in the app: the artifact id, or the stack's construct path. */
  readonly stackId: string;
  /** The CloudFormation stack name, or the name the readers give a stack whose name they cannot know. */
  readonly stackName: string;
  /**
   * True where `stackName` is the name CloudFormation deploys the stack under: a top-level stack of a CDK app or
   * cloud assembly. A template read from a file is named after the file, and a nested stack is named at deploy.
   */
  readonly stackNameIsDeployed?: boolean;
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
  | {
    readonly kind: 'prefixList';
    readonly id: string;
    readonly viaParameter?: string;
    /** The AWS::EC2::PrefixList in the app, by resource key; undefined for a list known only by id. */
    readonly prefixListKey?: string;
    /** An entry of the in-app list is 0.0.0.0/0 or ::/0: the rule is open to the world. */
    readonly holdsWorld?: boolean;
    /** Every such entry is the default of this parameter, so the deployed list may not hold the world. */
    readonly worldViaParameter?: string;
  }
  | { readonly kind: 'unresolved'; readonly reason: string };

export interface SecurityGroupRule {
  readonly direction: 'ingress' | 'egress';
  readonly groupKey: string;
  /** Undefined when protocol or ports cannot be read; then `trafficProblem` says why. */
  readonly traffic?: Traffic;
  readonly trafficProblem?: string;
  /** Parameters whose defaults gave the protocol or ports: the deployed traffic may differ. */
  readonly trafficViaParameters?: string[];
  /**
   * The AWS_BEHAVIOURS id of an unsettled reading of the traffic (tcp or udp ports of -1 or none, read as every
   * port): a finding that rests on the rule is at most a warning and says so.
   */
  readonly trafficUnsettledBy?: string;
  readonly peer: Peer;
  readonly description?: string;
  /** The resource that states the rule: the group itself for inline rules, else the standalone rule. */
  readonly origin: ResourceRef;
  /**
   * A rule AWS puts there, not the template: the allow-all IPv4 egress of a group with no egress at all, or a
   * VPC default group's own rules. Which one is in `implicitBy`.
   */
  readonly implicit?: boolean;
  /** The AWS_BEHAVIOURS id that puts an implicit rule there. */
  readonly implicitBy?: string;
  /** For a rule the template states: whether it is inline in the group or a standalone resource. */
  readonly standalone?: boolean;
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
  /** The exports under which its id leaves its stack. */
  readonly exports: ExportName[];
  /**
   * Where the group's egress is declared, inline or by standalone AWS::EC2::SecurityGroupEgress resources from
   * any stack. A group with neither keeps AWS's allow-all IPv4 egress (see AWS_BEHAVIOURS).
   */
  readonly egressDeclaredBy: ResourceRef[];
  /** Uses of the group from other stacks. */
  readonly crossStackUses: CrossStackUse[];
}

/** An export's name as a person reads it: parts synth cannot know are shown as `${Name}` (`${AWS::StackName}`...). */
export interface ExportName {
  readonly name: string;
  /** The name is, or holds, the default of this parameter: the name deployed may differ. */
  readonly viaParameter?: string;
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
  /** For a fallback: the AWS_BEHAVIOURS id that establishes it, and a note on how the model got there. */
  readonly fallbackBy?: string;
  readonly fallbackNote?: string;
  /** The groups came from this launch template or launch configuration. */
  readonly viaTemplate?: ResourceRef;
  /** Which interface, for resources that declare several. */
  readonly interfaceLabel?: string;
  /** Parameters whose defaults gave the list of groups: the deployed list may differ. */
  readonly viaParameters?: string[];
}

export interface VpcNode {
  readonly key: string;
  readonly ref: ResourceRef;
  readonly cidrs: Cidr[];
  readonly defaultGroupKey: string;
  /** The resource that locks the default group, if any. */
  readonly lockedBy?: ResourceRef;
  /** The VPC has an IPv6 block (its default group then also sends to ::/0). */
  readonly hasIpv6: boolean;
  /**
   * The rules AWS gives the default group (see AWS_BEHAVIOURS), empty when the app locks it. Kept apart from the
   * default group's `rules`, which hold only what the app states.
   */
  readonly awsDefaultRules: SecurityGroupRule[];
}

export interface ListenerNode {
  readonly ref: ResourceRef;
  /** Undefined when the port cannot be known at synth. */
  readonly port?: number;
  /** The port is the default of this parameter. */
  readonly portViaParameter?: string;
  readonly protocol?: string;
}

export interface LoadBalancerNode {
  readonly ref: ResourceRef;
  readonly type: 'application' | 'network' | 'gateway' | 'classic';
  /** True only when the scheme is known to be internet-facing. */
  readonly internetFacing: boolean;
  readonly scheme: 'internet-facing' | 'internal' | 'unknown';
  /** The scheme came from the default of this parameter. */
  readonly schemeViaParameter?: string;
  /** Its listeners in the app. Classic load balancers list theirs inline. */
  readonly listeners: ListenerNode[];
  readonly groupKeys: string[];
  /** The SecurityGroups property is absent or an empty list. */
  readonly withoutSecurityGroups: boolean;
  /** EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic, as written ('on', 'off'), if at all. */
  readonly privateLinkEnforcement?: string;
  /** Endpoint services that front this load balancer. */
  readonly endpointServices: ResourceRef[];
}

/**
 * The ports a managed resource accepts connections on, whatever its groups admit (see AWS_BEHAVIOURS): a
 * load balancer's listeners, a Transfer Family server's protocols.
 */
export interface ServicePorts {
  readonly resource: ResourceRef;
  readonly ports: number[];
  /** What listens there, in words: "listeners", "SFTP". */
  readonly what: string;
  /** False where the port is a managed file service and not a shell, even on 22 (Transfer Family's SFTP). */
  readonly remoteAdministration: boolean;
  /** Parameters whose defaults gave some of the ports: the deployed ports may differ. */
  readonly viaParameters?: string[];
}

export interface PrefixListNode {
  readonly key: string;
  readonly ref: ResourceRef;
  /** What a reference to the list weighs against a group's rule quota; undefined when not known at synth. */
  readonly maxEntries?: number;
  readonly addressFamily?: 'IPv4' | 'IPv6';
  readonly entries: Cidr[];
  /** Entries that could not be read. */
  readonly unresolvedEntries: number;
  /** Set when every entry that is the world (0.0.0.0/0, ::/0) is the default of this parameter. */
  readonly worldViaParameter?: string;
}

export interface LambdaNode {
  readonly ref: ResourceRef;
  readonly groupKeys: string[];
}

/** A rule the template states that AWS will refuse. */
export interface InvalidRule {
  readonly at: ResourceRef;
  readonly direction: 'ingress' | 'egress';
  readonly what: string;
  /** The AWS_BEHAVIOURS id that says AWS refuses it. */
  readonly behaviour: string;
  /** The offending value is this parameter's default: the value deployed may differ. */
  readonly viaParameter?: string;
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
  readonly prefixLists: Map<string, PrefixListNode>;
  /** By resource key: resources known to accept connections only on some ports. Absent where not known. */
  readonly servicePorts: Map<string, ServicePorts>;
  /** Resource keys of instances and interfaces that forward traffic for others (SourceDestCheck false: NAT, routers). */
  readonly forwarders: Set<string>;
  /**
   * By resource key: resources whose interfaces accept inbound connections in a way no source settles (Lambda
   * functions, interface VPC endpoints), with what they are in words and the AWS_BEHAVIOURS id that says so.
   */
  readonly inboundUnsettled: Map<string, { readonly resource: ResourceRef; readonly what: string; readonly behaviour: string }>;
  readonly lambdas: LambdaNode[];
  /** Rules CloudFormation or EC2 will refuse: the template will not deploy. */
  readonly invalidRules: InvalidRule[];
  readonly unresolved: Unresolved[];
}

/** The one place that says how a resource is keyed. */
export function resourceKey(stackId: string, logicalId: string): string {
  return `${stackId}|${logicalId}`;
}

/** How a resource is named in messages: its construct path where known, else stack and logical id. */
export function refLabel(ref: ResourceRef): string {
  const p = ref.constructPath;
  if (!p) return `${ref.stackName}/${ref.logicalId}`;
  // A last `/Resource` or `/Default` dropped, without a regular expression: the reports label thousands of resources.
  if (p.endsWith('/Resource')) return p.slice(0, -9);
  return p.endsWith('/Default') ? p.slice(0, -8) : p;
}
