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

  test.each([
    ['a private /8', { CidrIp: '10.0.0.0/8' }, true],
    ['a private /16', { CidrIp: '172.16.0.0/16' }, false],
    ['a public /16', { CidrIp: '52.94.0.0/16' }, true],
    ['a public /24', { CidrIp: '52.94.10.0/24' }, false],
    ['a public IPv6 /32', { CidrIpv6: '2600:1f00::/32' }, true],
    ['a public IPv6 /64', { CidrIpv6: '2600:1f00:1:2::/64' }, false],
    ['a unique-local IPv6 /48', { CidrIpv6: 'fd00:1:2::/48' }, false],
    ['the world (a world rule, not a wide one)', { CidrIp: '0.0.0.0/0' }, false],
  ])('%s', (_label, cidr, flagged) => {
    expect(findingsOf(ingressFrom(cidr), RULE)).toHaveLength(flagged ? 1 : 0);
  });

  test('the widths are configurable', () => {
    const findings = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: '10.1.0.0/20' }] } },
    }), { widestPrivateIpv4Prefix: 22 }, []).findings;
    expect(findingsOf(findings, RULE)[0].message).toContain('wider than the /22');
  });
});
