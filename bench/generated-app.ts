import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';

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
