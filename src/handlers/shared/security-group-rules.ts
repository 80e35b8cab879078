import { DescribeSecurityGroupRulesCommand, EC2Client, type IpPermission, type SecurityGroupRule } from '@aws-sdk/client-ec2';
import { allPages } from './aws-calls';

/** Errors that mean "that rule is already gone", from the rule-id and the permission forms of revoke. */
export const RULE_GONE = ['InvalidPermission.NotFound', 'InvalidSecurityGroupRuleId.NotFound'] as const;
/** Errors that mean "that security group does not exist". */
export const GROUP_GONE = ['InvalidGroup.NotFound', 'InvalidGroupId.NotFound', 'InvalidGroupId.Malformed'] as const;

/** Every rule of the given groups, or of every group in the region when none are given, all pages. */
export function describeRules(ec2: EC2Client, groupIds?: readonly string[]): Promise<SecurityGroupRule[]> {
  return allPages(async (nextToken) => {
    const page = await ec2.send(new DescribeSecurityGroupRulesCommand({
      Filters: groupIds ? [{ Name: 'group-id', Values: [...groupIds] }] : undefined,
      NextToken: nextToken,
    }));
    return { items: page.SecurityGroupRules ?? [], nextToken: page.NextToken };
  });
}

/** The fields of a CIDR, prefix-list or group-reference rule, from which its permission is rebuilt. */
export interface RuleFields {
  readonly ipProtocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrIpv4?: string;
  readonly cidrIpv6?: string;
  readonly prefixListId?: string;
  readonly description?: string;
}

/**
 * The permission that names exactly one rule. Revoking by it removes that rule only while the rule still has
 * these fields: one changed meanwhile (ModifySecurityGroupRules keeps its id) no longer matches.
 * `withDescription` is for authorize; revoke matches without it.
 */
export function permissionOf(rule: RuleFields, withDescription: boolean): IpPermission {
  const description = withDescription && rule.description ? rule.description : undefined;
  const ports = rule.ipProtocol === '-1' ? {} : { FromPort: rule.fromPort, ToPort: rule.toPort };
  return {
    IpProtocol: rule.ipProtocol,
    ...ports,
    IpRanges: rule.cidrIpv4 ? [{ CidrIp: rule.cidrIpv4, Description: description }] : undefined,
    Ipv6Ranges: rule.cidrIpv6 ? [{ CidrIpv6: rule.cidrIpv6, Description: description }] : undefined,
    PrefixListIds: rule.prefixListId ? [{ PrefixListId: rule.prefixListId, Description: description }] : undefined,
  };
}
