/**
 * A stateful fake of the three EC2 calls for VPC endpoint connections, which moto server does not implement:
 * DescribeVpcEndpointConnections, AcceptVpcEndpointConnections and RejectVpcEndpointConnections.
 *
 * It follows AWS's response shapes and error names:
 * - states in AWS's camel case (`pendingAcceptance`, `available`, `rejected`), not the SDK enum's Pascal case;
 * - a failed item in a batch comes back in `Unsuccessful` with `Error.Code` and `Error.Message`, while the
 *   call itself succeeds; an unknown endpoint is `InvalidVpcEndpointId.NotFound`, a connection in a state the
 *   call cannot change is `InvalidState`;
 * - an unknown service fails the whole call with `InvalidVpcEndpointServiceId.NotFound`;
 * - describes page with `MaxResults` (5 to 1000, more is capped at 1000) and `NextToken`; a bad token is
 *   `InvalidPaginationToken`;
 * - throttling fails the call with `RequestLimitExceeded`.
 *
 * Tests can make an endpoint fail a number of times (a partial `Unsuccessful`), the next calls throttle, or the
 * answer to a call be lost after it was applied (so that it is sent again, as the SDK retries).
 * Everything else goes to the real client: `routeEndpointConnections` sends the rest to moto.
 */
import {
  AcceptVpcEndpointConnectionsCommand,
  DescribeVpcEndpointConnectionsCommand,
  EC2Client,
  RejectVpcEndpointConnectionsCommand,
  type UnsuccessfulItem,
  type VpcEndpointConnection,
} from '@aws-sdk/client-ec2';
import { awsError } from './aws-errors';

export type ConnectionState = 'pendingAcceptance' | 'pending' | 'available' | 'partial' | 'rejected' | 'deleting' | 'deleted' | 'failed' | 'expired';

interface Connection {
  readonly serviceId: string;
  readonly endpointId: string;
  readonly owner: string;
  state: ConnectionState;
}

type EndpointCommand = DescribeVpcEndpointConnectionsCommand | AcceptVpcEndpointConnectionsCommand | RejectVpcEndpointConnectionsCommand;

export class FakeEndpointConnections {
  /** Every call the fake answered, in order, for assertions on what the handler asked. */
  readonly calls: { readonly name: string; readonly input: Record<string, any> }[] = [];
  private readonly services = new Set<string>();
  private readonly connections: Connection[] = [];
  private readonly failures = new Map<string, { code: string; times: number }>();
  private throttles = 0;
  private lostAnswers = 0;

  /** Makes a service known, as if its configuration existed. */
  addService(serviceId: string): this {
    this.services.add(serviceId);
    return this;
  }

  /** A client's endpoint connecting to a service, in the given state. */
  connect(serviceId: string, endpointId: string, state: ConnectionState = 'pendingAcceptance', owner = '111122223333'): this {
    this.addService(serviceId);
    this.connections.push({ serviceId, endpointId, owner, state });
    return this;
  }

  stateOf(endpointId: string): ConnectionState | undefined {
    return this.connections.find((c) => c.endpointId === endpointId)?.state;
  }

  /** The endpoints of a service in a state, sorted. */
  endpoints(serviceId: string, state: ConnectionState): string[] {
    return this.connections.filter((c) => c.serviceId === serviceId && c.state === state).map((c) => c.endpointId).sort();
  }

  /**
   * The endpoints still connected to a service (waiting, accepted or partly so), sorted. AWS's procedure for
   * detaching a load balancer from an endpoint service is to reject every connection first.
   */
  connected(serviceId: string): string[] {
    return (['pendingAcceptance', 'pending', 'available', 'partial'] as const).flatMap((state) => this.endpoints(serviceId, state)).sort();
  }

  /** The endpoint comes back `Unsuccessful` with `code` from the next `times` accept or reject calls naming it. */
  failItem(endpointId: string, code: string, times: number): this {
    this.failures.set(endpointId, { code, times });
    return this;
  }

  /** The next `times` calls fail with RequestLimitExceeded. */
  throttle(times: number): this {
    this.throttles = times;
    return this;
  }

  /**
   * The answer to the next `times` accept or reject calls is lost after AWS applied them (a dropped connection,
   * a timeout), so the SDK sends each again: the caller sees the answer to the second, applied one.
   */
  loseAnswers(times: number): this {
    this.lostAnswers = times;
    return this;
  }

