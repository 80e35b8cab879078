/**
 * The swap handler's logic and edges. The endpoint-connection calls, which moto server does not implement, go
 * to the stateful fake in test/support (AWS's shapes and error names); the service-configuration describe is
 * stubbed with aws-sdk-client-mock to drive its pagination and its tag filter. The same handler runs against
 * moto server in private-link-service-swap.moto.test.ts.
 */
import { DescribeVpcEndpointServiceConfigurationsCommand, EC2Client, type ServiceConfiguration } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { makeHandler, type SwapEvent } from '../../src/handlers/private-link-service-swap';
import { type BackoffPolicy, TimeBudget } from '../../src/handlers/shared/aws-calls';
import { type AcceptStepProperties, SWAP_TAG_KEY } from '../../src/private-link-service-swap/types';
import { awsError } from '../support/aws-errors';
import { FakeEndpointConnections, routeEndpointConnections } from '../support/fake-endpoint-connections';

const LEGACY = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/legacy/1111111111111111';
const SECURED = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/secured/2222222222222222';
const TAG = 'App/Swap';
const SERVICE = 'vpce-svc-0123456789abcdef0';

function service(id: string, nlbs: string[], tagged = true): ServiceConfiguration {
  return { ServiceId: id, NetworkLoadBalancerArns: nlbs, Tags: tagged ? [{ Key: SWAP_TAG_KEY, Value: TAG }] : [{ Key: 'Name', Value: 'other' }] };
}

function setup(services: ServiceConfiguration[][] = [[service(SERVICE, [LEGACY])]], budget = new TimeBudget()) {
  const client = new EC2Client({ region: 'us-east-1' });
  const mock = mockClient(client);
  const describe = mock.on(DescribeVpcEndpointServiceConfigurationsCommand);
  services.forEach((items, i) => describe.resolvesOnce({ ServiceConfigurations: items, NextToken: i < services.length - 1 ? `page${i + 1}` : undefined }));
  const fake = new FakeEndpointConnections().addService(SERVICE);
  const sleeps: number[] = [];
  const events: string[] = [];
  const backoff: BackoffPolicy = { baseDelayMs: 100, maxDelayMs: 1_000, sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5 };
  const handler = makeHandler({ ec2: routeEndpointConnections(client, fake), backoff, budget, log: (line) => events.push(line) });
  const logged = () => events.map((line) => JSON.parse(line));
  return { mock, fake, sleeps, handler, logged };
}

/** The accept step runs after CloudFormation moved the service to the secured NLB. */
function setupMoved(budget = new TimeBudget()) {
  return setup([[service(SERVICE, [SECURED])]], budget);
}

function rejectEvent(arns: string[], requestType: SwapEvent['RequestType'] = 'Update', oldArns: string[] = [LEGACY]): SwapEvent {
  return {
    RequestType: requestType,
    ResourceProperties: { Step: 'reject', ServiceTag: TAG, LoadBalancerArns: arns },
    OldResourceProperties: requestType === 'Update' ? { Step: 'reject', ServiceTag: TAG, LoadBalancerArns: oldArns } : undefined,
    PhysicalResourceId: requestType === 'Create' ? undefined : `reject:${TAG}`,
  };
}

function acceptEvent(allowlist: string[], requestType: SwapEvent['RequestType'] = 'Update', arns = [SECURED], oldArns = [LEGACY]): SwapEvent {
  return {
    RequestType: requestType,
    ResourceProperties: { Step: 'accept', ServiceId: SERVICE, ServiceTag: TAG, LoadBalancerArns: arns, ClientEndpointIds: allowlist },
    OldResourceProperties: requestType === 'Update'
      ? { Step: 'accept', ServiceId: SERVICE, ServiceTag: TAG, LoadBalancerArns: oldArns, ClientEndpointIds: allowlist }
      : undefined,
  };
}

