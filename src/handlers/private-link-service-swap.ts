/**
 * The handler behind PrivateLinkServiceSwap's two custom resources. Bundled into assets/ and run by Lambda;
 * never imported by the library's public API.
 *
 * - The **reject** step runs before the endpoint service changes load balancers. It finds the service by its
 *   swap tag (a reference would make the service depend on this step and this step on the service: a cycle).
 *   Its fail-safe: it rejects only when the service has a load balancer attached that is about to be removed
 *   (on an Update, only if its set changed: a load balancer attached by hand stays when only the allowlist does).
 *   Then it rejects every connected endpoint, because AWS will not detach a load balancer that still serves
 *   one (AWS's procedure rejects every connection first:
 *   https://repost.aws/knowledge-center/delete-nlb-associated-endpoint-services).
 * - The **accept** step runs after the change. It accepts the allowlisted endpoints, and never any other.
 *
 * Rollbacks. CloudFormation rolls back in reverse dependency order: the accept step (if it ran), then the
 * service, then the reject step, each updated back to its previous properties.
 * - The accept step's rollback is an Update whose previous properties describe the live service and whose
 *   properties leave out a load balancer it has attached: CloudFormation is about to move the service back,
 *   which AWS refuses while an endpoint is connected. So it rejects every connected endpoint, as the reject
 *   step does on the way in, on the service it references and only if that carries the swap tag. An ordinary
 *   accept (the service already has the new set), its retry, a change of the allowlist alone, Create and
 *   Delete never reject.
 * - The reject step's rollback is an Update back to the load balancers the service has again: nothing is
 *   leaving, but the endpoints rejected on the way (by it, or by the accept step's rollback) would stay
 *   rejected. So when its set changed, nothing is leaving, and the live service is not the one its previous
 *   properties describe, it accepts the allowlisted endpoints that are rejected.
 *
 * Both are idempotent, log what they find and do before they do it, and treat Delete as a no-op: deleting the
 * swap must not disconnect anyone. Responses carry counts only: CloudFormation refuses a response over 4,096
 * bytes, and the endpoint ids are in the log.
 */
import {
  AcceptVpcEndpointConnectionsCommand,
  DescribeVpcEndpointConnectionsCommand,
  DescribeVpcEndpointServiceConfigurationsCommand,
  EC2Client,
  RejectVpcEndpointConnectionsCommand,
  type ServiceConfiguration,
  type UnsuccessfulItem,
  type VpcEndpointConnection,
} from '@aws-sdk/client-ec2';
import { type AcceptStepProperties, type RejectStepProperties, SWAP_TAG_KEY, type SwapStepProperties } from '../private-link-service-swap/types';
import {
  allPages,
  type BackoffPolicy,
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  describeFailure,
  handlerClientConfig,
  listed,
  TimeBudget,
  withTimeBudget,
} from './shared/aws-calls';
import type { CustomResourceEvent } from './shared/custom-resource';

export type SwapEvent = CustomResourceEvent<SwapStepProperties>;

export interface SwapResponse {
  readonly PhysicalResourceId: string;
  readonly Data: {
    /** How many endpoints this run rejected or accepted; their ids are in the log. */
    readonly EndpointCount: number;
  };
}

export interface SwapDependencies {
  readonly ec2: EC2Client;
  /** The backoff between rounds of accepting or rejecting what AWS reported unsuccessful. */
  readonly backoff?: BackoffPolicy;
  /** The invocation's time left; rounds stop when the next one would not fit. */
  readonly budget?: TimeBudget;
  /** Where the record of what was done goes; CloudWatch Logs through `console.log` in Lambda. */
  readonly log?: (line: string) => void;
}

/** Connection states a reject applies to, and states an accept applies to (compared in lower case). */
const REJECTABLE_STATES = new Set(['pendingacceptance', 'pending', 'available', 'partial']);
const ACCEPTABLE_STATES = new Set(['pendingacceptance', 'rejected']);
/** States an endpoint is in once accepted, or once rejected: a call that finds it there has nothing left to do. */
const ACCEPTED_STATES = new Set(['pending', 'available']);
const REJECTED_STATES = new Set(['rejected']);
/** Rounds of accepting or rejecting what AWS reported as unsuccessful, before failing the deployment. */
const UNSUCCESSFUL_ROUNDS = 5;
/** Endpoint ids per accept or reject call. */
const BATCH = 50;
/** An endpoint that disappeared meanwhile: nothing left to accept or reject. */
const ENDPOINT_GONE = 'InvalidVpcEndpointId.NotFound';

