import { securityGroupPropertyOf } from './attachment-properties';
import { AWS_BEHAVIOURS, BehaviourId, DEFAULT_GROUP_FALLBACK } from './aws-behaviours';
import { CDK_NO_TRAFFIC_RULE } from './cdk-placeholder';
import { Cidr, parseCidr } from './cidr';
import { IntrinsicResolver, Resolved } from './intrinsics';
import { readTraffic } from './ports';
import {
  Attachment, ExportName, InvalidRule, LambdaNode, LoadBalancerNode, Peer, PrefixListNode, ResourceRef, SecurityGroupModel,
  SecurityGroupNode, SecurityGroupRule, ServicePorts, StackTemplate, Unresolved, VpcNode, refLabel, resourceKey,
} from './types';

/** The custom resource type of this library's LockedDefaultSecurityGroup. */
export const LOCKED_DEFAULT_SECURITY_GROUP_TYPE = 'Custom::SgStrategyLockedDefaultSecurityGroup';
/** The custom resource type of CDK's `restrictDefaultSecurityGroup`. */
export const CDK_RESTRICT_DEFAULT_SECURITY_GROUP_TYPE = 'Custom::VpcRestrictDefaultSG';

/** What the readers put in place of a template or resource they could not read, with the reason as `Error`. */
export const UNREADABLE_TYPE = 'AWS::CDK::Unreadable';

/**
 * Property names that carry security groups on resource types the table does not list. `Groups` is left out:
 * IAM users, Evidently launches and others use it for things that are not security groups. It is read only in
 * an EC2 network-interface specification (`NetworkInterfaces[].Groups`), where it always holds groups.
 */
const GENERIC_GROUP_KEYS = new Set(['SecurityGroupIds', 'SecurityGroups', 'VpcSecurityGroupIds', 'VPCSecurityGroups', 'GroupSet', 'SecurityGroupIdList']);

const RULE_TYPES = new Set(['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress']);

/** The properties that name a rule's peer, by direction. A rule names exactly one. */
const PEER_KEYS = {
  ingress: ['CidrIp', 'CidrIpv6', 'SourceSecurityGroupId', 'SourceSecurityGroupName', 'SourcePrefixListId'],
  egress: ['CidrIp', 'CidrIpv6', 'DestinationSecurityGroupId', 'DestinationPrefixListId'],
} as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function asRecord(value: unknown): Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, any> : {};
}

function pathValue(value: unknown, path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) current = asRecord(current)[key];
  return current;
}

function isEmptyList(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.length === 0);
}

/** A value that may be absent at deploy time: `Fn::If` (either branch may be AWS::NoValue) or `Ref: AWS::NoValue`. */
function mayBeAbsent(value: unknown): boolean {
  const record = asRecord(value);
  return 'Fn::If' in record || record.Ref === 'AWS::NoValue';
}

/** What one walk of a resource's properties finds (see ModelBuilder.scanProperties). */
interface ScannedProperties {
  readonly mentioned: Set<string>;
  readonly keyed: Array<{ path: string; value: unknown }>;
}

/** How a fallback to the default group is judged: where the VPC comes from and which behaviour says so. */
interface Fallback {
  readonly vpc: () => string | undefined;
  readonly by: BehaviourId;
  readonly note?: string;
}

/**
 * Build the security-group model of an app from its templates. Never throws: whatever it cannot read
 * becomes an `Unresolved` entry, which the checks report.
 */
export function buildModel(stacks: StackTemplate[]): SecurityGroupModel {
  const builder = new ModelBuilder(stacks);
  builder.build();
  return builder.model;
}

class ModelBuilder {
  public readonly model: SecurityGroupModel;
  private readonly resolver: IntrinsicResolver;
  private readonly groups = new Map<string, Mutable<SecurityGroupNode>>();
  private readonly vpcs = new Map<string, Mutable<VpcNode>>();
  private readonly unresolved: Unresolved[] = [];
  private readonly invalidRules: InvalidRule[] = [];
  private readonly loadBalancers = new Map<string, Mutable<LoadBalancerNode>>();
  private readonly prefixLists = new Map<string, PrefixListNode>();
  private readonly servicePorts = new Map<string, ServicePorts>();
  private readonly forwarders = new Set<string>();
  private readonly inboundUnsettled: SecurityGroupModel['inboundUnsettled'] = new Map();
  private readonly lambdas: LambdaNode[] = [];

  constructor(private readonly stacks: StackTemplate[]) {
    this.resolver = safely(() => new IntrinsicResolver(stacks), () => new IntrinsicResolver([]));
    this.model = {
      stacks,
      groups: this.groups,
      vpcs: this.vpcs,
      loadBalancers: [],
      prefixLists: this.prefixLists,
      servicePorts: this.servicePorts,
      forwarders: this.forwarders,
      inboundUnsettled: this.inboundUnsettled,
      lambdas: this.lambdas,
      unresolved: this.unresolved,
      invalidRules: this.invalidRules,
    };
  }

  public build() {
    const passes: Array<(stackId: string, logicalId: string, resource: Record<string, any>) => void> = [
      (s, l, r) => this.addVpc(s, l, r),
      (s, l, r) => this.addGroupOrPrefixList(s, l, r),
      (s, l, r) => this.addLocker(s, l, r),
      (s, l, r) => this.addRules(s, l, r),
      (s, l, r) => this.addUses(s, l, r),
      (s, l, r) => this.addListener(s, l, r),
    ];
    // Each stack's resources are listed once for all the passes (undefined: its Resources is not an object).
    const listed = this.stacks.map(stack => {
      const resources = asRecord(stack.template).Resources;
      if (resources !== undefined && typeof resources !== 'object') return undefined;
      return Object.entries(this.resolver.resources(stack.stackId)).map(([logicalId, raw]) => [logicalId, asRecord(raw)] as const);
    });
    for (const pass of passes) {
      this.stacks.forEach((stack, i) => {
        const resources = listed[i];
        if (!resources) {
          if (pass === passes[0]) {
            this.unresolved.push({ at: this.ref(stack.stackId, '(Resources)', 'AWS::CloudFormation::Stack'), what: 'the template\'s Resources section is not an object' });
          }
          return;
        }
        for (const [logicalId, resource] of resources) {
          try {
            pass(stack.stackId, logicalId, resource);
          } catch (e) {
            this.unresolved.push({
              at: this.ref(stack.stackId, logicalId, String(resource.Type)),
              what: `could not be analysed (${e instanceof Error ? e.message : String(e)})`,
            });
          }
        }
      });
    }
    for (const stack of this.stacks) {
      safely(() => this.addExports(stack.stackId), () => undefined);
    }
    this.addImplicitEgress();
    this.addDefaultGroupRules();
    this.addLoadBalancerServicePorts();
    (this.model as Mutable<SecurityGroupModel>).loadBalancers = [...this.loadBalancers.values()];
  }

  private ref(stackId: string, logicalId: string, type?: string): ResourceRef {
    const stack = this.resolver.stack(stackId);
    const resource = this.resolver.resource(stackId, logicalId);
    const metadataPath = asRecord(resource?.Metadata)['aws:cdk:path'];
    // A nested stack's name is a token until deploy; its construct path is the name a person knows it by.
    const stackName = stack?.stackName && !stack.stackName.includes('${Token[') ? stack.stackName : stack?.constructPath ?? stackId;
    return {
      stackId,
      stackName,
      logicalId,
      type: type ?? (typeof resource?.Type === 'string' ? resource.Type : 'unknown'),
      constructPath: stack?.constructPaths?.[logicalId] ?? (typeof metadataPath === 'string' ? metadataPath : undefined),
      templatePath: stack?.templatePath,
    };
  }

