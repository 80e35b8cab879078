import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testStack } from '../support/analyse-app';

const RULE = 'InvalidSecurityGroupRule';

describe(RULE, () => {
  test('flags an address without a prefix length, written through the L1 (a warning: EC2\'s refusal is not documented)', () => {
    const { app, stack, vpc } = testStack();
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    new ec2.CfnSecurityGroupIngress(stack, 'One', { groupId: sg.securityGroupId, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.5' });
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'warning', logicalId: expect.stringMatching(/^One/) })]);
    expect(found[0].message).toContain('write 10.0.0.5/32 for one address. The template would not deploy');
    expect(found[0].message).toContain('Not certain: AWS documents a single address as /32');
  });

  test('ec2.Peer.ipv4 with a /32 is compliant (L2)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'Sg', { vpc }).addIngressRule(ec2.Peer.ipv4('10.0.0.5/32'), ec2.Port.tcp(443));
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('flags an egress rule with a CIDR and a destination prefix list (L1)', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/8', DestinationPrefixListId: 'pl-1234' }] } },
    }), {}, []);
    expect(findingsOf(findings, RULE).map(f => f.message)).toEqual([expect.stringContaining('An egress rule of Hand/Sg names 2 peers (CidrIp, DestinationPrefixListId)')]);
  });
});

describe('InvalidSecurityGroupRule: the whole message, and its level', () => {
  const found = (rule: Record<string, unknown>, extra = {}) => findingsOf(analyse(handTemplate({
    Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [rule] } },
  }, extra), {}, []).findings, 'InvalidSecurityGroupRule').map(f => [f.level, f.message]);
  const bare = 'An ingress rule of Hand/Sg has CidrIp "10.0.0.5"';
  const unsettled = 'Not certain: AWS documents a single address as /32 or /128, but not that EC2 refuses one without a prefix length; moto\'s model of EC2 refuses a bare IPv4 address';

  test('a rule EC2 refuses for certain is an error that says the template will not deploy, and why', () => {
    expect(found({ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: '10.0.0.0/8', SourceSecurityGroupId: 'sg-1' })).toEqual([[
      'error', 'An ingress rule of Hand/Sg names 2 peers (CidrIp, SourceSecurityGroupId); a rule names exactly one. The template will not deploy (AWS::EC2::SecurityGroupIngress).',
    ]]);
  });

  test('one that rests on an unsettled behaviour, or on a parameter\'s default, is a warning that says would, and why not certain', () => {
    expect(found({ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: '10.0.0.5' })).toEqual([[
      'warning', `${bare} without a prefix length; write 10.0.0.5/32 for one address. The template would not deploy (EC2 IpRange: CidrIp ("to specify a single IPv4 address, use the /32 prefix length")). ${unsettled}.`,
    ]]);
    expect(found({ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: { Ref: 'C' } }, { Parameters: { C: { Type: 'String', Default: '10.0.0.5' } } })).toEqual([[
      'warning', `${bare} (the default of parameter C) without a prefix length; write 10.0.0.5/32 for one address. The template would not deploy (EC2 IpRange: CidrIp ("to specify a single IPv4 address, use the /32 prefix length")). ${unsettled}; this rests on the default of parameter C, and the value deployed may differ.`,
    ]]);
  });
});
