/**
 * `sg-strategy audit` against moto server, a real EC2, ELB, Lambda and ECS API emulator started on 127.0.0.1.
 * The account is built through the API: a VPC with groups that reference each other, an instance, a Network
 * Load Balancer and an interface endpoint. Moto gives load balancers no network interfaces and puts no groups
 * on an endpoint's interfaces, so those two are seen through their own configuration ("configured on").
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand,
  CreateVpcEndpointCommand, EC2Client, RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { CreateLoadBalancerCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { AuditClientFactory } from '../../src/cli/audit/run-audit';
import { runCli } from '../support/cli';
import { MotoServer, startMotoServer } from '../support/moto-server';

let moto: MotoServer;
let ec2: EC2Client;
let clients: AuditClientFactory;

beforeAll(async () => {
  moto = await startMotoServer();
  const config = { ...moto.clientConfig, maxAttempts: 1 };
  ec2 = new EC2Client(config);
  clients = () => ({
    ec2,
    elbv2: new ElasticLoadBalancingV2Client(config),
    elb: new ElasticLoadBalancingClient(config),
    lambda: new LambdaClient(config),
    ecs: new ECSClient(config),
    autoscaling: new AutoScalingClient(config),
  });
}, 60_000);

afterAll(async () => {
  ec2?.destroy();
  await moto?.stop();
});

interface Account {
  vpcId: string;
  web: string;
  db: string;
  nlb: string;
  endpoint: string;
  peers: string;
  spare: string;
  instanceId: string;
  endpointId: string;
}

/** The account the tests read: every group created through the EC2 API. */
async function buildAccount(): Promise<Account> {
  await moto.reset();
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }))).Vpc!.VpcId!;
  const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.50.1.0/24', AvailabilityZone: 'us-east-1a' }));
  const subnetId = subnet.Subnet!.SubnetId!;
  const group = async (name: string) => {
    const created = await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId }));
    return created.GroupId!;
  };
  const [web, db, nlb, endpoint, peers, spare] = [
    await group('web'), await group('db'), await group('nlb'), await group('endpoint'), await group('peers'), await group('spare'),
  ];
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: db, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: web }] }] }));
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: peers, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: peers }] }] }));
  const instanceId = (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, SubnetId: subnetId, SecurityGroupIds: [web] }))).Instances![0].InstanceId!;
  const elbv2 = new ElasticLoadBalancingV2Client({ ...moto.clientConfig, maxAttempts: 1 });
  await elbv2.send(new CreateLoadBalancerCommand({ Name: 'orders-nlb', Type: 'network', Scheme: 'internal', Subnets: [subnetId], SecurityGroups: [nlb] }));
  const endpointId = (await ec2.send(new CreateVpcEndpointCommand({
    VpcId: vpcId, VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.us-east-1.sqs', SubnetIds: [subnetId], SecurityGroupIds: [endpoint],
  }))).VpcEndpoint!.VpcEndpointId!;
  return { vpcId, web, db, nlb, endpoint, peers, spare, instanceId, endpointId };
}

async function audit(...argv: string[]) {
  const run = await runCli(['audit', '--format', 'json', ...argv], process.cwd(), { auditClients: clients });
  expect(run.code).toBe(0);
  return { report: JSON.parse(run.out), err: run.err };
}

describe('sg-strategy audit against moto server', () => {
  let account: Account;
  let report: any;
  let progress: string;
  beforeAll(async () => {
    account = await buildAccount();
    ({ report, err: progress } = await audit());
  }, 60_000);
  const groupOf = (id: string) => report.groups.find((g: any) => g.groupId === id);

  test('reads the region, says so on stderr, and changes nothing', () => {
    expect(report.region).toBe('us-east-1');
    expect(progress).toContain('sg-strategy audit: reading us-east-1 (read-only)...');
    expect(progress).toMatch(/security groups: \d+/);
    expect(progress).toMatch(/network interfaces: \d+/);
    expect(report.groups.filter((g: any) => g.vpcId === account.vpcId)).toHaveLength(7);
  });

  test('a group on an instance, named by another group\'s rule, cannot be removed', () => {
    const web = groupOf(account.web);
    expect(web.canBeRemoved).toBe(false);
    expect(web.interfaces).toEqual([expect.objectContaining({ resource: { kind: 'EC2 instance', id: account.instanceId } })]);
    expect(web.referencedBy).toEqual([{ groupId: account.db, groupName: 'db', direction: 'ingress', traffic: 'tcp 5432' }]);
    expect(web.why).toBe('1 network interface carries it; 1 rule in other groups refers to it; remove that rule first');
  });

  test('the group whose rule names another is itself free to go', () => {
    const db = groupOf(account.db);
    expect(db).toMatchObject({ canBeRemoved: true, interfaces: [], referencedBy: [], configuredOn: [] });
  });

  test('a Network Load Balancer and an interface endpoint hold their groups', () => {
    expect(groupOf(account.nlb)).toMatchObject({ canBeRemoved: false, configuredOn: [{ kind: 'Network Load Balancer', id: 'orders-nlb' }] });
    expect(groupOf(account.endpoint)).toMatchObject({ canBeRemoved: false, configuredOn: [{ kind: 'VPC endpoint', id: account.endpointId }] });
  });

  test('a self-reference alone does not block', () => {
    const peers = groupOf(account.peers);
    expect(peers).toMatchObject({ canBeRemoved: true, selfReferenced: true, referencedBy: [] });
    expect(peers.why).toContain('its own rules name itself, which does not block');
  });

  test('the VPC\'s default group cannot be removed', () => {
    const defaults = report.groups.filter((g: any) => g.vpcId === account.vpcId && g.groupName === 'default');
    expect(defaults).toHaveLength(1);
    expect(defaults[0]).toMatchObject({ isDefault: true, canBeRemoved: false });
    expect(defaults[0].why).toContain(`it is the default group of ${account.vpcId}, which AWS deletes only with the VPC`);
  });

  test('--unused lists only what can be removed, and --group only the groups named', async () => {
    const unused = (await audit('--unused')).report.groups.filter((g: any) => g.vpcId === account.vpcId).map((g: any) => g.groupName).sort();
    expect(unused).toEqual(['db', 'peers', 'spare']);
    const named = (await audit('--group', account.web, '--group', 'spare')).report.groups.map((g: any) => g.groupId);
    expect(named.sort()).toEqual([account.web, account.spare].sort());
  });

  test('the table says the same in words', async () => {
    const run = await runCli(['audit', '--group', account.web], process.cwd(), { auditClients: clients });
    expect(run.out).toContain(`${account.web} web (${account.vpcId})\n  can be removed: no — 1 network interface carries it`);
    expect(run.out).toMatch(new RegExp(`^ {2}eni-\\w+ {2}EC2 instance ${account.instanceId}$`, 'm'));
    expect(run.out).toContain(`  named by ${account.db} db: ingress tcp 5432`);
    expect(run.out).toMatch(/us-east-1: 1 group shown, 0 can be removed, 1 in use\. Nothing was changed\.$/);
  });

  test('a group that is not there is an error that suggests the near ones', async () => {
    const run = await runCli(['audit', '--group', 'spar'], process.cwd(), { auditClients: clients });
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/No security group "spar" \(did you mean spare.*\?\) in us-east-1/);
  });
});
