import { Annotations, Aws, CustomResource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SwapProvider } from './swap-provider';
import { type AcceptStepProperties, type RejectStepProperties, SWAP_TAG_KEY } from './types';
import { validationError } from '../core/errors';

export interface PrivateLinkServiceSwapProps {
  /**
   * The Network Load Balancers the endpoint service has after this deployment. Changing this list is the
   * swap: the service's connections are rejected before it changes and the allowlisted ones accepted after.
   */
  readonly loadBalancers: ec2.IVpcEndpointServiceLoadBalancer[];

  /**
   * Whether a new endpoint connection waits for acceptance.
   *
   * @default true
   */
  readonly acceptanceRequired?: boolean;

  /**
   * The principals allowed to create endpoints to the service.
   *
   * @default - nobody but the service's own account
   */
  readonly allowedPrincipals?: iam.ArnPrincipal[];

  /**
   * The client endpoints (`vpce-…`) to accept after a swap, and on every deployment that changes this list.
   * No other endpoint is ever accepted by the swap.
   *
   * @default - none: a warning says that everyone rejected by a swap stays rejected
   */
  readonly clientEndpointIds?: string[];
}

/** An endpoint id as AWS issues it: `vpce-` and 17 hexadecimal digits (8 for old endpoints). */
const ENDPOINT_ID = /^vpce-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * A VPC endpoint service whose Network Load Balancers can be replaced without a failed deployment or clients
 * left out: for example moving from an NLB without a security group to a SecuredNetworkLoadBalancer.
 *
 * AWS will not detach a load balancer from a service that endpoints are connected through. The swap runs in
 * this order, enforced by CloudFormation (the service `DependsOn` the reject step; the accept step references
 * the service):
 * 1. a **reject** custom resource rejects the service's connected endpoints, only if the service has a load
 *    balancer attached that is about to be removed (a fail-safe); when a failed swap rolls back, once the
 *    service has its old load balancers again, it accepts the allowlisted endpoints that are rejected;
 * 2. the endpoint service's `NetworkLoadBalancerArns` change;
 * 3. an **accept** custom resource accepts the allowlisted endpoints, and no other, retrying those AWS reports
 *    as unsuccessful, then failing the deployment naming them. When a later resource fails and the swap rolls
 *    back, it rejects the service's connected endpoints before CloudFormation moves the service back.
 *
 * Both steps run only when the set of load balancers changes (accept also when the allowlist does), not on
 * every deployment. Clients are disconnected between steps 1 and 3.
 *
 * The reject step finds the service by a tag holding the stack name and this construct's path. A reference to
 * the service would make the service depend on the step and the step on the service: a cycle.
 */
export class PrivateLinkServiceSwap extends Construct {
  /** The endpoint service. */
  public readonly endpointService: ec2.VpcEndpointService;
  /** The endpoint service's CloudFormation resource (to keep an existing service's logical id, for example). */
  public readonly cfnEndpointService: ec2.CfnVPCEndpointService;
  /** The endpoint service's id (`vpce-svc-…`). */
  public readonly serviceId: string;
  /** The name clients create their endpoints with (`com.amazonaws.vpce.<region>.vpce-svc-…`). */
  public readonly serviceName: string;
  public readonly acceptanceRequired: boolean;
  public readonly allowedPrincipals: iam.ArnPrincipal[];
  /** The endpoints the accept step may accept. */
  public readonly clientEndpointIds: string[];
  /**
   * The custom resource that rejects connections before the service changes (and, on a rollback, accepts the
   * allowlisted ones once the service is back).
   */
  public readonly rejectStep: CustomResource;
  /**
   * The custom resource that accepts the allowlisted connections after the service changed (and, on a
   * rollback, rejects the connections before the service moves back).
   */
  public readonly acceptStep: CustomResource;

