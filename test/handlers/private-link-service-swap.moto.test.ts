/**
 * The swap handler against moto server, a real EC2 and ELBv2 API emulator started on 127.0.0.1. Moto holds
 * the VPC, the two Network Load Balancers (the legacy one without a security group, the secured one with one)
 * and the endpoint service configurations with their tags. Moto does not implement endpoint connections
 * (DescribeVpcEndpointConnections, Accept/RejectVpcEndpointConnections); those calls go to the stateful fake
 * in test/support, which answers with AWS's shapes and error names.
 *
 * Each test plays a deployment as CloudFormation would: the reject step, then the service's load balancers
 * change through ModifyVpcEndpointServiceConfiguration, then the accept step; a rollback plays them back in
 * reverse order, each step updated back to its old properties.
 */
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointServiceConfigurationCommand,
  DescribeVpcEndpointServiceConfigurationsCommand,
  EC2Client,
  ModifyVpcEndpointServiceConfigurationCommand,
  RejectVpcEndpointConnectionsCommand,
} from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand, DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { makeHandler, type SwapEvent } from '../../src/handlers/private-link-service-swap';
import { SWAP_TAG_KEY } from '../../src/private-link-service-swap/types';
import { FakeEndpointConnections, routeEndpointConnections } from '../support/fake-endpoint-connections';
import { MotoServer, startMotoServer } from '../support/moto-server';

const TAG = 'Provider/Stack/Swap';
const ALLOWED = ['vpce-0a11111111111111a', 'vpce-0a22222222222222a'];
const STRANGER = 'vpce-0e99999999999999e';

let moto: MotoServer;
let ec2: EC2Client;
let elbv2: ElasticLoadBalancingV2Client;

beforeAll(async () => {
  moto = await startMotoServer();
  ec2 = new EC2Client({ ...moto.clientConfig, maxAttempts: 1 });
  elbv2 = new ElasticLoadBalancingV2Client({ ...moto.clientConfig, maxAttempts: 1 });
}, 60_000);

afterAll(async () => {
  ec2?.destroy();
  elbv2?.destroy();
  await moto?.stop();
});

beforeEach(() => moto.reset());

/** A VPC with a legacy NLB (no group) and a secured NLB, and a tagged service on the legacy one. */
async function provider() {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc!.VpcId!;
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.40.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  const groupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'nlb', Description: 'nlb', VpcId: vpcId }))).GroupId!;
  const legacy = (await elbv2.send(new CreateLoadBalancerCommand({ Name: 'legacy', Type: 'network', Scheme: 'internal', Subnets: [subnetId] }))).LoadBalancers![0].LoadBalancerArn!;
  const secured = (await elbv2.send(new CreateLoadBalancerCommand({
    Name: 'secured', Type: 'network', Scheme: 'internal', Subnets: [subnetId], SecurityGroups: [groupId],
  }))).LoadBalancers![0].LoadBalancerArn!;
  const serviceOn = async (arn: string, tags: { Key: string; Value: string }[]) => (await ec2.send(new CreateVpcEndpointServiceConfigurationCommand({
    NetworkLoadBalancerArns: [arn],
    AcceptanceRequired: true,
    TagSpecifications: [{ ResourceType: 'vpc-endpoint-service', Tags: tags }],
  }))).ServiceConfiguration!.ServiceId!;
  const serviceId = await serviceOn(legacy, [{ Key: SWAP_TAG_KEY, Value: TAG }]);
  // Another team's service on the same legacy NLB, tagged differently: the swap must never touch it.
  const otherServiceId = await serviceOn(legacy, [{ Key: SWAP_TAG_KEY, Value: 'Other/Stack/Swap' }]);

  const fake = new FakeEndpointConnections()
    .connect(serviceId, ALLOWED[0], 'available')
    .connect(serviceId, ALLOWED[1], 'available')
    .connect(serviceId, STRANGER, 'pendingAcceptance')
    .connect(otherServiceId, 'vpce-0b33333333333333b', 'available');
  const log: any[] = [];
  const client = routeEndpointConnections(new EC2Client({ ...moto.clientConfig, maxAttempts: 1 }), fake);
  const handler = makeHandler({ ec2: client, log: (line) => log.push(JSON.parse(line)) });
  return { vpcId, groupId, legacy, secured, serviceId, otherServiceId, fake, handler, log };
}

