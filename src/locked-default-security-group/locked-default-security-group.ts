import { CfnResource, CustomResource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct, IConstruct } from 'constructs';
import { LockerProvider } from './locker-provider';
import { ec2ApiCallPattern } from '../core/cloudtrail';
import { validationError } from '../core/errors';
import { vpcIdentity } from '../core/vpc-identity';
import { LOCKED_DEFAULT_SECURITY_GROUP_TYPE } from '../model/build-model';

/**
 * Properties of a LockedDefaultSecurityGroup.
 */
export interface LockedDefaultSecurityGroupProps {
  /**
   * The VPC whose default security group is locked: an `ec2.Vpc`, a `CfnVPC`, or an imported VPC
   * (`Vpc.fromLookup`, `Vpc.fromVpcAttributes`) together with `defaultSecurityGroupId`.
   */
  readonly vpc: ec2.IVPCRef;

  /**
   * The id of the VPC's default security group. Needed for an imported VPC; for a VPC in this app it is
   * read from the VPC.
   *
   * @default - the `DefaultSecurityGroup` attribute of the VPC, when the VPC is in this app
   */
  readonly defaultSecurityGroupId?: string;

  /**
   * When the locker is deleted, put back the rules AWS gives a new default group: all traffic in from the
   * group itself, all traffic out to 0.0.0.0/0, and all traffic out to ::/0 when the VPC has an IPv6 CIDR
   * block. Off by default: the group stays locked.
   *
   * @default false
   */
  readonly restoreAwsDefaultsOnDelete?: boolean;

  /**
   * Relock on every deploy, so rules someone added by hand are gone after the next `cdk deploy`. It adds a
   * property that changes on every synth, so the locker shows in every `cdk diff`. Turn it off for
   * reproducible templates, and use `relockOnDrift` instead.
   *
   * @default true
   */
  readonly relockOnEveryDeploy?: boolean;

  /**
   * Relock within a minute whenever someone adds or changes a rule on the group. An EventBridge rule on the
   * CloudTrail events `AuthorizeSecurityGroupIngress`, `AuthorizeSecurityGroupEgress` and
   * `ModifySecurityGroupRules` for this group invokes the locker's handler. It needs CloudTrail management
   * events in the stack's region (any trail, or the event history EventBridge receives by default).
   *
   * @default false
   */
  readonly relockOnDrift?: boolean;
}

const LOCKERS = Symbol.for('cdk-sg-strategy.LockedDefaultSecurityGroup.lockers');
const SECURITY_GROUP_ID = /^sg-[0-9a-f]+$/;
const VPC_ID = /^vpc-[0-9a-f]+$/;
/** The child CDK's `Vpc` creates for `restrictDefaultSecurityGroup`. */
const CDK_RESTRICTION_ID = 'RestrictDefaultSecurityGroupCustomResource';

/**
 * Keeps a VPC's default security group without any rule.
 *
 * Every VPC has a default security group that cannot be deleted, and resources land in it when nobody
 * names a group. This custom resource revokes every rule of that group, ingress and egress, IPv4 and IPv6,
 * group references and prefix lists, on create and (by default) on every deploy. Unlike CDK's
 * `restrictDefaultSecurityGroup` it also removes rules added by hand, works on imported VPCs, and leaves
 * the group locked when it is removed.
 *
 * There is one locker per VPC: a second one for the same VPC is an error. Each stack has one handler
 * function, shared by its lockers, whose role may change only the groups they lock.
 */
export class LockedDefaultSecurityGroup extends Construct {
  /**
   * The locker of a VPC in this app, if it has one.
   */
  public static lockerOf(vpc: ec2.IVPCRef): LockedDefaultSecurityGroup | undefined {
    const key = vpcIdentity(vpc.vpcRef.vpcId);
    return key === undefined ? undefined : registry(vpc).get(key);
  }

  /** The id of the group this locker keeps empty. */
  public readonly defaultSecurityGroupId: string;

