/**
 * `sg-strategy audit` with aws-sdk-client-mock, for what moto server cannot show: throttling, long
 * paginations, ECS tasks and Lambda functions (deleted ones included), denied services and credentials.
 * The interfaces are shaped as AWS describes them for each managed service.
 */
import { AutoScalingClient, DescribeLaunchConfigurationsCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeLaunchTemplatesCommand, DescribeLaunchTemplateVersionsCommand, DescribeNetworkInterfacesCommand, DescribeSecurityGroupsCommand,
  DescribeVpcEndpointsCommand, EC2Client, NetworkInterface,
} from '@aws-sdk/client-ec2';
import { DescribeTasksCommand, ECSClient, ListClustersCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { DescribeLoadBalancersCommand as DescribeClassicCommand, ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { attributeInterface } from '../../src/cli/audit/attribute';
import { auditInterfaces } from '../../src/cli/audit/interface-audit';
import { InventoryReader } from '../../src/cli/audit/inventory';
import { AuditOptions, runAudit } from '../../src/cli/audit/run-audit';
import { RetryPolicy } from '../../src/handlers/shared/aws-calls';
import { awsError } from '../support/aws-errors';

const config = { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } };
const clients = {
  ec2: new EC2Client(config),
  elbv2: new ElasticLoadBalancingV2Client(config),
  elb: new ElasticLoadBalancingClient(config),
  lambda: new LambdaClient(config),
  ecs: new ECSClient(config),
  autoscaling: new AutoScalingClient(config),
};
const ec2 = mockClient(clients.ec2);
const elbv2 = mockClient(clients.elbv2);
const elb = mockClient(clients.elb);
const lambda = mockClient(clients.lambda);
const ecs = mockClient(clients.ecs);
const autoscaling = mockClient(clients.autoscaling);

const waits: number[] = [];
const fakeClock: RetryPolicy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000, sleep: async ms => { waits.push(ms); }, random: () => 0.5 };

function group(id: string, name: string, referencing: string[] = []) {
  return {
    GroupId: id,
    GroupName: name,
    VpcId: 'vpc-1',
    IpPermissions: referencing.map(g => ({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: g }] })),
  };
}
const eni = (id: string, groups: string[], fields: Partial<NetworkInterface> = {}): NetworkInterface => ({
  NetworkInterfaceId: id, Status: 'in-use', InterfaceType: 'interface', Groups: groups.map(GroupId => ({ GroupId })), ...fields,
});

async function audit(options: Partial<AuditOptions> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { cwd: process.cwd(), env: {}, out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
  const code = await runAudit({ groupIds: [], unusedOnly: false, format: 'json', retryPolicy: fakeClock, ...options }, io, () => clients);
  return { code, report: options.format === 'table' ? undefined : JSON.parse(out.join('')), out: out.join('\n'), err: err.join('\n') };
}

beforeEach(() => {
  waits.length = 0;
  for (const mock of [ec2, elbv2, elb, lambda, ecs, autoscaling]) mock.reset();
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
  ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
  ec2.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [] });
  ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [] });
  autoscaling.on(DescribeLaunchConfigurationsCommand).resolves({ LaunchConfigurations: [] });
  elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [] });
  elb.on(DescribeClassicCommand).resolves({ LoadBalancerDescriptions: [] });
  lambda.on(ListFunctionsCommand).resolves({ Functions: [] });
  ecs.on(ListClustersCommand).resolves({ clusterArns: [] });
});

test('throttling: backs off, says so on stderr, and goes on', async () => {
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [group('sg-1', 'web')] });
  ec2.on(DescribeNetworkInterfacesCommand)
    .rejectsOnce(awsError('RequestLimitExceeded', 'Request limit exceeded.'))
    .rejectsOnce(awsError('RequestLimitExceeded', 'Request limit exceeded.'))
    .resolves({ NetworkInterfaces: [eni('eni-1', ['sg-1'], { Attachment: { InstanceId: 'i-1' } })] });
  const { code, report, err } = await audit();
  expect(code).toBe(0);
  expect(waits).toEqual([50, 100]);
  expect(err).toContain('throttled while trying to list network interfaces; waiting 0.1 s');
  expect(report.groups[0].interfaces[0].resource).toEqual({ kind: 'EC2 instance', id: 'i-1' });
});

