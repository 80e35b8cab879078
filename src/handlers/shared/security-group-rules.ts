import { DescribeSecurityGroupRulesCommand, EC2Client, type SecurityGroupRule } from '@aws-sdk/client-ec2';
import { allPages, type RetryPolicy, withRetries } from './aws-calls';

/** Errors that mean "that rule is already gone", from the rule-id and the permission forms of revoke. */
export const RULE_GONE = ['InvalidPermission.NotFound', 'InvalidSecurityGroupRuleId.NotFound'] as const;
/** Errors that mean "that security group does not exist". */
export const GROUP_GONE = ['InvalidGroup.NotFound', 'InvalidGroupId.NotFound', 'InvalidGroupId.Malformed'] as const;

/** Every rule of the given groups, or of every group in the region when none are given, all pages. */
export function describeRules(ec2: EC2Client, retry: RetryPolicy, groupIds?: readonly string[]): Promise<SecurityGroupRule[]> {
  return allPages(async (nextToken) => {
    const page = await withRetries(() => ec2.send(new DescribeSecurityGroupRulesCommand({
      Filters: groupIds ? [{ Name: 'group-id', Values: [...groupIds] }] : undefined,
      NextToken: nextToken,
    })), retry);
    return { items: page.SecurityGroupRules ?? [], nextToken: page.NextToken };
  });
}
