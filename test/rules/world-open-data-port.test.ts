import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, postgres, testStack } from '../support/analyse-app';

const RULE = 'WorldOpenDataPort';

describe(RULE, () => {
  test('flags a database opened to the world (L2)', () => {
    const { app, stack, vpc } = testStack();
    const db = postgres(stack, vpc);
    db.connections.allowDefaultPortFromAnyIpv4();
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 'error' });
    expect(found[0].message).toContain('5432');
  });

  test('a database admitting its application group is compliant (L2)', () => {
    const { app, stack, vpc } = testStack();
    const db = postgres(stack, vpc);
    db.connections.allowDefaultPortFrom(new ec2.SecurityGroup(stack, 'App', { vpc }));
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('flags Redis from ::/0 (L1) and reports it once, not also as WorldOpenIngress', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, CidrIpv6: '::/0' }] } },
    }), {}, []);
    expect(findingsOf(findings, RULE)).toHaveLength(1);
    expect(findingsOf(findings, 'WorldOpenIngress')).toEqual([]);
  });

  test('a range that reaches SSH, data ports and other ports is reported under each rule, so acknowledging one keeps the others', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIp: '0.0.0.0/0' }] } },
    }), {}, []);
    expect(findingsOf(findings, 'WorldOpenAdminPort')).toHaveLength(1);
    expect(findingsOf(findings, RULE)).toHaveLength(1);
    expect(findingsOf(findings, RULE)[0].message).toContain('5432');
    expect(findingsOf(findings, RULE)[0].message).not.toContain(' 22,');
    expect(findingsOf(findings, 'WorldOpenIngress')).toHaveLength(1);
  });

  test('tcp 5000-6000 from the world reaches VNC and WinRM, databases and other ports: one finding under each rule', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 5000, ToPort: 6000, CidrIp: '0.0.0.0/0' }] } },
    }), {}, []);
    expect(findingsOf(findings, RULE).map(f => f.message)).toEqual([expect.stringContaining('data ports 5432, 5439, 5601, 5984')]);
    expect(findingsOf(findings, 'WorldOpenAdminPort').map(f => f.message)).toEqual([expect.stringContaining('VNC 5900, WinRM 5985')]);
    expect(findingsOf(findings, 'WorldOpenIngress')).toHaveLength(1);
  });

  test('a source that is a parameter\'s default (ClientIP: 0.0.0.0/0) is a warning that says the deployed value may differ', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, CidrIp: { Ref: 'ClientIP' } }] } },
    }, { Parameters: { ClientIP: { Type: 'String', Default: '0.0.0.0/0' } } }), {}, []);
    expect(findingsOf(findings, RULE)).toEqual([expect.objectContaining({
      level: 'warning',
      message: expect.stringContaining('Not certain: this rests on the default of parameter ClientIP, and the value deployed may differ.'),
    })]);
  });

  test('with WorldOpenAdminPort disabled, the same range is a data finding', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIp: '0.0.0.0/0' }] } },
    }), { disabledRules: ['WorldOpenAdminPort'] }, []);
    expect(findingsOf(findings, 'WorldOpenAdminPort')).toEqual([]);
    expect(findingsOf(findings, RULE)).toHaveLength(1);
  });
});

describe(`${RULE}: what the message says, on hand-written templates`, () => {
  const messages = (resources: Record<string, unknown>) => findingsOf(analyse(handTemplate(resources), {}, []).findings, RULE).map(f => f.message);
  const sg = (from: number, to: number) => ({
    Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: from, ToPort: to, CidrIp: '0.0.0.0/0' }] },
  });

  test('one port, several ports, and the ports a load balancer bounds', () => {
    expect(messages({ Sg: sg(5432, 5432) })).toEqual(['Hand/Sg admits tcp 5432 from 0.0.0.0/0, which reaches data port 5432.']);
    expect(messages({ Sg: sg(6379, 6380) })).toEqual(['Hand/Sg admits tcp 6379-6380 from 0.0.0.0/0, which reaches data ports 6379, 6380.']);
    expect(messages({
      Sg: sg(0, 65535),
      Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing', Type: 'network', SecurityGroups: [{ Ref: 'Sg' }], Subnets: ['s'] } },
      L: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Lb' }, Port: 3306, Protocol: 'TCP' } },
    })).toEqual(['Hand/Sg admits all tcp ports from 0.0.0.0/0, which reaches data port 3306; it is carried only by Hand/Lb (listeners on 3306), so the world reaches 3306.']);
  });
});