  handles(command: unknown): command is EndpointCommand {
    return command instanceof DescribeVpcEndpointConnectionsCommand
      || command instanceof AcceptVpcEndpointConnectionsCommand
      || command instanceof RejectVpcEndpointConnectionsCommand;
  }

  async send(command: EndpointCommand): Promise<any> {
    const name = command.constructor.name.replace(/Command$/, '');
    this.calls.push({ name, input: structuredClone(command.input) });
    if (this.throttles > 0) {
      this.throttles--;
      throw awsError('RequestLimitExceeded', 'Request limit exceeded.');
    }
    if (command instanceof DescribeVpcEndpointConnectionsCommand) return this.describe(command.input);
    if (this.lostAnswers > 0) {
      this.lostAnswers--;
      this.apply(command);
    }
    return this.apply(command);
  }

  private apply(command: AcceptVpcEndpointConnectionsCommand | RejectVpcEndpointConnectionsCommand) {
    if (command instanceof AcceptVpcEndpointConnectionsCommand) return this.change(command.input, ['pendingAcceptance', 'rejected'], 'available');
    return this.change(command.input, ['pendingAcceptance', 'pending', 'available', 'partial'], 'rejected');
  }

  private describe(input: DescribeVpcEndpointConnectionsCommand['input']) {
    const max = input.MaxResults ?? 1000;
    if (max < 5) throw awsError('InvalidParameterValue', `Value ( ${max} ) for parameter maxResults is invalid. Expecting a value greater than 5.`);
    const pageSize = Math.min(max, 1000);
    const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
    if (!Number.isInteger(start) || start < 0 || start > this.connections.length) {
      throw awsError('InvalidPaginationToken', `Invalid pagination token: ${input.NextToken}`);
    }
    const filters = new Map((input.Filters ?? []).map((f) => [f.Name!, new Set(f.Values ?? [])]));
    const matching = this.connections.filter((c) =>
      (!filters.has('service-id') || filters.get('service-id')!.has(c.serviceId))
      && (!filters.has('vpc-endpoint-id') || filters.get('vpc-endpoint-id')!.has(c.endpointId))
      && (!filters.has('vpc-endpoint-state') || filters.get('vpc-endpoint-state')!.has(c.state)));
    const page = matching.slice(start, start + pageSize);
    const next = start + pageSize < matching.length ? String(start + pageSize) : undefined;
    const connections: VpcEndpointConnection[] = page.map((c) => ({
      ServiceId: c.serviceId,
      VpcEndpointId: c.endpointId,
      VpcEndpointOwner: c.owner,
      VpcEndpointState: c.state as VpcEndpointConnection['VpcEndpointState'],
    }));
    return { VpcEndpointConnections: connections, NextToken: next, $metadata: {} };
  }

  private change(input: { ServiceId?: string; VpcEndpointIds?: string[] }, from: ConnectionState[], to: ConnectionState) {
    if (!this.services.has(input.ServiceId!)) {
      throw awsError('InvalidVpcEndpointServiceId.NotFound', `The Vpc Endpoint Service Id '${input.ServiceId}' does not exist`);
    }
    const unsuccessful: UnsuccessfulItem[] = [];
    for (const id of input.VpcEndpointIds ?? []) {
      const connection = this.connections.find((c) => c.endpointId === id && c.serviceId === input.ServiceId);
      const failure = this.failures.get(id);
      if (!connection) {
        unsuccessful.push({ ResourceId: id, Error: { Code: 'InvalidVpcEndpointId.NotFound', Message: `The Vpc Endpoint Id '${id}' does not exist` } });
      } else if (failure && failure.times > 0) {
        failure.times--;
        unsuccessful.push({ ResourceId: id, Error: { Code: failure.code, Message: `${failure.code} for ${id}` } });
      } else if (!from.includes(connection.state)) {
        unsuccessful.push({ ResourceId: id, Error: { Code: 'InvalidState', Message: `Endpoint ${id} is in state ${connection.state}` } });
      } else {
        connection.state = to;
      }
    }
    return { Unsuccessful: unsuccessful, $metadata: {} };
  }
}

/**
 * An EC2 client that sends the endpoint-connection calls to the fake and every other call to `client` (moto
 * server, in the integration tests).
 */
export function routeEndpointConnections(client: EC2Client, fake: FakeEndpointConnections): EC2Client {
  const real = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  (client as { send: unknown }).send = (command: unknown) => (fake.handles(command) ? fake.send(command) : real(command));
  return client;
}