describe('reject step', () => {
  test('rejects every connected endpoint when an attached load balancer is being removed, after logging them', async () => {
    const { fake, handler, logged } = setup();
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'available')
      .connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa2', 'pendingAcceptance')
      .connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa3', 'rejected')
      .connect('vpce-svc-0ther000000000000', 'vpce-0bbbbbbbbbbbbbbb1', 'available');

    const result = await handler(rejectEvent([SECURED]));

    expect(fake.endpoints(SERVICE, 'rejected')).toEqual(['vpce-0aaaaaaaaaaaaaaa1', 'vpce-0aaaaaaaaaaaaaaa2', 'vpce-0aaaaaaaaaaaaaaa3']);
    expect(fake.stateOf('vpce-0bbbbbbbbbbbbbbb1')).toBe('available');
    expect(result.Data).toEqual({ EndpointCount: 2 });
    const rejecting = logged().find((e) => e.action === 'rejecting');
    expect(rejecting).toMatchObject({ serviceId: SERVICE, removing: [LEGACY] });
    expect(rejecting.endpoints.map((e: any) => e.endpointId)).toEqual(['vpce-0aaaaaaaaaaaaaaa1', 'vpce-0aaaaaaaaaaaaaaa2']);
    // Only the reject call names endpoints, and only this service's connected ones.
    const rejects = fake.calls.filter((c) => c.name === 'RejectVpcEndpointConnections');
    expect(rejects).toEqual([{ name: 'RejectVpcEndpointConnections', input: { ServiceId: SERVICE, VpcEndpointIds: ['vpce-0aaaaaaaaaaaaaaa1', 'vpce-0aaaaaaaaaaaaaaa2'] } }]);
  });

  test('fail-safe: rejects nobody when the service has no load balancer that is being removed', async () => {
    const { fake, handler, logged } = setup([[service(SERVICE, [SECURED])]]);
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'available');

    await handler(rejectEvent([SECURED]));

    expect(fake.stateOf('vpce-0aaaaaaaaaaaaaaa1')).toBe('available');
    expect(fake.calls.map((c) => c.name)).not.toContain('RejectVpcEndpointConnections');
    expect(logged()).toContainEqual(expect.objectContaining({ action: 'reject-skipped', attached: [SECURED] }));
  });

  test('fail-safe: an Update that changes only the allowlist rejects nobody, even with a load balancer attached by hand', async () => {
    const { fake, handler, logged } = setup([[service(SERVICE, [SECURED, LEGACY])]]);
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'available');
    const event = rejectEvent([SECURED], 'Update', [SECURED]);
    const result = await handler({ ...event, ResourceProperties: { ...event.ResourceProperties, ClientEndpointIds: ['vpce-0aaaaaaaaaaaaaaa1'] } });
    expect(result.Data).toEqual({ EndpointCount: 0 });
    expect(fake.stateOf('vpce-0aaaaaaaaaaaaaaa1')).toBe('available');
    expect(logged()).toContainEqual(expect.objectContaining({ action: 'reject-skipped', attached: [SECURED, LEGACY] }));
  });

  test('fail-safe: adding a load balancer beside the attached one rejects nobody', async () => {
    const { fake, handler } = setup();
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'available');
    await handler(rejectEvent([LEGACY, SECURED]));
    expect(fake.stateOf('vpce-0aaaaaaaaaaaaaaa1')).toBe('available');
  });

  test('finds the service only by its tag, even when the API returns untagged services', async () => {
    // moto and older endpoints ignore the tag filter; the handler checks the tag itself.
    const { fake, handler } = setup([[service('vpce-svc-0untagged0000000', [LEGACY], false)]]);
    fake.connect('vpce-svc-0untagged0000000', 'vpce-0aaaaaaaaaaaaaaa1', 'available');
    const result = await handler(rejectEvent([SECURED], 'Create'));
    expect(result.Data).toEqual({ EndpointCount: 0 });
    expect(fake.stateOf('vpce-0aaaaaaaaaaaaaaa1')).toBe('available');
  });

  test('follows every page of the service describe', async () => {
    const { mock, fake, handler } = setup([[service('vpce-svc-0untagged0000000', [LEGACY], false)], [service(SERVICE, [LEGACY])]]);
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'available');
    await handler(rejectEvent([SECURED]));
    const describes = mock.commandCalls(DescribeVpcEndpointServiceConfigurationsCommand).map((c) => c.args[0].input);
    expect(describes.map((input) => input.NextToken)).toEqual([undefined, 'page1']);
    expect(describes[0].Filters).toEqual([{ Name: `tag:${SWAP_TAG_KEY}`, Values: [TAG] }]);
    expect(fake.stateOf('vpce-0aaaaaaaaaaaaaaa1')).toBe('rejected');
  });

  test('refuses to act when two services carry the same tag', async () => {
    const { fake, handler } = setup([[service(SERVICE, [LEGACY]), service('vpce-svc-0second00000000', [LEGACY])]]);
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'available');
    await expect(handler(rejectEvent([SECURED]))).rejects.toThrow(/2 endpoint services carry the tag .*vpce-svc-0123456789abcdef0, vpce-svc-0second00000000.*refusing/);
    expect(fake.stateOf('vpce-0aaaaaaaaaaaaaaa1')).toBe('available');
  });

  test('pages through hundreds of connections and rejects them in batches of 50', async () => {
    const { fake, handler } = setup();
    const ids = Array.from({ length: 230 }, (_, i) => `vpce-0${String(i).padStart(16, '0')}`);
    for (const id of ids) fake.connect(SERVICE, id, 'available');

    await handler(rejectEvent([SECURED]));

    expect(fake.endpoints(SERVICE, 'rejected')).toHaveLength(230);
    const describes = fake.calls.filter((c) => c.name === 'DescribeVpcEndpointConnections');
    expect(describes.map((c) => c.input.NextToken)).toEqual([undefined, '100', '200']);
    const batches = fake.calls.filter((c) => c.name === 'RejectVpcEndpointConnections').map((c) => c.input.VpcEndpointIds.length);
    expect(batches).toEqual([50, 50, 50, 50, 30]);
  });

  test('rejects endpoints in the Partial state too', async () => {
    const { fake, handler } = setup();
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'partial').connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa2', 'available');
    await handler(rejectEvent([SECURED]));
    expect(fake.endpoints(SERVICE, 'rejected')).toEqual(['vpce-0aaaaaaaaaaaaaaa1', 'vpce-0aaaaaaaaaaaaaaa2']);
  });

  test('the response stays far below CloudFormation\'s 4,096 bytes with 1,000 endpoints; the ids are in the log', async () => {
    const { fake, handler, logged } = setup();
    const ids = Array.from({ length: 1_000 }, (_, i) => `vpce-0${String(i).padStart(16, '0')}`);
    for (const id of ids) fake.connect(SERVICE, id, 'available');
    const response = await handler(rejectEvent([SECURED]));
    expect(response.Data).toEqual({ EndpointCount: 1_000 });
    expect(JSON.stringify(response).length).toBeLessThan(200);
    expect(logged().find((e) => e.action === 'rejected').endpointIds).toHaveLength(1_000);
  });

  test('a throttled describe that the SDK gave up on fails the step with AWS\'s error name, rejecting nobody', async () => {
    const { fake, handler } = setup();
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'available').throttle(1);
    await expect(handler(rejectEvent([SECURED]))).rejects.toThrow('Could not describe the endpoint connections of vpce-svc-0123456789abcdef0: RequestLimitExceeded');
    expect(fake.stateOf('vpce-0aaaaaaaaaaaaaaa1')).toBe('available');
  });

  test('a service with no connected endpoint (no client yet, or all rejected already) is swapped without a call', async () => {
    const { fake, handler, logged } = setup();
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'rejected');
    const result = await handler(rejectEvent([SECURED]));
    expect(result.Data).toEqual({ EndpointCount: 0 });
    expect(fake.calls.map((c) => c.name)).toEqual(['DescribeVpcEndpointConnections']);
    expect(logged()).toContainEqual(expect.objectContaining({ action: 'rejected', endpointIds: [] }));
  });

  test('is idempotent: a second run after the swap rejects nobody', async () => {
    const { mock, fake, handler } = setup([[service(SERVICE, [LEGACY])]]);
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'available');
    await handler(rejectEvent([SECURED]));
    mock.on(DescribeVpcEndpointServiceConfigurationsCommand).resolves({ ServiceConfigurations: [service(SERVICE, [SECURED])] });
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa2', 'available');
    await handler(rejectEvent([SECURED]));
    expect(fake.stateOf('vpce-0aaaaaaaaaaaaaaa2')).toBe('available');
  });
});