test('throttling that never ends is an error that says what was being read', async () => {
  ec2.on(DescribeSecurityGroupsCommand).rejects(awsError('RequestLimitExceeded', 'Request limit exceeded.'));
  await expect(audit()).rejects.toThrow('Could not list security groups: RequestLimitExceeded: Request limit exceeded.');
  expect(waits).toHaveLength(fakeClock.attempts - 1);
});

test('every page of groups, interfaces, clusters and tasks is read; tasks are described 100 at a time', async () => {
  ec2.on(DescribeSecurityGroupsCommand, { NextToken: undefined }).resolves({ SecurityGroups: [group('sg-1', 'a')], NextToken: 'g2' });
  ec2.on(DescribeSecurityGroupsCommand, { NextToken: 'g2' }).resolves({ SecurityGroups: [group('sg-2', 'b', ['sg-1'])] });
  const taskArns = Array.from({ length: 150 }, (_, i) => `arn:aws:ecs:eu-west-1:111111111111:task/orders/${String(i).padStart(32, '0')}`);
  ec2.on(DescribeNetworkInterfacesCommand, { NextToken: undefined }).resolves({ NetworkInterfaces: [eni('eni-0', ['sg-1'])], NextToken: 'n2' });
  ec2.on(DescribeNetworkInterfacesCommand, { NextToken: 'n2' }).resolves({ NetworkInterfaces: [eni('eni-149', ['sg-1'])], NextToken: 'n3' });
  ec2.on(DescribeNetworkInterfacesCommand, { NextToken: 'n3' }).resolves({ NetworkInterfaces: [eni('eni-x', ['sg-2'], { Description: 'arn:aws:ecs:eu-west-1:111111111111:attachment/gone' })] });
  ecs.on(ListClustersCommand, { nextToken: undefined }).resolves({ clusterArns: ['arn:aws:ecs:eu-west-1:111111111111:cluster/empty'], nextToken: 'c2' });
  ecs.on(ListClustersCommand, { nextToken: 'c2' }).resolves({ clusterArns: ['arn:aws:ecs:eu-west-1:111111111111:cluster/orders'] });
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  ecs.on(ListTasksCommand, { cluster: 'arn:aws:ecs:eu-west-1:111111111111:cluster/orders', desiredStatus: 'RUNNING', nextToken: undefined }).resolves({ taskArns: taskArns.slice(0, 100), nextToken: 't2' });
  ecs.on(ListTasksCommand, { cluster: 'arn:aws:ecs:eu-west-1:111111111111:cluster/orders', desiredStatus: 'RUNNING', nextToken: 't2' }).resolves({ taskArns: taskArns.slice(100) });
  ecs.on(DescribeTasksCommand).callsFake(input => ({
    tasks: input.tasks.map((arn: string) => ({
      taskArn: arn,
      group: 'service:orders',
      lastStatus: 'RUNNING',
      attachments: [{ type: 'ElasticNetworkInterface', details: [{ name: 'networkInterfaceId', value: `eni-${Number(arn.slice(-32))}` }] }],
    })),
  }));

  const { report } = await audit();
  expect(report.groups.map((g: any) => g.groupId)).toEqual(['sg-1', 'sg-2']);
  expect(ecs.commandCalls(DescribeTasksCommand).map(c => c.args[0].input.tasks!.length)).toEqual([100, 50]);
  const sg1 = report.groups[0];
  expect(sg1.interfaces.map((i: any) => i.resource)).toEqual([
    { kind: 'ECS task', id: taskArns[0], detail: 'cluster orders, service:orders, running' },
    { kind: 'ECS task', id: taskArns[149], detail: 'cluster orders, service:orders, running' },
  ]);
  expect(sg1.referencedBy).toEqual([{ groupId: 'sg-2', groupName: 'b', direction: 'ingress', traffic: 'tcp 443' }]);
  expect(report.groups[1].interfaces[0].resource.detail).toBe('an ECS attachment not found among the tasks listed');
});

