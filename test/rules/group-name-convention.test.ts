import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ServerClientPair } from '../../src';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testStack } from '../support/analyse-app';

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

describe(`${RULE} on hand-written templates`, () => {
  const messages = (resources: Record<string, unknown>) => findingsOf(analyse(handTemplate(resources), { groupNamePattern: '^[a-z-]+$' }, []).findings, RULE).map(f => f.message);
  const sg = (props: Record<string, unknown> = {}) => ({ Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', ...props } });

  test('a name that does not match, and a group with no name, are each said so', () => {
    expect(messages({ Bad: sg({ GroupName: 'DB_Group' }), Good: sg({ GroupName: 'db-group' }), None: sg() })).toEqual([
      'Hand/Bad is named "DB_Group", which does not match /^[a-z-]+$/.',
      'Hand/None has neither a Name tag nor a GroupName to match /^[a-z-]+$/.',
    ]);
  });

  test('a name known only at deploy time, and a VPC\'s default group, are not judged', () => {
    expect(messages({
      Late: sg({ GroupName: { 'Fn::Sub': '${AWS::StackName}-db' } }),
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      Named: sg({ GroupName: 'ok', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, SourceSecurityGroupId: { 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] } }] }),
    })).toEqual([]);
  });
});