export class SwapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SwapError';
  }
}

/** Makes the handler around a given EC2 client; the exported `handler` uses the runtime's default client. */
export function makeHandler(deps: SwapDependencies) {
  const swap = new EndpointServiceSwap(deps);
  return (event: SwapEvent): Promise<SwapResponse> => swap.onEvent(event);
}

export class EndpointServiceSwap {
  private readonly ec2: EC2Client;
  private readonly backoff: BackoffPolicy;
  private readonly budget: TimeBudget;
  private readonly log: (line: string) => void;

  constructor(deps: SwapDependencies) {
    this.ec2 = deps.ec2;
    this.backoff = deps.backoff ?? DEFAULT_RETRY_POLICY;
    this.budget = deps.budget ?? new TimeBudget();
    this.log = deps.log ?? ((line) => console.log(line));
  }

  async onEvent(event: SwapEvent): Promise<SwapResponse> {
    const props = event.ResourceProperties;
    const physicalId = physicalIdOf(props);
    if (event.RequestType === 'Delete') {
      this.record({ action: 'nothing-on-delete', step: props.Step, physicalId });
      return { PhysicalResourceId: event.PhysicalResourceId ?? physicalId, Data: { EndpointCount: 0 } };
    }
    const old = event.RequestType === 'Update' ? event.OldResourceProperties : undefined;
    if (old && !changed(old, props)) {
      this.record({ action: 'unchanged', step: props.Step, physicalId, reason: 'the set of load balancers and the allowlist are unchanged' });
      return { PhysicalResourceId: physicalId, Data: { EndpointCount: 0 } };
    }
    const count = async (ids: Promise<string[]>) => ({ PhysicalResourceId: physicalId, Data: { EndpointCount: (await ids).length } });
    if (props.Step === 'reject') return count(this.reject(props, old?.Step === 'reject' ? old.LoadBalancerArns : undefined));
    if (props.Step === 'accept') return count(this.accept(props, old?.Step === 'accept' ? old : undefined));
    throw new SwapError(`Unknown step ${JSON.stringify((props as { Step?: unknown }).Step)}; expected "reject" or "accept".`);
  }

  /**
   * Rejects every connected endpoint of the tagged service, if and only if the service has a load balancer
   * attached that `LoadBalancerArns` leaves out, and on an Update the set changed. Returns the rejected ids.
   *
   * When nothing is leaving, but `oldArns` (the previous properties of an Update) differ from these and from
   * the live service, this is a rollback or retry of a swap that did not finish, or that the accept step's
   * rollback undid: it accepts the allowlisted endpoints that are rejected, and returns those.
   */
  async reject(props: RejectStepProperties, oldArns?: readonly string[]): Promise<string[]> {
    const services = await this.servicesTagged(props.ServiceTag);
    if (services.length > 1) {
      throw new SwapError(`${services.length} endpoint services carry the tag ${SWAP_TAG_KEY}=${props.ServiceTag} `
        + `(${services.map((s) => s.ServiceId).join(', ')}); refusing to reject anyone until only one does.`);
    }
    const service = services[0];
    if (!service) {
      this.record({ action: 'reject-skipped', reason: 'no endpoint service carries the swap tag yet (first deployment)', tag: props.ServiceTag });
      return [];
    }
    const serviceId = service.ServiceId!;
    const attached = service.NetworkLoadBalancerArns ?? [];
    const wanted = new Set(props.LoadBalancerArns ?? []);
    const leaving = attached.filter((arn) => !wanted.has(arn));
    if (leaving.length > 0 && oldArns !== undefined && sameSet(oldArns, props.LoadBalancerArns)) {
      // CloudFormation changes the service's load balancers only when their set changes.
      this.record({ action: 'reject-skipped', reason: 'the set of load balancers is unchanged (a load balancer attached by hand stays)', serviceId, attached });
      return [];
    }
    if (leaving.length === 0) {
      this.record({ action: 'reject-skipped', reason: 'no load balancer the service has attached is being removed', serviceId, attached, wanted: [...wanted] });
      // Its previous properties name a set the service does not have: the move to them did not happen, or was
      // undone. A forward deploy finds the service as its previous properties describe it.
      const undone = oldArns !== undefined && !sameSet(oldArns, props.LoadBalancerArns) && !sameSet(attached, oldArns);
      if (!undone) return [];
      this.record({
        action: 'swap-undone',
        reason: 'the service does not have the load balancers of the previous properties, and none it has is leaving: '
        + 'a rollback or retry of a swap that did not finish or was moved back',
        serviceId,
        attached,
        previous: [...new Set(oldArns)],
      });
      return this.acceptAllowlisted(serviceId, props.ClientEndpointIds ?? [], ['rejected']);
    }
    return this.rejectConnected(serviceId, leaving);
  }