test('Lambda: a function that exists, one with hyphens in its name, and one already deleted', async () => {
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [group('sg-live', 'live'), group('sg-gone', 'gone')] });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({
    NetworkInterfaces: [
      eni('eni-a', ['sg-live'], { InterfaceType: 'lambda', Description: 'AWS Lambda VPC ENI-orders-api-handler-4f0c6f1e-2b8d-4c3a-9f51-7a6e0d2c1b90', RequesterId: 'AROAEXAMPLE:orders' }),
      eni('eni-b', ['sg-gone'], { InterfaceType: 'lambda', Description: 'AWS Lambda VPC ENI-retired-job-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' }),
    ],
  });
  lambda.on(ListFunctionsCommand, { Marker: undefined }).resolves({ Functions: [{ FunctionName: 'orders' }], NextMarker: 'm2' });
  lambda.on(ListFunctionsCommand, { Marker: 'm2' }).resolves({ Functions: [{ FunctionName: 'orders-api-handler', VpcConfig: { SecurityGroupIds: ['sg-live'] } }] });
  const { report } = await audit();
  const [live, gone] = report.groups;
  expect(live.interfaces[0].resource).toEqual({ kind: 'Lambda function', id: 'orders-api-handler' });
  expect(live.configuredOn).toEqual([]);
  expect(gone.interfaces[0].resource).toEqual({
    kind: 'Lambda function',
    id: 'retired-job',
    releasing: true,
    detail: 'the function no longer exists; AWS releases this interface in up to 45 minutes',
  });
  expect(gone.canBeRemoved).toBe(false);
  expect(gone.why).toBe('1 interface of deleted Lambda functions still carries it (AWS releases them in up to 45 minutes, then look again)');
});

test('groups named only by a launch template version, a launch configuration or a published function version are in use', async () => {
  ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: [group('sg-lt1', 'lt-v1'), group('sg-lt2', 'lt-v2-eni'), { ...group('sg-named', 'by-name'), VpcId: 'vpc-default' },
      group('sg-lc', 'lc'), group('sg-fn1', 'fn-v1'), group('sg-free', 'free')],
  });
  ec2.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [{ LaunchTemplateId: 'lt-0a1', LaunchTemplateName: 'nodes' }] });
  ec2.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-0a1', NextToken: undefined }).resolves({
    LaunchTemplateVersions: [{ VersionNumber: 1, LaunchTemplateData: { SecurityGroupIds: ['sg-lt1'] } }],
    NextToken: 'v2',
  });
  ec2.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-0a1', NextToken: 'v2' }).resolves({
    LaunchTemplateVersions: [
      { VersionNumber: 2, LaunchTemplateData: { NetworkInterfaces: [{ DeviceIndex: 0, Groups: ['sg-lt2'] }] } },
      { VersionNumber: 3, LaunchTemplateData: { SecurityGroups: ['by-name'] } },
      { VersionNumber: 4, LaunchTemplateData: { ImageId: 'ami-1' } },
    ],
  });
  autoscaling.on(DescribeLaunchConfigurationsCommand).resolves({ LaunchConfigurations: [{ LaunchConfigurationName: 'legacy', SecurityGroups: ['sg-lc'] } as any] });
  // AWS lists published versions only when asked for ALL; each keeps the VPC configuration it was published with.
  lambda.on(ListFunctionsCommand).resolves({ Functions: [{ FunctionName: 'orders', Version: '$LATEST', VpcConfig: { SecurityGroupIds: [] } }] });
  lambda.on(ListFunctionsCommand, { FunctionVersion: 'ALL' }).resolves({
    Functions: [
      { FunctionName: 'orders', Version: '$LATEST', VpcConfig: { SecurityGroupIds: [] } },
      { FunctionName: 'orders', Version: '1', VpcConfig: { SecurityGroupIds: ['sg-fn1'] } },
    ],
  });
  const { report, err } = await audit();
  const byId = Object.fromEntries(report.groups.map((g: any) => [g.groupId, g]));
  expect(byId['sg-lt1'].configuredOn).toEqual([{ kind: 'EC2 launch template', id: 'nodes:1' }]);
  expect(byId['sg-lt2'].configuredOn).toEqual([{ kind: 'EC2 launch template', id: 'nodes:2' }]);
  expect(byId['sg-named'].configuredOn).toEqual([{ kind: 'EC2 launch template', id: 'nodes:3' }]);
  expect(byId['sg-lc'].configuredOn).toEqual([{ kind: 'Auto Scaling launch configuration', id: 'legacy' }]);
  expect(byId['sg-fn1'].configuredOn).toEqual([{ kind: 'Lambda function', id: 'orders:1' }]);
  expect(byId['sg-lt1'].why).toBe('EC2 launch template nodes:1 is configured with it');
  expect(report.groups.filter((g: any) => g.canBeRemoved).map((g: any) => g.groupId)).toEqual(['sg-free']);
  expect(err).toContain('launch templates: 1');
  expect(err).toContain('launch configurations: 1');
});

