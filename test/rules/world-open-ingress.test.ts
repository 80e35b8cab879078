import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testStack } from '../support/analyse-app';

const RULE = 'WorldOpenIngress';

describe(RULE, () => {
  test('a public ALB on 443 is compliant (L2)', () => {
    const { app, stack, vpc } = testStack();
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
    alb.addListener('Https', { port: 443, protocol: elbv2.ApplicationProtocol.HTTP, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
    alb.addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
    const findings = analyseApp(app);
    expect(findingsOf(findings, RULE)).toEqual([]);
  });

  test('an internal ALB open to the world on 443 is flagged (L2)', () => {
    const { app, stack, vpc } = testStack();
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: false });
    alb.addListener('Https', { port: 443, protocol: elbv2.ApplicationProtocol.HTTP, open: true, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].level).toBe('warning');
  });

  test('a public ALB open on 8080 is flagged (L2)', () => {
    const { app, stack, vpc } = testStack();
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
    alb.addListener('Alt', { port: 8080, protocol: elbv2.ApplicationProtocol.HTTP, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('tcp 8080');
    expect(found[0].message).toContain('Only 80, 443 are expected');
  });

  test('an instance group open on 443 is flagged, since it is not a load balancer (L1)', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }] } },
      I: { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-1', SecurityGroupIds: [{ 'Fn::GetAtt': ['Sg', 'GroupId'] }] } },
    }), {}, []);
    expect(findingsOf(findings, RULE)).toHaveLength(1);
  });

  test('ICMP echo from the world is not a port and is not flagged', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'icmp', FromPort: 8, ToPort: -1, CidrIp: '0.0.0.0/0' }] } },
    }), {}, []);
    expect(findings.filter(f => f.ruleId.startsWith('WorldOpen'))).toEqual([]);
  });

  test('GRE (protocol 47) from the world is flagged: the whole protocol passes', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: '47', CidrIp: '0.0.0.0/0' }] } },
    }), {}, []);
    expect(findingsOf(findings, RULE)).toHaveLength(1);
  });

  test('80 and 443 on a group that a public load balancer shares with an instance are flagged: the instance is reached directly (L1)', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }] } },
      Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing', SecurityGroups: [{ Ref: 'Sg' }] } },
      I: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: [{ Ref: 'Sg' }] } },
    }), {}, []);
    expect(findingsOf(findings, RULE).map(f => f.message)).toEqual([expect.stringContaining('It is also carried by Hand/I, which the world reaches directly.')]);
  });

  test('UDP 443 from the world on a group only an internet-facing load balancer carries is flagged: the allowed public ports are tcp', () => {
    const lbGroup = (protocol: string) => analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: protocol, FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }] } },
      Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing', SecurityGroups: [{ Ref: 'Sg' }] } },
    }), {}, []).findings;
    expect(findingsOf(lbGroup('tcp'), RULE)).toEqual([]);
    expect(findingsOf(lbGroup('udp'), RULE)).toEqual([expect.objectContaining({ message: expect.stringContaining('udp 443') })]);
  });

  test('a world-open rule whose ports synth cannot read is a warning of this rule, never a pass', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: { 'Fn::ImportValue': 'port' }, ToPort: { 'Fn::ImportValue': 'port' }, CidrIp: '0.0.0.0/0' }] } },
    }), {}, []);
    expect(findingsOf(findings, RULE)).toEqual([expect.objectContaining({ level: 'warning', logicalId: 'Sg' })]);
  });
});

describe(`${RULE}: what the message says, on hand-written templates`, () => {
  const sg = (rule: Record<string, unknown>) => ({ Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [rule] } });
  const lb = (Scheme: unknown) => ({ Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme, Type: 'network', SecurityGroups: [{ Ref: 'Sg' }], Subnets: ['s'] } });
  const listener = (Port: number, lbId = 'Lb') => ({ Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: lbId }, Port, Protocol: 'TCP' } });
  const messages = (resources: Record<string, unknown>, extra = {}) =>
    findingsOf(analyse(handTemplate(resources, extra), {}, []).findings, RULE).map(f => f.message);
  const open = (from: number, to: number) => sg({ IpProtocol: 'tcp', FromPort: from, ToPort: to, CidrIp: '0.0.0.0/0' });

  test('a public load balancer\'s listener off the allowed ports: what the world reaches, and what is expected', () => {
    expect(messages({ Sg: open(0, 65535), Lb: lb('internet-facing'), L: listener(8443) })).toEqual([
      'Hand/Sg admits all tcp ports from 0.0.0.0/0; it is carried only by Hand/Lb (listeners on 8443), so the world reaches 8443. Only 80, 443 are expected on an internet-facing load balancer.',
    ]);
  });

  test('a group that an internal load balancer shares with a public one is reached through the internal one\'s scheme', () => {
    expect(messages({ Sg: open(443, 443), Lb: lb('internet-facing'), Internal: lb('internal') })).toEqual([
      expect.stringContaining('It is also carried by Hand/Internal, which the world reaches directly.'),
    ]);
  });

  test('a scheme from a parameter\'s default, or not known at synth, is said', () => {
    expect(messages({ Sg: open(8080, 8080), Lb: lb({ Ref: 'Scheme' }) }, { Parameters: { Scheme: { Type: 'String', Default: 'internal' } } })).toEqual([
      'Hand/Sg admits tcp 8080 from 0.0.0.0/0. Hand/Lb is internal by the default of parameter Scheme.',
    ]);
    expect(messages({ Sg: open(443, 443), Lb: lb({ 'Fn::ImportValue': 'scheme' }) })).toEqual([
      'Hand/Sg admits tcp 443 from 0.0.0.0/0. The scheme of Hand/Lb is not known at synth, so it is not treated as internet-facing.',
    ]);
  });

  test('SSH alone from the world is an admin port and nothing else: no WorldOpenIngress', () => {
    expect(messages({ Sg: open(22, 22) })).toEqual([]);
  });
});
