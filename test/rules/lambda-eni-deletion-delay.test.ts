import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ENV, analyseApp, findingsOf, testStack, vpcFunction } from '../support/analyse-app';

const RULE = 'LambdaEniDeletionDelay';
const fn = (scope: Stack, vpc: ec2.IVpc, securityGroups?: ec2.ISecurityGroup[]) => vpcFunction(scope, 'Fn', vpc, { securityGroups });

describe(RULE, () => {
  test('a VPC function with its group in the same stack is reported (L2)', () => {
    const { app, stack, vpc } = testStack();
    fn(stack, vpc);
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('45 minutes');
  });

  test('a function whose group lives in another stack is not (L2)', () => {
    const { app, stack, vpc } = testStack();
    const sg = new ec2.SecurityGroup(stack, 'Shared', { vpc, allowAllOutbound: false });
    fn(new Stack(app, 'Fns', { env: ENV }), vpc, [sg]);
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });
});
