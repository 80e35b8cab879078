import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyse } from '../../src/checks/engine';
import { ENV, analyseApp, findingsOf, handTemplate, testStack, vpcFunction } from '../support/analyse-app';

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

describe(`${RULE} on hand-written templates`, () => {
  const fnWith = (groups: unknown[]) => ({ Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SecurityGroupIds: groups, SubnetIds: ['s'] } } });
  const sg = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } };

  test('names the function and its groups from the same stack', () => {
    const found = findingsOf(analyse(handTemplate({ A: sg, B: sg, Fn: fnWith([{ Ref: 'A' }, { Ref: 'B' }]) }), {}, []).findings, RULE);
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/^Hand\/Fn runs in a VPC with Hand\/A, Hand\/B from the/);
  });

  test('a group known only by its id is from no stack of the app, and checking it does not fail', () => {
    const { findings } = analyse(handTemplate({ Fn: fnWith(['sg-0123456789abcdef0']) }), {}, []);
    expect(findingsOf(findings, RULE)).toEqual([]);
    expect(findings.filter(f => f.message.includes('failed on this app'))).toEqual([]);
  });
});
