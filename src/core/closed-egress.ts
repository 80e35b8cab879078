import { IResolvable, IResolveContext } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

// CDK's own "no traffic" rule: it matches nothing, but stating it removes AWS's default allow-all egress.
const NO_TRAFFIC = { cidrIp: '255.255.255.255/32', description: 'Disallow all traffic', ipProtocol: 'icmp', fromPort: 252, toPort: 86 };

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
    return Array.isArray(inline) && inline.length > 0 ? inline : [NO_TRAFFIC];
  }

  public toString(): string {
    return 'ClosedEgress';
  }
}
