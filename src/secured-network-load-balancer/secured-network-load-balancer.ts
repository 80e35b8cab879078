import { Annotations, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { checkPorts, validationError } from '../core/errors';

export interface SecuredNetworkLoadBalancerProps extends elbv2.NetworkLoadBalancerProps {
  /**
   * Who may reach the load balancer, on every listener port: address ranges (`ec2.Peer.ipv4(...)`), prefix
   * lists, or other security groups and constructs. More can be added with `allowClient`.
   *
   * @default - nobody: no ingress rule until a client is named
   */
  readonly clients?: ec2.IConnectable[];

  /**
   * The load balancer fronts a VPC endpoint service. PrivateLink traffic then skips the inbound rules
   * (`EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic` is `off`), so endpoint clients get in without any
   * rule, and a client that is the whole internet is refused.
   *
   * @default false
   */
  readonly forPrivateLink?: boolean;
}

/**
 * A Network Load Balancer that always has a security group, and whose rules follow its listeners and targets.
 *
 * It is an `elbv2.NetworkLoadBalancer`, so listeners, targets, attributes and metrics work as in CDK. On top:
 * - it refuses `disableSecurityGroups` and an empty `securityGroups`; without `securityGroups` it creates a
 *   group of its own that allows no outbound traffic, whatever the feature flags say;
 * - a listener admits only the named clients, on its port;
 * - a target added through `listener.addTargets` that is `IConnectable` (an Auto Scaling group, an ECS
 *   service's `loadBalancerTarget`, a `ConnectableInstanceTarget`) is opened to this load balancer alone, on
 *   the target port and the health-check port, and the load balancer may reach it there and nowhere else.
 *   Other targets (IP addresses, target groups made elsewhere) are connected with `allowToTarget`.
 */
export class SecuredNetworkLoadBalancer extends elbv2.NetworkLoadBalancer {
  /** The load balancer's first security group: the one it created, or the first one given. */
  public readonly securityGroup: ec2.ISecurityGroup;
  private readonly forPrivateLink: boolean;
  private readonly clients: ec2.IConnectable[] = [];
  private readonly listenerPorts: ec2.Port[] = [];
  private readonly ipv6SourceNat: boolean;

  constructor(scope: Construct, id: string, props: SecuredNetworkLoadBalancerProps) {
    super(scope, id, {
      ...props,
      // Always a list, so CDK renders SecurityGroups even when its feature flag would leave it out.
      securityGroups: props.securityGroups ?? [],
      disableSecurityGroups: false,
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: props.forPrivateLink ? false : props.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic,
    });
    if (props.disableSecurityGroups) {
      throw validationError(this, 'disableSecurityGroups is refused: an NLB created without a security group can never be given one, only replaced.');
    }
    if (props.securityGroups && props.securityGroups.length === 0) {
      throw validationError(this, 'securityGroups is empty: an NLB created without a security group can never be given one. Leave it out to get a group of its own.');
    }
    if (props.forPrivateLink && props.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic === true) {
      throw validationError(this, 'forPrivateLink turns PrivateLink inbound enforcement off; enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: true contradicts it.');
    }
    this.forPrivateLink = props.forPrivateLink ?? false;
    this.ipv6SourceNat = props.enablePrefixForIpv6SourceNat ?? false;

    if (props.securityGroups) {
      this.securityGroup = props.securityGroups[0];
      for (const group of props.securityGroups.filter((g) => g.allowAllOutbound)) {
        Annotations.of(this).addWarningV2('cdk-sg-strategy:nlbGroupAllowsAllOutbound',
          `Security group ${group.node.path} allows all outbound traffic, so this load balancer can reach more than its targets.`);
      }
    } else {
      this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: `Network Load Balancer ${this.node.path}: its clients in, its targets out`,
        allowAllOutbound: false,
      });
      this.addSecurityGroup(this.securityGroup);
    }
    for (const client of props.clients ?? []) this.allowClient(client);
  }

  /**
   * Adds a listener, as `NetworkLoadBalancer.addListener` does. The clients named so far and later may reach
   * it on its port, and targets added through the listener's `addTargets` are connected to this load balancer.
   */
  public addListener(id: string, props: elbv2.BaseNetworkListenerProps): elbv2.NetworkListener {
    checkPorts(this, `Listener ${id}'s port`, [props.port], 1);
    const protocol = props.protocol ?? (props.certificates?.length ? elbv2.Protocol.TLS : elbv2.Protocol.TCP);
    const udp = protocol === elbv2.Protocol.UDP || protocol === elbv2.Protocol.TCP_UDP;
    if (udp && this.ipAddressType !== elbv2.IpAddressType.IPV4 && !this.ipv6SourceNat) {
      throw validationError(this, `Listener ${id} is ${protocol} on a dual-stack load balancer, which needs enablePrefixForIpv6SourceNat.`);
    }
    // CDK's NetworkListener.addTargets never opens the targets to the load balancer; this listener's does.
    // It is a subclass, not a wrapper on the instance, because jsii calls the prototype's method for Python
    // and Java callers.
    const listener = new ConnectingNetworkListener(this, id, { loadBalancer: this, ...props }, protocol);
    for (const port of portsOf(protocol, props.port)) {
      this.listenerPorts.push(port);
      for (const client of this.clients) this.admit(client, port);
    }
    return listener;
  }

  /**
   * Lets a client reach every listener, now and later. With `forPrivateLink`, a client that is the whole
   * internet is refused: PrivateLink clients need no rule at all.
   */
  public allowClient(client: ec2.IConnectable): void {
    if (this.forPrivateLink && isWorld(client)) {
      throw validationError(this, `A forPrivateLink load balancer admits no world range (${(client as ec2.IPeer).uniqueId}); PrivateLink clients get in without any rule.`);
    }
    this.clients.push(client);
    for (const port of this.listenerPorts) this.admit(client, port);
  }

  /**
   * Connects a target this load balancer sends traffic to: egress from the load balancer's groups to the
   * target on `port`, and, when the target has security groups, ingress to them from the load balancer alone.
   * Use it for targets `addTargets` cannot see: IP addresses (`ec2.Peer.ipv4`), or a target group built
   * elsewhere. `Port.allTraffic()` and port ranges are refused: a target listens on one port.
   */
  public allowToTarget(target: ec2.IConnectable, port: ec2.Port): void {
    const range = port.toRuleJson();
    if (range.ipProtocol === '-1' || range.fromPort !== range.toPort) {
      throw validationError(this, `allowToTarget takes one port, not ${port.toString()}.`);
    }
    this.connections.allowTo(target, port, `To target of ${this.node.path}`);
  }

  private admit(client: ec2.IConnectable, port: ec2.Port): void {
    this.connections.allowFrom(client, port, `Client of ${this.node.path}`);
  }
}