  // --- VPCs, groups and prefix lists ----------------------------------------------------------------------

  private addVpc(stackId: string, logicalId: string, resource: Record<string, any>) {
    if (resource.Type === 'AWS::EC2::VPC') {
      const key = resourceKey(stackId, logicalId);
      const vpc = this.vpcOf(key, this.ref(stackId, logicalId));
      const cidr = this.resolver.resolve(stackId, asRecord(resource.Properties).CidrBlock);
      const parsed = cidr.kind === 'literal' ? parseCidr(String(cidr.value)) : undefined;
      if (parsed) vpc.cidrs.push(parsed);
    } else if (resource.Type === 'AWS::EC2::VPCCidrBlock') {
      const props = asRecord(resource.Properties);
      const vpcRef = this.resolver.resolve(stackId, props.VpcId);
      if (vpcRef.kind !== 'resource') return;
      const vpc = this.vpcOf(resourceKey(vpcRef.stackId, vpcRef.logicalId), this.ref(vpcRef.stackId, vpcRef.logicalId, 'AWS::EC2::VPC'));
      for (const block of [props.CidrBlock, props.Ipv6CidrBlock]) {
        const value = block === undefined ? undefined : this.resolver.resolve(stackId, block);
        const parsed = value?.kind === 'literal' ? parseCidr(String(value.value)) : undefined;
        if (parsed) vpc.cidrs.push(parsed);
      }
      if (props.AmazonProvidedIpv6CidrBlock === true || props.AmazonProvidedIpv6CidrBlock === 'true'
        || props.Ipv6CidrBlock !== undefined || props.Ipv6IpamPoolId !== undefined || props.Ipv6Pool !== undefined) {
        vpc.hasIpv6 = true;
      }
    }
  }

  private vpcOf(key: string, ref: ResourceRef): Mutable<VpcNode> {
    let vpc = this.vpcs.get(key);
    if (!vpc) {
      vpc = { key, ref, cidrs: [], defaultGroupKey: `${key}#default`, hasIpv6: false, awsDefaultRules: [] };
      this.vpcs.set(key, vpc);
      this.groupNode(vpc.defaultGroupKey, { defaultOfVpc: key, vpcKey: key });
    }
    return vpc;
  }

  private groupNode(key: string, fields: Partial<SecurityGroupNode>): Mutable<SecurityGroupNode> {
    let group = this.groups.get(key);
    if (!group) {
      group = { key, rules: [], attachments: [], references: [], exports: [], crossStackUses: [], egressDeclaredBy: [], ...fields };
      this.groups.set(key, group);
    }
    return group;
  }

  private addGroupOrPrefixList(stackId: string, logicalId: string, resource: Record<string, any>) {
    if (resource.Type === 'AWS::EC2::PrefixList') {
      this.addPrefixList(stackId, logicalId, asRecord(resource.Properties));
      return;
    }
    if (resource.Type !== 'AWS::EC2::SecurityGroup') return;
    const props = asRecord(resource.Properties);
    const vpc = props.VpcId === undefined ? undefined : this.resolver.resolve(stackId, props.VpcId);
    const tags = Array.isArray(props.Tags) ? props.Tags : [];
    const nameTag = tags.map(asRecord).find(t => t.Key === 'Name')?.Value;
    this.groupNode(resourceKey(stackId, logicalId), {
      ref: this.ref(stackId, logicalId),
      vpcKey: vpc?.kind === 'resource' ? resourceKey(vpc.stackId, vpc.logicalId) : vpc?.kind === 'literal' ? `external:${vpc.value}` : undefined,
      groupName: props.GroupName === undefined ? undefined : this.describeValue(stackId, props.GroupName, false),
      nameTag: typeof nameTag === 'string' ? nameTag : undefined,
      description: typeof props.GroupDescription === 'string' ? props.GroupDescription : undefined,
    });
  }

  private addPrefixList(stackId: string, logicalId: string, props: Record<string, any>) {
    const key = resourceKey(stackId, logicalId);
    const maxEntries = this.resolver.resolve(stackId, props.MaxEntries);
    const family = this.resolver.resolve(stackId, props.AddressFamily);
    const entries: Cidr[] = [];
    let unresolvedEntries = 0;
    // Which parameter gave each entry that is the world; undefined for a literal world entry.
    const worldVia: Array<string | undefined> = [];
    const list: unknown[] = Array.isArray(props.Entries) ? props.Entries : props.Entries === undefined ? [] : [props.Entries];
    for (const entry of list) {
      const cidr = this.resolver.resolve(stackId, asRecord(entry).Cidr);
      const parsed = cidr.kind === 'literal' ? parseCidr(String(cidr.value)) : undefined;
      if (parsed) entries.push(parsed);
      else unresolvedEntries++;
      if (parsed?.prefix === 0) worldVia.push(cidr.kind === 'literal' ? cidr.viaParameter : undefined);
    }
    this.prefixLists.set(key, {
      key,
      ref: this.ref(stackId, logicalId),
      maxEntries: maxEntries.kind === 'literal' && Number.isInteger(Number(maxEntries.value)) ? Number(maxEntries.value) : undefined,
      addressFamily: family.kind === 'literal' && (family.value === 'IPv4' || family.value === 'IPv6') ? family.value : undefined,
      entries,
      unresolvedEntries,
      worldViaParameter: worldVia.length > 0 && worldVia.every(v => v !== undefined) ? worldVia[0] : undefined,
    });
  }

  private addLocker(stackId: string, logicalId: string, resource: Record<string, any>) {
    if (resource.Type !== LOCKED_DEFAULT_SECURITY_GROUP_TYPE && resource.Type !== CDK_RESTRICT_DEFAULT_SECURITY_GROUP_TYPE) return;
    const target = this.resolver.resolve(stackId, asRecord(resource.Properties).DefaultSecurityGroupId);
    if (target.kind === 'resource' && target.attribute === 'DefaultSecurityGroup') {
      const vpc = this.vpcs.get(resourceKey(target.stackId, target.logicalId));
      if (vpc) vpc.lockedBy = this.ref(stackId, logicalId);
    }
  }

  /** The group an expression names, creating nodes for default and external groups as needed. */
  private groupOf(usingStackId: string, value: unknown, user: ResourceRef): { key?: string; problem?: string } {
    const resolved = this.resolver.resolve(usingStackId, value);
    return this.groupOfResolved(usingStackId, resolved, user);
  }