test('launch templates or configurations the caller may not read are a warning', async () => {
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [group('sg-1', 'a')] });
  ec2.on(DescribeLaunchTemplatesCommand).rejects(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.'));
  autoscaling.on(DescribeLaunchConfigurationsCommand).rejects(awsError('AccessDenied', 'not authorized to perform: autoscaling:DescribeLaunchConfigurations'));
  const { code, report } = await audit();
  expect(code).toBe(0);
  expect(report.warnings).toEqual([
    'Could not list launch templates (UnauthorizedOperation): a group that only it names is not seen as used.',
    'Could not list launch configurations (AccessDenied): a group that only it names is not seen as used.',
  ]);
});

test('a task still being provisioned owns its interface before its details name it: the interface is not taken for stuck', async () => {
  const attachment = '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b';
  ec2.on(DescribeNetworkInterfacesCommand).resolves({
    NetworkInterfaces: [eni('eni-new', ['sg-1'], { Status: 'available', RequesterManaged: true, Description: `arn:aws:ecs:eu-west-1:111111111111:attachment/${attachment}` })],
  });
  ecs.on(ListClustersCommand).resolves({ clusterArns: ['arn:aws:ecs:eu-west-1:111111111111:cluster/orders'] });
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  ecs.on(ListTasksCommand, { desiredStatus: 'RUNNING' }).resolves({ taskArns: ['arn:aws:ecs:eu-west-1:111111111111:task/orders/abc'] });
  ecs.on(DescribeTasksCommand).resolves({
    tasks: [{ taskArn: 'arn:aws:ecs:eu-west-1:111111111111:task/orders/abc', lastStatus: 'PROVISIONING', attachments: [{ id: attachment, type: 'ElasticNetworkInterface', status: 'PRECREATED', details: [] }] }],
  });
  const inventory = await new InventoryReader(clients, () => undefined, fakeClock).read();
  const [audited] = auditInterfaces(inventory, new Map(), new Date());
  expect(audited).toMatchObject({ owner: 'present', release: 'owner-may-use-it', resource: { kind: 'ECS task', id: 'arn:aws:ecs:eu-west-1:111111111111:task/orders/abc' } });
});

