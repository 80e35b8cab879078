import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testStack, vpcFunction } from '../support/analyse-app';

const RULE = 'TooManySecurityGroupsPerInterface';

function groups(stack: any, vpc: ec2.Vpc, n: number) {
  return Array.from({ length: n }, (_, i) => new ec2.SecurityGroup(stack, `Sg${i}`, { vpc, allowAllOutbound: false }));
}

describe(RULE, () => {
  test('six groups on an instance is a warning (L1)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.CfnInstance(stack, 'I', { imageId: 'ami-1', subnetId: vpc.isolatedSubnets[0].subnetId, securityGroupIds: groups(stack, vpc, 6).map(g => g.securityGroupId) });
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].level).toBe('warning');
  });

  test('seventeen groups is an error: over the hard limit (L1)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.CfnInstance(stack, 'I', { imageId: 'ami-1', subnetId: vpc.isolatedSubnets[0].subnetId, securityGroupIds: groups(stack, vpc, 17).map(g => g.securityGroupId) });
    expect(findingsOf(analyseApp(app), RULE)[0].level).toBe('error');
  });

  test('six groups on a Lambda function is an error (L2)', () => {
    const { app, stack, vpc } = testStack();
    vpcFunction(stack, 'Fn', vpc, { securityGroups: groups(stack, vpc, 6) });
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 'error', resourceType: 'AWS::Lambda::Function' });
  });

  test('six groups on a Lambda function from a parameter\'s default: a warning, since the deployed list may differ (L1)', () => {
    const { findings } = analyse(handTemplate({
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { ZipFile: 'x' }, Role: 'arn:aws:iam::1:role/r', VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: { Ref: 'Groups' } } } },
    }, { Parameters: { Groups: { Type: 'List<AWS::EC2::SecurityGroup::Id>', Default: 'sg-1,sg-2,sg-3,sg-4,sg-5,sg-6' } } }), {}, []);
    expect(findingsOf(findings, RULE)).toEqual([expect.objectContaining({
      level: 'warning',
      message: expect.stringContaining('Not certain: this rests on the default of parameter Groups, and the value deployed may differ.'),
    })]);
  });

  test('five groups is compliant, and the quota is configurable (L2)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.Instance(stack, 'I', { vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(), securityGroup: groups(stack, vpc, 1)[0] });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
    const strict = testStack();
    new ec2.CfnInstance(strict.stack, 'I', { imageId: 'ami-1', securityGroupIds: groups(strict.stack, strict.vpc, 3).map(g => g.securityGroupId) });
    expect(findingsOf(analyseApp(strict.app, { securityGroupsPerInterfaceQuota: 2 }), RULE)).toHaveLength(1);
  });
});

describe('TooManySecurityGroupsPerInterface at each limit, on hand-written templates', () => {
  const manyGroups = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`G${i}`, { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } }]));
  const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ Ref: `G${i}` }));
  const found = (resource: Record<string, unknown>, n: number) => findingsOf(analyse(handTemplate({ ...manyGroups(n), R: resource }), {}, []).findings, 'TooManySecurityGroupsPerInterface')
    .map(f => [f.level, f.message]);
  const instance = (n: number, extraIds: unknown[] = []) => ({ Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: [...ids(n), ...extraIds] } });
  const fn = (n: number) => ({ Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SecurityGroupIds: ids(n), SubnetIds: ['s'] } } });

  test('the default quota of 5: 5 pass, 6 is a warning', () => {
    expect(found(instance(5), 5)).toEqual([]);
    expect(found(instance(6), 6)).toEqual([['warning', 'Hand/R has 6 security groups, over the default quota of 5 per interface.']]);
  });

  test('the hard limit of 16: 16 is over the quota only, 17 is an error', () => {
    expect(found(instance(16), 16)).toEqual([['warning', 'Hand/R has 16 security groups, over the default quota of 5 per interface.']]);
    expect(found(instance(17), 17)).toEqual([['error', 'Hand/R has 17 security groups; the hard limit is 16 per interface.']]);
  });

  test('a resource type with a limit of its own: a Lambda function takes 5 at most', () => {
    expect(found(fn(5), 5)).toEqual([]);
    expect(found(fn(6), 6)).toEqual([['error', 'Hand/R has 6 security groups; AWS::Lambda::Function accepts at most 5.']]);
  });

  test('groups synth cannot resolve count too', () => {
    expect(found(instance(5, [{ 'Fn::ImportValue': 'x' }]), 5)).toEqual([['warning', 'Hand/R has 6 security groups, over the default quota of 5 per interface.']]);
  });
});
