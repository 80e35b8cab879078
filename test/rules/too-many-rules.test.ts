import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testStack } from '../support/analyse-app';

const RULE = 'TooManyRules';

describe(RULE, () => {
  test('61 inbound IPv4 rules are flagged (L2)', () => {
    const { app, stack, vpc } = testStack();
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false });
    for (let i = 0; i < 61; i++) sg.addIngressRule(ec2.Peer.ipv4(`10.1.${i}.0/24`), ec2.Port.tcp(443));
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('61 ingress rules');
  });

  test('60 rules are within the quota (L1)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.CfnSecurityGroup(stack, 'Sg', {
      groupDescription: 'x',
      vpcId: vpc.vpcId,
      securityGroupIngress: Array.from({ length: 60 }, (_, i) => ({ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: `10.2.${i}.0/24` })),
    });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });
});

describe('TooManyRules on hand-written templates, with a quota of 3', () => {
  const list = (AddressFamily: string, MaxEntries?: number) => ({ Type: 'AWS::EC2::PrefixList', Properties: { AddressFamily, PrefixListName: AddressFamily, ...(MaxEntries ? { MaxEntries } : {}), Entries: [] } });
  const messages = (ingress: Record<string, unknown>[], egress?: Record<string, unknown>[]) => findingsOf(analyse(handTemplate({
    Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: ingress, ...(egress ? { SecurityGroupEgress: egress } : {}) } },
    Other: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } },
    V4: list('IPv4', 3),
    V6: list('IPv6', 5),
  }), { rulesPerDirectionQuota: 3 }, []).findings, 'TooManyRules').map(f => f.message);
  const cidr = (n: number, v6 = false) => ({ IpProtocol: 'tcp', FromPort: n, ToPort: n, ...(v6 ? { CidrIpv6: `2001:db8::${n}/128` } : { CidrIp: `10.0.0.${n}/32` }) });
  const fromList = (id: string, port = 1) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, SourcePrefixListId: id.startsWith('pl-') ? id : { 'Fn::GetAtt': [id, 'PrefixListId'] } });
  const fromGroup = (port: number) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, SourceSecurityGroupId: { Ref: 'Other' } });

  test('IPv4 and IPv6 addresses count apart; the quota itself is allowed', () => {
    expect(messages([cidr(1), cidr(2), cidr(3), cidr(4, true), cidr(5, true)])).toEqual([]);
    expect(messages([cidr(1), cidr(2), cidr(3), cidr(4)])).toEqual(['Hand/Sg has 4 ingress rules (4 IPv4, 0 IPv6), over the quota of 3.']);
    expect(messages([cidr(1, true), cidr(2, true), cidr(3, true), cidr(4, true)])).toEqual(['Hand/Sg has 4 ingress rules (0 IPv4, 4 IPv6), over the quota of 3.']);
  });

  test('a rule naming a group counts towards both families', () => {
    expect(messages([fromGroup(1), fromGroup(2), cidr(3), cidr(4, true)])).toEqual([]); // 3 IPv4 and 3 IPv6: at the quota
    expect(messages([fromGroup(1), fromGroup(2), fromGroup(3), fromGroup(4)])).toEqual(['Hand/Sg has 4 ingress rules (4 IPv4, 4 IPv6), over the quota of 3.']);
  });

  test('a prefix list of the app counts as its MaxEntries, towards its family only', () => {
    expect(messages([fromList('V4'), cidr(2)])).toEqual([expect.stringMatching(/^Hand\/Sg has 4 ingress rules \(4 IPv4, 0 IPv6; prefix list \S+ counts as 3\), over the quota of 3\.$/)]);
    expect(messages([fromList('V6')])).toEqual([expect.stringMatching(/^Hand\/Sg has 5 ingress rules \(0 IPv4, 5 IPv6; prefix list \S+ counts as 5\), over the quota of 3\.$/)]);
  });

  test('a prefix list known only by its id counts as 1 towards both, and the message says so', () => {
    expect(messages([fromList('pl-1'), fromList('pl-2'), cidr(3), cidr(4)])).toEqual(['Hand/Sg has 4 ingress rules (4 IPv4, 2 IPv6; pl-1, pl-2 counted as 1 each, so at least this many), over the quota of 3.']);
  });

  test('egress is counted on its own; implicit rules and groups outside the app are not counted', () => {
    const out = [1, 2, 3, 4].map(n => ({ IpProtocol: 'tcp', FromPort: n, ToPort: n, CidrIp: `10.0.0.${n}/32` }));
    expect(messages([cidr(1)], out)).toEqual(['Hand/Sg has 4 egress rules (4 IPv4, 0 IPv6), over the quota of 3.']);
  });
});