  constructor(scope: Construct, id: string, props: PrivateLinkServiceSwapProps) {
    super(scope, id);
    if (props.loadBalancers.length === 0) {
      throw validationError(this, 'loadBalancers is empty: an endpoint service needs at least one Network Load Balancer.');
    }
    for (const endpointId of props.clientEndpointIds ?? []) {
      if (!Token.isUnresolved(endpointId) && !ENDPOINT_ID.test(endpointId)) {
        throw validationError(this, `clientEndpointIds holds "${endpointId}", which is not a VPC endpoint id (vpce- and 17 hexadecimal digits).`);
      }
    }
    this.acceptanceRequired = props.acceptanceRequired ?? true;
    this.allowedPrincipals = props.allowedPrincipals ?? [];
    this.clientEndpointIds = [...new Set(props.clientEndpointIds ?? [])];
    if (this.clientEndpointIds.length === 0) {
      Annotations.of(this).addWarningV2('cdk-sg-strategy:emptyClientAllowlist', this.acceptanceRequired
        ? 'clientEndpointIds is empty and acceptance is required: every endpoint will stay pending or rejected, so no client connects.'
        : 'clientEndpointIds is empty: endpoints rejected by a swap will stay rejected until someone accepts them by hand.');
    }

    const provider = SwapProvider.of(this);
    const loadBalancerArns = props.loadBalancers.map((lb) => lb.loadBalancerArn);
    const serviceTag = `${Aws.STACK_NAME}/${this.node.path}`;

    const rejectProperties: RejectStepProperties = {
      Step: 'reject', ServiceTag: serviceTag, LoadBalancerArns: loadBalancerArns, ClientEndpointIds: this.clientEndpointIds,
    };
    provider.allowReject(serviceTag);
    this.rejectStep = new CustomResource(this, 'RejectStep', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::SgStrategyPrivateLinkReject',
      properties: rejectProperties,
    });

    this.endpointService = new ec2.VpcEndpointService(this, 'Service', {
      vpcEndpointServiceLoadBalancers: props.loadBalancers,
      acceptanceRequired: this.acceptanceRequired,
      allowedPrincipals: this.allowedPrincipals,
    });
    // CDK names the L1 after the L2's id rather than `Resource`, so it is not the L2's defaultChild.
    const cfnService = this.endpointService.node.children.find((c): c is ec2.CfnVPCEndpointService => c instanceof ec2.CfnVPCEndpointService)!;
    this.cfnEndpointService = cfnService;
    cfnService.cdkTagManager.setTag(SWAP_TAG_KEY, serviceTag);
    cfnService.node.addDependency(this.rejectStep);
    this.serviceId = this.endpointService.vpcEndpointServiceId;
    this.serviceName = this.endpointService.vpcEndpointServiceName;

    // Accept is granted on this service alone, in a policy of its own: in the role's default policy the
    // reference would make the handler, so the reject step, wait for the service. Reject too, for the accept
    // step's rollback, and only while the service carries its swap tag, as for the reject step.
    const serviceArn = Stack.of(this).formatArn({ service: 'ec2', resource: 'vpc-endpoint-service', resourceName: this.serviceId });
    const acceptPolicy = new iam.Policy(this, 'AcceptPolicy', {
      roles: [provider.role],
      statements: [
        new iam.PolicyStatement({ actions: ['ec2:AcceptVpcEndpointConnections'], resources: [serviceArn] }),
        new iam.PolicyStatement({
          actions: ['ec2:RejectVpcEndpointConnections'],
          resources: [serviceArn],
          conditions: { StringEquals: { [`aws:ResourceTag/${SWAP_TAG_KEY}`]: serviceTag } },
        }),
      ],
    });
    const acceptProperties: AcceptStepProperties = {
      Step: 'accept', ServiceId: this.serviceId, ServiceTag: serviceTag, LoadBalancerArns: loadBalancerArns, ClientEndpointIds: this.clientEndpointIds,
    };
    this.acceptStep = new CustomResource(this, 'AcceptStep', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::SgStrategyPrivateLinkAccept',
      properties: acceptProperties,
    });
    // Its ServiceId property already makes it wait for the service; the policy must be in place too.
    this.acceptStep.node.addDependency(acceptPolicy);
  }
}
