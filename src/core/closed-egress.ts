import { IResolvable, IResolveContext } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CDK_NO_TRAFFIC_RULE } from '../model/cdk-placeholder';

/**
 * Keep a group's egress closed whatever rules are added to it later.
 *
 * AWS removes a group's default allow-all egress only when the group itself lists an egress rule. CDK
 * drops its "no traffic" placeholder as soon as any egress rule is added, but puts rules towards another
 * security group in separate AWS::EC2::SecurityGroupEgress resources. A group whose only egress is to
 * another group therefore keeps allow-all. This puts the placeholder back whenever the inline list would
 * otherwise be empty.
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