  /**
   * Accepts the allowlisted endpoints that are waiting or rejected; never any other. Returns their ids.
   *
   * On a rollback after this step ran, rejects instead (see `rejectBeforeMovingBack`): an Update whose previous
   * properties `old` describe the live service, and whose properties leave out a load balancer it has attached.
   */
  async accept(props: AcceptStepProperties, old?: AcceptStepProperties): Promise<string[]> {
    // Only an Update that changes the set can be followed by CloudFormation moving the service back.
    if (old && !sameSet(old.LoadBalancerArns, props.LoadBalancerArns)) {
      const service = await this.serviceById(props.ServiceId);
      const attached = service?.NetworkLoadBalancerArns ?? [];
      const wanted = new Set(props.LoadBalancerArns ?? []);
      const leaving = attached.filter((arn) => !wanted.has(arn));
      if (service && leaving.length > 0) {
        // A forward deploy has already moved the service to `wanted`; a rollback finds it as `old` describes it.
        if (sameSet(attached, old.LoadBalancerArns)) {
          return this.rejectBeforeMovingBack(service, leaving, [...wanted], props.ServiceTag ?? old.ServiceTag);
        }
        this.record({
          action: 'reject-skipped',
          reason: 'the service has a load balancer these properties leave out, but not the set of the previous properties: not a rollback of this step',
          serviceId: props.ServiceId,
          attached,
          wanted: [...wanted],
          previous: [...new Set(old.LoadBalancerArns)],
        });
      }
    }
    return this.acceptAllowlisted(props.ServiceId, props.ClientEndpointIds ?? [], ['pendingacceptance', 'rejected']);
  }

  /**
   * The accept step's rollback: CloudFormation is about to detach `leaving` from the service, which AWS refuses
   * while an endpoint is connected. Rejects every connected endpoint of the service, only if it carries the
   * swap tag; the reject step's rollback accepts the allowlisted ones again once the service is back.
   */
  private async rejectBeforeMovingBack(service: ServiceConfiguration, leaving: string[], wanted: string[], tag?: string): Promise<string[]> {
    const serviceId = service.ServiceId!;
    const attached = service.NetworkLoadBalancerArns ?? [];
    if (tag === undefined || !carriesSwapTag(service, tag)) {
      this.record({ action: 'reject-skipped', reason: `the service does not carry the swap tag ${SWAP_TAG_KEY}=${tag ?? '(none in the properties)'}`, serviceId, attached });
      return [];
    }
    this.record({
      action: 'swap-undoing',
      reason: 'the service has the load balancers of the previous properties, and one these leave out: '
      + 'CloudFormation is about to move it back (a rollback after the accept step ran)',
      serviceId,
      attached,
      wanted,
    });
    return this.rejectConnected(serviceId, leaving);
  }

  /** Rejects every connected endpoint of the service, so that `removing` can be detached. Returns their ids. */
  private async rejectConnected(serviceId: string, removing: string[]): Promise<string[]> {
    const connected = (await this.connectionsOf(serviceId)).filter((c) => REJECTABLE_STATES.has(stateOf(c)));
    // The record comes first: if a call fails half way, the log still says who was connected.
    this.record({ action: 'rejecting', serviceId, removing, endpoints: connected.map(describeConnection) });
    const ids = connected.map((c) => c.VpcEndpointId!);
    await this.untilDone('reject', serviceId, ids);
    this.record({ action: 'rejected', serviceId, endpointIds: ids });
    return ids;
  }