function reject(from: string[], to: string[]): SwapEvent {
  return {
    RequestType: 'Update',
    PhysicalResourceId: `reject:${TAG}`,
    ResourceProperties: { Step: 'reject', ServiceTag: TAG, LoadBalancerArns: to, ClientEndpointIds: ALLOWED },
    OldResourceProperties: { Step: 'reject', ServiceTag: TAG, LoadBalancerArns: from, ClientEndpointIds: ALLOWED },
  };
}

function accept(serviceId: string, from: string[], to: string[], allowlist = { from: ALLOWED, to: ALLOWED }): SwapEvent {
  return {
    RequestType: 'Update',
    PhysicalResourceId: `accept:${serviceId}`,
    ResourceProperties: { Step: 'accept', ServiceId: serviceId, ServiceTag: TAG, LoadBalancerArns: to, ClientEndpointIds: allowlist.to },
    OldResourceProperties: { Step: 'accept', ServiceId: serviceId, ServiceTag: TAG, LoadBalancerArns: from, ClientEndpointIds: allowlist.from },
  };
}

/**
 * What CloudFormation does to the service between the steps, and again when it rolls the service back. AWS
 * refuses to detach a load balancer while an endpoint is still connected, which moto does not model (it has no
 * connections), so the move fails the test while any endpoint is connected.
 */
async function moveService(serviceId: string, fake: FakeEndpointConnections, remove: string | undefined, add: string | undefined) {
  if (remove) expect(fake.connected(serviceId)).toEqual([]);
  await ec2.send(new ModifyVpcEndpointServiceConfigurationCommand({
    ServiceId: serviceId, AddNetworkLoadBalancerArns: add ? [add] : undefined, RemoveNetworkLoadBalancerArns: remove ? [remove] : undefined,
  }));
}

/** The end of a swap, and of its rollback: the allowlisted endpoints are connected, the stranger is still rejected. */
function expectAllowlistBack(fake: FakeEndpointConnections, serviceId: string) {
  expect(fake.endpoints(serviceId, 'available')).toEqual(ALLOWED);
  expect(fake.stateOf(STRANGER)).toBe('rejected');
}

/** The endpoint-connection calls of the fake made since `from` (an index into its calls), by name. */
function callsSince(fake: FakeEndpointConnections, from: number): string[] {
  return fake.calls.slice(from).map((c) => c.name);
}

async function loadBalancersOf(serviceId: string): Promise<string[]> {
  const services = (await ec2.send(new DescribeVpcEndpointServiceConfigurationsCommand({ ServiceIds: [serviceId] }))).ServiceConfigurations!;
  return services[0].NetworkLoadBalancerArns ?? [];
}

test('a swap from the legacy NLB to the secured one: reject, move, accept only the allowlist', async () => {
  const { legacy, secured, serviceId, otherServiceId, fake, handler, log } = await provider();

  const rejected = await handler(reject([legacy], [secured]));
  expect(rejected.Data).toEqual({ EndpointCount: 3 });
  expect(log.find((e) => e.action === 'rejected').endpointIds.sort()).toEqual([...ALLOWED, STRANGER].sort());
  expect(fake.endpoints(serviceId, 'rejected')).toEqual([...ALLOWED, STRANGER].sort());
  expect(fake.endpoints(otherServiceId, 'available')).toEqual(['vpce-0b33333333333333b']);
  expect(log.find((e) => e.action === 'rejecting')).toMatchObject({ serviceId, removing: [legacy] });

  await moveService(serviceId, fake, legacy, secured);
  expect(await loadBalancersOf(serviceId)).toEqual([secured]);
  const [securedLb] = (await elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [secured] }))).LoadBalancers!;
  expect(securedLb.SecurityGroups).toHaveLength(1);

  const accepted = await handler(accept(serviceId, [legacy], [secured]));
  expect(accepted.Data).toEqual({ EndpointCount: 2 });
  expectAllowlistBack(fake, serviceId);
  expect(fake.calls.filter((c) => c.name === 'AcceptVpcEndpointConnections').flatMap((c) => c.input.VpcEndpointIds)).not.toContain(STRANGER);
});