  private groupOfResolved(usingStackId: string, resolved: Resolved, user: ResourceRef): { key?: string; problem?: string } {
    if (resolved.kind === 'resource') {
      let key = this.securityGroupKey(resolved);
      const targetType = this.resolver.resource(resolved.stackId, resolved.logicalId)?.Type;
      if (!key && resolved.attribute === 'DefaultSecurityGroup' && targetType === 'AWS::EC2::VPC') {
        key = this.vpcOf(resourceKey(resolved.stackId, resolved.logicalId), this.ref(resolved.stackId, resolved.logicalId)).defaultGroupKey;
      }
      if (!key && resolved.attribute === 'ClusterSecurityGroupId' && (targetType === 'AWS::EKS::Cluster' || targetType === 'Custom::AWSCDK-EKS-Cluster')) {
        // EKS creates this group itself: it is a group, but not one the app defines (see AWS_BEHAVIOURS).
        key = `eks:${resourceKey(resolved.stackId, resolved.logicalId)}`;
        this.groupNode(key, { externalId: `the cluster security group of ${refLabel(this.ref(resolved.stackId, resolved.logicalId))}` });
      }
      if (!key) {
        return { problem: `${resolved.logicalId}${resolved.attribute ? '.' + resolved.attribute : ''} is not a security group` };
      }
      const group = this.groups.get(key);
      const seen = group?.crossStackUses.some(u => u.by.stackId === user.stackId && u.by.logicalId === user.logicalId);
      if (group && resolved.stackId !== usingStackId && !seen) {
        group.crossStackUses.push({ by: user, via: resolved.viaImport?.via ?? 'import', exportName: resolved.viaImport?.exportName });
      }
      return { key };
    }
    if (resolved.kind === 'literal' && typeof resolved.value === 'string' && /^sg-[0-9a-f]+$/.test(resolved.value)) {
      const key = `external:${resolved.value}`;
      this.groupNode(key, { externalId: resolved.value });
      return { key };
    }
    if (resolved.kind === 'literal') return { problem: `${JSON.stringify(resolved.value)} is not a security group id` };
    if (resolved.kind === 'list') return { problem: 'a list where one group was expected' };
    return { problem: resolved.reason };
  }

  // --- Rules ---------------------------------------------------------------------------------------------

  private addRules(stackId: string, logicalId: string, resource: Record<string, any>) {
    const props = asRecord(resource.Properties);
    const origin = () => this.ref(stackId, logicalId);
    if (resource.Type === 'AWS::EC2::SecurityGroup') {
      const groupKey = resourceKey(stackId, logicalId);
      for (const [direction, key] of [['ingress', 'SecurityGroupIngress'], ['egress', 'SecurityGroupEgress']] as const) {
        const list = props[key];
        if (list === undefined) continue;
        if (direction === 'egress' && !isEmptyList(list)) this.groups.get(groupKey)?.egressDeclaredBy.push(origin());
        if (!Array.isArray(list)) {
          this.addUnreadableRule(groupKey, direction, origin(), `${key} is not a list (${describe(list)})`);
          continue;
        }
        for (const entry of list) this.addRule(stackId, groupKey, direction, asRecord(entry), origin(), entry, false);
      }
    } else if (resource.Type === 'AWS::EC2::SecurityGroupIngress' || resource.Type === 'AWS::EC2::SecurityGroupEgress') {
      const direction = resource.Type === 'AWS::EC2::SecurityGroupIngress' ? 'ingress' : 'egress';
      const ref = origin();
      const target = props.GroupId !== undefined ? this.groupOf(stackId, props.GroupId, ref) : { problem: 'the rule names its group by GroupName, outside a VPC' };
      let groupKey = target.key;
      if (!groupKey) {
        groupKey = `unresolved:${resourceKey(stackId, logicalId)}`;
        this.groupNode(groupKey, { externalId: `(group of ${logicalId})` });
        this.unresolved.push({ at: ref, what: `the group this ${direction} rule belongs to cannot be known at synth: ${target.problem}`, rule: true });
      }
      if (direction === 'egress') this.groups.get(groupKey)?.egressDeclaredBy.push(ref);
      this.addRule(stackId, groupKey, direction, props, ref, props, true);
    }
  }

  private addUnreadableRule(groupKey: string, direction: 'ingress' | 'egress', origin: ResourceRef, reason: string) {
    this.groups.get(groupKey)?.rules.push({ direction, groupKey, peer: { kind: 'unresolved', reason }, trafficProblem: reason, origin });
  }