describe('accept step', () => {
  test('accepts the allowlisted endpoints and never any other', async () => {
    const { fake, handler, logged } = setupMoved();
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'rejected')
      .connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa2', 'pendingAcceptance')
      .connect(SERVICE, 'vpce-0eeeeeeeeeeeeeee1', 'rejected')
      .connect(SERVICE, 'vpce-0eeeeeeeeeeeeeee2', 'pendingAcceptance');

    const result = await handler(acceptEvent(['vpce-0aaaaaaaaaaaaaaa1', 'vpce-0aaaaaaaaaaaaaaa2', 'vpce-0ccccccccccccccc1']));

    expect(fake.endpoints(SERVICE, 'available')).toEqual(['vpce-0aaaaaaaaaaaaaaa1', 'vpce-0aaaaaaaaaaaaaaa2']);
    expect(fake.stateOf('vpce-0eeeeeeeeeeeeeee1')).toBe('rejected');
    expect(fake.stateOf('vpce-0eeeeeeeeeeeeeee2')).toBe('pendingAcceptance');
    expect(result.Data).toEqual({ EndpointCount: 2 });
    const accepted = fake.calls.filter((c) => c.name === 'AcceptVpcEndpointConnections').flatMap((c) => c.input.VpcEndpointIds);
    expect(accepted).toEqual(['vpce-0aaaaaaaaaaaaaaa1', 'vpce-0aaaaaaaaaaaaaaa2']);
    expect(logged()).toContainEqual(expect.objectContaining({ action: 'not-connected', endpointIds: ['vpce-0ccccccccccccccc1'] }));
    expect(logged().find((e) => e.action === 'left-unaccepted').endpoints.map((e: any) => e.endpointId)).toEqual(['vpce-0eeeeeeeeeeeeeee1', 'vpce-0eeeeeeeeeeeeeee2']);
  });

  test('retries the endpoints AWS reports as unsuccessful, with bounded jittered backoff', async () => {
    const { fake, handler, sleeps, logged } = setupMoved();
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'rejected')
      .connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa2', 'rejected')
      .failItem('vpce-0aaaaaaaaaaaaaaa2', 'IncorrectState', 2);

    await handler(acceptEvent(['vpce-0aaaaaaaaaaaaaaa1', 'vpce-0aaaaaaaaaaaaaaa2']));

    expect(fake.endpoints(SERVICE, 'available')).toEqual(['vpce-0aaaaaaaaaaaaaaa1', 'vpce-0aaaaaaaaaaaaaaa2']);
    const accepts = fake.calls.filter((c) => c.name === 'AcceptVpcEndpointConnections').map((c) => c.input.VpcEndpointIds);
    expect(accepts).toEqual([['vpce-0aaaaaaaaaaaaaaa1', 'vpce-0aaaaaaaaaaaaaaa2'], ['vpce-0aaaaaaaaaaaaaaa2'], ['vpce-0aaaaaaaaaaaaaaa2']]);
    // random() is 0.5: half of 100 ms, then half of 200 ms.
    expect(sleeps).toEqual([50, 100]);
    expect(logged().filter((e) => e.action === 'accept-unsuccessful')).toHaveLength(2);
  });

  test('fails the deployment naming the endpoints still unsuccessful, after a bounded number of rounds', async () => {
    const { fake, handler, sleeps } = setupMoved();
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'rejected')
      .connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa2', 'rejected')
      .failItem('vpce-0aaaaaaaaaaaaaaa2', 'IncorrectState', 100);

    await expect(handler(acceptEvent(['vpce-0aaaaaaaaaaaaaaa1', 'vpce-0aaaaaaaaaaaaaaa2'])))
      .rejects.toThrow(/Could not accept 1 endpoint connection\(s\) of vpce-svc-0123456789abcdef0 after 5 attempt\(s\): vpce-0aaaaaaaaaaaaaaa2 \(IncorrectState: /);
    expect(fake.stateOf('vpce-0aaaaaaaaaaaaaaa1')).toBe('available');
    expect(sleeps).toHaveLength(4);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(1_000);
  });

  test('a call AWS applied but whose answer was lost, sent again by the SDK, is not a failure', async () => {
    const { fake, handler, logged, sleeps } = setupMoved();
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'rejected').connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa2', 'rejected').loseAnswers(1);
    // The second sending finds both already available, and AWS reports them unsuccessful (InvalidState).
    const result = await handler(acceptEvent(['vpce-0aaaaaaaaaaaaaaa1', 'vpce-0aaaaaaaaaaaaaaa2']));
    expect(result.Data).toEqual({ EndpointCount: 2 });
    expect(fake.endpoints(SERVICE, 'available')).toEqual(['vpce-0aaaaaaaaaaaaaaa1', 'vpce-0aaaaaaaaaaaaaaa2']);
    expect(sleeps).toEqual([]);
    expect(logged()).toContainEqual(expect.objectContaining({ action: 'accept-already-done', endpointIds: ['vpce-0aaaaaaaaaaaaaaa1', 'vpce-0aaaaaaaaaaaaaaa2'] }));
  });

  test('the failure names the first 20 endpoints only, so that CloudFormation takes the response (4,096 bytes)', async () => {
    const { fake, handler, logged } = setupMoved();
    const ids = Array.from({ length: 200 }, (_, i) => `vpce-0${String(i).padStart(16, '0')}`);
    for (const id of ids) fake.connect(SERVICE, id, 'rejected').failItem(id, 'IncorrectState', 100);
    const failure = await handler(acceptEvent(ids)).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toMatch(/^Could not accept 200 endpoint connection\(s\) of vpce-svc-0123456789abcdef0 after 5 attempt\(s\): vpce-0/);
    expect(message).toMatch(/and 180 more \(see the log\)/);
    // The Provider framework adds the stack trace and the log group's name to the reason.
    expect(message.length).toBeLessThan(2_500);
    expect(logged().filter((e) => e.action === 'accept-unsuccessful').at(-1).endpoints).toHaveLength(200);
  });

  test('an endpoint deleted meanwhile is not a failure', async () => {
    const { fake, handler, logged } = setupMoved();
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'rejected').failItem('vpce-0aaaaaaaaaaaaaaa1', 'InvalidVpcEndpointId.NotFound', 1);
    await handler(acceptEvent(['vpce-0aaaaaaaaaaaaaaa1']));
    expect(logged()).toContainEqual(expect.objectContaining({ action: 'accept-not-needed', endpointIds: ['vpce-0aaaaaaaaaaaaaaa1'] }));
  });

  test('is idempotent: a second run accepts nothing more', async () => {
    const { fake, handler } = setupMoved();
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'rejected');
    await handler(acceptEvent(['vpce-0aaaaaaaaaaaaaaa1'], 'Create'));
    const before = fake.calls.length;
    await handler(acceptEvent(['vpce-0aaaaaaaaaaaaaaa1'], 'Create'));
    expect(fake.calls.slice(before).map((c) => c.name)).toEqual(['DescribeVpcEndpointConnections']);
    expect(fake.stateOf('vpce-0aaaaaaaaaaaaaaa1')).toBe('available');
  });

  test('a describe that keeps failing fails the deployment with AWS\'s error name and what was being done', async () => {
    const { fake, handler } = setupMoved();
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'rejected').throttle(100);
    await expect(handler(acceptEvent(['vpce-0aaaaaaaaaaaaaaa1'])))
      .rejects.toThrow('Could not describe the endpoint connections of vpce-svc-0123456789abcdef0: RequestLimitExceeded: Request limit exceeded.');
    expect(fake.calls).toHaveLength(1);
    expect(fake.stateOf('vpce-0aaaaaaaaaaaaaaa1')).toBe('rejected');
  });

  test('stops the rounds when the next would not fit in the time left, and says after how many', async () => {
    const budget = new TimeBudget(() => 0);
    budget.start(2_060);
    const { fake, handler, sleeps } = setupMoved(budget);
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'rejected').failItem('vpce-0aaaaaaaaaaaaaaa1', 'IncorrectState', 100);
    // 2,060 ms left: a wait of 50 ms fits (with 2 s kept for the call after it), the next of 100 ms does not.
    await expect(handler(acceptEvent(['vpce-0aaaaaaaaaaaaaaa1']))).rejects.toThrow(/after 2 attempt\(s\): vpce-0aaaaaaaaaaaaaaa1 \(IncorrectState/);
    expect(sleeps).toEqual([50]);
  });
});

