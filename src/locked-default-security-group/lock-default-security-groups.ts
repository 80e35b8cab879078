import { IAspect } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { LockedDefaultSecurityGroup } from './locked-default-security-group';

/**
 * Properties of LockDefaultSecurityGroups: the settings of each locker it adds.
 */
export interface LockDefaultSecurityGroupsProps {
  /**
   * @default false
   * @see LockedDefaultSecurityGroupProps.restoreAwsDefaultsOnDelete
   */
  readonly restoreAwsDefaultsOnDelete?: boolean;

  /**
   * @default true
   * @see LockedDefaultSecurityGroupProps.relockOnEveryDeploy
   */
  readonly relockOnEveryDeploy?: boolean;

  /**
   * @default false
   * @see LockedDefaultSecurityGroupProps.relockOnDrift
   */
  readonly relockOnDrift?: boolean;
}

/**
 * An Aspect that locks the default security group of every VPC in its scope that is not locked yet:
 * `Aspects.of(app).add(new LockDefaultSecurityGroups())`.
 *
 * It adds a `LockedDefaultSecurityGroup` beside each `ec2.Vpc` and each `CfnVPC`, and never a second one
 * for a VPC that already has a locker. A VPC with CDK's `restrictDefaultSecurityGroup` keeps it and gets
 * a locker too, which runs after CDK's and also removes what CDK's leaves (IPv6 egress, rules added by
 * hand). Imported VPCs are not in the app's templates; lock them with `LockedDefaultSecurityGroup`.
 *
 * CDK applies an App's Aspects only to stacks outside Stages: add this Aspect to each Stage as well.
 * Read-only Aspects such as SecurityGroupStrategyChecks run after it, so they see its lockers.
 */
export class LockDefaultSecurityGroups implements IAspect {
  constructor(private readonly props: LockDefaultSecurityGroupsProps = {}) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof ec2.CfnVPC) || LockedDefaultSecurityGroup.lockerOf(node)) return;
    // Beside the VPC: under an ec2.Vpc when the CfnVPC is its resource, else next to the CfnVPC.
    const parent = node.node.scope!;
    const id = parent instanceof ec2.Vpc && parent.node.defaultChild === node
      ? 'LockedDefaultSecurityGroup'
      : `${node.node.id}LockedDefaultSecurityGroup`;
    new LockedDefaultSecurityGroup(parent, id, { vpc: node, ...this.props });
  }
}
