import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyseApp, findingsOf, testStack } from '../support/analyse-app';

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