test('a retried deployment runs the reject step again: the service already moved, so nobody is rejected', async () => {
  const { legacy, secured, serviceId, fake, handler } = await provider();
  await handler(reject([legacy], [secured]));
  await moveService(serviceId, fake, legacy, secured);
  await handler(accept(serviceId, [legacy], [secured]));

  const again = await handler({ ...reject([legacy], [secured]), RequestType: 'Create', OldResourceProperties: undefined });
  expect(again.Data).toEqual({ EndpointCount: 0 });
  expect(fake.endpoints(serviceId, 'available')).toEqual(ALLOWED);
});

test('rollback: reject, then the service change fails, then CloudFormation rolls the reject step back: the allowlist is accepted again', async () => {
  const { legacy, secured, serviceId, fake, handler, log } = await provider();
  await handler(reject([legacy], [secured]));
  expect(fake.endpoints(serviceId, 'rejected')).toEqual([...ALLOWED, STRANGER].sort());

  // The service change fails (say CloudFormation's update of the service is refused, or a resource updated
  // beside it fails first): the service keeps the legacy NLB, and the accept step never runs.
  expect(await loadBalancersOf(serviceId)).toEqual([legacy]);
  expect(fake.endpoints(serviceId, 'available')).toEqual([]);

  // The rollback: an Update of the reject step back to the old load balancers. Nothing attached is leaving.
  const rolledBack = await handler(reject([secured], [legacy]));
  expectAllowlistBack(fake, serviceId);
  expect(rolledBack.Data).toEqual({ EndpointCount: 2 });
  expect(log).toContainEqual(expect.objectContaining({ action: 'swap-undone', serviceId, attached: [legacy] }));
  // Replayed (CloudFormation may retry the rollback), it changes nothing more.
  const calls = fake.calls.length;
  await handler(reject([secured], [legacy]));
  expect(fake.calls.slice(calls).map((c) => c.name)).toEqual(['DescribeVpcEndpointConnections']);
});

test('rollback after the service moved: CloudFormation moves the service back first, then the reject step accepts the allowlist again', async () => {
  const { legacy, secured, serviceId, fake, handler, log } = await provider();
  await handler(reject([legacy], [secured]));
  await moveService(serviceId, fake, legacy, secured);

  // A resource after the service fails before the accept step runs. CloudFormation rolls back in reverse
  // dependency order: the service first (back to the legacy NLB), then the reject step it depends on.
  await moveService(serviceId, fake, secured, legacy);
  expect(await loadBalancersOf(serviceId)).toEqual([legacy]);
  const rolledBack = await handler(reject([secured], [legacy]));
  expect(rolledBack.Data).toEqual({ EndpointCount: 2 });
  expectAllowlistBack(fake, serviceId);
  expect(log).toContainEqual(expect.objectContaining({ action: 'swap-undone', serviceId, attached: [legacy] }));
});

test('an ordinary Update that only adds a load balancer accepts nobody who is rejected', async () => {
  const { legacy, secured, serviceId, fake, handler } = await provider();
  await fake.send(new RejectVpcEndpointConnectionsCommand({ ServiceId: serviceId, VpcEndpointIds: [ALLOWED[0]] }));
  await handler(reject([legacy], [legacy, secured]));
  expect(fake.stateOf(ALLOWED[0])).toBe('rejected');
  expect(fake.calls.map((c) => c.name)).not.toContain('AcceptVpcEndpointConnections');
});

test('fail-safe: when the service does not have the NLB being removed, the reject step rejects nobody', async () => {
  const { legacy, secured, serviceId, fake, handler, log } = await provider();
  // The stack believes it moves from the secured NLB, but the live service is on the legacy one, which the
  // new set keeps: nothing attached is leaving.
  await handler(reject([secured], [legacy]));
  expect(fake.endpoints(serviceId, 'available')).toEqual(ALLOWED);
  expect(log).toContainEqual(expect.objectContaining({ action: 'reject-skipped', serviceId, attached: [legacy] }));
  expect(fake.calls.map((c) => c.name)).not.toContain('RejectVpcEndpointConnections');
});

