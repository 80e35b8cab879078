import { securityGroupPropertyOf } from './attachment-properties';
import { CDK_NO_TRAFFIC_RULE } from './cdk-placeholder';
import { parseCidr } from './cidr';
import { IntrinsicResolver, Resolved } from './intrinsics';
import { readTraffic } from './ports';
import {
  Attachment, LambdaNode, LoadBalancerNode, Peer, ResourceRef, SecurityGroupModel, SecurityGroupNode,
  StackTemplate, Unresolved, VpcNode, resourceKey,
} from './types';

/** The custom resource type of this library's LockedDefaultSecurityGroup. */
export const LOCKED_DEFAULT_SECURITY_GROUP_TYPE = 'Custom::SgStrategyLockedDefaultSecurityGroup';
/** The custom resource type of CDK's `restrictDefaultSecurityGroup`. */
export const CDK_RESTRICT_DEFAULT_SECURITY_GROUP_TYPE = 'Custom::VpcRestrictDefaultSG';

/** What the readers put in place of a template or resource they could not read, with the reason as `Error`. */
export const UNREADABLE_TYPE = 'AWS::CDK::Unreadable';

/** Property names that carry security groups on resource types the table does not list. */
const GENERIC_GROUP_KEYS = new Set([
  'SecurityGroupIds', 'SecurityGroups', 'VpcSecurityGroupIds', 'VPCSecurityGroups', 'GroupSet', 'SecurityGroupIdList', 'Groups',
]);

const RULE_TYPES = new Set(['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress']);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function asRecord(value: unknown): Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, any> : {};
}

