/**
 * The contract between PrivateLinkServiceSwap and its handler: the custom resources' properties, as the
 * construct writes them and the handler reads them. CloudFormation passes every value as a string.
 */

/** Which of the two custom resources an event is for. */
export type SwapStep = 'reject' | 'accept';

/** The tag that lets the reject step find the service without a reference to it (which would be a cycle). */
export const SWAP_TAG_KEY = 'cdk-sg-strategy:private-link-swap';

export interface RejectStepProperties {
  readonly Step: 'reject';
  /** The value of the SWAP_TAG_KEY tag on the service: the stack name and the construct path. */
  readonly ServiceTag: string;
  /** The load balancers the service is about to have. A change here is what makes this step run. */
  readonly LoadBalancerArns: string[];
  /**
   * The endpoints a rollback of the swap accepts again. Optional: resources deployed by an earlier version
   * have none.
   */
  readonly ClientEndpointIds?: string[];
}

export interface AcceptStepProperties {
  readonly Step: 'accept';
  readonly ServiceId: string;
  /**
   * The service's swap tag, as in the reject step: a rollback rejects connections only on a service carrying
   * it. Optional: resources deployed by an earlier version have none (a rollback then takes the new one's).
   */
  readonly ServiceTag?: string;
  readonly LoadBalancerArns: string[];
  /** The only endpoints this step may accept. */
  readonly ClientEndpointIds: string[];
}

export type SwapStepProperties = RejectStepProperties | AcceptStepProperties;
