/**
 * The account that the `audit --interfaces`, `prune` and `restore` tests clean up, built on moto server
 * through the EC2 API: groups in use, unused, default, CloudFormation-tagged and exempt, and interfaces in
 * use, left by the account, and left by services (marked requester-managed by the fake, which moto cannot).
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand, CreateNetworkInterfaceCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand,
  DescribeSecurityGroupsCommand, EC2Client, RevokeSecurityGroupEgressCommand, RunInstancesCommand, Tag,
} from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { AuditClients } from '../../src/cli/audit/inventory';
import { FakeEc2DeleteRefusals, routeDeleteRefusals } from '../support/fake-ec2-delete-refusals';
import { MotoServer } from '../support/moto-server';

export interface CleanupAccount {
  readonly vpcId: string;
  readonly subnetId: string;
  readonly defaultGroup: string;
  /** Carried by an instance. */
  readonly web: string;
  /** Unused; its rule names web. */
  readonly db: string;
  /** Unused, nothing names it. */
  readonly spare: string;
  /** Unused, but CloudFormation's. */
  readonly stack: string;
  /** Unused, tagged sg-strategy:keep. */
  readonly kept: string;
  /** Unused, tagged team=platform (exempt with --exempt-tag team=platform). */
  readonly platform: string;
  /** Carried only by an interface the account created and left detached. */
  readonly leftover: string;
  /** Carried only by the interface of a deleted Lambda function. */
  readonly lambda: string;
  /** Carried only by an RDS interface: whether the database exists, the command cannot tell. */
  readonly rds: string;
  readonly instanceInterface: string;
  readonly leftoverInterface: string;
  readonly lambdaInterface: string;
  readonly rdsInterface: string;
  /** Detached, the account's, tagged sg-strategy:keep. */
  readonly keptInterface: string;
}

/** Moto server's clients, with EC2's deletes (and interface describes) going through the fake. */
export function cleanupClients(moto: MotoServer): { clients: AuditClients; ec2: EC2Client; fake: FakeEc2DeleteRefusals; s3: S3Client } {
  const config = { ...moto.clientConfig, maxAttempts: 1 };
  const { client: ec2, fake } = routeDeleteRefusals(new EC2Client(config));
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const clients: AuditClients = {
    ec2,
    elbv2: new ElasticLoadBalancingV2Client(config),
    elb: new ElasticLoadBalancingClient(config),
    lambda: new LambdaClient(config),
    ecs: new ECSClient(config),
    autoscaling: new AutoScalingClient(config),
    s3,
  };
  return { clients, ec2, fake, s3 };
}

export async function buildCleanupAccount(ec2: EC2Client, fake: FakeEc2DeleteRefusals): Promise<CleanupAccount> {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.70.0.0/16' }))).Vpc!.VpcId!;
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.70.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  const group = async (name: string, tags: Tag[] = []) => (await ec2.send(new CreateSecurityGroupCommand({
    GroupName: name,
    Description: `${name} group`,
    VpcId: vpcId,
    TagSpecifications: tags.length > 0 ? [{ ResourceType: 'security-group', Tags: tags }] : undefined,
  }))).GroupId!;
  const web = await group('web');
  const db = await group('db', [{ Key: 'owner', Value: 'orders' }]);
  const spare = await group('spare');
  const stack = await group('stack', [{ Key: 'aws:cloudformation:stack-name', Value: 'Orders' }]);
  const kept = await group('kept', [{ Key: 'sg-strategy:keep', Value: 'yes' }]);
  const platform = await group('platform', [{ Key: 'team', Value: 'platform' }]);
  const leftover = await group('leftover');
  const lambda = await group('lambda');
  const rds = await group('rds');
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: db, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: web, Description: 'from web' }] }] }));

  const instance = (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, SubnetId: subnetId, SecurityGroupIds: [web] }))).Instances![0];
  const eni = async (groups: string[], description: string, tags: Tag[] = []) => (await ec2.send(new CreateNetworkInterfaceCommand({
    SubnetId: subnetId,
    Groups: groups,
    Description: description,
    TagSpecifications: tags.length > 0 ? [{ ResourceType: 'network-interface', Tags: tags }] : undefined,
  }))).NetworkInterface!.NetworkInterfaceId!;
  const leftoverInterface = await eni([leftover], 'scratch interface');
  const lambdaInterface = await eni([lambda], 'AWS Lambda VPC ENI-retired-job-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d');
  const rdsInterface = await eni([rds], 'RDSNetworkInterface');
  const keptInterface = await eni([spare], 'keep me', [{ Key: 'sg-strategy:keep', Value: '' }]);
  fake.manage(lambdaInterface, { InterfaceType: 'lambda', RequesterId: 'AROAEXAMPLELAMBDA:retired-job' });
  fake.manage(rdsInterface, { RequesterId: 'amazon-rds' });

  const { SecurityGroups } = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: ['default'] }] }));
  return {
    vpcId,
    subnetId,
    defaultGroup: SecurityGroups![0].GroupId!,
    web,
    db,
    spare,
    stack,
    kept,
    platform,
    leftover,
    lambda,
    rds,
    instanceInterface: instance.NetworkInterfaces![0].NetworkInterfaceId!,
    leftoverInterface,
    lambdaInterface,
    rdsInterface,
    keptInterface,
  };
}

/**
 * A group whose rules use every kind of source: an IPv4 and an IPv6 range, a managed prefix list, itself, and
 * another group (peer, which nothing else holds, so prune deletes rich first, then peer); its egress is
 * narrowed to one prefix list (AWS's default allow-all egress removed).
 */
export async function buildRichGroups(ec2: EC2Client, vpcId: string): Promise<{ rich: string; peer: string; prefixList: string }> {
  const prefixList = (await ec2.send(new CreateManagedPrefixListCommand({
    PrefixListName: 'office', AddressFamily: 'IPv4', MaxEntries: 5, Entries: [{ Cidr: '198.51.100.0/24', Description: 'office' }],
  }))).PrefixList!.PrefixListId!;
  const create = async (name: string) => (await ec2.send(new CreateSecurityGroupCommand({
    GroupName: name, Description: `${name} group`, VpcId: vpcId, TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'Name', Value: name }] }],
  }))).GroupId!;
  const rich = await create('rich');
  const peer = await create('peer');
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: rich,
    IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'corporate' }], Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: 'v6 corporate' }] },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: prefixList, Description: 'office ssh' }] },
      { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: rich, Description: 'peers' }] },
      { IpProtocol: 'udp', FromPort: 53, ToPort: 53, UserIdGroupPairs: [{ GroupId: peer }] },
    ],
  }));
  await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: rich, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: rich, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: prefixList }] }] }));
  return { rich, peer, prefixList };
}
