import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { SWAP_TAG_KEY } from './types';
import { handlerFunction } from '../core/handler-function';
import { acknowledgeWildcardResource } from '../core/nag';
import { frameworkProvider } from '../core/provider';

const PROVIDER_ID = 'SgStrategyPrivateLinkSwap';

/**
 * The one handler function and Provider of a stack, shared by every PrivateLinkServiceSwap in it.
 *
 * Its role's own policy never names an endpoint service: the reject step runs before the service exists or
 * changes, so a reference would be a dependency cycle. Reject is allowed on services carrying a swap's tag;
 * each swap attaches its own policy for accept (and, for the accept step's rollback, reject while the service
 * carries its tag), on its service's ARN.
 */
export class SwapProvider extends Construct {
  /** The stack's provider, created on first use. */
  static of(scope: IConstruct): SwapProvider {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(PROVIDER_ID) as SwapProvider | undefined) ?? new SwapProvider(stack, PROVIDER_ID);
  }

  readonly serviceToken: string;
  readonly role: iam.Role;

  private constructor(stack: Stack, id: string) {
    super(stack, id);
    const { fn, role } = handlerFunction(this, 'Handler', {
      handler: 'private-link-service-swap',
      description: 'Rejects, then accepts, VPC endpoint connections around a load balancer swap (cdk-sg-strategy PrivateLinkServiceSwap)',
      timeout: Duration.minutes(5),
    });
    this.role = role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ec2:DescribeVpcEndpointServiceConfigurations', 'ec2:DescribeVpcEndpointConnections'],
      resources: ['*'],
    }));
    this.serviceToken = frameworkProvider(this, fn, 'Runs the custom-resource framework for cdk-sg-strategy PrivateLinkServiceSwap').serviceToken;

    acknowledgeWildcardResource(role, '*', 'ec2:DescribeVpcEndpointServiceConfigurations and ec2:DescribeVpcEndpointConnections '
      + 'support no resource-level permissions. Accept is granted on each service\'s ARN, reject only on services carrying a swap\'s tag.');
    acknowledgeWildcardResource(role, this.anyEndpointService(), 'The reject step runs before its endpoint service is created or '
      + `changed, so it cannot name the service's ARN without a dependency cycle; a condition limits reject (and accept, on a rollback) to the service tagged ${SWAP_TAG_KEY} by its swap.`);
  }

  /**
   * Lets the reject step reject connections of the one service that carries this tag value, and accept them
   * again when a swap rolls back.
   */
  allowReject(tagValue: string): void {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ec2:RejectVpcEndpointConnections', 'ec2:AcceptVpcEndpointConnections'],
      resources: [this.anyEndpointService()],
      conditions: { StringEquals: { [`aws:ResourceTag/${SWAP_TAG_KEY}`]: tagValue } },
    }));
  }

  private anyEndpointService(): string {
    return Stack.of(this).formatArn({ service: 'ec2', resource: 'vpc-endpoint-service', resourceName: '*' });
  }
}
