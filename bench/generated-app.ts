import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ReachabilityEndpoint, ReachabilityPolicy, Tier } from '../src';

// The generated app the benchmarks measure: stacks of a typical service, each unit about 18 resources.

/** One unit of a typical service: a group with rules, a VPC function that carries it, a queue, a bucket, a role. */
function addUnit(stack: Stack, vpc: ec2.IVpc, i: number) {
  const sg = new ec2.SecurityGroup(stack, `Sg${i}`, { vpc, allowAllOutbound: false });
  sg.addIngressRule(ec2.Peer.ipv4(`10.${i % 200}.0.0/24`), ec2.Port.tcp(443));
  sg.addEgressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(5432));
  const fn = new lambda.Function(stack, `Fn${i}`, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler=async()=>{}'),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [sg],
  });
  const queue = new sqs.Queue(stack, `Queue${i}`);
  queue.grantSendMessages(fn);
  new s3.Bucket(stack, `Bucket${i}`);
  new iam.Role(stack, `Role${i}`, { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
}

/** `stacks` stacks, each a VPC and `unitsPerStack` units. */
export function addServiceStacks(app: App, stacks: number, unitsPerStack: number): void {
  for (let s = 0; s < stacks; s++) {
    const stack = new Stack(app, `Service${s}`, { env: { account: '111111111111', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    for (let i = 0; i < unitsPerStack; i++) addUnit(stack, vpc, i);
  }
}

/**
 * Reachability policies over the generated app, about as many as a large app states: the stacks are five tiers,
 * no stack is reached from the internet, no tier reaches the next, and the first five stacks' first function is
 * reached only by its own tier and its VPC, on 443. Returns the number of statements.
 */
export function addReachabilityPolicies(app: App): number {
  const stacks = app.node.children.filter((c): c is Stack => Stack.isStack(c));
  const tier = (i: number) => `service${i % 5}`;
  stacks.forEach((stack, i) => Tier.assign(stack, tier(i)));
  const policy = new ReachabilityPolicy(stacks[0], 'Reachability');
  for (const stack of stacks) policy.notFromInternet(ReachabilityEndpoint.of(stack));
  for (let i = 0; i < 5; i++) policy.never(ReachabilityEndpoint.tier(tier(i)), ReachabilityEndpoint.tier(tier(i + 1)));
  for (const [i, stack] of stacks.slice(0, 5).entries()) {
    const vpc = stack.node.findChild('Vpc') as ec2.IVpc;
    policy.onlyFrom(ReachabilityEndpoint.of(stack.node.findChild('Fn0')), [ReachabilityEndpoint.tier(tier(i)), ReachabilityEndpoint.vpcCidr(vpc)], { ports: [ec2.Port.tcp(443)] });
  }
  return stacks.length + 5 + Math.min(stacks.length, 5);
}
