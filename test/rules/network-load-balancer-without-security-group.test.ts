import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { analyseApp, findingsOf, testStack } from '../support/analyse-app';

const RULE = 'NetworkLoadBalancerWithoutSecurityGroup';

describe(RULE, () => {
  test('flags an NLB created with disableSecurityGroups (L2)', () => {
    const { app, stack, vpc } = testStack();
    new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc, disableSecurityGroups: true } as elbv2.NetworkLoadBalancerProps);
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].level).toBe('error');
  });

  test('flags an NLB with an empty group list (L1)', () => {
    const { app, stack, vpc } = testStack();
    new elbv2.CfnLoadBalancer(stack, 'Nlb', { type: 'network', subnets: vpc.publicSubnets.map(s => s.subnetId), securityGroups: [] });
    expect(findingsOf(analyseApp(app), RULE)).toHaveLength(1);
  });

  test('an NLB with a group is compliant (L2)', () => {
    const { app, stack, vpc } = testStack();
    new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc, securityGroups: [new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false })] });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('an ALB is not an NLB (L1)', () => {
    const { app, stack, vpc } = testStack();
    new elbv2.CfnLoadBalancer(stack, 'Alb', { type: 'application', subnets: vpc.publicSubnets.map(s => s.subnetId) });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });
});
