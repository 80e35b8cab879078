import { App, AspectPriority, Aspects, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import {
  LockDefaultSecurityGroups, OpenIngressRemediator, PrivateLinkServiceSwap, ReachabilityEndpoint, ReachabilityPolicy, SecuredNetworkLoadBalancer,
  SecurityGroupMonitoring, SecurityGroupStrategyChecks, ServerClientPair, Tier,
} from '../src';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const POSTGRES = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17_9 });

function apiFunction(scope: Construct, vpc: ec2.IVpc, props: Partial<lambda.FunctionProps> = {}) {
  return new lambda.Function(scope, 'Api', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ...props,
  });
}

/**
 * The orders service as it is often written: the database admits the whole VPC, a bastion takes SSH from
 * anywhere, the API may send anything anywhere, and an NLB has no security group.
 */
export class FlawedOrdersStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: false });
    const db = new rds.DatabaseInstance(this, 'Postgres', {
      vpc, engine: POSTGRES, storageEncrypted: true, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    db.connections.allowDefaultPortFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock));
    const bastion = new ec2.SecurityGroup(this, 'Bastion', { vpc });
    bastion.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
    new ec2.Instance(this, 'BastionHost', {
      vpc,
      securityGroup: bastion,
      instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    const api = apiFunction(this, vpc);
    // The team's intent, which the groups above do not keep: only the API reaches the database. The bastion
    // sends anything anywhere, and the database admits the whole VPC.
    new ReachabilityPolicy(this, 'Reachability').onlyFrom(ReachabilityEndpoint.of(db), [ReachabilityEndpoint.of(api)], { ports: [ec2.Port.tcp(5432)] });
    new elbv2.NetworkLoadBalancer(this, 'Nlb', { vpc, internetFacing: false, disableSecurityGroups: true } as elbv2.NetworkLoadBalancerProps);
  }
}

/** A VPC, a Postgres database and the pair of groups that guards it. */
export class DataStack extends Stack {
  public readonly vpc: ec2.Vpc;
  public readonly database: ServerClientPair;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // The app-wide LockDefaultSecurityGroups Aspect locks this VPC's default group (see buildFixedApp).
    this.vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: false });
    this.database = new ServerClientPair(this, 'Database', {
      vpc: this.vpc,
      name: 'orders-db',
      ports: [ec2.Port.tcp(5432)],
    });
    new rds.DatabaseInstance(this, 'Postgres', {
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      engine: POSTGRES,
      storageEncrypted: true,
      // The database carries only the server group; addServer() would add it beside a group of its own.
      securityGroups: [this.database.serverSecurityGroup],
    });
  }
}

/** An API in another stack that is a client of the database and carries only the client group. */
export class ApiStack extends Stack {
  constructor(scope: Construct, id: string, data: DataStack, props?: StackProps) {
    super(scope, id, props);
    const api = apiFunction(this, data.vpc, { securityGroups: [data.database.clientSecurityGroup] });
    Tier.assign(this, 'api');
    // The same intent, kept: only the api tier reaches the database, on 5432; the API does reach it; and nothing
    // on the internet reaches either stack.
    const policy = new ReachabilityPolicy(this, 'Reachability');
    const database = ReachabilityEndpoint.of(data.node.findChild('Postgres'));
    policy.onlyFrom(database, [ReachabilityEndpoint.tier('api')], { ports: [ec2.Port.tcp(5432)] });
    policy.mustReach(ReachabilityEndpoint.of(api), database, ec2.Port.tcp(5432));
    policy.notFromInternet(ReachabilityEndpoint.of(data));
    policy.notFromInternet(ReachabilityEndpoint.of(this));
  }
}

/** What watches the account after deploy: rules opened by hand are closed, and every change is reported. */
export class SecurityOpsStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const monitoring = new SecurityGroupMonitoring(this, 'Monitoring', { changeRateAlarm: true });
    new OpenIngressRemediator(this, 'Remediator', { notificationTopic: monitoring.topic });
  }
}

/** Which load balancer the partner endpoint service is on: before the swap, or after. */
export type PartnerLinkPhase = 'legacy' | 'secured';

/**
 * A service offered to a partner through PrivateLink. Before the swap it sits on an NLB created without a
 * security group; the swap moves it to a SecuredNetworkLoadBalancer, and the legacy NLB goes in the same deploy.
 */
export class PartnerLinkStack extends Stack {
  public readonly swap: PrivateLinkServiceSwap;

  constructor(scope: Construct, id: string, phase: PartnerLinkPhase, props?: StackProps) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: false });
    const backend = ec2.Peer.ipv4('10.0.128.10/32');
    let nlb: elbv2.NetworkLoadBalancer;
    if (phase === 'legacy') {
      nlb = new elbv2.NetworkLoadBalancer(this, 'LegacyNlb', { vpc, disableSecurityGroups: true } as elbv2.NetworkLoadBalancerProps);
    } else {
      const secured = new SecuredNetworkLoadBalancer(this, 'SecuredNlb', { vpc, forPrivateLink: true });
      secured.allowToTarget(backend, ec2.Port.tcp(8443));
      nlb = secured;
    }
    nlb.addListener('Tls', { port: 443 }).addTargets('Backend', { port: 8443, targets: [new targets.IpTarget('10.0.128.10')] });
    this.swap = new PrivateLinkServiceSwap(this, 'PartnerService', {
      loadBalancers: [nlb],
      allowedPrincipals: [new iam.ArnPrincipal('arn:aws:iam::222222222222:root')],
      clientEndpointIds: ['vpce-0a1b2c3d4e5f60718'],
    });
  }
}

/** The flawed app, checked. */
export function buildFlawedApp(outdir: string): App {
  // CDK's own template validation is switched off so the output shows only this library's findings.
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  Aspects.of(app).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY });
  new FlawedOrdersStack(app, 'OrdersFlawed', { env: ENV });
  return app;
}

/** The same service built with this library, checked. */
export function buildFixedApp(outdir: string): App {
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  // Every VPC's default group is stripped of all rules, and stripped again within a minute of any change.
  Aspects.of(app).add(new LockDefaultSecurityGroups({ relockOnDrift: true }));
  Aspects.of(app).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY });
  const data = new DataStack(app, 'OrdersData', { env: ENV });
  new ApiStack(app, 'OrdersApi', data, { env: ENV });
  new SecurityOpsStack(app, 'SecurityOps', { env: ENV });
  new PartnerLinkStack(app, 'PartnerLink', 'secured', { env: ENV });
  return app;
}

/** The partner link alone, in one phase of its swap, for the demo to compare. */
export function buildPartnerLinkApp(outdir: string, phase: PartnerLinkPhase): App {
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  Aspects.of(app).add(new LockDefaultSecurityGroups());
  Aspects.of(app).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY });
  new PartnerLinkStack(app, 'PartnerLink', phase, { env: ENV });
  return app;
}
