import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testStack, vpcFunction } from '../support/analyse-app';

const RULE = 'WorldOpenAdminPort';
const hand = (rule: Record<string, unknown>) => analyse(handTemplate({
  Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', VpcId: 'vpc-1', SecurityGroupIngress: [rule] } },
}), {}, []).findings;

describe(RULE, () => {
  test('flags SSH from 0.0.0.0/0 (L2)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'Sg', { vpc }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 'error', constructPath: 'Stack/Sg/Resource', logicalId: expect.stringMatching(/^Sg/) });
    expect(found[0].message).toContain('SSH 22');
  });

  test('SSH from a named group is compliant (L2)', () => {
    const { app, stack, vpc } = testStack();
    const bastion = new ec2.SecurityGroup(stack, 'Bastion', { vpc });
    new ec2.SecurityGroup(stack, 'Sg', { vpc }).addIngressRule(bastion, ec2.Port.tcp(22));
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('flags RDP from ::/0 through a standalone L1 ingress', () => {
    const { app, stack, vpc } = testStack();
    const sg = new ec2.CfnSecurityGroup(stack, 'Sg', { groupDescription: 'x', vpcId: vpc.vpcId });
    new ec2.CfnSecurityGroupIngress(stack, 'Rdp', { groupId: sg.attrGroupId, ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, cidrIpv6: '::/0' });
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].constructPath).toBe('Stack/Rdp');
    expect(found[0].message).toContain('RDP 3389');
  });

  test('a 10.0.0.0/8 source on SSH is not world-open (L1)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.CfnSecurityGroup(stack, 'Sg', {
      groupDescription: 'x',
      vpcId: vpc.vpcId,
      securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '10.0.0.0/8' }],
    });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test.each([
    ['-1 with no ports from ::/0', { IpProtocol: '-1', CidrIpv6: '::/0' }, 'SSH 22, Telnet 23, RDP 3389, VNC 5900, WinRM 5985, WinRM over HTTPS 5986'],
    ['-1 as a number', { IpProtocol: -1, CidrIp: '0.0.0.0/0' }, 'SSH 22, Telnet 23, RDP 3389, VNC 5900, WinRM 5985, WinRM over HTTPS 5986'],
    ['a tcp range over 22', { IpProtocol: 'tcp', FromPort: 20, ToPort: 25, CidrIp: '0.0.0.0/0' }, 'SSH 22, Telnet 23'],
    ['protocol 6 as a string', { IpProtocol: '6', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }, 'SSH 22'],
    ['protocol 17 (udp) over 3389', { IpProtocol: 17, FromPort: 3389, ToPort: 3389, CidrIp: '0.0.0.0/0' }, 'RDP 3389'],
    ['ports as strings', { IpProtocol: 'tcp', FromPort: '5985', ToPort: '5986', CidrIp: '0.0.0.0/0' }, 'WinRM 5985, WinRM over HTTPS 5986'],
    ['the world written as ::0/0', { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv6: '::0/0' }, 'SSH 22'],
  ])('flags %s, naming the admin ports it reaches', (_label, rule, reached) => {
    expect(findingsOf(hand(rule), RULE).map(f => [f.level, f.message])).toEqual([['error', expect.stringContaining(`which reaches ${reached}.`)]]);
  });

  test('flags tcp with -1 ports as a warning: AWS does not settle reading -1 as every port (see AWS_BEHAVIOURS)', () => {
    const found = findingsOf(hand({ IpProtocol: 'tcp', FromPort: -1, ToPort: -1, CidrIp: '0.0.0.0/0' }), RULE);
    expect(found.map(f => [f.level, f.message])).toEqual([
      ['warning', expect.stringContaining('which reaches SSH 22, Telnet 23, RDP 3389, VNC 5900, WinRM 5985, WinRM over HTTPS 5986. Not certain: the rule gives tcp or udp ports of -1')],
    ]);
  });

  test.each([
    ['ICMP type 8 (echo) from the world', { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, CidrIp: '0.0.0.0/0' }],
    ['ICMP type 22 is not SSH', { IpProtocol: 'icmp', FromPort: 22, ToPort: 0, CidrIp: '0.0.0.0/0' }],
    ['ICMPv6 as protocol 58', { IpProtocol: 58, FromPort: 22, ToPort: -1, CidrIpv6: '::/0' }],
    ['a range that stops short of 22', { IpProtocol: 'tcp', FromPort: 10, ToPort: 21, CidrIp: '0.0.0.0/0' }],
    ['a range between the admin ports', { IpProtocol: 'tcp', FromPort: 24, ToPort: 3388, CidrIp: '0.0.0.0/0' }],
    ['a prefix-list source', { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, SourcePrefixListId: 'pl-12345678' }],
  ])('does not flag %s', (_label, rule) => {
    expect(findingsOf(hand(rule), RULE)).toEqual([]);
  });

  test('a range that starts just after SSH reaches Telnet 23 only', () => {
    const found = findingsOf(hand({ IpProtocol: 'tcp', FromPort: 23, ToPort: 24, CidrIp: '0.0.0.0/0' }), RULE);
    expect(found.map(f => f.message)).toEqual([expect.stringContaining('which reaches Telnet 23.')]);
  });

  test('a parameter that defaults to 0.0.0.0/0 is the world, and the message says so', () => {
    const findings = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { Ref: 'AllowedCidr' } }] } },
    }, { Parameters: { AllowedCidr: { Type: 'String', Default: '0.0.0.0/0' } } }), {}, []).findings;
    const found = findingsOf(findings, RULE);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('the default of parameter AllowedCidr');
  });

  describe('where a parameter\'s default decides it, the deployed value may differ: a warning that says so', () => {
    const withParameters = (resources: Record<string, unknown>, parameters: Record<string, unknown>) =>
      findingsOf(analyse(handTemplate(resources, { Parameters: parameters }), {}, []).findings, RULE);
    const sg = (rule: Record<string, unknown>) => ({ Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', VpcId: 'vpc-1', SecurityGroupIngress: [rule] } } });

    test('the source: SSHLocation defaulting to 0.0.0.0/0', () => {
      const found = withParameters(sg({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { Ref: 'SSHLocation' } }), { SSHLocation: { Type: 'String', Default: '0.0.0.0/0' } });
      expect(found).toEqual([expect.objectContaining({ level: 'warning' })]);
      expect(found[0].message).toMatch(/Not certain: this rests on the default of parameter SSHLocation, and the value deployed may differ\.$/);
    });

    test('the source, built by Fn::Join from a parameter', () => {
      const found = withParameters(sg({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { 'Fn::Join': ['', [{ Ref: 'Net' }, '/0']] } }), { Net: { Type: 'String', Default: '0.0.0.0' } });
      expect(found).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringContaining('parameter Net') })]);
    });

    test('the source, built by Fn::Sub from a parameter', () => {
      const found = withParameters(sg({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { 'Fn::Sub': ['${Net}/0', { Net: { Ref: 'Net' } }] } }), { Net: { Type: 'String', Default: '0.0.0.0' } });
      expect(found).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringContaining('parameter Net') })]);
    });

    test('the port: a literal 0.0.0.0/0 on a port that defaults to 22', () => {
      const found = withParameters(sg({ IpProtocol: 'tcp', FromPort: { Ref: 'Port' }, ToPort: { Ref: 'Port' }, CidrIp: '0.0.0.0/0' }), { Port: { Type: 'Number', Default: 22 } });
      expect(found).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringContaining('default of parameter Port') })]);
    });

    test('a prefix list of the app whose world entry is a parameter\'s default', () => {
      const found = withParameters({
        ...sg({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, SourcePrefixListId: { Ref: 'List' } }),
        List: { Type: 'AWS::EC2::PrefixList', Properties: { AddressFamily: 'IPv4', MaxEntries: 2, PrefixListName: 'l', Entries: [{ Cidr: { Ref: 'Allowed' } }] } },
      }, { Allowed: { Type: 'String', Default: '0.0.0.0/0' } });
      expect(found).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringContaining('default of parameter Allowed') })]);
    });

    test('a listener port that defaults to 22 on the only load balancer carrying the group', () => {
      const found = withParameters({
        Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', VpcId: 'vpc-1', SecurityGroupIngress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }] } },
        Nlb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network', Subnets: ['subnet-1'], SecurityGroups: [{ Ref: 'Sg' }] } },
        Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Nlb' }, Port: { Ref: 'ListenerPort' }, Protocol: 'TCP', DefaultActions: [] } },
      }, { ListenerPort: { Type: 'Number', Default: 22 } });
      expect(found).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringContaining('default of parameter ListenerPort') })]);
    });

    test('a literal source and port stay an error', () => {
      const found = withParameters(sg({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0', Description: { Ref: 'Why' } }), { Why: { Type: 'String', Default: 'ssh' } });
      expect(found).toEqual([expect.objectContaining({ level: 'error' })]);
      expect(found[0].message).not.toContain('Not certain');
    });
  });

  describe('a group carried only by Lambda functions or interface endpoints: what they accept is unsettled, so a warning that says so', () => {
    test('all traffic from the world on a function\'s group (L2)', () => {
      const { app, stack, vpc } = testStack();
      const sg = new ec2.SecurityGroup(stack, 'FnSg', { vpc });
      sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.allTraffic());
      vpcFunction(stack, 'Fn', vpc, { securityGroups: [sg] });
      const found = findingsOf(analyseApp(app), RULE);
      expect(found).toEqual([expect.objectContaining({ level: 'warning' })]);
      expect(found[0].message).toContain('. It is carried only by Stack/Fn (a Lambda function). Not certain: ');
      expect(found[0].message).toContain('Not certain: ');
      expect(findingsOf(analyseApp(app), 'WorldOpenDataPort')).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringContaining('Not certain: ') })]);
    });

    test('SSH from the world on an interface endpoint\'s group (L2)', () => {
      const { app, stack, vpc } = testStack();
      const sg = new ec2.SecurityGroup(stack, 'EpSg', { vpc });
      sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
      vpc.addInterfaceEndpoint('Ssm', { service: ec2.InterfaceVpcEndpointAwsService.SSM, securityGroups: [sg], open: false });
      const found = findingsOf(analyseApp(app), RULE);
      expect(found).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringContaining('(an interface VPC endpoint)') })]);
    });

    test('the same group also on an instance stays an error', () => {
      const { app, stack, vpc } = testStack();
      const sg = new ec2.SecurityGroup(stack, 'FnSg', { vpc });
      sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
      vpcFunction(stack, 'Fn', vpc, { securityGroups: [sg] });
      new ec2.CfnInstance(stack, 'I', { imageId: 'ami-1', subnetId: vpc.isolatedSubnets[0].subnetId, securityGroupIds: [sg.securityGroupId] });
      expect(findingsOf(analyseApp(app), RULE)).toEqual([expect.objectContaining({ level: 'error' })]);
    });
  });

  test('configured admin ports replace the defaults', () => {
    const findings = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 2222, ToPort: 2222, CidrIp: '0.0.0.0/0' }] } },
    }), { adminPorts: [2222] }, []).findings;
    expect(findingsOf(findings, RULE)).toHaveLength(1);
  });
});

test(`${RULE}: SSH through a public load balancer's listener says what bounds it`, () => {
  const found = findingsOf(analyse(handTemplate({
    Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIp: '0.0.0.0/0' }] } },
    Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing', Type: 'network', SecurityGroups: [{ Ref: 'Sg' }], Subnets: ['s'] } },
    L: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Lb' }, Port: 22, Protocol: 'TCP' } },
  }), {}, []).findings, RULE);
  expect(found.map(f => f.message)).toEqual([
    'Hand/Sg admits all tcp ports from 0.0.0.0/0, which reaches SSH 22; it is carried only by Hand/Lb (listeners on 22), so the world reaches 22.',
  ]);
});