  private addRule(
    stackId: string, groupKey: string, direction: 'ingress' | 'egress', props: Record<string, any>, origin: ResourceRef, raw: unknown, standalone: boolean,
  ) {
    const group = this.groups.get(groupKey);
    if (!group) return;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || (Object.keys(props).length === 1 && Object.keys(props)[0].startsWith('Fn::'))) {
      this.addUnreadableRule(groupKey, direction, origin, `a rule written as ${describe(raw)}`);
      return;
    }
    const literal = (v: unknown) => (v === undefined ? undefined : this.resolver.resolve(stackId, v));
    const protocol = literal(props.IpProtocol);
    const from = literal(props.FromPort);
    const to = literal(props.ToPort);
    const plain = (r: Resolved | undefined) => (r === undefined ? undefined : r.kind === 'literal' ? r.value : r);
    const { traffic, problem, unsettledBy } = readTraffic(plain(protocol), plain(from), plain(to));
    const trafficViaParameters = parametersOf([protocol, from, to]);
    const cidr = literal(props.CidrIp);
    if (direction === 'egress' && cidr?.kind === 'literal' && cidr.value === CDK_NO_TRAFFIC_RULE.cidrIp
      && traffic?.protocol === CDK_NO_TRAFFIC_RULE.ipProtocol && traffic.icmp?.type === CDK_NO_TRAFFIC_RULE.fromPort
      && traffic.icmp?.code === CDK_NO_TRAFFIC_RULE.toPort) {
      return; // CDK's placeholder: it declares egress (so AWS drops its default) but lets nothing through.
    }
    this.checkRuleIsValid(stackId, direction, props, origin);
    const peer = this.peerOf(stackId, direction, props, origin);
    group.rules.push({
      direction,
      groupKey,
      traffic,
      trafficProblem: problem,
      ...(trafficViaParameters.length > 0 ? { trafficViaParameters } : {}),
      ...(unsettledBy ? { trafficUnsettledBy: unsettledBy } : {}),
      peer,
      description: typeof props.Description === 'string' ? props.Description : undefined,
      origin,
      standalone,
    });
    if (peer.kind === 'unresolved' || problem) {
      this.unresolved.push({ at: origin, what: peer.kind === 'unresolved' ? `the peer of an ${direction} rule: ${peer.reason}` : `the traffic of an ${direction} rule: ${problem}`, rule: true });
    }
  }

  /** Rules EC2 refuses: more than one peer, or an address without a prefix length. */
  private checkRuleIsValid(stackId: string, direction: 'ingress' | 'egress', props: Record<string, any>, at: ResourceRef) {
    const peers = PEER_KEYS[direction].filter(key => props[key] !== undefined && !mayBeAbsent(props[key]));
    if (peers.length > 1) {
      this.invalidRules.push({ at, direction, behaviour: AWS_BEHAVIOURS.ruleNamesOnePeer.id, what: `names ${peers.length} peers (${peers.join(', ')}); a rule names exactly one` });
    }
    for (const key of ['CidrIp', 'CidrIpv6'] as const) {
      if (props[key] === undefined) continue;
      const value = this.resolver.resolve(stackId, props[key]);
      if (value.kind !== 'literal' || typeof value.value !== 'string' || value.value.includes('/') || !parseCidr(value.value)) continue;
      const from = value.viaParameter ? ` (the default of parameter ${value.viaParameter})` : '';
      this.invalidRules.push({
        at,
        direction,
        behaviour: AWS_BEHAVIOURS.cidrNeedsPrefix.id,
        what: `has ${key} "${value.value}"${from} without a prefix length; write ${value.value}/${key === 'CidrIp' ? 32 : 128} for one address`,
        ...(value.viaParameter ? { viaParameter: value.viaParameter } : {}),
      });
    }
  }

  private peerOf(stackId: string, direction: 'ingress' | 'egress', props: Record<string, any>, origin: ResourceRef): Peer {
    const candidates = direction === 'ingress'
      ? { group: props.SourceSecurityGroupId, prefixList: props.SourcePrefixListId }
      : { group: props.DestinationSecurityGroupId, prefixList: props.DestinationPrefixListId };
    for (const key of ['CidrIp', 'CidrIpv6'] as const) {
      if (props[key] === undefined) continue;
      const value = this.resolver.resolve(stackId, props[key]);
      if (value.kind !== 'literal') return { kind: 'unresolved', reason: `${key} ${value.kind === 'unresolved' ? value.reason : 'is not a single value'}` };
      const cidr = parseCidr(String(value.value));
      if (!cidr) return { kind: 'unresolved', reason: `${key} ${JSON.stringify(value.value)} is not a CIDR block` };
      return { kind: 'cidr', cidr, viaParameter: value.viaParameter, vpcCidrOf: value.viaVpcCidr ? resourceKey(stackId, value.viaVpcCidr) : undefined };
    }
    if (candidates.group !== undefined) {
      const group = this.groupOf(stackId, candidates.group, origin);
      return group.key ? { kind: 'group', groupKey: group.key } : { kind: 'unresolved', reason: `the peer group: ${group.problem}` };
    }
    if (candidates.prefixList !== undefined) {
      const value = this.resolver.resolve(stackId, candidates.prefixList);
      if (value.kind === 'literal') return { kind: 'prefixList', id: String(value.value), viaParameter: value.viaParameter };
      if (value.kind === 'resource') {
        const list = this.prefixLists.get(resourceKey(value.stackId, value.logicalId));
        return { kind: 'prefixList', id: value.logicalId, prefixListKey: list?.key, holdsWorld: list?.entries.some(e => e.prefix === 0), worldViaParameter: list?.worldViaParameter };
      }
      return { kind: 'unresolved', reason: `the prefix list: ${value.kind === 'unresolved' ? value.reason : 'a list'}` };
    }
    if (direction === 'ingress' && props.SourceSecurityGroupName !== undefined) {
      return { kind: 'unresolved', reason: 'the source is a group name (default VPC or EC2-Classic)' };
    }
    return { kind: 'unresolved', reason: 'the rule names no CIDR, group or prefix list' };
  }

  /** AWS's allow-all IPv4 egress, on every group of the app that has no egress at all, inline or standalone. */
  private addImplicitEgress() {
    const behaviour = AWS_BEHAVIOURS.defaultEgressWithoutEgressRules;
    for (const group of this.groups.values()) {
      if (!group.ref || group.egressDeclaredBy.length > 0) continue;
      group.rules.push({
        direction: 'egress',
        groupKey: group.key,
        traffic: { protocol: 'all' },
        peer: { kind: 'cidr', cidr: parseCidr('0.0.0.0/0')! },
        description: 'AWS default: all outbound IPv4 traffic, because no egress rule targets the group',
        origin: group.ref,
        implicit: true,
        implicitBy: behaviour.id,
      });
    }
  }

  /** The rules AWS gives each in-app VPC's default group, unless the app locks it. */
  private addDefaultGroupRules() {
    const id = AWS_BEHAVIOURS.defaultGroupRules.id;
    for (const vpc of this.vpcs.values()) {
      if (vpc.lockedBy) continue;
      const groupKey = vpc.defaultGroupKey;
      const rule = (direction: 'ingress' | 'egress', peer: Peer): SecurityGroupRule =>
        ({ direction, groupKey, traffic: { protocol: 'all' }, peer, origin: vpc.ref, implicit: true, implicitBy: id, description: 'AWS default of the VPC\'s default group' });
      vpc.awsDefaultRules.push(
        rule('ingress', { kind: 'group', groupKey }),
        rule('egress', { kind: 'cidr', cidr: parseCidr('0.0.0.0/0')! }),
        ...(vpc.hasIpv6 ? [rule('egress', { kind: 'cidr', cidr: parseCidr('::/0')! })] : []),
      );
    }
  }

  // --- Attachments, references, load balancers ----------------------------------------------------------

  private addUses(stackId: string, logicalId: string, resource: Record<string, any>) {
    const type = String(resource.Type);
    if (RULE_TYPES.has(type)) return;
    if (type === UNREADABLE_TYPE) {
      this.unresolved.push({ at: this.ref(stackId, logicalId, type), what: `could not be read, so nothing in it was checked: ${asRecord(resource.Properties).Error}` });
      return;
    }
    const props = asRecord(resource.Properties);
    const ref = this.ref(stackId, logicalId);
    const attachedKeys = new Set<string>();
    if ((type === 'AWS::EC2::Instance' || type === 'AWS::EC2::NetworkInterface') && String(props.SourceDestCheck) === 'false') {
      this.forwarders.add(resourceKey(stackId, logicalId));
    }
    const attach = (values: unknown, label?: string, fallback?: Fallback, extra: Partial<Attachment> = {}) => {
      const attachment = this.attachment(stackId, ref, values, label, fallback, extra);
      if (!attachment) return;
      attachment.groupKeys.forEach(k => attachedKeys.add(k));
      for (const key of attachment.groupKeys) this.groups.get(key)?.attachments.push(attachment);
    };
    const fallbackOf = (vpc: () => string | undefined, note?: string): Fallback | undefined => {
      const by = DEFAULT_GROUP_FALLBACK[type];
      return by ? { vpc, by, note } : undefined;
    };
    const firstSubnetVpc = (subnets: unknown) => () => {
      const first = this.resolver.items(this.resolver.resolve(stackId, subnets ?? []))[0];
      return first?.kind === 'resource' ? this.vpcOfSubnet(first.stackId, { Ref: first.logicalId }) : undefined;
    };

    // The properties are walked once, here or below: a walk of every IAM document costs more than the rest.
    let scanned: ScannedProperties | undefined;
    switch (type) {
      case 'AWS::EC2::Instance':
        this.attachInstance(stackId, ref, props, attach);
        break;
      case 'AWS::EC2::LaunchTemplate': {
        // A template without groups is judged where it is used (an instance, an Auto Scaling group), not here.
        const data = asRecord(props.LaunchTemplateData);
        const nis = Array.isArray(data.NetworkInterfaces) ? data.NetworkInterfaces.map(asRecord) : [];
        if (nis.length > 0) {
          nis.forEach((ni, i) => { if (!isEmptyList(ni.Groups)) attach(ni.Groups, `network interface ${ni.DeviceIndex ?? i}`); });
        } else if (!isEmptyList(data.SecurityGroupIds ?? data.SecurityGroups)) {
          attach(data.SecurityGroupIds ?? data.SecurityGroups);
        }
        break;
      }
      case 'AWS::AutoScaling::AutoScalingGroup':
        this.attachAutoScalingGroup(stackId, ref, props, attach);
        break;
      case 'AWS::EC2::VPCEndpoint': {
        // Gateway endpoints (the default type) have no interfaces; interface endpoints without groups get the default group.
        const isInterface = String(props.VpcEndpointType ?? 'Gateway') === 'Interface';
        if (props.SecurityGroupIds !== undefined || isInterface) {
          attach(props.SecurityGroupIds, undefined, fallbackOf(() => this.vpcKeyOf(stackId, props.VpcId)));
        }
        break;
      }
      case 'AWS::RDS::DBInstance':
        this.attachDbInstance(stackId, props, attach);
        break;
      case 'AWS::ElastiCache::CacheCluster':
        attach(props.VpcSecurityGroupIds, undefined, fallbackOf(() => this.vpcOfSubnetGroup(stackId, props.CacheSubnetGroupName, 'AWS::ElastiCache::SubnetGroup')));
        break;
      case 'AWS::ElastiCache::ReplicationGroup':
        attach(props.SecurityGroupIds, undefined, fallbackOf(() => this.vpcOfSubnetGroup(stackId, props.CacheSubnetGroupName, 'AWS::ElastiCache::SubnetGroup')));
        break;
      case 'AWS::RDS::DBCluster':
        attach(props.VpcSecurityGroupIds, undefined, fallbackOf(() => this.vpcOfSubnetGroup(stackId, props.DBSubnetGroupName, 'AWS::RDS::DBSubnetGroup')));
        break;
      case 'AWS::Redshift::Cluster':
        attach(props.VpcSecurityGroupIds, undefined, fallbackOf(() => this.vpcOfSubnetGroup(stackId, props.ClusterSubnetGroupName, 'AWS::Redshift::ClusterSubnetGroup')));
        break;
      case 'AWS::ECS::Service':
      case 'AWS::ECS::TaskSet': {
        // Only the awsvpc network mode gives tasks interfaces of their own.
        const network = asRecord(props.NetworkConfiguration);
        const awsvpc = network.AwsvpcConfiguration ?? network.AwsVpcConfiguration;
        if (awsvpc !== undefined) attach(asRecord(awsvpc).SecurityGroups, undefined, fallbackOf(firstSubnetVpc(asRecord(awsvpc).Subnets)));
        break;
      }
      case 'AWS::OpenSearchService::Domain':
      case 'AWS::Elasticsearch::Domain': {
        // Without VPCOptions the domain has a public endpoint and no interfaces.
        const vpcOptions = props.VPCOptions;
        const options = asRecord(vpcOptions);
        if (vpcOptions !== undefined) attach(options.SecurityGroupIds, undefined, fallbackOf(firstSubnetVpc(options.SubnetIds)));
        break;
      }
      case 'AWS::MSK::Cluster': {
        const info = asRecord(props.BrokerNodeGroupInfo);
        attach(info.SecurityGroups, undefined, fallbackOf(firstSubnetVpc(info.ClientSubnets)));
        break;
      }
      case 'AWS::ElasticLoadBalancing::LoadBalancer': {
        if (props.Subnets === undefined) {
          attach(props.SecurityGroups); // in EC2-Classic or the default VPC's AZs: ELB makes its own default_elb group
          break;
        }
        const vpc = firstSubnetVpc(props.Subnets);
        const inApp = vpc() !== undefined;
        attach(props.SecurityGroups, undefined, inApp ? fallbackOf(vpc)
          : { vpc, by: 'fallbackUnsettled', note: 'unless its subnets are in the account\'s default VPC, where ELB makes a default_elb group instead' });
        break;
      }
      case 'AWS::EC2::NetworkInterface':
        attach(props.GroupSet, undefined, fallbackOf(() => this.vpcOfSubnet(stackId, props.SubnetId)));
        break;
      case 'AWS::EFS::MountTarget':
        attach(props.SecurityGroups, undefined, fallbackOf(() => this.vpcOfSubnet(stackId, props.SubnetId)));
        break;
      case 'AWS::FSx::FileSystem':
        attach(props.SecurityGroupIds, undefined, fallbackOf(firstSubnetVpc(props.SubnetIds)));
        break;
      case 'AWS::Transfer::Server':
        attach(pathValue(props, ['EndpointDetails', 'SecurityGroupIds']));
        this.addTransferServicePorts(stackId, ref, props);
        break;
      default: {
        const known = securityGroupPropertyOf(type);
        if (known) {
          const value = pathValue(props, known.path);
          if (value !== undefined) attach(value);
        } else if (!type.startsWith('Custom::') && type !== 'AWS::CloudFormation::CustomResource') {
          scanned = this.scanProperties(stackId, props, true);
          for (const found of scanned.keyed) attach(found.value, found.path);
        }
      }
    }

    // Load balancers and functions are in the attachment table, so their groups are the ones just attached.
    if (type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' || type === 'AWS::ElasticLoadBalancing::LoadBalancer') {
      this.addLoadBalancer(stackId, ref, props, type, [...attachedKeys]);
    } else if (type === 'AWS::EC2::VPCEndpointService') {
      for (const item of this.resolver.items(this.resolver.resolve(stackId, props.NetworkLoadBalancerArns))) {
        if (item.kind === 'resource') this.loadBalancerOf(item.stackId, item.logicalId)?.endpointServices.push(ref);
      }
    } else if (type === 'AWS::Lambda::Function' && attachedKeys.size > 0) {
      this.lambdas.push({ ref, groupKeys: [...attachedKeys] });
    }
    // What reaches a function's interfaces or an interface endpoint's is not settled (see AWS_BEHAVIOURS).
    const unsettled = type === 'AWS::Lambda::Function' ? { what: 'a Lambda function', behaviour: AWS_BEHAVIOURS.lambdaInterfacesInbound.id }
      : type === 'AWS::EC2::VPCEndpoint' ? { what: 'an interface VPC endpoint', behaviour: AWS_BEHAVIOURS.interfaceEndpointPorts.id } : undefined;
    if (unsettled && attachedKeys.size > 0) this.inboundUnsettled.set(resourceKey(stackId, logicalId), { resource: ref, ...unsettled });

    // Any other mention of a group (a custom resource, a tag value...) keeps it from being "unused".
    for (const key of (scanned ?? this.scanProperties(stackId, props, false)).mentioned) {
      if (!attachedKeys.has(key)) this.groups.get(key)?.references.push(ref);
    }
  }

  private attachInstance(stackId: string, ref: ResourceRef, props: Record<string, any>, attach: AttachFn) {
    const nis = Array.isArray(props.NetworkInterfaces) ? props.NetworkInterfaces.map(asRecord) : [];
    const template = this.launchTemplateOf(stackId, props.LaunchTemplate);
    const fallback = (subnet: unknown): Fallback => ({
      vpc: () => this.vpcOfSubnet(stackId, subnet) ?? template?.subnetVpc(),
      by: 'fallbackToDefaultGroup',
      note: template?.ref ? `it names no group, and neither does its launch template ${template.label}` : undefined,
    });
    if (nis.length > 0) {
      nis.forEach((ni, i) => {
        const label = `network interface ${ni.DeviceIndex ?? i}`;
        if (!isEmptyList(ni.GroupSet)) {
          attach(ni.GroupSet, label);
        } else if (ni.NetworkInterfaceId !== undefined) {
          // An existing interface keeps its own groups: an in-app one reports its own fallback.
          const eni = this.resolver.resolve(stackId, ni.NetworkInterfaceId);
          const eniProps = eni.kind === 'resource' ? asRecord(this.resolver.resource(eni.stackId, eni.logicalId)?.Properties) : {};
          if (!isEmptyList(eniProps.GroupSet)) attach(this.resolver.resolve(eni.kind === 'resource' ? eni.stackId : stackId, eniProps.GroupSet), label);
        } else if (template?.groups) {
          attach(template.groups, label, undefined, { viaTemplate: template.ref });
        } else if (!template || template.ref) {
          attach(undefined, label, fallback(ni.SubnetId));
        } else {
          this.templateOutsideApp(ref, template, label);
        }
      });
      return;
    }
    const own = props.SecurityGroupIds ?? props.SecurityGroups;
    if (!isEmptyList(own)) {
      attach(own);
    } else if (template?.groups) {
      attach(template.groups, undefined, undefined, { viaTemplate: template.ref });
    } else if (!template || template.ref) {
      attach(undefined, undefined, fallback(props.SubnetId));
    } else {
      this.templateOutsideApp(ref, template);
    }
  }

  private templateOutsideApp(at: ResourceRef, template: TemplateInfo, label?: string) {
    this.unresolved.push({ at, what: `its security groups${label ? ` (${label})` : ''} come from launch template ${template.label}, which is not in the app` });
  }

  private attachAutoScalingGroup(stackId: string, ref: ResourceRef, props: Record<string, any>, attach: AttachFn) {
    const spec = props.LaunchTemplate ?? asRecord(asRecord(props.MixedInstancesPolicy).LaunchTemplate).LaunchTemplateSpecification;
    const template = spec !== undefined ? this.launchTemplateOf(stackId, spec) : this.launchConfigurationOf(stackId, props.LaunchConfigurationName);
    if (!template) return; // launched from an instance id: that instance's groups
    if (!template.ref) {
      this.templateOutsideApp(ref, template);
      return;
    }
    const subnetVpc = () => {
      const first = this.resolver.items(this.resolver.resolve(stackId, props.VPCZoneIdentifier ?? []))[0];
      return (first?.kind === 'resource' ? this.vpcOfSubnet(first.stackId, { Ref: first.logicalId }) : undefined) ?? template.subnetVpc();
    };
    if (template.groups) {
      attach(template.groups, undefined, undefined, { viaTemplate: template.ref });
    } else {
      attach(undefined, undefined, { vpc: subnetVpc, by: 'launchTemplateJudgedWhereUsed', note: `its launch template ${template.label} names no group` });
    }
  }

  /** The in-app launch template a LaunchTemplateSpecification names, with its groups (undefined when it has none). */
  private launchTemplateOf(stackId: string, spec: unknown): TemplateInfo | undefined {
    if (spec === undefined) return undefined;
    const record = asRecord(spec);
    const target = this.resolver.resolve(stackId, record.LaunchTemplateId ?? record.LaunchTemplateName ?? record.Id ?? record.Name);
    if (target.kind !== 'resource') return { label: outsideLabel(target), subnetVpc: () => undefined };
    const resource = this.resolver.resource(target.stackId, target.logicalId);
    if (resource?.Type !== 'AWS::EC2::LaunchTemplate') return { label: target.logicalId, subnetVpc: () => undefined };
    const data = asRecord(asRecord(resource.Properties).LaunchTemplateData);
    const nis = Array.isArray(data.NetworkInterfaces) ? data.NetworkInterfaces.map(asRecord) : [];
    const own = data.SecurityGroupIds ?? data.SecurityGroups;
    const fromInterfaces = nis.flatMap(ni => (Array.isArray(ni.Groups) ? ni.Groups : ni.Groups === undefined ? [] : [ni.Groups]));
    const groups = !isEmptyList(own) ? own : fromInterfaces.length > 0 ? fromInterfaces : undefined;
    const ref = this.ref(target.stackId, target.logicalId);
    return {
      ref,
      label: refLabel(ref),
      groups: groups === undefined ? undefined : this.resolver.resolve(target.stackId, groups),
      subnetVpc: () => this.vpcOfSubnet(target.stackId, nis[0]?.SubnetId),
    };
  }

  private launchConfigurationOf(stackId: string, name: unknown): TemplateInfo | undefined {
    if (name === undefined) return undefined;
    const target = this.resolver.resolve(stackId, name);
    if (target.kind !== 'resource') return { label: outsideLabel(target), subnetVpc: () => undefined };
    const resource = this.resolver.resource(target.stackId, target.logicalId);
    if (resource?.Type !== 'AWS::AutoScaling::LaunchConfiguration') return { label: target.logicalId, subnetVpc: () => undefined };
    const groups = asRecord(resource.Properties).SecurityGroups;
    const ref = this.ref(target.stackId, target.logicalId);
    return {
      ref,
      label: refLabel(ref),
      groups: isEmptyList(groups) ? undefined : this.resolver.resolve(target.stackId, groups),
      subnetVpc: () => undefined,
    };
  }

  private attachDbInstance(stackId: string, props: Record<string, any>, attach: AttachFn) {
    // A cluster member (Aurora, Neptune, DocumentDB) takes its cluster's groups; the cluster carries them.
    if (props.DBClusterIdentifier !== undefined && isEmptyList(props.VPCSecurityGroups)) return;
    const vpc = () => this.vpcOfSubnetGroup(stackId, props.DBSubnetGroupName, 'AWS::RDS::DBSubnetGroup');
    const replica = props.SourceDBInstanceIdentifier !== undefined;
    attach(props.VPCSecurityGroups, undefined, replica
      ? { vpc, by: 'readReplicaGroups', note: 'it is a read replica that names no group' }
      : { vpc, by: 'fallbackToDefaultGroup' });
  }

  private attachment(
    stackId: string, ref: ResourceRef, values: unknown, label?: string, fallback?: Fallback, extra: Partial<Attachment> = {},
  ): Attachment | undefined {
    if (isEmptyList(values)) {
      if (!fallback) return undefined;
      // AWS gives the resource its VPC's default group.
      const vpcKey = fallback.vpc() ?? 'unknown-vpc';
      const defaultKey = this.vpcs.get(vpcKey)?.defaultGroupKey ?? `${vpcKey}#default`;
      this.groupNode(defaultKey, { defaultOfVpc: vpcKey, externalId: this.vpcs.has(vpcKey) ? undefined : describeVpcKey(vpcKey) });
      return {
        resource: ref,
        groupKeys: [defaultKey],
        unresolved: [],
        viaDefault: true,
        interfaceLabel: label,
        fallbackBy: AWS_BEHAVIOURS[fallback.by].id,
        fallbackNote: fallback.note,
        ...extra,
      };
    }
    const groupKeys: string[] = [];
    const unresolved: string[] = [];
    const resolved = isResolved(values) ? values : this.resolver.resolve(stackId, values);
    const viaParameters = parametersOf(this.resolver.items(resolved));
    for (const item of this.resolver.items(resolved)) {
      const group = this.groupOfResolved(stackId, item, ref);
      if (group.key) {
        if (!groupKeys.includes(group.key)) groupKeys.push(group.key);
      } else {
        unresolved.push(group.problem ?? 'unknown');
      }
    }
    // Groups taken from a launch template are reported once, at the template.
    if (unresolved.length > 0 && !extra.viaTemplate) {
      this.unresolved.push({ at: ref, what: `${unresolved.length} of its security groups${label ? ` (${label})` : ''}: ${unresolved.join('; ')}` });
    }
    const fromDefaults = viaParameters.length > 0 ? { viaParameters } : {};
    return { resource: ref, groupKeys, unresolved, viaDefault: false, interfaceLabel: label, ...fromDefaults, ...extra };
  }

  /**
   * One walk of a resource's properties for two answers:
   * - `mentioned`: every in-app group a Ref, GetAtt or ImportValue anywhere in them points at (12 levels deep);
   * - `keyed` (only when asked): the values under a property named as groups are (GENERIC_GROUP_KEYS, or
   *   `Groups` in a network-interface specification), 6 levels deep, with their paths. It stops inside an
   *   object at its first intrinsic function and does not look inside a value it found.
   * The mentions are looked up without side effects, so walking before the attachments changes nothing.
   */
  private scanProperties(stackId: string, props: Record<string, any>, withKeyed: boolean): ScannedProperties {
    const mentioned = new Set<string>();
    const keyed: ScannedProperties['keyed'] = [];
    const path: string[] = [];
    const visit = (v: unknown, depth: number, keyedIn: boolean, inInterfaces: boolean): void => {
      if (depth > 12 || v === null || typeof v !== 'object') return;
      const keyedHere = keyedIn && depth <= 6;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          if (keyedHere) path.push(String(i));
          visit(v[i], depth + 1, keyedHere, inInterfaces);
          if (keyedHere) path.pop();
        }
        return;
      }
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Fn::GetAtt' || keys[0] === 'Fn::ImportValue')) {
        const resolved = this.resolver.resolve(stackId, record);
        if (resolved.kind === 'resource') {
          const key = this.securityGroupKey(resolved);
          if (key) mentioned.add(key);
        }
        return;
      }
      let keyedOn = keyedHere;
      for (const key of keys) {
        const child = record[key];
        let childKeyed = false;
        if (keyedOn) {
          if (key.startsWith('Fn::') || key === 'Ref') keyedOn = false;
          else if (GENERIC_GROUP_KEYS.has(key) || (key === 'Groups' && inInterfaces)) keyed.push({ path: [...path, key].join('.'), value: child });
          else childKeyed = true;
        }
        if (childKeyed) path.push(key);
        visit(child, depth + 1, childKeyed, childKeyed && (inInterfaces || key === 'NetworkInterfaces'));
        if (childKeyed) path.pop();
      }
    };
    visit(props, 0, withKeyed, false);
    return { mentioned, keyed };
  }

  /** The key of the AWS::EC2::SecurityGroup a Ref or GetAtt GroupId points at, without side effects. */
  private securityGroupKey(resolved: Resolved & { kind: 'resource' }): string | undefined {
    const target = this.resolver.resource(resolved.stackId, resolved.logicalId);
    if (target?.Type === 'AWS::EC2::SecurityGroup' && (resolved.attribute === undefined || resolved.attribute === 'GroupId')) {
      return resourceKey(resolved.stackId, resolved.logicalId);
    }
    return undefined;
  }

  private vpcKeyOf(stackId: string, value: unknown): string | undefined {
    if (value === undefined) return undefined;
    const resolved = this.resolver.resolve(stackId, value);
    if (resolved.kind === 'resource') return resourceKey(resolved.stackId, resolved.logicalId);
    if (resolved.kind === 'literal') return `external:${resolved.value}`;
    return undefined;
  }

  private vpcOfSubnet(stackId: string, subnet: unknown): string | undefined {
    if (subnet === undefined) return undefined;
    const resolved = this.resolver.resolve(stackId, subnet);
    if (resolved.kind !== 'resource') return undefined;
    const resource = this.resolver.resource(resolved.stackId, resolved.logicalId);
    if (resource?.Type !== 'AWS::EC2::Subnet') return undefined;
    return this.vpcKeyOf(resolved.stackId, asRecord(resource.Properties).VpcId);
  }

  private vpcOfSubnetGroup(stackId: string, name: unknown, type: string): string | undefined {
    if (name === undefined) return 'default-vpc';
    const resolved = this.resolver.resolve(stackId, name);
    if (resolved.kind !== 'resource') return undefined;
    const group = this.resolver.resource(resolved.stackId, resolved.logicalId);
    if (group?.Type !== type) return undefined;
    const subnets = this.resolver.items(this.resolver.resolve(resolved.stackId, asRecord(group.Properties).SubnetIds));
    const first = subnets[0];
    if (first?.kind !== 'resource') return undefined;
    return this.vpcOfSubnet(first.stackId, { Ref: first.logicalId });
  }

  private loadBalancerOf(stackId: string, logicalId: string): Mutable<LoadBalancerNode> | undefined {
    return this.loadBalancers.get(resourceKey(stackId, logicalId));
  }

  private addLoadBalancer(stackId: string, ref: ResourceRef, props: Record<string, any>, type: string, groupKeys: string[]) {
    const lbType = type === 'AWS::ElasticLoadBalancing::LoadBalancer' ? 'classic' : String(props.Type ?? 'application');
    const groups = props.SecurityGroups;
    const attributes = Array.isArray(props.LoadBalancerAttributes) ? props.LoadBalancerAttributes.map(asRecord) : [];
    // AWS's default scheme is internet-facing. A parameter counts by its default, as CIDRs do.
    const scheme = props.Scheme === undefined ? undefined : this.resolver.resolve(stackId, props.Scheme);
    const schemeValue = scheme === undefined ? 'internet-facing' : scheme.kind === 'literal' ? String(scheme.value) : undefined;
    // A Classic Load Balancer lists its listeners inline; v2 listeners are resources of their own (addListener).
    const inline = lbType === 'classic' && Array.isArray(props.Listeners) ? props.Listeners.map(asRecord) : [];
    const listeners = inline.map(l => ({
      ref, ...this.portOf(stackId, l.LoadBalancerPort), protocol: literalText(this.resolver.resolve(stackId, l.Protocol)),
    }));
    this.loadBalancers.set(resourceKey(stackId, ref.logicalId), {
      ref,
      type: (['application', 'network', 'gateway', 'classic'].includes(lbType) ? lbType : 'application') as LoadBalancerNode['type'],
      internetFacing: schemeValue === 'internet-facing',
      scheme: schemeValue === 'internet-facing' || schemeValue === 'internal' ? schemeValue : 'unknown',
      schemeViaParameter: scheme?.kind === 'literal' ? scheme.viaParameter : undefined,
      listeners,
      groupKeys,
      withoutSecurityGroups: isEmptyList(groups),
      privateLinkEnforcement: literalText(this.resolver.resolve(stackId, props.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic))
        ?? attributes.find(a => a.Key === 'security_groups.enforce_inbound_rules_on_private_link_traffic')?.Value,
      endpointServices: [],
    });
  }

  private addListener(stackId: string, logicalId: string, resource: Record<string, any>) {
    if (resource.Type !== 'AWS::ElasticLoadBalancingV2::Listener') return;
    const props = asRecord(resource.Properties);
    const lb = this.resolver.resolve(stackId, props.LoadBalancerArn);
    if (lb.kind !== 'resource') return;
    this.loadBalancerOf(lb.stackId, lb.logicalId)?.listeners.push({
      ref: this.ref(stackId, logicalId),
      ...this.portOf(stackId, props.Port),
      protocol: literalText(this.resolver.resolve(stackId, props.Protocol)),
    });
  }

  /** A load balancer whose every listener's port is known accepts connections there and nowhere else. */
  private addLoadBalancerServicePorts() {
    for (const lb of this.loadBalancers.values()) {
      if (lb.listeners.length === 0 || lb.listeners.some(l => l.port === undefined)) continue;
      const ports = [...new Set(lb.listeners.map(l => l.port!))].sort((a, b) => a - b);
      const viaParameters = [...new Set(lb.listeners.flatMap(l => (l.portViaParameter ? [l.portViaParameter] : [])))];
      const fromDefaults = viaParameters.length > 0 ? { viaParameters } : {};
      this.servicePorts.set(resourceKey(lb.ref.stackId, lb.ref.logicalId), { resource: lb.ref, ports, what: 'listeners', remoteAdministration: true, ...fromDefaults });
    }
  }

  /** A Transfer Family server listens for its protocols only: SFTP on 22 (or its SftpPorts), FTP and FTPS on 21 and 8192-8200. */
  private addTransferServicePorts(stackId: string, ref: ResourceRef, props: Record<string, any>) {
    const protocols = this.resolver.items(this.resolver.resolve(stackId, props.Protocols ?? ['SFTP']));
    if (protocols.some(p => p.kind !== 'literal')) return;
    const names = protocols.map(p => String((p as { value: unknown }).value).toUpperCase());
    const sftpPorts = pathValue(props, ['ProtocolDetails', 'SftpPorts']);
    const configured = Array.isArray(sftpPorts) ? sftpPorts.map(p => this.portOf(stackId, asRecord(p).SftpPort)) : [{ port: 22 }];
    if (configured.some(p => p.port === undefined)) return;
    const viaParameters = [...new Set(configured.flatMap(p => (p.portViaParameter ? [p.portViaParameter] : [])))];
    const ports = [
      ...(names.includes('SFTP') ? configured.map(p => p.port!) : []),
      ...(names.includes('FTP') || names.includes('FTPS') ? [21, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200] : []),
    ];
    const fromDefaults = viaParameters.length > 0 ? { viaParameters } : {};
    this.servicePorts.set(resourceKey(stackId, ref.logicalId), {
      resource: ref, ports: [...new Set(ports)].sort((a, b) => a - b), what: names.join(', '), remoteAdministration: false, ...fromDefaults,
    });
  }

  /** A port, undefined when synth cannot know it, and the parameter whose default gave it. */
  private portOf(stackId: string, value: unknown): { port?: number; portViaParameter?: string } {
    const port = this.resolver.resolve(stackId, value);
    if (port.kind !== 'literal' || !Number.isInteger(Number(port.value))) return {};
    return port.viaParameter ? { port: Number(port.value), portViaParameter: port.viaParameter } : { port: Number(port.value) };
  }

  private addExports(stackId: string) {
    const outputs = asRecord(asRecord(this.resolver.stack(stackId)?.template).Outputs);
    for (const output of Object.values(outputs).map(asRecord)) {
      const name = asRecord(output.Export).Name;
      if (name === undefined) continue;
      const value = this.resolver.resolve(stackId, output.Value);
      if (value.kind !== 'resource' || value.stackId !== stackId) continue;
      const key = this.securityGroupKey(value);
      // A name computed at deploy time (Fn::Sub of ${AWS::StackName}...) is still an export.
      if (key) this.groups.get(key)?.exports.push(this.exportName(stackId, name));
    }
  }

  /** An export's name as a person reads it, with the parameter whose default it holds. */
  private exportName(stackId: string, value: unknown): ExportName {
    const resolved = this.resolver.resolve(stackId, value);
    const name = this.describeValue(stackId, value, false);
    return resolved.kind === 'literal' && resolved.viaParameter ? { name, viaParameter: resolved.viaParameter } : { name };
  }

  /**
   * A value as a person reads it: literal text where synth knows it, `${Name}` for a parameter or pseudo
   * parameter it does not (but the stack's name where it is the deployed one), and the default of a parameter
   * said as such.
   */
  private describeValue(stackId: string, value: unknown, annotate = true, depth = 0): string {
    const resolved = this.resolver.resolve(stackId, value);
    if (resolved.kind === 'literal') {
      return resolved.viaParameter && annotate ? `${resolved.value} (the default of parameter ${resolved.viaParameter})` : String(resolved.value);
    }
    if (depth > 8) return '${...}';
    const stack = this.resolver.stack(stackId);
    const pseudo = (name: string) => (name === 'AWS::StackName' && stack?.stackNameIsDeployed ? stack.stackName : `\${${name}}`);
    const record = asRecord(value);
    if (typeof record.Ref === 'string') return pseudo(record.Ref);
    if (record['Fn::ImportValue'] !== undefined) return `\${ImportValue ${this.describeValue(stackId, record['Fn::ImportValue'], false, depth + 1)}}`;
    if (typeof record['Fn::Sub'] === 'string') return record['Fn::Sub'].replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => pseudo(name));
    if (Array.isArray(record['Fn::Sub']) && typeof record['Fn::Sub'][0] === 'string') {
      const vars = asRecord(record['Fn::Sub'][1]);
      return record['Fn::Sub'][0].replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => (name in vars ? this.describeValue(stackId, vars[name], false, depth + 1) : pseudo(name)));
    }
    const join = record['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map((part: unknown) => this.describeValue(stackId, part, false, depth + 1)).join(join[0]);
    }
    return '${...}';
  }
}

