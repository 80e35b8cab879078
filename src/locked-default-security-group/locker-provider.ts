import { Duration, Fn, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { handlerFunction } from '../core/handler-function';
import { acknowledgeWildcardResource } from '../core/nag';
import { frameworkProvider } from '../core/provider';

const PROVIDER_ID = 'SgStrategyDefaultGroupLocker';

/**
 * The one handler function and Provider of a stack, shared by every LockedDefaultSecurityGroup in it.
 * Each locker attaches a policy of its own for its group, so the function can change only the groups its
 * stack locks, and a locker's permission lives exactly as long as the locker: its custom resource depends on
 * the policy, so CloudFormation deletes the policy only after the locker's Delete has run.
 */
export class LockerProvider extends Construct {
  /** The stack's provider, created on first use. */
  static of(scope: IConstruct): LockerProvider {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(PROVIDER_ID) as LockerProvider | undefined) ?? new LockerProvider(stack, PROVIDER_ID);
  }

  readonly handler: lambda.Function;
  readonly serviceToken: string;
  private readonly role: iam.Role;
  private readonly driftGroupIds: string[] = [];

  private constructor(stack: Stack, id: string) {
    super(stack, id);

    // The Describe actions of EC2 do not support resource-level permissions, so they need "*". The
    // actions that change a group (revoke, authorize) are granted per group by each locker.
    const { fn, role } = handlerFunction(this, 'Handler', {
      handler: 'lock-default-security-group',
      description: 'Revokes every rule of a VPC default security group (cdk-sg-strategy LockedDefaultSecurityGroup)',
      timeout: Duration.minutes(5),
      environment: {
        LOCKED_GROUP_IDS: Lazy.string({ produce: () => Fn.join(',', this.driftGroupIds.length ? this.driftGroupIds : ['none']) }),
      },
    });
    this.handler = fn;
    this.role = role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeVpcs'],
      resources: ['*'],
    }));

    const provider = frameworkProvider(this, fn, 'Runs the custom-resource framework for cdk-sg-strategy LockedDefaultSecurityGroup');
    this.serviceToken = provider.serviceToken;

    // What cdk-nag's AwsSolutions pack flags here is required, and acknowledged with the reason.
    acknowledgeWildcardResource(this.role, '*', 'ec2:DescribeSecurityGroups, ec2:DescribeSecurityGroupRules and ec2:DescribeVpcs support no '
      + 'resource-level permissions. Revoke and authorize are granted on each locked group\'s ARN alone.');
  }

  /**
   * Lets the handler change one group (revoke, and put AWS's defaults back when asked) through a policy of the
   * locker's own, which the locker's custom resource must depend on.
   */
  allowChanges(locker: Construct, groupArn: string, restoreOnDelete: boolean): iam.Policy {
    const actions = ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'];
    if (restoreOnDelete) actions.push('ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress');
    return new iam.Policy(locker, 'Permission', {
      roles: [this.role],
      statements: [new iam.PolicyStatement({ actions, resources: [groupArn] })],
    });
  }

  /** A drift event for this group may relock it (the handler ignores events for any other group). */
  allowDriftRelock(groupId: string): void {
    this.driftGroupIds.push(groupId);
  }
}