  /** Accepts the allowlisted endpoints in one of `states` (lower case); never any other. Returns their ids. */
  private async acceptAllowlisted(serviceId: string, clientEndpointIds: readonly string[], states: readonly string[]): Promise<string[]> {
    const allowlist = new Set(clientEndpointIds);
    const acceptable = new Set(states.filter((state) => ACCEPTABLE_STATES.has(state)));
    const connections = await this.connectionsOf(serviceId);
    const waiting = connections.filter((c) => acceptable.has(stateOf(c)));
    const toAccept = waiting.filter((c) => allowlist.has(c.VpcEndpointId!));
    const notAllowed = waiting.filter((c) => !allowlist.has(c.VpcEndpointId!));
    const absent = [...allowlist].filter((id) => !connections.some((c) => c.VpcEndpointId === id));
    if (notAllowed.length > 0) this.record({ action: 'left-unaccepted', reason: 'not in the allowlist', serviceId, endpoints: notAllowed.map(describeConnection) });
    if (absent.length > 0) this.record({ action: 'not-connected', reason: 'allowlisted but not connected to the service', serviceId, endpointIds: absent });
    const ids = toAccept.map((c) => c.VpcEndpointId!);
    if (ids.length === 0) {
      this.record({ action: 'accept-skipped', reason: `no allowlisted endpoint is ${[...acceptable].join(' or ')}`, serviceId });
      return [];
    }
    this.record({ action: 'accepting', serviceId, endpoints: toAccept.map(describeConnection) });
    await this.untilDone('accept', serviceId, ids);
    this.record({ action: 'accepted', serviceId, endpointIds: ids });
    return ids;
  }

  /**
   * Accepts or rejects `ids`, then again those AWS reports as unsuccessful, with backoff and jitter, for a
   * bounded number of rounds that fit in the time budget. Fails naming each endpoint still unsuccessful and
   * AWS's reason.
   */
  private async untilDone(verb: 'accept' | 'reject', serviceId: string, ids: string[]): Promise<void> {
    // Nothing to do is done: a service with no client yet, or a step run again after it rejected everyone.
    if (ids.length === 0) return;
    let pending = ids;
    let failures: UnsuccessfulItem[] = [];
    let rounds = 0;
    for (let round = 1; pending.length > 0; round++) {
      rounds = round;
      failures = [];
      for (let start = 0; start < pending.length; start += BATCH) {
        failures.push(...await this.send(verb, serviceId, pending.slice(start, start + BATCH)));
      }
      const gone = failures.filter((f) => f.Error?.Code === ENDPOINT_GONE);
      if (gone.length > 0) this.record({ action: `${verb}-not-needed`, reason: 'the endpoint no longer exists', serviceId, endpointIds: gone.map((f) => f.ResourceId) });
      failures = failures.filter((f) => f.Error?.Code !== ENDPOINT_GONE);
      if (failures.length > 0) failures = await this.notYetDone(verb, serviceId, failures);
      pending = failures.map((f) => f.ResourceId!).filter((id) => id);
      if (pending.length === 0) return;
      this.record({ action: `${verb}-unsuccessful`, serviceId, round, endpoints: failures.map(describeUnsuccessful) });
      if (round >= UNSUCCESSFUL_ROUNDS) break;
      const delay = backoffDelay(this.backoff, round);
      if (!this.budget.allowsWait(delay)) break;
      await this.backoff.sleep(delay);
    }
    throw new SwapError(`Could not ${verb} ${failures.length} endpoint connection(s) of ${serviceId} after `
      + `${rounds} attempt(s): ${listed(failures.map(describeUnsuccessful))}.`);
  }

  /**
   * The unsuccessful items whose endpoint is not yet in the state the call puts it in. An item can be reported
   * unsuccessful although it is done: the SDK sends a call again when its answer was lost (a dropped connection,
   * a timeout), and the second sending finds the first one's work done.
   */
  private async notYetDone(verb: 'accept' | 'reject', serviceId: string, failures: UnsuccessfulItem[]): Promise<UnsuccessfulItem[]> {
    const goal = verb === 'accept' ? ACCEPTED_STATES : REJECTED_STATES;
    const states = new Map((await this.connectionsOf(serviceId)).map((c) => [c.VpcEndpointId!, stateOf(c)]));
    const done = failures.filter((f) => goal.has(states.get(f.ResourceId!) ?? ''));
    if (done.length === 0) return failures;
    this.record({ action: `${verb}-already-done`, reason: `already ${[...goal].join(' or ')}`, serviceId, endpointIds: done.map((f) => f.ResourceId) });
    return failures.filter((f) => !done.includes(f));
  }