type AttachFn = (values: unknown, label?: string, fallback?: Fallback, extra?: Partial<Attachment>) => void;

interface TemplateInfo {
  /** Undefined when the template is not in the app. */
  readonly ref?: ResourceRef;
  readonly label: string;
  /** The template's groups, already resolved in its own stack; undefined when it names none. */
  readonly groups?: Resolved;
  readonly subnetVpc: () => string | undefined;
}

function outsideLabel(target: Resolved): string {
  return target.kind === 'literal' ? String(target.value) : `(${target.kind === 'unresolved' ? target.reason : 'a list'})`;
}

function isResolved(value: unknown): value is Resolved {
  const kind = asRecord(value).kind;
  return kind === 'literal' || kind === 'resource' || kind === 'list' || kind === 'unresolved';
}

/** How a VPC the app does not define is named in labels. */
function describeVpcKey(vpcKey: string): string {
  if (vpcKey === 'default-vpc') return 'the account\'s default VPC';
  if (vpcKey === 'unknown-vpc') return 'a VPC outside the app';
  return vpcKey.startsWith('external:') ? `VPC ${vpcKey.slice('external:'.length)}` : vpcKey;
}

/** The parameters whose defaults gave any of these values, each once. */
function parametersOf(values: Array<Resolved | undefined>): string[] {
  const names = values.flatMap(v => (v?.kind === 'literal' && v.viaParameter ? [v.viaParameter] : []));
  return [...new Set(names)];
}

function literalText(resolved: Resolved): string | undefined {
  return resolved.kind === 'literal' ? String(resolved.value) : undefined;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function safely<T>(fn: () => T, fallback: () => T): T {
  try {
    return fn();
  } catch {
    return fallback();
  }
}