test('the first deployment finds no tagged service and rejects nobody', async () => {
  const { legacy, fake, handler, log } = await provider();
  const first: SwapEvent = {
    RequestType: 'Create',
    ResourceProperties: { Step: 'reject', ServiceTag: 'New/Stack/Swap', LoadBalancerArns: [legacy] },
  };
  expect((await handler(first)).PhysicalResourceId).toBe('reject:New/Stack/Swap');
  expect(fake.calls).toEqual([]);
  expect(log).toEqual([expect.objectContaining({ action: 'reject-skipped', tag: 'New/Stack/Swap' })]);
});

test('rollback after the accept step ran: it rejects so that the service can move back, then the reject step accepts the allowlist again', async () => {
  const { legacy, secured, serviceId, otherServiceId, fake, handler, log } = await provider();
  await handler(reject([legacy], [secured]));
  await moveService(serviceId, fake, legacy, secured);
  await handler(accept(serviceId, [legacy], [secured]));
  expect(fake.endpoints(serviceId, 'available')).toEqual(ALLOWED);

  // A resource after the accept step fails. CloudFormation rolls back in reverse dependency order: the accept
  // step first (an Update back to the old load balancers), then the service, then the reject step.
  const undoing = await handler(accept(serviceId, [secured], [legacy]));
  expect(undoing.Data).toEqual({ EndpointCount: 2 });
  expect(fake.connected(serviceId)).toEqual([]);
  expect(fake.endpoints(otherServiceId, 'available')).toEqual(['vpce-0b33333333333333b']);
  expect(log).toContainEqual(expect.objectContaining({ action: 'swap-undoing', serviceId, attached: [secured], wanted: [legacy] }));
  expect(log.filter((e) => e.action === 'rejecting').at(-1)).toMatchObject({ serviceId, removing: [secured] });
  // Replayed (CloudFormation may retry a rollback), it finds nobody left to reject.
  const calls = fake.calls.length;
  expect((await handler(accept(serviceId, [secured], [legacy]))).Data).toEqual({ EndpointCount: 0 });
  expect(callsSince(fake, calls)).toEqual(['DescribeVpcEndpointConnections']);

  await moveService(serviceId, fake, secured, legacy);
  expect(await loadBalancersOf(serviceId)).toEqual([legacy]);
  const rolledBack = await handler(reject([secured], [legacy]));
  expect(rolledBack.Data).toEqual({ EndpointCount: 2 });
  expectAllowlistBack(fake, serviceId);
  expect(fake.endpoints(otherServiceId, 'available')).toEqual(['vpce-0b33333333333333b']);
});

test('rollback after the accept step ran, of a deploy that only added a load balancer: the added one can be detached, the allowlist is accepted again', async () => {
  const { legacy, secured, serviceId, fake, handler } = await provider();
  // Adding the secured NLB beside the legacy one rejects nobody; the stranger still waits for acceptance.
  expect((await handler(reject([legacy], [legacy, secured]))).Data).toEqual({ EndpointCount: 0 });
  await moveService(serviceId, fake, undefined, secured);
  await handler(accept(serviceId, [legacy], [legacy, secured]));
  expect(fake.endpoints(serviceId, 'available')).toEqual(ALLOWED);

  // The rollback detaches the secured NLB again, which AWS refuses while anyone is connected: the stranger
  // waiting for acceptance is rejected too, as the reject step would have.
  expect((await handler(accept(serviceId, [legacy, secured], [legacy]))).Data).toEqual({ EndpointCount: 3 });
  await moveService(serviceId, fake, secured, undefined);
  expect(await loadBalancersOf(serviceId)).toEqual([legacy]);
  expect((await handler(reject([legacy, secured], [legacy]))).Data).toEqual({ EndpointCount: 2 });
  expectAllowlistBack(fake, serviceId);
});