describe('accept step, rolled back (CloudFormation is about to move the service back)', () => {
  const ALLOWED = ['vpce-0aaaaaaaaaaaaaaa1', 'vpce-0aaaaaaaaaaaaaaa2'];
  /** The rollback of a swap from the legacy NLB to the secured one: back to the legacy one. */
  const rollback = () => acceptEvent(ALLOWED, 'Update', [LEGACY], [SECURED]);

  test('rejects every connected endpoint of the service, after logging them, so that the service can move back', async () => {
    const { mock, fake, handler, logged } = setupMoved();
    fake.connect(SERVICE, ALLOWED[0], 'available')
      .connect(SERVICE, ALLOWED[1], 'pending')
      .connect(SERVICE, 'vpce-0eeeeeeeeeeeeeee1', 'pendingAcceptance')
      .connect(SERVICE, 'vpce-0eeeeeeeeeeeeeee2', 'rejected')
      .connect('vpce-svc-0ther000000000000', 'vpce-0bbbbbbbbbbbbbbb1', 'available');

    const result = await handler(rollback());

    expect(result.Data).toEqual({ EndpointCount: 3 });
    expect(fake.connected(SERVICE)).toEqual([]);
    expect(fake.stateOf('vpce-0bbbbbbbbbbbbbbb1')).toBe('available');
    expect(mock.commandCalls(DescribeVpcEndpointServiceConfigurationsCommand).map((c) => c.args[0].input)).toEqual([{ ServiceIds: [SERVICE] }]);
    const actions = logged().map((e) => e.action);
    expect(actions.indexOf('swap-undoing')).toBeLessThan(actions.indexOf('rejecting'));
    expect(logged().find((e) => e.action === 'swap-undoing')).toMatchObject({ serviceId: SERVICE, attached: [SECURED], wanted: [LEGACY] });
    const rejecting = logged().find((e) => e.action === 'rejecting');
    expect(rejecting).toMatchObject({ serviceId: SERVICE, removing: [SECURED] });
    expect(rejecting.endpoints.map((e: any) => e.endpointId)).toEqual([...ALLOWED, 'vpce-0eeeeeeeeeeeeeee1']);
    expect(fake.calls.map((c) => c.name)).not.toContain('AcceptVpcEndpointConnections');
  });

  test.each([
    ['carries no swap tag', service(SERVICE, [SECURED], false)],
    ['carries another swap\'s tag', { ...service(SERVICE, [SECURED]), Tags: [{ Key: SWAP_TAG_KEY, Value: 'Other/Swap' }] }],
  ])('fail-safe: rejects nobody when the service %s', async (_, live) => {
    const { fake, handler, logged } = setup([[live]]);
    fake.connect(SERVICE, ALLOWED[0], 'available');
    const result = await handler(rollback());
    expect(result.Data).toEqual({ EndpointCount: 0 });
    expect(fake.stateOf(ALLOWED[0])).toBe('available');
    expect(fake.calls).toEqual([]);
    expect(logged()).toContainEqual(expect.objectContaining({ action: 'reject-skipped', reason: expect.stringMatching(/does not carry the swap tag/) }));
  });

  test('rolled back to properties of an earlier version, without ServiceTag, it checks the tag of the previous properties', async () => {
    const { fake, handler } = setupMoved();
    fake.connect(SERVICE, ALLOWED[0], 'available');
    const event = rollback();
    const { ServiceTag: _, ...earlier } = event.ResourceProperties as AcceptStepProperties;
    const result = await handler({ ...event, ResourceProperties: earlier });
    expect(result.Data).toEqual({ EndpointCount: 1 });
    expect(fake.stateOf(ALLOWED[0])).toBe('rejected');
  });

  test('an Update that changes only the allowlist does not look at the service: CloudFormation will not move it', async () => {
    const { mock, fake, handler } = setup([[service(SERVICE, [SECURED, LEGACY])]]);
    fake.connect(SERVICE, ALLOWED[0], 'available').connect(SERVICE, ALLOWED[1], 'rejected');
    const event = acceptEvent(ALLOWED, 'Update', [SECURED], [SECURED]);
    const result = await handler({ ...event, OldResourceProperties: { ...event.OldResourceProperties!, ClientEndpointIds: [ALLOWED[0]] } });
    expect(result.Data).toEqual({ EndpointCount: 1 });
    expect(mock.commandCalls(DescribeVpcEndpointServiceConfigurationsCommand)).toHaveLength(0);
    expect(fake.endpoints(SERVICE, 'available')).toEqual(ALLOWED);
  });

  test('a describe of the service that fails fails the step, naming it, and rejects nobody', async () => {
    const { mock, fake, handler } = setupMoved();
    mock.on(DescribeVpcEndpointServiceConfigurationsCommand).rejects(awsError('InvalidVpcEndpointServiceId.NotFound', 'The Vpc Endpoint Service Id does not exist'));
    fake.connect(SERVICE, ALLOWED[0], 'available');
    await expect(handler(rollback())).rejects.toThrow(`Could not describe the endpoint service ${SERVICE}: InvalidVpcEndpointServiceId.NotFound`);
    expect(fake.stateOf(ALLOWED[0])).toBe('available');
  });
});

describe('both steps', () => {
  test('Delete is a no-op that calls nothing', async () => {
    const { mock, fake, handler } = setup();
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'available');
    await handler({ ...rejectEvent([SECURED]), RequestType: 'Delete' });
    await handler({ ...acceptEvent(['vpce-0aaaaaaaaaaaaaaa1']), RequestType: 'Delete', PhysicalResourceId: `accept:${SERVICE}` });
    expect(fake.calls).toEqual([]);
    expect(mock.calls()).toHaveLength(0);
  });

  test('an Update with the same set of load balancers, in another order, does nothing', async () => {
    const { mock, fake, handler, logged } = setup();
    fake.connect(SERVICE, 'vpce-0aaaaaaaaaaaaaaa1', 'available');
    await handler(rejectEvent([SECURED, LEGACY], 'Update', [LEGACY, SECURED]));
    expect(mock.calls()).toHaveLength(0);
    expect(fake.calls).toEqual([]);
    expect(logged()).toEqual([expect.objectContaining({ action: 'unchanged', step: 'reject' })]);
  });
});