  constructor(scope: Construct, id: string, props: LockedDefaultSecurityGroupProps) {
    super(scope, id);
    const vpcId = props.vpc.vpcRef.vpcId;
    if (!Token.isUnresolved(vpcId) && !VPC_ID.test(vpcId)) {
      throw validationError(this, `"${vpcId}" is not a VPC id (vpc-…). Give the VPC whose default security group to lock.`);
    }
    // What identifies the VPC across the app: its CfnVPC, or the literal id of an imported VPC.
    const identity = vpcIdentity(vpcId);
    const cfnVpc = CfnResource.isCfnResource(identity) && identity.cfnResourceType === 'AWS::EC2::VPC' ? identity : undefined;
    const groupId = props.defaultSecurityGroupId ?? cfnVpc?.getAtt('DefaultSecurityGroup').toString();
    if (groupId === undefined) {
      throw validationError(this, 'an imported VPC needs defaultSecurityGroupId: the id of its security group named "default" '
        + '(aws ec2 describe-security-groups --filters Name=vpc-id,Values=<vpc> Name=group-name,Values=default).');
    }
    if (!Token.isUnresolved(groupId) && !SECURITY_GROUP_ID.test(groupId)) {
      throw validationError(this, `defaultSecurityGroupId "${groupId}" is not a security group id (sg-…).`);
    }

    const key = identity ?? groupId;
    const lockers = registry(this);
    const existing = lockers.get(key);
    if (existing) {
      throw validationError(this, `the default security group of this VPC is already locked by ${existing.node.path}. One locker per VPC.`);
    }
    lockers.set(key, this);
    this.defaultSecurityGroupId = groupId;

    const restoreOnDelete = props.restoreAwsDefaultsOnDelete ?? false;
    const provider = LockerProvider.of(this);
    const stack = Stack.of(this);
    const permission = provider.allowChanges(this, stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: groupId }), restoreOnDelete);

    const resource = new CustomResource(this, 'Resource', {
      resourceType: LOCKED_DEFAULT_SECURITY_GROUP_TYPE,
      serviceToken: provider.serviceToken,
      properties: {
        DefaultSecurityGroupId: groupId,
        VpcId: vpcId,
        RestoreAwsDefaultsOnDelete: restoreOnDelete,
        // A value that differs on every synth makes CloudFormation send an Update, which relocks.
        ...(props.relockOnEveryDeploy ?? true ? { DeployNonce: new Date().toISOString() } : {}),
      },
    });

    // Created after its permission and deleted before it, so that restoreAwsDefaultsOnDelete still may
    // authorize when the locker is removed from a stack that keeps others.
    resource.node.addDependency(permission);

    // Coexisting with CDK's restrictDefaultSecurityGroup: run after it, so the last word is ours.
    const cdkRestriction = cfnVpc?.node.scope?.node.tryFindChild(CDK_RESTRICTION_ID);
    if (cdkRestriction) resource.node.addDependency(cdkRestriction);

    if (props.relockOnDrift) {
      provider.allowDriftRelock(groupId);
      new events.Rule(this, 'RelockOnDrift', {
        description: `Relocks default security group ${Token.isUnresolved(groupId) ? 'of the VPC' : groupId} when a rule is added to it`,
        eventPattern: ec2ApiCallPattern(['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'ModifySecurityGroupRules'], {
          $or: [
            { requestParameters: { groupId: [groupId] } },
            { requestParameters: { ModifySecurityGroupRulesRequest: { GroupId: [groupId] } } },
            // A call on the default VPC may name its default group instead; the handler resolves the name.
            { requestParameters: { groupName: ['default'] } },
          ],
        }),
        targets: [new targets.LambdaFunction(provider.handler, { retryAttempts: 2 })],
      });
    }
  }
}

function registry(scope: IConstruct): Map<IConstruct | string, LockedDefaultSecurityGroup> {
  const root = scope.node.root as unknown as { [LOCKERS]?: Map<IConstruct | string, LockedDefaultSecurityGroup> };
  return root[LOCKERS] ??= new Map();
}