test('a service the caller may not read is a warning, and the audit goes on', async () => {
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [group('sg-1', 'fn')] });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [eni('eni-a', ['sg-1'], { InterfaceType: 'lambda', Description: 'AWS Lambda VPC ENI-orders-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' })] });
  lambda.on(ListFunctionsCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: lambda:ListFunctions'));
  const { code, report } = await audit();
  expect(code).toBe(0);
  expect(report.warnings).toEqual(['Could not list Lambda functions (AccessDeniedException): a deleted function cannot be told from a live one.']);
  expect(report.groups[0].interfaces[0].resource).toEqual({ kind: 'Lambda function', id: 'orders', detail: 'functions could not be listed, so whether it still exists is unknown' });
});

test.each([
  [awsError('CredentialsProviderError', 'Could not load credentials from any providers'), /No AWS credentials were found \(Could not load credentials from any providers\)\. Pass --profile NAME, or set AWS_PROFILE/],
  [awsError('ExpiredToken', 'The security token included in the request is expired'), /AWS refused the credentials \(ExpiredToken: The security token included in the request is expired\)/],
  [awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.'), /Could not list security groups: UnauthorizedOperation/],
])('a credentials problem is an error that says what to do: %s', async (error, message) => {
  ec2.on(DescribeSecurityGroupsCommand).rejects(error);
  await expect(audit()).rejects.toThrow(message);
});

describe('what stands behind an interface', () => {
  const none = { endpointsByInterface: new Map(), loadBalancers: [], functionNames: new Set<string>() };
  test.each([
    [{ Description: 'ELB app/orders-alb/50dc6c495c0c9188', InterfaceType: 'interface', RequesterId: 'amazon-elb' }, { kind: 'Application Load Balancer', id: 'orders-alb' }],
    [{ Description: 'ELB net/orders-nlb/7a1b2c3d4e5f6a7b', InterfaceType: 'network_load_balancer', RequesterId: 'amazon-elb' }, { kind: 'Network Load Balancer', id: 'orders-nlb' }],
    [{ Description: 'ELB legacy-web', RequesterId: 'amazon-elb' }, { kind: 'Classic Load Balancer', id: 'legacy-web' }],
    [{ Description: 'VPC Endpoint Interface vpce-0a1b2c3d4e5f6a7b8', InterfaceType: 'vpc_endpoint' }, { kind: 'VPC endpoint', id: 'vpce-0a1b2c3d4e5f6a7b8' }],
    [{ Description: 'RDSNetworkInterface', RequesterId: 'amazon-rds' }, { kind: 'RDS database', id: 'RDSNetworkInterface' }],
    [{ Description: 'Interface for NAT Gateway nat-0a1b2c3d4e5f6a7b8', InterfaceType: 'natGateway' }, { kind: 'NAT gateway', id: 'nat-0a1b2c3d4e5f6a7b8' }],
    [{ Description: 'EFS mount target for fs-0a1b2c3d (fsmt-0e1f2a3b)' }, { kind: 'EFS mount target', id: 'fsmt-0e1f2a3b', detail: 'file system fs-0a1b2c3d' }],
    [{ Status: 'available', Description: '' }, { kind: 'unattached interface', id: 'eni-9' }],
    [{ InterfaceType: 'api_gateway_managed', RequesterId: '123456789012', Description: 'Network Interface for VPC link' }, { kind: 'other', id: 'eni-9', detail: 'interface type api_gateway_managed, requested by 123456789012, "Network Interface for VPC link"' }],
  ] as Array<[Partial<NetworkInterface>, object]>)('%j', (fields, expected) => {
    const attributed = attributeInterface({ NetworkInterfaceId: 'eni-9', Status: 'in-use', ...fields }, none);
    expect(attributed).toMatchObject(expected);
  });

  test('a load balancer that is not among those listed is said to be so', () => {
    const attributed = attributeInterface({ NetworkInterfaceId: 'eni-9', Description: 'ELB net/old/7a1b2c3d4e5f6a7b' }, none);
    expect(attributed.detail).toBe('not among the load balancers listed: it may be being deleted');
  });
});