  private async send(verb: 'accept' | 'reject', serviceId: string, ids: string[]): Promise<UnsuccessfulItem[]> {
    const input = { ServiceId: serviceId, VpcEndpointIds: ids };
    const result = await this.attempt(`${verb} endpoint connections ${ids.join(', ')} of ${serviceId}`, () => verb === 'accept'
      ? this.ec2.send(new AcceptVpcEndpointConnectionsCommand(input))
      : this.ec2.send(new RejectVpcEndpointConnectionsCommand(input)));
    return result?.Unsuccessful ?? [];
  }

  /** The endpoint services carrying the swap tag; the tag is checked here too, not only by the filter. */
  private async servicesTagged(tagValue: string): Promise<ServiceConfiguration[]> {
    const services = await this.attempt(`find the endpoint service tagged ${SWAP_TAG_KEY}=${tagValue}`, () => allPages(async (token) => {
      const page = await this.ec2.send(new DescribeVpcEndpointServiceConfigurationsCommand({
        Filters: [{ Name: `tag:${SWAP_TAG_KEY}`, Values: [tagValue] }],
        MaxResults: 100,
        NextToken: token,
      }));
      return { items: page.ServiceConfigurations ?? [], nextToken: page.NextToken };
    }));
    return services.filter((s) => carriesSwapTag(s, tagValue));
  }

  /** The endpoint service with this id, as AWS describes it now. */
  private async serviceById(serviceId: string): Promise<ServiceConfiguration | undefined> {
    const page = await this.attempt(`describe the endpoint service ${serviceId}`, () =>
      this.ec2.send(new DescribeVpcEndpointServiceConfigurationsCommand({ ServiceIds: [serviceId] })));
    return (page.ServiceConfigurations ?? []).find((s) => s.ServiceId === serviceId);
  }

  private async connectionsOf(serviceId: string): Promise<VpcEndpointConnection[]> {
    const connections = await this.attempt(`describe the endpoint connections of ${serviceId}`, () => allPages(async (token) => {
      const page = await this.ec2.send(new DescribeVpcEndpointConnectionsCommand({
        Filters: [{ Name: 'service-id', Values: [serviceId] }],
        MaxResults: 100,
        NextToken: token,
      }));
      return { items: page.VpcEndpointConnections ?? [], nextToken: page.NextToken };
    }));
    return connections.filter((c) => c.ServiceId === serviceId && c.VpcEndpointId);
  }

  /** Runs an AWS call (the SDK retries it); a failure says what was being done, with AWS's error name. */
  private async attempt<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new SwapError(describeFailure(what, error));
    }
  }

  private record(entry: Record<string, unknown>): void {
    this.log(JSON.stringify(entry));
  }
}

function carriesSwapTag(service: ServiceConfiguration, tagValue: string): boolean {
  return (service.Tags ?? []).some((t) => t.Key === SWAP_TAG_KEY && t.Value === tagValue);
}

function physicalIdOf(props: SwapStepProperties): string {
  return props.Step === 'accept' ? `accept:${props.ServiceId}` : `reject:${props.ServiceTag}`;
}

/** Whether a step has anything new to do: its set of load balancers, or the accept step's allowlist, changed. */
function changed(before: SwapStepProperties, after: SwapStepProperties): boolean {
  if (before.Step !== after.Step || !sameSet(before.LoadBalancerArns, after.LoadBalancerArns)) return true;
  if (before.Step === 'accept' && after.Step === 'accept' && before.ServiceId !== after.ServiceId) return true;
  return !sameSet(before.ClientEndpointIds, after.ClientEndpointIds);
}

function sameSet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const left = new Set(a ?? []);
  const right = new Set(b ?? []);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

/** AWS reports states in camel case (`pendingAcceptance`); the SDK's enum is in Pascal case. */
function stateOf(connection: VpcEndpointConnection): string {
  return String(connection.VpcEndpointState ?? '').toLowerCase();
}

function describeConnection(c: VpcEndpointConnection) {
  return { endpointId: c.VpcEndpointId, state: c.VpcEndpointState, owner: c.VpcEndpointOwner };
}

function describeUnsuccessful(item: UnsuccessfulItem): string {
  return `${item.ResourceId} (${item.Error?.Code ?? 'no code'}: ${item.Error?.Message ?? 'no message'})`;
}

const budget = new TimeBudget();
/** The Lambda entry point: the SDK retries each call, within the time the invocation has left. */
export const handler = withTimeBudget(budget, makeHandler({ ec2: new EC2Client(handlerClientConfig(budget)), budget }));
