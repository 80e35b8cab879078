/**
 * The permission a handler sends to revoke or restore one rule: found by mutation testing, where no test
 * showed that a revoke leaves the description out (the remediator's records keep it, to restore it) or that
 * all traffic is sent without ports.
 */
import { DescribeSecurityGroupRulesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describeRules, permissionOf } from '../../../src/handlers/shared/security-group-rules';

const ssh = { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0', description: 'office' };

describe('permissionOf', () => {
  test('a revoke names the rule without its description; a restore carries it', () => {
    expect(permissionOf(ssh, false)).toEqual({
      IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: undefined }], Ipv6Ranges: undefined, PrefixListIds: undefined,
    });
    expect(permissionOf(ssh, true).IpRanges).toEqual([{ CidrIp: '0.0.0.0/0', Description: 'office' }]);
  });

  test('a restore of a rule that had no description sends none', () => {
    expect(permissionOf({ ...ssh, description: undefined }, true).IpRanges).toEqual([{ CidrIp: '0.0.0.0/0', Description: undefined }]);
    expect(permissionOf({ ...ssh, description: '' }, true).IpRanges).toEqual([{ CidrIp: '0.0.0.0/0', Description: undefined }]);
  });

  test('all traffic is sent without ports; IPv6 and prefix-list sources each in their own field', () => {
    expect(permissionOf({ ipProtocol: '-1', fromPort: -1, toPort: -1, cidrIpv6: '::/0' }, true)).toEqual({
      IpProtocol: '-1', IpRanges: undefined, Ipv6Ranges: [{ CidrIpv6: '::/0', Description: undefined }], PrefixListIds: undefined,
    });
    expect(permissionOf({ ipProtocol: 'udp', fromPort: 53, toPort: 53, prefixListId: 'pl-1', description: 'dns' }, true)).toEqual({
      IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: undefined, Ipv6Ranges: undefined, PrefixListIds: [{ PrefixListId: 'pl-1', Description: 'dns' }],
    });
  });
});

describe('describeRules', () => {
  test('a page without rules reads as no rules; without groups the whole region is asked for', async () => {
    const ec2 = mockClient(EC2Client);
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({});
    expect(await describeRules(new EC2Client({ region: 'eu-west-1' }))).toEqual([]);
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)[0].args[0].input).toEqual({ Filters: undefined, NextToken: undefined });
    ec2.restore();
  });
});
