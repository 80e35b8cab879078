import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ServerClientPair } from '../../src';
import { analyseApp, findingsOf, testStack } from '../support/analyse-app';

const RULE = 'GroupNameConvention';

describe(RULE, () => {
  test('is off without a pattern', () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'Sg', { vpc });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('flags names that do not match, and groups without a name (L2)', () => {
    const { app, stack, vpc } = testStack();
    new ServerClientPair(stack, 'Good', { vpc, name: 'orders-db', ports: [ec2.Port.tcp(5432)] });
    new ServerClientPair(stack, 'Bad', { vpc, name: 'Orders_DB', ports: [ec2.Port.tcp(5432)] });
    new ec2.SecurityGroup(stack, 'Unnamed', { vpc });
    const found = findingsOf(analyseApp(app, { groupNamePattern: '^[a-z0-9-]+$' }), RULE);
    expect(found.map(f => f.constructPath).sort()).toEqual([
      'Stack/Bad/ClientSecurityGroup/Resource', 'Stack/Bad/ServerSecurityGroup/Resource', 'Stack/Unnamed/Resource',
    ]);
  });
});
