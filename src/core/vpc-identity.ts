import { Reference, Token, Tokenization } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';

/**
 * What a VPC id refers to: the construct behind a reference token (a CfnVPC, or a CfnParameter whose value is the
 * id), or the literal id of an imported VPC. Undefined when nothing in the app stands behind it (an import from
 * another app, a token built of several parts). Two different parameters, or a parameter and a CfnVPC, may still
 * be the same VPC.
 */
export function vpcIdentity(vpcId: string | undefined): IConstruct | string | undefined {
  if (vpcId === undefined) return undefined;
  if (!Token.isUnresolved(vpcId)) return vpcId;
  const tokens = Tokenization.reverseString(vpcId);
  const token = tokens.length === 1 ? tokens.firstToken : undefined;
  return token && Reference.isReference(token) ? token.target : undefined;
}

/**
 * The VPCs of the groups a resource already has, where those groups were created in this app.
 */
export function vpcsOfConnectable(resource: ec2.IConnectable): Array<IConstruct | string> {
  const found: Array<IConstruct | string> = [];
  let groups: ec2.ISecurityGroup[];
  try {
    groups = resource.connections.securityGroups;
  } catch {
    return found;
  }
  for (const group of groups) {
    const child = group.node.defaultChild;
    const vpcId = child instanceof ec2.CfnSecurityGroup ? child.vpcId : undefined;
    const identity = vpcIdentity(vpcId);
    if (identity !== undefined && !found.includes(identity)) found.push(identity);
  }
  return found;
}
