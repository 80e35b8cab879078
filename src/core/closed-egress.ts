import { IResolvable, IResolveContext } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CDK_NO_TRAFFIC_RULE } from '../model/cdk-placeholder';

/**
 * Keep a group's egress closed in its own template, whatever rules are added to it later.
 *
 * CDK drops its "no traffic" placeholder as soon as any egress rule is added, and writes rules towards another
 * security group as separate AWS::EC2::SecurityGroupEgress resources. Creating those removes AWS's default
 * allow-all egress too (see AWS-BEHAVIOURS.md), so the group does not stay open; but until they are created,
 * and in a template read on its own, the group lists no egress and has allow-all. The placeholder closes
 * egress from the moment the group exists, and says so in the group's own definition.
 */
export function keepEgressClosed(group: ec2.SecurityGroup): void {
  const cfn = group.node.defaultChild as ec2.CfnSecurityGroup;
  const rendered = cfn.securityGroupEgress;
  cfn.securityGroupEgress = new ClosedEgress(rendered);
}

class ClosedEgress implements IResolvable {
  public readonly creationStack: string[] = [];

  constructor(private readonly rendered: unknown) {}

  public resolve(context: IResolveContext): unknown {
    const inline = context.resolve(this.rendered);
    return Array.isArray(inline) && inline.length > 0 ? inline : [{ ...CDK_NO_TRAFFIC_RULE }];
  }

  public toString(): string {
    return 'ClosedEgress';
  }
}
