import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testStack } from '../support/analyse-app';

const RULE = 'WideCidrIngress';
const ingressFrom = (cidr: Record<string, unknown>) => analyse(handTemplate({
  Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ...cidr }] } },
}), {}, []).findings;

describe(RULE, () => {
  test('flags the VPC-CIDR token (L2)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(5432));
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('the whole VPC CIDR');
    expect(found[0].message).toContain('10.0.0.0/16');
  });

  test('the VPC CIDR written out as a literal is flagged too (L1)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.CfnSecurityGroup(stack, 'Sg', {
      groupDescription: 'x',
      vpcId: vpc.vpcId,
      securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIp: '10.0.0.0/16' }],
    });
    expect(findingsOf(analyseApp(app), RULE)).toHaveLength(1);
  });

  test('a /24 subnet is compliant (L2)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.ipv4('10.0.1.0/24'), ec2.Port.tcp(5432));
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  // The range decides the width allowed (private /16, public /24), so each case says which one it was judged as.
  test.each([
    ['a private /8, a private range as a whole', { CidrIp: '10.0.0.0/8' }, 'a /8, wider than the /16 allowed for private ranges'],
    ['172.16.0.0/12, a private range as a whole', { CidrIp: '172.16.0.0/12' }, 'a /12, wider than the /16 allowed for private ranges'],
    ['a private /16', { CidrIp: '172.16.0.0/16' }, undefined],
    ['a public /16', { CidrIp: '52.94.0.0/16' }, 'a /16, wider than the /24 allowed for public ranges'],
    ['a public /24', { CidrIp: '52.94.10.0/24' }, undefined],
    ['a public IPv6 /32', { CidrIpv6: '2600:1f00::/32' }, 'a /32, wider than the /64 allowed for public ranges'],
    ['fc00::/7, the unique-local range as a whole', { CidrIpv6: 'fc00::/7' }, 'a /7, wider than the /48 allowed for private ranges'],
    ['a public IPv6 /64', { CidrIpv6: '2600:1f00:1:2::/64' }, undefined],
    ['a unique-local IPv6 /48', { CidrIpv6: 'fd00:1:2::/48' }, undefined],
    ['the world (a world rule, not a wide one)', { CidrIp: '0.0.0.0/0' }, undefined],
  ])('%s', (_label, cidr, message) => {
    expect(findingsOf(ingressFrom(cidr), RULE).map(f => f.message)).toEqual(message ? [expect.stringContaining(message)] : []);
  });

  test('the widths are configurable', () => {
    const findings = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: '10.1.0.0/20' }] } },
    }), { widestPrivateIpv4Prefix: 22 }, []).findings;
    expect(findingsOf(findings, RULE)[0].message).toContain('wider than the /22');
  });
});

describe('WideCidrIngress: which rules it judges, and what it says', () => {
  type Rules = Record<string, unknown>[];
  const messages = (ingress: Rules, more: Record<string, unknown> = {}, egress?: Rules) => findingsOf(analyse(handTemplate({
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    Second: { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.1.0.0/16' } },
    Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', VpcId: { Ref: 'Vpc' }, SecurityGroupIngress: ingress, ...(egress ? { SecurityGroupEgress: egress } : {}) } },
    ...more,
  }), {}, []).findings, 'WideCidrIngress').map(f => f.message);
  const from = (CidrIp: unknown) => ({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp });

  test('the VPC\'s CIDR, written out or read from the VPC, is the whole VPC', () => {
    expect(messages([from('10.0.0.0/16')])).toEqual(['Hand/Sg admits tcp 5432 from 10.0.0.0/16, the whole VPC CIDR: every workload in the VPC gets in. Admit a security group instead.']);
    expect(messages([from({ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] })])).toEqual(['Hand/Sg admits tcp 5432 from 10.0.0.0/16 (the whole VPC CIDR): every workload in the VPC gets in. Admit a security group instead.']);
  });

  test('so is any one of its CIDR blocks', () => {
    expect(messages([from('10.1.0.0/16')])).toEqual([expect.stringContaining('from 10.1.0.0/16, the whole VPC CIDR')]);
  });

  test('egress, the world (the world-open rules speak for it) and a router\'s networks are not judged here', () => {
    expect(messages([], {}, [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: '10.0.0.0/8' }])).toEqual([]);
    expect(messages([from('0.0.0.0/0')])).toEqual([]);
    expect(messages([from('10.0.0.0/8')], { Router: { Type: 'AWS::EC2::Instance', Properties: { SourceDestCheck: false, SecurityGroupIds: [{ Ref: 'Sg' }] } } })).toEqual([]);
    expect(messages([from('10.0.0.0/8')])).toHaveLength(1);
  });
});
