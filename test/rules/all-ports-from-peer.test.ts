import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyseApp, findingsOf, testStack } from '../support/analyse-app';

const RULE = 'AllPortsFromPeer';

describe(RULE, () => {
  test('flags all traffic from another group (L2)', () => {
    const { app, stack, vpc } = testStack();
    const app1 = new ec2.SecurityGroup(stack, 'App', { vpc, allowAllOutbound: false });
    new ec2.SecurityGroup(stack, 'Db', { vpc, allowAllOutbound: false }).addIngressRule(app1, ec2.Port.allTraffic());
    expect(findingsOf(analyseApp(app), RULE)).toHaveLength(1);
  });

  test('flags all TCP from a private CIDR (L1)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.CfnSecurityGroup(stack, 'Db', {
      groupDescription: 'x',
      vpcId: vpc.vpcId,
      securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 0, toPort: 65535, cidrIp: '10.0.1.0/24' }],
    });
    expect(findingsOf(analyseApp(app), RULE)).toHaveLength(1);
  });

  test('the service port from another group is compliant (L2)', () => {
    const { app, stack, vpc } = testStack();
    const app1 = new ec2.SecurityGroup(stack, 'App', { vpc, allowAllOutbound: false });
    new ec2.SecurityGroup(stack, 'Db', { vpc, allowAllOutbound: false }).addIngressRule(app1, ec2.Port.tcp(5432));
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });
});
