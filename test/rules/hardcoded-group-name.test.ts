import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyseApp, findingsOf, testStack } from '../support/analyse-app';

const RULE = 'HardcodedGroupName';

describe(RULE, () => {
  test('flags securityGroupName (L2)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'Sg', { vpc, securityGroupName: 'db', allowAllOutbound: false });
    expect(findingsOf(analyseApp(app), RULE)[0].message).toContain('"db"');
  });

  test('a Name tag is compliant (L1)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.CfnSecurityGroup(stack, 'Sg', { groupDescription: 'x', vpcId: vpc.vpcId, tags: [{ key: 'Name', value: 'db' }] });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });
});
