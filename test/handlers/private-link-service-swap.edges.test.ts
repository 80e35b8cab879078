/**
 * The swap handler at its edges: what each step records and answers, the input it must not trust (events with
 * odd or forged properties, services and connections AWS describes oddly), and the retry loop's edges.
 *
 * Most tests use the stateful fake of the endpoint-connection calls (test/support, AWS's shapes and error
 * names; moto server does not implement them) and stub the service describe with aws-sdk-client-mock. A few
 * stub every call, to give answers the fake never gives: an `Unsuccessful` item without an error, an answer
 * without `Unsuccessful`, a describe that ignores its filter.
 */
import {
  AcceptVpcEndpointConnectionsCommand,
  DescribeVpcEndpointConnectionsCommand,
  DescribeVpcEndpointServiceConfigurationsCommand,
  EC2Client,
  RejectVpcEndpointConnectionsCommand,
  type ServiceConfiguration,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { makeHandler, type SwapEvent } from '../../src/handlers/private-link-service-swap';
import { type BackoffPolicy, TimeBudget } from '../../src/handlers/shared/aws-calls';
import { SWAP_TAG_KEY } from '../../src/private-link-service-swap/types';
import { awsError } from '../support/aws-errors';
import { FakeEndpointConnections, routeEndpointConnections } from '../support/fake-endpoint-connections';

const LEGACY = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/legacy/1111111111111111';
const SECURED = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/secured/2222222222222222';
const TAG = 'App/Swap';
const SERVICE = 'vpce-svc-0123456789abcdef0';
const OTHER_SERVICE = 'vpce-svc-0fedcba98765432100';
const A1 = 'vpce-0aaaaaaaaaaaaaaa1';
const A2 = 'vpce-0aaaaaaaaaaaaaaa2';
const E1 = 'vpce-0eeeeeeeeeeeeeee1';

function service(id: string, nlbs: string[] | undefined, tags = [{ Key: SWAP_TAG_KEY, Value: TAG }]): ServiceConfiguration {
  return { ServiceId: id, NetworkLoadBalancerArns: nlbs, Tags: tags };
}

function setup(services: ServiceConfiguration[] = [service(SERVICE, [LEGACY])]) {
  const client = new EC2Client({ region: 'us-east-1' });
  const mock = mockClient(client);
  mock.on(DescribeVpcEndpointServiceConfigurationsCommand).resolves({ ServiceConfigurations: services });
  const fake = new FakeEndpointConnections().addService(SERVICE).addService(OTHER_SERVICE);
  const sleeps: number[] = [];
  const lines: string[] = [];
  const backoff: BackoffPolicy = { baseDelayMs: 100, maxDelayMs: 1_000, sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5 };
  const handler = makeHandler({ ec2: routeEndpointConnections(client, fake), backoff, budget: new TimeBudget(), log: (line) => lines.push(line) });
  const logged = () => lines.map((line) => JSON.parse(line));
  const actions = () => logged().map((e) => e.action);
  const callNames = () => fake.calls.map((c) => c.name);
  return { mock, fake, sleeps, handler, logged, actions, callNames };
}

/** Every call stubbed: the answers are whatever the test says, not the fake's. */
function stubbed(services: ServiceConfiguration[] = [service(SERVICE, [SECURED])]) {
  const client = new EC2Client({ region: 'us-east-1' });
  const mock = mockClient(client);
  mock.on(DescribeVpcEndpointServiceConfigurationsCommand).resolves({ ServiceConfigurations: services });
  const sleeps: number[] = [];
  const lines: string[] = [];
  const backoff: BackoffPolicy = { baseDelayMs: 100, maxDelayMs: 1_000, sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5 };
  const handler = makeHandler({ ec2: client, backoff, budget: new TimeBudget(), log: (line) => lines.push(line) });
  const logged = () => lines.map((line) => JSON.parse(line));
  return { mock, sleeps, handler, logged };
}

function rejectEvent(arns: string[] | undefined, oldArns: string[] | undefined = [LEGACY], requestType: SwapEvent['RequestType'] = 'Update', allowlist?: string[]): SwapEvent {
  return {
    RequestType: requestType,
    ResourceProperties: { Step: 'reject', ServiceTag: TAG, LoadBalancerArns: arns as string[], ClientEndpointIds: allowlist },
    OldResourceProperties: requestType === 'Update' ? { Step: 'reject', ServiceTag: TAG, LoadBalancerArns: oldArns as string[], ClientEndpointIds: allowlist } : undefined,
    PhysicalResourceId: requestType === 'Create' ? undefined : `reject:${TAG}`,
  };
}

function acceptEvent(allowlist: string[] | undefined, arns = [SECURED], oldArns = [LEGACY], requestType: SwapEvent['RequestType'] = 'Update'): SwapEvent {
  return {
    RequestType: requestType,
    ResourceProperties: { Step: 'accept', ServiceId: SERVICE, ServiceTag: TAG, LoadBalancerArns: arns, ClientEndpointIds: allowlist as string[] },
    OldResourceProperties: requestType === 'Update'
      ? { Step: 'accept', ServiceId: SERVICE, ServiceTag: TAG, LoadBalancerArns: oldArns, ClientEndpointIds: allowlist as string[] }
      : undefined,
  };
}

describe('events', () => {
  test('a Delete answers with the physical id CloudFormation sent, records itself, and calls nothing', async () => {
    const { mock, fake, handler, logged } = setup();
    const deleted = await handler({ ...rejectEvent([SECURED]), RequestType: 'Delete', PhysicalResourceId: 'reject:Earlier/Tag' });
    expect(deleted).toEqual({ PhysicalResourceId: 'reject:Earlier/Tag', Data: { EndpointCount: 0 } });
    expect(logged()).toEqual([{ action: 'nothing-on-delete', step: 'reject', physicalId: `reject:${TAG}` }]);
    expect(mock.calls()).toHaveLength(0);
    expect(fake.calls).toEqual([]);
  });

  test('a Delete without a physical id answers with the one the step would have', async () => {
    const { handler } = setup();
    const deleted = await handler({ ...acceptEvent([A1]), RequestType: 'Delete', PhysicalResourceId: undefined });
    expect(deleted).toEqual({ PhysicalResourceId: `accept:${SERVICE}`, Data: { EndpointCount: 0 } });
  });

  test('Create answers with each step\'s physical id: the tag for the reject step, the service for the accept step', async () => {
    const { handler } = setup([service(SERVICE, [SECURED])]);
    expect((await handler(rejectEvent([SECURED], undefined, 'Create'))).PhysicalResourceId).toBe(`reject:${TAG}`);
    expect((await handler(acceptEvent([A1], [SECURED], [SECURED], 'Create'))).PhysicalResourceId).toBe(`accept:${SERVICE}`);
  });

  test('an unchanged Update records why it does nothing and answers with the step\'s physical id', async () => {
    const { mock, fake, handler, logged } = setup();
    const result = await handler(acceptEvent([A1], [SECURED], [SECURED]));
    expect(result).toEqual({ PhysicalResourceId: `accept:${SERVICE}`, Data: { EndpointCount: 0 } });
    expect(logged()).toEqual([{
      action: 'unchanged', step: 'accept', physicalId: `accept:${SERVICE}`, reason: 'the set of load balancers and the allowlist are unchanged',
    }]);
    expect(mock.calls()).toHaveLength(0);
    expect(fake.calls).toEqual([]);
  });

  test('a Create that carries previous properties (input CloudFormation never sends) is still a Create: it acts', async () => {
    const { fake, handler } = setup();
    fake.connect(SERVICE, A1, 'available');
    const event = rejectEvent([SECURED], undefined, 'Create');
    const result = await handler({ ...event, OldResourceProperties: event.ResourceProperties });
    expect(result.Data).toEqual({ EndpointCount: 1 });
    expect(fake.stateOf(A1)).toBe('rejected');
  });

  test('a reject Update that differs only in a ServiceId (a property the reject step does not have) is unchanged', async () => {
    const { mock, fake, handler, actions } = setup();
    fake.connect(SERVICE, A1, 'available');
    const event = rejectEvent([SECURED], [SECURED]);
    const result = await handler({
      ...event,
      ResourceProperties: { ...event.ResourceProperties, ServiceId: SERVICE } as any,
      OldResourceProperties: { ...event.OldResourceProperties!, ServiceId: OTHER_SERVICE } as any,
    });
    expect(result.Data).toEqual({ EndpointCount: 0 });
    expect(actions()).toEqual(['unchanged']);
    expect(mock.calls()).toHaveLength(0);
  });

  test('an unknown step is refused as a SwapError naming it, before any call', async () => {
    const { mock, fake, handler } = setup();
    fake.connect(SERVICE, A1, 'rejected');
    const event = acceptEvent([A1], [SECURED], [LEGACY], 'Create');
    const failure = await handler({ ...event, ResourceProperties: { ...event.ResourceProperties, Step: 'approve' } as any }).catch((e: Error) => e);
    expect(failure).toMatchObject({ name: 'SwapError', message: 'Unknown step "approve"; expected "reject" or "accept".' });
    expect(mock.calls()).toHaveLength(0);
    expect(fake.calls).toEqual([]);
  });

  test('an Update whose previous properties are of the other step, with the same sets, is a change: it acts', async () => {
    const { fake, handler } = setup([service(SERVICE, [SECURED])]);
    fake.connect(SERVICE, A1, 'rejected');
    const event = acceptEvent([A1], [SECURED], [SECURED]);
    const result = await handler({ ...event, OldResourceProperties: { Step: 'reject', ServiceTag: TAG, LoadBalancerArns: [SECURED], ClientEndpointIds: [A1] } });
    expect(result.Data).toEqual({ EndpointCount: 1 });
    expect(fake.stateOf(A1)).toBe('available');
  });

  test('an accept Update whose previous properties are of the reject step is never a rollback: it accepts, rejects nobody', async () => {
    // The live service has the legacy NLB that the (reject-step) previous properties name and these leave out:
    // read as the accept step's own previous properties, that would look like a rollback.
    const { mock, fake, handler, callNames } = setup([service(SERVICE, [LEGACY])]);
    fake.connect(SERVICE, A1, 'rejected').connect(SERVICE, A2, 'available');
    const event = acceptEvent([A1], [SECURED], [LEGACY]);
    const result = await handler({ ...event, OldResourceProperties: { Step: 'reject', ServiceTag: TAG, LoadBalancerArns: [LEGACY] } });
    expect(result.Data).toEqual({ EndpointCount: 1 });
    expect(fake.stateOf(A2)).toBe('available');
    expect(callNames()).not.toContain('RejectVpcEndpointConnections');
    expect(mock.commandCalls(DescribeVpcEndpointServiceConfigurationsCommand)).toHaveLength(0);
  });

  test('an accept Update to a replaced service (a new id, the same sets) accepts the allowlist on the new service', async () => {
    const { fake, handler } = setup([service(SERVICE, [SECURED])]);
    fake.connect(SERVICE, A1, 'pendingAcceptance');
    const event = acceptEvent([A1], [SECURED], [SECURED]);
    const result = await handler({ ...event, OldResourceProperties: { ...event.OldResourceProperties!, ServiceId: OTHER_SERVICE } as any });
    expect(result.Data).toEqual({ EndpointCount: 1 });
    expect(fake.stateOf(A1)).toBe('available');
  });
});

describe('reject step', () => {
  test('the first deployment records that no service carries the tag yet', async () => {
    const { handler, logged } = setup([]);
    expect((await handler(rejectEvent([SECURED], undefined, 'Create'))).Data).toEqual({ EndpointCount: 0 });
    expect(logged()).toEqual([{ action: 'reject-skipped', reason: 'no endpoint service carries the swap tag yet (first deployment)', tag: TAG }]);
  });

  test('nothing leaving: the record says so, with what is attached and wanted, and nothing else is done', async () => {
    const { handler, logged, callNames } = setup([service(SERVICE, [SECURED])]);
    await handler(rejectEvent([SECURED, LEGACY], [SECURED]));
    expect(logged()).toEqual([{
      action: 'reject-skipped', reason: 'no load balancer the service has attached is being removed', serviceId: SERVICE, attached: [SECURED], wanted: [SECURED, LEGACY],
    }]);
    expect(callNames()).toEqual([]);
  });

  test('an Update with the same set but a changed allowlist, on a service with a load balancer attached by hand, records why it rejects nobody', async () => {
    const { fake, handler, logged, callNames } = setup([service(SERVICE, [SECURED, LEGACY])]);
    fake.connect(SERVICE, A1, 'available');
    const event = rejectEvent([SECURED], [SECURED], 'Update', [A1]);
    await handler({ ...event, OldResourceProperties: { ...event.OldResourceProperties!, ClientEndpointIds: [] } as any });
    expect(logged()).toEqual([{
      action: 'reject-skipped', reason: 'the set of load balancers is unchanged (a load balancer attached by hand stays)', serviceId: SERVICE, attached: [SECURED, LEGACY],
    }]);
    expect(callNames()).toEqual([]);
  });

  test('an Update with the same set and nothing leaving is not a rollback: it accepts nobody who is rejected', async () => {
    const { fake, handler, logged, callNames } = setup([service(SERVICE, [SECURED])]);
    fake.connect(SERVICE, A1, 'rejected');
    const event = rejectEvent([SECURED], [SECURED], 'Update', [A1]);
    await handler({ ...event, OldResourceProperties: { ...event.OldResourceProperties!, ClientEndpointIds: [] } as any });
    expect(fake.stateOf(A1)).toBe('rejected');
    expect(callNames()).toEqual([]);
    expect(logged()).toEqual([{
      action: 'reject-skipped', reason: 'no load balancer the service has attached is being removed', serviceId: SERVICE, attached: [SECURED], wanted: [SECURED],
    }]);
  });

  test('an allowlist change with the same set, on a service that has only part of that set, is not a rollback', async () => {
    // The service is not as the previous properties describe it, but the set did not change: CloudFormation
    // moves nothing, and accepting is the accept step's work.
    const { fake, handler, callNames } = setup([service(SERVICE, [SECURED])]);
    fake.connect(SERVICE, A1, 'rejected');
    const event = rejectEvent([SECURED, LEGACY], [SECURED, LEGACY], 'Update', [A1]);
    await handler({ ...event, OldResourceProperties: { ...event.OldResourceProperties!, ClientEndpointIds: [] } as any });
    expect(fake.stateOf(A1)).toBe('rejected');
    expect(callNames()).toEqual([]);
  });

  test('a service described without load balancers has none leaving: nobody is rejected', async () => {
    const { fake, handler, callNames } = setup([service(SERVICE, undefined)]);
    fake.connect(SERVICE, A1, 'available');
    expect((await handler(rejectEvent([SECURED]))).Data).toEqual({ EndpointCount: 0 });
    expect(fake.stateOf(A1)).toBe('available');
    expect(callNames()).not.toContain('RejectVpcEndpointConnections');
  });

  test('a rollback that finds the service back on its old set records the undoing, then accepts the allowlisted rejected endpoints only', async () => {
    const { fake, handler, logged, actions } = setup([service(SERVICE, [LEGACY])]);
    fake.connect(SERVICE, A1, 'rejected').connect(SERVICE, A2, 'pendingAcceptance').connect(SERVICE, E1, 'rejected');
    const result = await handler(rejectEvent([LEGACY], [SECURED, SECURED], 'Update', [A1, A2]));
    expect(result).toEqual({ PhysicalResourceId: `reject:${TAG}`, Data: { EndpointCount: 1 } });
    expect(fake.stateOf(A1)).toBe('available');
    // Waiting for acceptance is not what the reject step did: the accept step decides about it.
    expect(fake.stateOf(A2)).toBe('pendingAcceptance');
    expect(fake.stateOf(E1)).toBe('rejected');
    expect(actions()).toEqual(['reject-skipped', 'swap-undone', 'left-unaccepted', 'accepting', 'accepted']);
    expect(logged()[1]).toEqual({
      action: 'swap-undone',
      reason: 'the service does not have the load balancers of the previous properties, and none it has is leaving: '
        + 'a rollback or retry of a swap that did not finish or was moved back',
      serviceId: SERVICE,
      attached: [LEGACY],
      previous: [SECURED],
    });
  });

  test('a rollback whose properties carry no allowlist accepts nobody', async () => {
    const { fake, handler, callNames, actions } = setup([service(SERVICE, [LEGACY])]);
    fake.connect(SERVICE, A1, 'rejected');
    expect((await handler(rejectEvent([LEGACY], [SECURED]))).Data).toEqual({ EndpointCount: 0 });
    expect(fake.stateOf(A1)).toBe('rejected');
    expect(callNames()).not.toContain('AcceptVpcEndpointConnections');
    // An allowlist of none: nobody is reported as allowlisted but absent.
    expect(actions()).toEqual(['reject-skipped', 'swap-undone', 'left-unaccepted', 'accept-skipped']);
  });

  test('a Create finding nothing leaving is never a rollback, whatever is rejected', async () => {
    const { fake, handler, actions } = setup([service(SERVICE, [LEGACY])]);
    fake.connect(SERVICE, A1, 'rejected');
    expect((await handler(rejectEvent([LEGACY], undefined, 'Create', [A1]))).Data).toEqual({ EndpointCount: 0 });
    expect(fake.stateOf(A1)).toBe('rejected');
    expect(actions()).toEqual(['reject-skipped']);
  });

  test('a forward Update that finds the service as its previous properties describe it is not a rollback', async () => {
    // Only adding a load balancer: the service still has the old set, nothing leaves, nobody is accepted.
    const { fake, handler, actions } = setup([service(SERVICE, [LEGACY])]);
    fake.connect(SERVICE, A1, 'rejected');
    await handler(rejectEvent([LEGACY, SECURED], [LEGACY], 'Update', [A1]));
    expect(fake.stateOf(A1)).toBe('rejected');
    expect(actions()).toEqual(['reject-skipped']);
  });

  test('a failed reject names the verb, the service and AWS\'s reason after its rounds', async () => {
    const { fake, handler, logged } = setup();
    fake.connect(SERVICE, A1, 'available').failItem(A1, 'IncorrectState', 100);
    await expect(handler(rejectEvent([SECURED]))).rejects.toThrow(
      `Could not reject 1 endpoint connection(s) of ${SERVICE} after 5 attempt(s): ${A1} (IncorrectState: IncorrectState for ${A1}).`);
    expect(logged().filter((e) => e.action === 'reject-unsuccessful').map((e) => e.round)).toEqual([1, 2, 3, 4, 5]);
  });

  test('a reject whose answer was lost and was sent again is done: the endpoints are already rejected', async () => {
    const { fake, handler, logged, sleeps } = setup();
    fake.connect(SERVICE, A1, 'available').connect(SERVICE, A2, 'available').loseAnswers(1);
    expect((await handler(rejectEvent([SECURED]))).Data).toEqual({ EndpointCount: 2 });
    expect(sleeps).toEqual([]);
    expect(logged()).toContainEqual({ action: 'reject-already-done', reason: 'already rejected', serviceId: SERVICE, endpointIds: [A1, A2] });
  });

  test('exactly 50 endpoints are one call: no empty batch', async () => {
    const { fake, handler, callNames } = setup();
    for (let i = 0; i < 50; i++) fake.connect(SERVICE, `vpce-0${String(i).padStart(16, '0')}`, 'available');
    await handler(rejectEvent([SECURED]));
    expect(callNames()).toEqual(['DescribeVpcEndpointConnections', 'RejectVpcEndpointConnections']);
    expect(fake.calls[0].input).toEqual({ Filters: [{ Name: 'service-id', Values: [SERVICE] }], MaxResults: 100, NextToken: undefined });
  });

  test('a describe of the tagged services that fails names what it was doing', async () => {
    const { mock, handler } = setup();
    mock.on(DescribeVpcEndpointServiceConfigurationsCommand).rejects(awsError('UnauthorizedOperation', 'You are not authorized'));
    await expect(handler(rejectEvent([SECURED]))).rejects.toThrow(
      `Could not find the endpoint service tagged ${SWAP_TAG_KEY}=${TAG}: UnauthorizedOperation`);
  });

  test('a service with other tags beside the swap tag is found', async () => {
    const { fake, handler } = setup([service(SERVICE, [LEGACY], [{ Key: 'Name', Value: 'api' }, { Key: SWAP_TAG_KEY, Value: TAG }])]);
    fake.connect(SERVICE, A1, 'available');
    expect((await handler(rejectEvent([SECURED]))).Data).toEqual({ EndpointCount: 1 });
  });

  test('a service whose other tag has the swap tag\'s value, under another key, is not the swap\'s', async () => {
    const { fake, handler, callNames } = setup([service(SERVICE, [LEGACY], [{ Key: 'Name', Value: TAG }])]);
    fake.connect(SERVICE, A1, 'available');
    expect((await handler(rejectEvent([SECURED]))).Data).toEqual({ EndpointCount: 0 });
    expect(fake.stateOf(A1)).toBe('available');
    expect(callNames()).toEqual([]);
  });

  test('a describe of connections that ignores its filter: another service\'s endpoints are never rejected', async () => {
    const { mock, handler, logged } = stubbed([service(SERVICE, [LEGACY])]);
    mock.on(DescribeVpcEndpointConnectionsCommand).resolves({
      VpcEndpointConnections: [
        { ServiceId: SERVICE, VpcEndpointId: A1, VpcEndpointState: 'available' as any },
        { ServiceId: OTHER_SERVICE, VpcEndpointId: E1, VpcEndpointState: 'available' as any },
        { ServiceId: SERVICE, VpcEndpointState: 'available' as any },
      ],
    });
    mock.on(RejectVpcEndpointConnectionsCommand).resolves({ Unsuccessful: [] });
    expect((await handler(rejectEvent([SECURED]))).Data).toEqual({ EndpointCount: 1 });
    const rejects = mock.commandCalls(RejectVpcEndpointConnectionsCommand).map((c) => c.args[0].input);
    expect(rejects).toEqual([{ ServiceId: SERVICE, VpcEndpointIds: [A1] }]);
    expect(logged().find((e) => e.action === 'rejected').endpointIds).toEqual([A1]);
  });
});

describe('accept step', () => {
  test('an ordinary accept records what it left, what is absent, and what it accepted, in that order', async () => {
    const { fake, handler, logged } = setup([service(SERVICE, [SECURED])]);
    fake.connect(SERVICE, A1, 'rejected').connect(SERVICE, E1, 'pendingAcceptance', '444455556666');
    await handler(acceptEvent([A1, A2]));
    expect(logged()).toEqual([
      { action: 'left-unaccepted', reason: 'not in the allowlist', serviceId: SERVICE, endpoints: [{ endpointId: E1, state: 'pendingAcceptance', owner: '444455556666' }] },
      { action: 'not-connected', reason: 'allowlisted but not connected to the service', serviceId: SERVICE, endpointIds: [A2] },
      { action: 'accepting', serviceId: SERVICE, endpoints: [{ endpointId: A1, state: 'rejected', owner: '111122223333' }] },
      { action: 'accepted', serviceId: SERVICE, endpointIds: [A1] },
    ]);
  });

  test('with nothing to accept it records why and calls no accept', async () => {
    const { fake, handler, logged, callNames } = setup([service(SERVICE, [SECURED])]);
    fake.connect(SERVICE, A1, 'available');
    expect((await handler(acceptEvent([A1]))).Data).toEqual({ EndpointCount: 0 });
    expect(logged()).toEqual([{ action: 'accept-skipped', reason: 'no allowlisted endpoint is pendingacceptance or rejected', serviceId: SERVICE }]);
    expect(callNames()).toEqual(['DescribeVpcEndpointConnections']);
  });

  test('properties without an allowlist accept nobody', async () => {
    const { fake, handler, callNames, actions } = setup([service(SERVICE, [SECURED])]);
    fake.connect(SERVICE, A1, 'pendingAcceptance');
    expect((await handler(acceptEvent(undefined))).Data).toEqual({ EndpointCount: 0 });
    expect(fake.stateOf(A1)).toBe('pendingAcceptance');
    expect(callNames()).not.toContain('AcceptVpcEndpointConnections');
    expect(actions()).toEqual(['left-unaccepted', 'accept-skipped']);
  });

  test('a service no longer described is no rollback: the accept goes on', async () => {
    const { fake, handler } = setup([]);
    fake.connect(SERVICE, A1, 'rejected');
    expect((await handler(acceptEvent([A1], [LEGACY], [SECURED]))).Data).toEqual({ EndpointCount: 1 });
    expect(fake.stateOf(A1)).toBe('available');
  });

  test('a describe by id answered without ServiceConfigurations is no rollback: the accept goes on', async () => {
    const { mock, fake, handler } = setup();
    mock.on(DescribeVpcEndpointServiceConfigurationsCommand).resolves({});
    fake.connect(SERVICE, A1, 'rejected');
    expect((await handler(acceptEvent([A1], [LEGACY], [SECURED]))).Data).toEqual({ EndpointCount: 1 });
  });

  test('a describe by id that answers with another service first uses the one asked for', async () => {
    const { fake, handler } = setup([service(OTHER_SERVICE, [SECURED]), service(SERVICE, [LEGACY])]);
    fake.connect(SERVICE, A1, 'rejected');
    // The live service is already on the new set: an ordinary accept. The other service, read as ours, would
    // look like a rollback (it has the old set, which these properties leave out).
    expect((await handler(acceptEvent([A1], [LEGACY], [SECURED]))).Data).toEqual({ EndpointCount: 1 });
    expect(fake.stateOf(A1)).toBe('available');
  });

  test('a service described without load balancers is no rollback', async () => {
    const { fake, handler, actions } = setup([service(SERVICE, undefined)]);
    fake.connect(SERVICE, A1, 'rejected');
    expect((await handler(acceptEvent([A1]))).Data).toEqual({ EndpointCount: 1 });
    expect(actions()).toEqual(['accepting', 'accepted']);
  });

  test('a forward accept on a service that has the new set records no skipped rejection', async () => {
    const { fake, handler, actions } = setup([service(SERVICE, [SECURED])]);
    fake.connect(SERVICE, A1, 'rejected');
    await handler(acceptEvent([A1]));
    expect(actions()).toEqual(['accepting', 'accepted']);
  });

  test('a service with a load balancer left out but not the previous set records why it rejects nobody', async () => {
    const { fake, handler, logged, callNames } = setup([service(SERVICE, [SECURED, LEGACY])]);
    fake.connect(SERVICE, A1, 'available');
    await handler(acceptEvent([A1], [SECURED], [LEGACY]));
    expect(logged()[0]).toEqual({
      action: 'reject-skipped',
      reason: 'the service has a load balancer these properties leave out, but not the set of the previous properties: not a rollback of this step',
      serviceId: SERVICE,
      attached: [SECURED, LEGACY],
      wanted: [SECURED],
      previous: [LEGACY],
    });
    expect(callNames()).not.toContain('RejectVpcEndpointConnections');
  });

  test('a rollback records the undoing with its reason before rejecting', async () => {
    const { fake, handler, logged } = setup([service(SERVICE, [SECURED])]);
    fake.connect(SERVICE, A1, 'available');
    expect((await handler(acceptEvent([A1], [LEGACY], [SECURED]))).Data).toEqual({ EndpointCount: 1 });
    expect(logged()[0]).toEqual({
      action: 'swap-undoing',
      reason: 'the service has the load balancers of the previous properties, and one these leave out: '
        + 'CloudFormation is about to move it back (a rollback after the accept step ran)',
      serviceId: SERVICE,
      attached: [SECURED],
      wanted: [LEGACY],
    });
  });

  test('a rollback with no swap tag in either properties rejects nobody, even from a service tagged with the key and no value', async () => {
    const { fake, handler, logged, callNames } = setup([service(SERVICE, [SECURED], [{ Key: SWAP_TAG_KEY } as any])]);
    fake.connect(SERVICE, A1, 'available');
    const event = acceptEvent([A1], [LEGACY], [SECURED]);
    const { ServiceTag: _new, ...props } = event.ResourceProperties as any;
    const { ServiceTag: _old, ...old } = event.OldResourceProperties as any;
    expect((await handler({ ...event, ResourceProperties: props, OldResourceProperties: old })).Data).toEqual({ EndpointCount: 0 });
    expect(fake.stateOf(A1)).toBe('available');
    expect(callNames()).toEqual([]);
    expect(logged()).toEqual([{
      action: 'reject-skipped', reason: `the service does not carry the swap tag ${SWAP_TAG_KEY}=(none in the properties)`, serviceId: SERVICE, attached: [SECURED],
    }]);
  });

  test('a rollback on a service tagged for another swap names the tag it looked for', async () => {
    const { handler, logged } = setup([service(SERVICE, [SECURED], [{ Key: SWAP_TAG_KEY, Value: 'Other/Swap' }])]);
    await handler(acceptEvent([A1], [LEGACY], [SECURED]));
    expect(logged()[0].reason).toBe(`the service does not carry the swap tag ${SWAP_TAG_KEY}=${TAG}`);
  });

  test('an endpoint that keeps answering not-found is gone, not retried', async () => {
    const { fake, handler, logged, sleeps } = setup([service(SERVICE, [SECURED])]);
    fake.connect(SERVICE, A1, 'rejected').failItem(A1, 'InvalidVpcEndpointId.NotFound', 100);
    expect((await handler(acceptEvent([A1]))).Data).toEqual({ EndpointCount: 1 });
    expect(sleeps).toEqual([]);
    expect(fake.calls.filter((c) => c.name === 'AcceptVpcEndpointConnections')).toHaveLength(1);
    expect(logged()).toContainEqual({ action: 'accept-not-needed', reason: 'the endpoint no longer exists', serviceId: SERVICE, endpointIds: [A1] });
  });

  test('a retry of an endpoint in the wrong state records neither gone nor already done', async () => {
    const { fake, handler, actions } = setup([service(SERVICE, [SECURED])]);
    fake.connect(SERVICE, A1, 'rejected').failItem(A1, 'IncorrectState', 1);
    await handler(acceptEvent([A1]));
    expect(actions()).toEqual(['accepting', 'accept-unsuccessful', 'accepted']);
  });

  test('a lost answer and a real failure together: the done one is not retried, the failed one is', async () => {
    const { fake, handler, logged } = setup([service(SERVICE, [SECURED])]);
    fake.connect(SERVICE, A1, 'rejected').connect(SERVICE, A2, 'rejected').failItem(A2, 'IncorrectState', 2).loseAnswers(1);
    // First sending: A1 accepted, A2 fails (1 left); sent again by the SDK (one call to the handler): A1 is
    // InvalidState (done), A2 fails (0 left). The next round sends A2 alone.
    expect((await handler(acceptEvent([A1, A2]))).Data).toEqual({ EndpointCount: 2 });
    const accepts = fake.calls.filter((c) => c.name === 'AcceptVpcEndpointConnections').map((c) => c.input.VpcEndpointIds);
    expect(accepts).toEqual([[A1, A2], [A2]]);
    expect(logged().find((e) => e.action === 'accept-unsuccessful').endpoints).toEqual([`${A2} (IncorrectState: IncorrectState for ${A2})`]);
    expect(logged()).toContainEqual({ action: 'accept-already-done', reason: 'already pending or available', serviceId: SERVICE, endpointIds: [A1] });
    expect(fake.endpoints(SERVICE, 'available')).toEqual([A1, A2]);
  });

  test('an accept call that fails names the call, its endpoints and the service', async () => {
    const { mock, handler } = stubbed();
    mock.on(DescribeVpcEndpointConnectionsCommand).resolves({
      VpcEndpointConnections: [A1, A2].map((id) => ({ ServiceId: SERVICE, VpcEndpointId: id, VpcEndpointState: 'rejected' as any })),
    });
    mock.on(AcceptVpcEndpointConnectionsCommand).rejects(awsError('UnauthorizedOperation', 'You are not authorized'));
    await expect(handler(acceptEvent([A1, A2]))).rejects.toThrow(`Could not accept endpoint connections ${A1}, ${A2} of ${SERVICE}: UnauthorizedOperation`);
  });

  test('an accept answered without Unsuccessful (AWS leaves out an empty list) is a success', async () => {
    const { mock, handler, sleeps } = stubbed();
    mock.on(DescribeVpcEndpointConnectionsCommand).resolves({ VpcEndpointConnections: [{ ServiceId: SERVICE, VpcEndpointId: A1, VpcEndpointState: 'rejected' as any }] });
    mock.on(AcceptVpcEndpointConnectionsCommand).resolves({});
    expect((await handler(acceptEvent([A1]))).Data).toEqual({ EndpointCount: 1 });
    expect(mock.commandCalls(AcceptVpcEndpointConnectionsCommand)).toHaveLength(1);
    // Nothing unsuccessful: no second describe to see what is already done.
    expect(mock.commandCalls(DescribeVpcEndpointConnectionsCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test('an Unsuccessful item without an error is retried, and the failure says it had no code and no message', async () => {
    const { mock, handler } = stubbed();
    mock.on(DescribeVpcEndpointConnectionsCommand).resolves({ VpcEndpointConnections: [{ ServiceId: SERVICE, VpcEndpointId: A1, VpcEndpointState: 'rejected' as any }] });
    mock.on(AcceptVpcEndpointConnectionsCommand).resolves({ Unsuccessful: [{ ResourceId: A1 }] });
    await expect(handler(acceptEvent([A1]))).rejects.toThrow(`Could not accept 1 endpoint connection(s) of ${SERVICE} after 5 attempt(s): ${A1} (no code: no message).`);
    expect(mock.commandCalls(AcceptVpcEndpointConnectionsCommand)).toHaveLength(5);
  });
});
