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

  test('a range that includes SSH is an admin finding, not a data finding', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIp: '0.0.0.0/0' }] } },
    }), {}, []);
    expect(findingsOf(findings, 'WorldOpenAdminPort')).toHaveLength(1);
    expect(findingsOf(findings, RULE)).toEqual([]);
  });

  test('with WorldOpenAdminPort disabled, the same range is a data finding', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIp: '0.0.0.0/0' }] } },
    }), { disabledRules: ['WorldOpenAdminPort'] }, []);
    expect(findingsOf(findings, 'WorldOpenAdminPort')).toEqual([]);
    expect(findingsOf(findings, RULE)).toHaveLength(1);
  });
});
