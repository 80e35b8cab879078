import { Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { recordDeclaring } from './collect';
import {
  DEFAULT_TIER_TAG_KEY, EndpointSpec, GroupSpec, PolicyStatement, PortSpec, REACHABILITY_POLICY_METADATA, StatementKind, TIER_METADATA,
} from './declarations';
import { hostLanguage, memberName } from '../checks/language';
import { validationError } from '../core/errors';

/** A method as the app's language spells it (`only_from` in Python), for errors about its input. */
const method = (name: string) => memberName(name, hostLanguage());

/**
 * Who or what a reachability policy speaks of: constructs that carry security groups, a tier, the internet,
 * an address range, a prefix list or a VPC's CIDR.
 */
export class ReachabilityEndpoint {
  /**
   * A construct and everything under it: the resources there that carry security groups (a database, a
   * function, an Auto Scaling group, a whole stack), else the security groups defined there, else the groups
   * of its `connections`.
   */
  public static of(scope: IConstruct): ReachabilityEndpoint {
    const groups = groupsOf(scope);
    return new ReachabilityEndpoint({ kind: 'construct', path: scope.node.path, groups: groups.length > 0 ? groups : undefined }, scope.node.path || '(the app)', scope);
  }

  /**
   * Anything with security groups: a construct, as `of`, or a `Connections` object, by its groups.
   */
  public static connectable(connectable: ec2.IConnectable): ReachabilityEndpoint {
    if (Construct.isConstruct(connectable)) return ReachabilityEndpoint.of(connectable);
    const groups = groupsOf(connectable);
    if (groups.length === 0) throw new Error('ReachabilityEndpoint.connectable: the connections hold no security group');
    return new ReachabilityEndpoint({ kind: 'group', path: groups[0].path, id: groups[0].id }, groups[0].path ?? groups[0].id ?? 'a group');
  }

  /** The resources in a tier: see `Tier.assign`. */
  public static tier(name: string): ReachabilityEndpoint {
    if (Token.isUnresolved(name) || name.trim() === '') throw new Error(`ReachabilityEndpoint.tier: "${name}" is not a tier name`);
    return new ReachabilityEndpoint({ kind: 'tier', name: name.trim() }, `tier ${name.trim()}`);
  }

  /**
   * The internet: every public IPv4 and IPv6 address. It reaches a resource where the resource's rules
   * together admit every public address (0.0.0.0/0, a prefix list holding it, or ranges that cover it).
   */
  public static internet(): ReachabilityEndpoint {
    return new ReachabilityEndpoint({ kind: 'internet' }, 'the internet');
  }

  /** Every public IPv4 address. */
  public static anyIpv4(): ReachabilityEndpoint {
    return new ReachabilityEndpoint({ kind: 'internet', family: 4 }, 'the IPv4 internet');
  }

  /** Every public IPv6 address (2000::/3). */
  public static anyIpv6(): ReachabilityEndpoint {
    return new ReachabilityEndpoint({ kind: 'internet', family: 6 }, 'the IPv6 internet');
  }

  /**
   * A peer as rules name it: `ec2.Peer.ipv4('203.0.113.0/24')`, `ec2.Peer.prefixList(...)`,
   * `ec2.Peer.securityGroupId(...)`, a security group, or `ec2.Peer.anyIpv4()` (the internet).
   */
  public static peer(peer: ec2.IPeer): ReachabilityEndpoint {
    if (Construct.isConstruct(peer)) return ReachabilityEndpoint.of(peer);
    const config = peer.toIngressRuleConfig() as Record<string, unknown>;
    const what = peer.uniqueId;
    if (typeof config.cidrIp === 'string' || typeof config.cidrIpv6 === 'string') {
      const value = (config.cidrIp ?? config.cidrIpv6) as string;
      if (!Token.isUnresolved(value)) {
        if (value === '0.0.0.0/0') return ReachabilityEndpoint.anyIpv4();
        if (value === '::/0') return ReachabilityEndpoint.anyIpv6();
        return new ReachabilityEndpoint({ kind: 'cidr', cidr: value }, value);
      }
      const target = referenced(value);
      if (target?.attribute === 'CidrBlock') return new ReachabilityEndpoint({ kind: 'vpcCidr', path: target.path }, `the CIDR of ${target.path}`);
      throw new Error(`ReachabilityEndpoint.peer: the address of ${what} is not known at synth; name the VPC with ReachabilityEndpoint.vpcCidr or give a literal CIDR`);
    }
    if (typeof config.sourcePrefixListId === 'string') {
      const value = config.sourcePrefixListId;
      if (!Token.isUnresolved(value)) return new ReachabilityEndpoint({ kind: 'prefixList', id: value }, `prefix list ${value}`);
      const target = referenced(value);
      if (target) return new ReachabilityEndpoint({ kind: 'prefixList', path: target.path }, `prefix list ${target.path}`);
      throw new Error(`ReachabilityEndpoint.peer: the prefix list ${what} is not known at synth`);
    }
    if (typeof config.sourceSecurityGroupId === 'string') {
      const group = groupSpec(config.sourceSecurityGroupId);
      if (group) return new ReachabilityEndpoint({ kind: 'group', ...group }, group.path ?? group.id!);
    }
    throw new Error(`ReachabilityEndpoint.peer: ${what} is not a peer a policy can name`);
  }

  /** The CIDR blocks of a VPC: any address in it, inside the app or not. */
  public static vpcCidr(vpc: ec2.IVpc): ReachabilityEndpoint {
    const cidr = vpc.vpcCidrBlock;
    if (!Token.isUnresolved(cidr)) return new ReachabilityEndpoint({ kind: 'cidr', cidr }, `the CIDR of ${vpc.node.path} (${cidr})`);
    const target = referenced(cidr);
    const path = target?.path ?? vpc.node.defaultChild?.node.path ?? vpc.node.path;
    return new ReachabilityEndpoint({ kind: 'vpcCidr', path }, `the CIDR of ${vpc.node.path}`);
  }

  /** How messages name it. */
  public readonly label: string;

  /** @internal */
  public readonly _spec: EndpointSpec;

  /** @internal */
  public readonly _scope?: IConstruct;

  private constructor(spec: EndpointSpec, label: string, scope?: IConstruct) {
    this._spec = spec;
    this.label = label;
    this._scope = scope;
  }

  /** Whether it is a set of addresses rather than resources. */
  public get isAddressRange(): boolean {
    return ['internet', 'cidr', 'vpcCidr', 'prefixList'].includes(this._spec.kind);
  }
}

/**
 * Options of a reachability statement.
 */
export interface ReachabilityStatementOptions {
  /**
   * A name for the statement in findings.
   *
   * @default - the statement in words
   */
  readonly description?: string;
}

/**
 * Options of a reachability statement that may be limited to some traffic.
 */
export interface ReachabilityPortOptions extends ReachabilityStatementOptions {
  /**
   * The traffic the statement is about. For `onlyFrom`, the only traffic the sources may use.
   *
   * @default - all traffic
   */
  readonly ports?: ec2.Port[];
}

/**
 * Properties of a ReachabilityPolicy.
 */
export interface ReachabilityPolicyProps {
  /**
   * What the policy is for, in findings.
   *
   * @default - each statement in words
   */
  readonly description?: string;
}

/**
 * Who may reach whom, written next to the resources, and checked at `cdk synth` against the security groups
 * of the whole app.
 *
 * The checks (the SecurityGroupStrategyChecks Aspect, the SecurityGroupStrategyPlugin and `sg-strategy check`)
 * compute what the groups let through, both sides of every connection, and report each broken statement as
 * a `ReachabilityViolation` with the path in words. A statement speaks about the whole app, wherever the
 * policy is declared. Security groups only: routes, network ACLs and public addresses are out of scope.
 *
 * For example, `policy.onlyFrom(ReachabilityEndpoint.of(database), [ReachabilityEndpoint.tier('api')], { ports: [ec2.Port.tcp(5432)] })`
 * and `policy.mustReach(ReachabilityEndpoint.of(worker), ReachabilityEndpoint.of(database), ec2.Port.tcp(5432))`.
 */
export class ReachabilityPolicy extends Construct {
  private readonly description?: string;

  constructor(scope: Construct, id: string, props: ReachabilityPolicyProps = {}) {
    super(scope, id);
    if (!this.node.scopes.some(s => Stack.isStack(s))) {
      throw validationError(this, 'a ReachabilityPolicy must be inside a Stack, so that the cloud assembly records it.');
    }
    this.description = props.description;
  }

  /**
   * Only `sources` reach `target`, and only on `options.ports` if given: anything else that can reach it is a
   * violation, whether a resource of the app or an address range its rules admit. The target's own members
   * reaching each other do not count.
   */
  public onlyFrom(target: ReachabilityEndpoint, sources: ReachabilityEndpoint[], options: ReachabilityPortOptions = {}): void {
    if (sources.length === 0) throw validationError(this, `${method('onlyFrom')} needs at least one source; to say nothing may reach it, use ${method('never')} with ReachabilityEndpoint.of(stack) or ${method('notFromInternet')}.`);
    if (target.isAddressRange) throw validationError(this, `${method('onlyFrom')}: ${target.label} is an address range, which has no security group to admit anything; name what carries the groups.`);
    this.record('onlyFrom', target, sources, options.ports, options.description);
  }

  /** `source` never reaches `target`, on any traffic or on `options.ports`. */
  public never(source: ReachabilityEndpoint, target: ReachabilityEndpoint, options: ReachabilityPortOptions = {}): void {
    if (source.isAddressRange && target.isAddressRange) throw validationError(this, `${method('never')}: ${source.label} and ${target.label} are both address ranges, which security groups do not stand between.`);
    this.record('never', target, [source], options.ports, options.description);
  }

  /**
   * Nothing on the internet reaches `target`: no rule, and no set of rules together, admits every public
   * address (0.0.0.0/0, ::/0, a prefix list holding them, or ranges that cover them such as 0.0.0.0/1 and
   * 128.0.0.0/1), on any traffic or on `options.ports`.
   */
  public notFromInternet(target: ReachabilityEndpoint, options: ReachabilityPortOptions = {}): void {
    if (target.isAddressRange) throw validationError(this, `${method('notFromInternet')}: ${target.label} is an address range, not something with security groups.`);
    this.record('notFromInternet', target, [], options.ports, options.description);
  }

  /**
   * `source` reaches `target` on `port`, for certain: the source's egress and the target's ingress both
   * allow it. A failure says which side is missing and the smallest rule that fixes it.
   */
  public mustReach(source: ReachabilityEndpoint, target: ReachabilityEndpoint, port: ec2.Port, options: ReachabilityStatementOptions = {}): void {
    if (source.isAddressRange && target.isAddressRange) throw validationError(this, `${method('mustReach')}: ${source.label} and ${target.label} are both address ranges, which security groups do not stand between.`);
    this.record('mustReach', target, [source], [port], options.description);
  }

  private record(
    kind: StatementKind, target: ReachabilityEndpoint, sources: ReachabilityEndpoint[], ports: ec2.Port[] | undefined, description?: string,
  ) {
    for (const endpoint of [target, ...sources]) {
      if (endpoint._scope && endpoint._scope.node.root !== this.node.root) {
        throw validationError(this, `${endpoint.label} is in another app; a policy speaks about its own app.`);
      }
    }
    const statement: Omit<PolicyStatement, 'declaredAt'> = {
      kind,
      target: target._spec,
      sources: sources.map(s => s._spec),
      ports: ports?.map(port => this.portSpec(port)),
      description: description ?? this.description,
    };
    // Plain data, so the cloud assembly records it as it is and `sg-strategy check` reads it without the app.
    this.node.addMetadata(REACHABILITY_POLICY_METADATA, statement, { stackTrace: false });
    recordDeclaring(this);
  }

  private portSpec(port: ec2.Port): PortSpec {
    const json = port.toRuleJson() as { ipProtocol: string; fromPort?: number; toPort?: number };
    if ([json.ipProtocol, json.fromPort, json.toPort].some(v => v !== undefined && Token.isUnresolved(v))) {
      throw validationError(this, `the port ${port} is not known at synth; a policy needs its protocol and numbers.`);
    }
    return { ipProtocol: String(json.ipProtocol), fromPort: json.fromPort, toPort: json.toPort };
  }
}

/**
 * Tiers: a label on a scope (a stack, a construct) that every resource under it carries, so one statement
 * covers a whole layer: `policy.never(ReachabilityEndpoint.tier('web'), ReachabilityEndpoint.tier('data'))`.
 * The nearest label wins; a resource tagged `sg-strategy:tier` is in the tier the tag names.
 */
export class Tier {
  /** The tag key that puts a resource in a tier: `Tags.of(scope).add(Tier.TAG_KEY, 'api')`. */
  public static readonly TAG_KEY = DEFAULT_TIER_TAG_KEY;

  /** Put everything under `scope` in the tier `name`. */
  public static assign(scope: IConstruct, name: string): void {
    if (Token.isUnresolved(name) || name.trim() === '') throw validationError(scope, `"${name}" is not a tier name.`);
    if (!scope.node.scopes.some(s => Stack.isStack(s))) {
      throw validationError(scope, 'assign a tier to a stack or a construct inside one, so that the cloud assembly records it.');
    }
    scope.node.addMetadata(TIER_METADATA, { tier: name.trim() }, { stackTrace: false });
    recordDeclaring(scope);
  }

  private constructor() {}
}

/** The construct and attribute a token refers to, where it is a reference to a resource of the app. */
function referenced(value: string): { path: string; attribute: string } | undefined {
  const token = Tokenization.reverseString(value).firstToken;
  if (!token || !Reference.isReference(token)) return undefined;
  return { path: token.target.node.path, attribute: token.displayName };
}

function groupSpec(id: string): GroupSpec | undefined {
  if (!Token.isUnresolved(id)) return { id };
  const target = referenced(id);
  return target && (target.attribute === 'GroupId' || target.attribute === 'Ref') ? { path: target.path } : undefined;
}

/** The security groups of something connectable, by the construct that defines each or by id. */
function groupsOf(value: unknown): GroupSpec[] {
  let groups: ec2.ISecurityGroup[] = [];
  try {
    // A function outside a VPC throws here: it has no groups, which is an answer.
    groups = (value as Partial<ec2.IConnectable>).connections?.securityGroups ?? [];
  } catch {
    groups = [];
  }
  if (groups.length === 0 && isSecurityGroup(value)) groups = [value];
  return groups.map(g => groupSpec(g.securityGroupId)).filter((g): g is GroupSpec => g !== undefined);
}

function isSecurityGroup(value: unknown): value is ec2.ISecurityGroup {
  return typeof (value as ec2.ISecurityGroup)?.securityGroupId === 'string' && Construct.isConstruct(value);
}