describe('the accept step rejects only when CloudFormation is about to move the service back', () => {
  /** A swap from the legacy NLB to the secured one, done: the allowlist accepted again. */
  async function swapped() {
    const setup = await provider();
    const { legacy, secured, serviceId, fake, handler } = setup;
    await handler(reject([legacy], [secured]));
    await moveService(serviceId, fake, legacy, secured);
    return { ...setup, accepted: await handler(accept(serviceId, [legacy], [secured])) };
  }

  test('an ordinary accept: the service already has the new set', async () => {
    const { serviceId, fake, accepted } = await swapped();
    expect(accepted.Data).toEqual({ EndpointCount: 2 });
    expect(fake.calls.filter((c) => c.name === 'RejectVpcEndpointConnections')).toHaveLength(1); // the reject step's
    expect(fake.endpoints(serviceId, 'available')).toEqual(ALLOWED);
  });

  test('a retry of the accept (the same Update sent again)', async () => {
    const { legacy, secured, serviceId, fake, handler } = await swapped();
    const calls = fake.calls.length;
    expect((await handler(accept(serviceId, [legacy], [secured]))).Data).toEqual({ EndpointCount: 0 });
    expect(callsSince(fake, calls)).toEqual(['DescribeVpcEndpointConnections']);
    expect(fake.endpoints(serviceId, 'available')).toEqual(ALLOWED);
  });

  test('an ordinary accept on a service that someone attached the old load balancer to again by hand', async () => {
    const { legacy, secured, serviceId, fake, handler, log } = await provider();
    await handler(reject([legacy], [secured]));
    await moveService(serviceId, fake, legacy, secured);
    await moveService(serviceId, fake, undefined, legacy);
    // The legacy NLB is attached and the properties leave it out, but the service is not as the previous
    // properties describe it (the legacy NLB alone): a forward deploy, not a rollback.
    const calls = fake.calls.length;
    expect((await handler(accept(serviceId, [legacy], [secured]))).Data).toEqual({ EndpointCount: 2 });
    expect(callsSince(fake, calls)).not.toContain('RejectVpcEndpointConnections');
    expect(fake.endpoints(serviceId, 'available')).toEqual(ALLOWED);
    expect(log).toContainEqual(expect.objectContaining({ action: 'reject-skipped', serviceId, previous: [legacy] }));
  });

  test('an Update that changes only the allowlist, on a service with a load balancer attached by hand', async () => {
    const { legacy, secured, serviceId, fake, handler } = await swapped();
    await moveService(serviceId, fake, undefined, legacy);
    const calls = fake.calls.length;
    // The team allowlists the stranger: it is accepted, and nobody is rejected although the legacy NLB is not in the set.
    const result = await handler(accept(serviceId, [secured], [secured], { from: ALLOWED, to: [...ALLOWED, STRANGER] }));
    expect(result.Data).toEqual({ EndpointCount: 1 });
    expect(callsSince(fake, calls)).not.toContain('RejectVpcEndpointConnections');
    expect(fake.endpoints(serviceId, 'available')).toEqual([...ALLOWED, STRANGER].sort());
  });

  test('Create, on a service with a load balancer the properties leave out', async () => {
    const { legacy, secured, serviceId, fake, handler } = await swapped();
    await moveService(serviceId, fake, undefined, legacy);
    const calls = fake.calls.length;
    const created = await handler({ ...accept(serviceId, [secured], [secured]), RequestType: 'Create', PhysicalResourceId: undefined, OldResourceProperties: undefined });
    expect(created.Data).toEqual({ EndpointCount: 0 });
    expect(callsSince(fake, calls)).toEqual(['DescribeVpcEndpointConnections']);
    expect(fake.endpoints(serviceId, 'available')).toEqual(ALLOWED);
  });

  test('Delete, even with the properties of the load balancers the service had before', async () => {
    const { legacy, secured, serviceId, fake, handler } = await swapped();
    const calls = fake.calls.length;
    const deleted = await handler({ ...accept(serviceId, [secured], [legacy]), RequestType: 'Delete' });
    expect(deleted.Data).toEqual({ EndpointCount: 0 });
    expect(callsSince(fake, calls)).toEqual([]);
    expect(fake.endpoints(serviceId, 'available')).toEqual(ALLOWED);
  });
});