/** A listener whose `addTargets` connects each target that has security groups to its load balancer. */
class ConnectingNetworkListener extends elbv2.NetworkListener {
  constructor(
    private readonly nlb: SecuredNetworkLoadBalancer,
    id: string,
    props: elbv2.NetworkListenerProps,
    private readonly listenerProtocol: elbv2.Protocol,
  ) {
    super(nlb, id, props);
  }

  public addTargets(id: string, props: elbv2.AddNetworkTargetsProps): elbv2.NetworkTargetGroup {
    const group = super.addTargets(id, props);
    const protocol = props.protocol ?? this.listenerProtocol;
    for (const target of props.targets ?? []) {
      if (!isConnectable(target)) continue;
      const port = target instanceof ConnectableInstanceTarget ? target.port ?? props.port : props.port;
      for (const allowed of targetPorts(this.nlb, protocol, port, props.healthCheck?.port)) this.nlb.allowToTarget(target, allowed);
    }
    return group;
  }
}

/**
 * The traffic port, and the health-check port: health checks are TCP, HTTP or HTTPS, so always TCP, on the
 * traffic port unless another is named (even for a UDP target group).
 */
function targetPorts(scope: Construct, protocol: elbv2.Protocol, port: number, healthCheckPort: string | undefined): ec2.Port[] {
  const ports = portsOf(protocol, port);
  if (healthCheckPort !== undefined && healthCheckPort !== 'traffic-port' && !Token.isUnresolved(healthCheckPort)) {
    const health = Number(healthCheckPort);
    checkPorts(scope, 'The health-check port', [health], 1);
    ports.push(ec2.Port.tcp(health));
  } else {
    ports.push(ec2.Port.tcp(port));
  }
  return ports.filter((p, i) => ports.findIndex((q) => q.toString() === p.toString()) === i);
}

/**
 * An EC2 instance as a Network Load Balancer target that also carries the instance's security groups, so a
 * SecuredNetworkLoadBalancer can open them to itself (CDK's `InstanceTarget` hides the instance).
 */
export class ConnectableInstanceTarget implements elbv2.INetworkLoadBalancerTarget, ec2.IConnectable {
  public readonly connections: ec2.Connections;
  /** The instance. */
  public readonly instance: ec2.IInstance;
  /** The port the instance listens on, when it is not the target group's. */
  public readonly port?: number;

  /**
   * @param instance the instance
   * @param port the port it listens on; by default the target group's port
   */
  constructor(instance: ec2.IInstance, port?: number) {
    this.instance = instance;
    this.port = port;
    this.connections = instance.connections;
  }

  /** Registers the instance by id, on its own port when one was given. */
  public attachToNetworkTargetGroup(_targetGroup: elbv2.INetworkTargetGroup): elbv2.LoadBalancerTargetProps {
    return { targetType: elbv2.TargetType.INSTANCE, targetJson: { id: this.instance.instanceId, port: this.port } };
  }
}

function isConnectable(target: unknown): target is ec2.IConnectable {
  return typeof target === 'object' && target !== null && (target as ec2.IConnectable).connections instanceof ec2.Connections;
}

function isWorld(client: ec2.IConnectable): boolean {
  const uniqueId = (client as Partial<ec2.IPeer>).uniqueId;
  return uniqueId === '0.0.0.0/0' || uniqueId === '::/0';
}

/** The ports a listener or target group of this protocol receives on. */
function portsOf(protocol: elbv2.Protocol, port: number): ec2.Port[] {
  switch (protocol) {
    case elbv2.Protocol.UDP: return [ec2.Port.udp(port)];
    case elbv2.Protocol.TCP_UDP: return [ec2.Port.tcp(port), ec2.Port.udp(port)];
    default: return [ec2.Port.tcp(port)];
  }
}