function pathValue(value: unknown, path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) current = asRecord(current)[key];
  return current;
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
  private readonly loadBalancers = new Map<string, Mutable<LoadBalancerNode>>();
  private readonly lambdas: LambdaNode[] = [];

  constructor(private readonly stacks: StackTemplate[]) {
    this.resolver = safely(() => new IntrinsicResolver(stacks), () => new IntrinsicResolver([]));
    this.model = {
      stacks,
      groups: this.groups,
      vpcs: this.vpcs,
      loadBalancers: [],
      lambdas: this.lambdas,
      unresolved: this.unresolved,
    };
  }

  public build() {
    const passes: Array<(stackId: string, logicalId: string, resource: Record<string, any>) => void> = [
      (s, l, r) => this.addVpc(s, l, r),
      (s, l, r) => this.addGroup(s, l, r),
      (s, l, r) => this.addLocker(s, l, r),
      (s, l, r) => this.addRules(s, l, r),
      (s, l, r) => this.addUses(s, l, r),
    ];
    for (const pass of passes) {
      for (const stack of this.stacks) {
        if (asRecord(stack.template).Resources !== undefined && typeof asRecord(stack.template).Resources !== 'object') {
          this.unresolved.push({ at: this.ref(stack.stackId, '(Resources)', 'AWS::CloudFormation::Stack'), what: 'the template\'s Resources section is not an object' });
          continue;
        }
        for (const [logicalId, raw] of Object.entries(this.resolver.resources(stack.stackId))) {
          const resource = asRecord(raw);
          try {
            pass(stack.stackId, logicalId, resource);
          } catch (e) {
            this.unresolved.push({
              at: this.ref(stack.stackId, logicalId, String(resource.Type)),
              what: `could not be analysed (${e instanceof Error ? e.message : String(e)})`,
            });
          }
        }
      }
    }
    for (const stack of this.stacks) {
      safely(() => this.addExports(stack.stackId), () => undefined);
    }
    this.addImplicitEgress();
    (this.model as Mutable<SecurityGroupModel>).loadBalancers = [...this.loadBalancers.values()];
  }

  private ref(stackId: string, logicalId: string, type?: string): ResourceRef {
    const stack = this.resolver.stack(stackId);
    const resource = this.resolver.resource(stackId, logicalId);
    const metadataPath = asRecord(resource?.Metadata)['aws:cdk:path'];
    return {
      stackId,
      stackName: stack?.stackName ?? stackId,
      logicalId,
      type: type ?? (typeof resource?.Type === 'string' ? resource.Type : 'unknown'),
      constructPath: stack?.constructPaths?.[logicalId] ?? (typeof metadataPath === 'string' ? metadataPath : undefined),
      templatePath: stack?.templatePath,
    };
  }

  // --- VPCs and groups ---------------------------------------------------------------------------------

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
    }
  }

  private vpcOf(key: string, ref: ResourceRef): Mutable<VpcNode> {
    let vpc = this.vpcs.get(key);
    if (!vpc) {
      vpc = { key, ref, cidrs: [], defaultGroupKey: `${key}#default` };
      this.vpcs.set(key, vpc);
      this.groupNode(vpc.defaultGroupKey, { defaultOfVpc: key, vpcKey: key });
    }
    return vpc;
  }

  private groupNode(key: string, fields: Partial<SecurityGroupNode>): Mutable<SecurityGroupNode> {
    let group = this.groups.get(key);
    if (!group) {
      group = { key, rules: [], attachments: [], references: [], exports: [], crossStackUses: [], ...fields };
      this.groups.set(key, group);
    }
    return group;
  }

  private addGroup(stackId: string, logicalId: string, resource: Record<string, any>) {
    if (resource.Type !== 'AWS::EC2::SecurityGroup') return;
    const props = asRecord(resource.Properties);
    const vpc = props.VpcId === undefined ? undefined : this.resolver.resolve(stackId, props.VpcId);
    const tags = Array.isArray(props.Tags) ? props.Tags : [];
    const nameTag = tags.map(asRecord).find(t => t.Key === 'Name')?.Value;
    this.groupNode(resourceKey(stackId, logicalId), {
      ref: this.ref(stackId, logicalId),
      vpcKey: vpc?.kind === 'resource' ? resourceKey(vpc.stackId, vpc.logicalId) : vpc?.kind === 'literal' ? `external:${vpc.value}` : undefined,
      groupName: props.GroupName === undefined ? undefined : literalText(this.resolver.resolve(stackId, props.GroupName)) ?? '(computed)',
      nameTag: typeof nameTag === 'string' ? nameTag : undefined,
      description: typeof props.GroupDescription === 'string' ? props.GroupDescription : undefined,
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
      if (!key && resolved.attribute === 'DefaultSecurityGroup' && this.resolver.resource(resolved.stackId, resolved.logicalId)?.Type === 'AWS::EC2::VPC') {
        key = this.vpcOf(resourceKey(resolved.stackId, resolved.logicalId), this.ref(resolved.stackId, resolved.logicalId)).defaultGroupKey;
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
        if (!Array.isArray(list)) {
          this.addUnreadableRule(groupKey, direction, origin(), `${key} is not a list (${describe(list)})`);
          continue;
        }
        for (const entry of list) this.addRule(stackId, groupKey, direction, asRecord(entry), origin(), entry);
      }
    } else if (resource.Type === 'AWS::EC2::SecurityGroupIngress' || resource.Type === 'AWS::EC2::SecurityGroupEgress') {
      const direction = resource.Type === 'AWS::EC2::SecurityGroupIngress' ? 'ingress' : 'egress';
      const ref = origin();
      const target = props.GroupId !== undefined ? this.groupOf(stackId, props.GroupId, ref) : { problem: 'the rule names its group by GroupName, outside a VPC' };
      if (!target.key) {
        const key = `unresolved:${resourceKey(stackId, logicalId)}`;
        this.groupNode(key, { externalId: `(group of ${logicalId})` });
        this.unresolved.push({ at: ref, what: `the group this ${direction} rule belongs to cannot be known at synth: ${target.problem}`, rule: true });
        this.addRule(stackId, key, direction, props, ref, props);
        return;
      }
      this.addRule(stackId, target.key, direction, props, ref, props);
    }
  }

  private addUnreadableRule(groupKey: string, direction: 'ingress' | 'egress', origin: ResourceRef, reason: string) {
    this.groups.get(groupKey)?.rules.push({ direction, groupKey, peer: { kind: 'unresolved', reason }, trafficProblem: reason, origin });
  }

  private addRule(stackId: string, groupKey: string, direction: 'ingress' | 'egress', props: Record<string, any>, origin: ResourceRef, raw: unknown) {
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
    const { traffic, problem } = readTraffic(plain(protocol), plain(from), plain(to));
    const cidr = literal(props.CidrIp);
    if (direction === 'egress' && cidr?.kind === 'literal' && cidr.value === CDK_NO_TRAFFIC_RULE.cidrIp
      && traffic?.protocol === CDK_NO_TRAFFIC_RULE.ipProtocol && traffic.icmp?.type === CDK_NO_TRAFFIC_RULE.fromPort
      && traffic.icmp?.code === CDK_NO_TRAFFIC_RULE.toPort) {
      return; // CDK's placeholder: no egress at all.
    }
    const peer = this.peerOf(stackId, direction, props, origin);
    group.rules.push({
      direction,
      groupKey,
      traffic,
      trafficProblem: problem,
      peer,
      description: typeof props.Description === 'string' ? props.Description : undefined,
      origin,
    });
    if (peer.kind === 'unresolved' || problem) {
      this.unresolved.push({ at: origin, what: peer.kind === 'unresolved' ? `the peer of a ${direction} rule: ${peer.reason}` : `the traffic of a ${direction} rule: ${problem}`, rule: true });
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
      if (value.kind === 'resource') return { kind: 'prefixList', id: value.logicalId };
      return { kind: 'unresolved', reason: `the prefix list: ${value.kind === 'unresolved' ? value.reason : 'a list'}` };
    }
    if (direction === 'ingress' && props.SourceSecurityGroupName !== undefined) {
      return { kind: 'unresolved', reason: 'the source is a group name (default VPC or EC2-Classic)' };
    }
    return { kind: 'unresolved', reason: 'the rule names no CIDR, group or prefix list' };
  }

  private addImplicitEgress() {
    for (const group of this.groups.values()) {
      if (!group.ref) continue;
      const props = asRecord(this.resolver.resource(group.ref.stackId, group.ref.logicalId)?.Properties);
      const egress = props.SecurityGroupEgress;
      if (egress === undefined || (Array.isArray(egress) && egress.length === 0)) {
        group.rules.push({
          direction: 'egress',
          groupKey: group.key,
          traffic: { protocol: 'all' },
          peer: { kind: 'cidr', cidr: parseCidr('0.0.0.0/0')! },
          description: 'AWS default: all outbound traffic, because the group states no egress rule',
          origin: group.ref,
          implicit: true,
        });
      }
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
    const attach = (values: unknown, label?: string, fallbackVpc?: () => string | undefined) => {
      const attachment = this.attachment(stackId, ref, values, label, fallbackVpc);
      if (!attachment) return;
      attachment.groupKeys.forEach(k => attachedKeys.add(k));
      for (const key of attachment.groupKeys) this.groups.get(key)?.attachments.push(attachment);
    };

    switch (type) {
      case 'AWS::EC2::Instance': {
        const nis = Array.isArray(props.NetworkInterfaces) ? props.NetworkInterfaces.map(asRecord) : [];
        const subnetVpc = () => this.vpcOfSubnet(stackId, props.SubnetId ?? nis[0]?.SubnetId);
        if (nis.length > 0) {
          nis.forEach((ni, i) => attach(ni.GroupSet, `network interface ${ni.DeviceIndex ?? i}`, () => this.vpcOfSubnet(stackId, ni.SubnetId)));
        } else {
          attach(props.SecurityGroupIds ?? props.SecurityGroups, undefined, subnetVpc);
        }
        break;
      }
      case 'AWS::EC2::LaunchTemplate': {
        const data = asRecord(props.LaunchTemplateData);
        const nis = Array.isArray(data.NetworkInterfaces) ? data.NetworkInterfaces.map(asRecord) : [];
        if (nis.length > 0) {
          nis.forEach((ni, i) => attach(ni.Groups, `network interface ${ni.DeviceIndex ?? i}`, () => this.vpcOfSubnet(stackId, ni.SubnetId)));
        } else {
          attach(data.SecurityGroupIds ?? data.SecurityGroups, undefined, () => undefined);
        }
        break;
      }
      case 'AWS::EC2::VPCEndpoint': {
        // Gateway endpoints (the default type) have no interfaces; interface endpoints without groups get the default group.
        const isInterface = String(props.VpcEndpointType ?? 'Gateway') === 'Interface';
        if (props.SecurityGroupIds !== undefined || isInterface) attach(props.SecurityGroupIds, undefined, () => this.vpcKeyOf(stackId, props.VpcId));
        break;
      }
      case 'AWS::RDS::DBInstance':
        attach(props.VPCSecurityGroups, undefined, () => this.vpcOfSubnetGroup(stackId, props.DBSubnetGroupName, 'AWS::RDS::DBSubnetGroup'));
        break;
      case 'AWS::ElastiCache::CacheCluster':
        attach(props.VpcSecurityGroupIds, undefined, () => this.vpcOfSubnetGroup(stackId, props.CacheSubnetGroupName, 'AWS::ElastiCache::SubnetGroup'));
        break;
      case 'AWS::ElastiCache::ReplicationGroup':
        attach(props.SecurityGroupIds, undefined, () => this.vpcOfSubnetGroup(stackId, props.CacheSubnetGroupName, 'AWS::ElastiCache::SubnetGroup'));
        break;
      default: {
        const known = securityGroupPropertyOf(type);
        if (known) {
          const value = pathValue(props, known.path);
          if (value !== undefined) attach(value);
        } else if (!type.startsWith('Custom::') && type !== 'AWS::CloudFormation::CustomResource') {
          for (const found of findGroupKeyed(props)) attach(found.value, found.path);
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

    // Any other mention of a group (a custom resource, a tag value...) keeps it from being "unused".
    for (const key of this.groupsMentioned(stackId, props)) {
      if (!attachedKeys.has(key)) this.groups.get(key)?.references.push(ref);
    }
  }

  private attachment(
    stackId: string, ref: ResourceRef, values: unknown, label?: string, fallbackVpc?: () => string | undefined,
  ): Attachment | undefined {
    const isEmpty = values === undefined || (Array.isArray(values) && values.length === 0);
    if (isEmpty) {
      if (!fallbackVpc) return undefined;
      // AWS gives the resource its VPC's default group.
      const vpcKey = fallbackVpc() ?? 'unknown-vpc';
      const defaultKey = this.vpcs.get(vpcKey)?.defaultGroupKey ?? `${vpcKey}#default`;
      this.groupNode(defaultKey, { defaultOfVpc: vpcKey, externalId: this.vpcs.has(vpcKey) ? undefined : `default group of ${vpcKey === 'unknown-vpc' ? 'a VPC outside the app' : vpcKey}` });
      return { resource: ref, groupKeys: [defaultKey], unresolved: [], viaDefault: true, interfaceLabel: label };
    }
    const groupKeys: string[] = [];
    const unresolved: string[] = [];
    for (const item of this.resolver.items(this.resolver.resolve(stackId, values))) {
      const group = this.groupOfResolved(stackId, item, ref);
      if (group.key) {
        if (!groupKeys.includes(group.key)) groupKeys.push(group.key);
      } else {
        unresolved.push(group.problem ?? 'unknown');
      }
    }
    if (unresolved.length > 0) {
      this.unresolved.push({ at: ref, what: `${unresolved.length} of its security groups${label ? ` (${label})` : ''}: ${unresolved.join('; ')}` });
    }
    return { resource: ref, groupKeys, unresolved, viaDefault: false, interfaceLabel: label };
  }

  private groupsMentioned(stackId: string, value: unknown): Set<string> {
    const found = new Set<string>();
    const visit = (v: unknown, depth: number) => {
      if (depth > 12 || v === null || typeof v !== 'object') return;
      if (Array.isArray(v)) {
        v.forEach(item => visit(item, depth + 1));
        return;
      }
      const keys = Object.keys(v);
      if (keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Fn::GetAtt' || keys[0] === 'Fn::ImportValue')) {
        const resolved = this.resolver.resolve(stackId, v);
        if (resolved.kind === 'resource') {
          const key = this.securityGroupKey(resolved);
          if (key) found.add(key);
        }
        return;
      }
      for (const k of keys) visit((v as Record<string, unknown>)[k], depth + 1);
    };
    visit(value, 0);
    return found;
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
    this.loadBalancers.set(resourceKey(stackId, ref.logicalId), {
      ref,
      type: (['application', 'network', 'gateway', 'classic'].includes(lbType) ? lbType : 'application') as LoadBalancerNode['type'],
      internetFacing: String(props.Scheme ?? 'internet-facing') === 'internet-facing',
      groupKeys,
      withoutSecurityGroups: groups === undefined || (Array.isArray(groups) && groups.length === 0),
      privateLinkEnforcement: literalText(this.resolver.resolve(stackId, props.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic))
        ?? attributes.find(a => a.Key === 'security_groups.enforce_inbound_rules_on_private_link_traffic')?.Value,
      endpointServices: [],
    });
  }

  private addExports(stackId: string) {
    const outputs = asRecord(asRecord(this.resolver.stack(stackId)?.template).Outputs);
    for (const output of Object.values(outputs).map(asRecord)) {
      const name = asRecord(output.Export).Name;
      if (name === undefined) continue;
      const exportName = literalText(this.resolver.resolve(stackId, name));
      const value = this.resolver.resolve(stackId, output.Value);
      if (value.kind !== 'resource' || !exportName || value.stackId !== stackId) continue;
      const key = this.securityGroupKey(value);
      if (key) this.groups.get(key)?.exports.push(exportName);
    }
  }
}

function literalText(resolved: Resolved): string | undefined {
  return resolved.kind === 'literal' ? String(resolved.value) : undefined;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function findGroupKeyed(props: Record<string, any>): Array<{ path: string; value: unknown }> {
  const found: Array<{ path: string; value: unknown }> = [];
  const visit = (value: unknown, path: string[], depth: number) => {
    if (depth > 6 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...path, String(i)], depth + 1));
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key.startsWith('Fn::') || key === 'Ref') return;
      if (GENERIC_GROUP_KEYS.has(key)) found.push({ path: [...path, key].join('.'), value: child });
      else visit(child, [...path, key], depth + 1);
    }
  };
  visit(props, [], 0);
  return found;
}

function safely<T>(fn: () => T, fallback: () => T): T {
  try {
    return fn();
  } catch {
    return fallback();
  }
}
