import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { LockedDefaultSecurityGroup } from '../../src';
import { ENV, acknowledgementReasons, analyseApp, findingsOf, nagCheckedStack, testApp, testStack, validationViolations } from '../support/analyse-app';

const LOCKER_TYPE = 'Custom::SgStrategyLockedDefaultSecurityGroup';

/** The policy statements of the stack's locker handler role. */
function handlerStatements(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^SgStrategyDefaultGroupLockerHandlerRole') }] },
  });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('LockedDefaultSecurityGroup', () => {
  test('locks the default group of an ec2.Vpc through a custom resource that relocks on every deploy', () => {
    const { stack, vpc } = testStack();
    const locker = new LockedDefaultSecurityGroup(stack, 'Lock', { vpc });
    const template = Template.fromStack(stack);

    template.hasResourceProperties(LOCKER_TYPE, {
      DefaultSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(vpc.node.defaultChild as ec2.CfnVPC), 'DefaultSecurityGroup'] },
      VpcId: { Ref: stack.getLogicalId(vpc.node.defaultChild as ec2.CfnVPC) },
      RestoreAwsDefaultsOnDelete: false,
      DeployNonce: Match.stringLikeRegexp('^\\d{4}-\\d\\d-\\d\\dT'),
    });
    expect(stack.resolve(locker.defaultSecurityGroupId)).toEqual(stack.resolve(vpc.vpcDefaultSecurityGroup));
    // The handler: CDK's latest Node.js runtime, our bundled code, no VPC, no managed policies.
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: Match.stringLikeRegexp('^nodejs\\d+\\.x$'),
      Description: Match.stringLikeRegexp('LockedDefaultSecurityGroup'),
    });
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect((role as any).Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('the deploy nonce differs between synths, and is absent when relockOnEveryDeploy is off', async () => {
    const nonceOf = (relockOnEveryDeploy?: boolean) => {
      const { stack, vpc } = testStack();
      new LockedDefaultSecurityGroup(stack, 'Lock', { vpc, relockOnEveryDeploy });
      return Object.values(Template.fromStack(stack).findResources(LOCKER_TYPE))[0].Properties.DeployNonce;
    };
    const first = nonceOf();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(nonceOf()).not.toEqual(first);
    expect(nonceOf(false)).toBeUndefined();
  });

  test('one handler and one provider per stack, whatever the number of lockers', () => {
    const { stack, vpc } = testStack();
    const other = new ec2.Vpc(stack, 'Other', { maxAzs: 1, natGateways: 0 });
    new LockedDefaultSecurityGroup(stack, 'Lock', { vpc });
    new LockedDefaultSecurityGroup(stack, 'LockOther', { vpc: other });
    const template = Template.fromStack(stack);
    template.resourceCountIs(LOCKER_TYPE, 2);
    // Our handler plus the Provider framework's function.
    template.resourceCountIs('AWS::Lambda::Function', 2);
    const tokens = Object.values(template.findResources(LOCKER_TYPE)).map((r: any) => JSON.stringify(r.Properties.ServiceToken));
    expect(new Set(tokens).size).toBe(1);
  });

  test('revoke is granted on each locked group alone; describe on "*"; authorize only to restore on delete', () => {
    const { stack, vpc } = testStack();
    const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'] });
    new LockedDefaultSecurityGroup(stack, 'Lock', { vpc });
    new LockedDefaultSecurityGroup(stack, 'LockImported', {
      vpc: imported, defaultSecurityGroupId: 'sg-0123456789abcdef0', restoreAwsDefaultsOnDelete: true,
    });
    const statements = handlerStatements(Template.fromStack(stack));

    const describe = statements.find((s) => [s.Action].flat().includes('ec2:DescribeSecurityGroupRules'));
    expect(describe.Resource).toBe('*');
    expect([describe.Action].flat().every((a: string) => a.startsWith('ec2:Describe'))).toBe(true);

    const changing = statements.filter((s) => [s.Action].flat().some((a: string) => /^ec2:(Revoke|Authorize)/.test(a)));
    expect(changing).toHaveLength(2);
    for (const statement of changing) {
      expect(statement.Resource).not.toBe('*');
      expect(JSON.stringify(statement.Resource)).toContain(':security-group/');
    }
    const importedStatement = changing.find((s) => JSON.stringify(s.Resource).includes('sg-0123456789abcdef0'));
    expect([importedStatement.Action].flat().sort()).toEqual([
      'ec2:AuthorizeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress',
      'ec2:RevokeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress',
    ]);
    const ownStatement = changing.find((s) => s !== importedStatement);
    expect([ownStatement.Action].flat().sort()).toEqual(['ec2:RevokeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress']);
    expect(JSON.stringify(ownStatement.Resource)).toContain('DefaultSecurityGroup');
  });

  test('each locker\'s permission is a policy of its own that its custom resource depends on, so it outlives the locker\'s Delete', () => {
    const { stack, vpc } = testStack();
    const other = new ec2.Vpc(stack, 'Other', { maxAzs: 1, natGateways: 0 });
    const kept = new LockedDefaultSecurityGroup(stack, 'Lock', { vpc, restoreAwsDefaultsOnDelete: true });
    const removed = new LockedDefaultSecurityGroup(stack, 'LockOther', { vpc: other, restoreAwsDefaultsOnDelete: true });
    const template = Template.fromStack(stack);
    for (const locker of [kept, removed]) {
      const resource = locker.node.findChild('Resource').node.defaultChild as any;
      const policy = locker.node.findChild('Permission').node.defaultChild as any;
      const policyId = stack.getLogicalId(policy);
      expect(template.toJSON().Resources[stack.getLogicalId(resource)].DependsOn).toContain(policyId);
      const statements = template.toJSON().Resources[policyId].Properties.PolicyDocument.Statement;
      expect(statements).toHaveLength(1);
      expect(JSON.stringify(statements[0].Resource)).toContain(locker === kept ? stack.getLogicalId(vpc.node.defaultChild as ec2.CfnVPC) : 'Other');
    }
    // The shared default policy grants no change to any group: removing one locker cannot take another's permission.
    const defaultPolicy = Object.values(template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyName: Match.stringLikeRegexp('^SgStrategyDefaultGroupLockerHandlerRoleDefaultPolicy') },
    }))[0] as any;
    expect(JSON.stringify(defaultPolicy.Properties.PolicyDocument)).not.toMatch(/Revoke|Authorize/);
  });

  test('the drift rule also matches calls that name the default group only by name', () => {
    const { stack, vpc } = testStack();
    new LockedDefaultSecurityGroup(stack, 'Lock', { vpc, relockOnDrift: true });
    const rule = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0] as any;
    expect(rule.Properties.EventPattern.detail.$or).toContainEqual({ requestParameters: { groupName: ['default'] } });
  });

  test('locks a CfnVPC', () => {
    const app = testApp();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cfnVpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.1.0.0/16' });
    new LockedDefaultSecurityGroup(stack, 'Lock', { vpc: cfnVpc });
    Template.fromStack(stack).hasResourceProperties(LOCKER_TYPE, {
      DefaultSecurityGroupId: { 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] },
      VpcId: { Ref: 'Vpc' },
    });
  });

  test('locks an imported VPC given its default group id', () => {
    const { stack } = testStack();
    const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'] });
    new LockedDefaultSecurityGroup(stack, 'Lock', { vpc: imported, defaultSecurityGroupId: 'sg-0123456789abcdef0' });
    Template.fromStack(stack).hasResourceProperties(LOCKER_TYPE, {
      DefaultSecurityGroupId: 'sg-0123456789abcdef0',
      VpcId: 'vpc-0123456789abcdef0',
    });
  });

  test('runs after CDK\'s restrictDefaultSecurityGroup when the VPC has it', () => {
    const { stack } = testStack();
    const vpc = new ec2.Vpc(stack, 'Restricted', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
    new LockedDefaultSecurityGroup(stack, 'Lock', { vpc });
    const template = Template.fromStack(stack);
    const [restriction] = Object.keys(template.findResources('Custom::VpcRestrictDefaultSG'));
    const [locker] = Object.values(template.findResources(LOCKER_TYPE));
    expect(locker.DependsOn).toContain(restriction);
  });

  test('relockOnDrift: an EventBridge rule on CloudTrail changes to this group invokes the handler', () => {
    const { stack } = testStack();
    const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'] });
    new LockedDefaultSecurityGroup(stack, 'Lock', { vpc: imported, defaultSecurityGroupId: 'sg-0123456789abcdef0', relockOnDrift: true });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.ec2'],
        'detail-type': ['AWS API Call via CloudTrail'],
        'detail': {
          eventSource: ['ec2.amazonaws.com'],
          eventName: ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'ModifySecurityGroupRules'],
          $or: [
            { requestParameters: { groupId: ['sg-0123456789abcdef0'] } },
            { requestParameters: { ModifySecurityGroupRulesRequest: { GroupId: ['sg-0123456789abcdef0'] } } },
            { requestParameters: { groupName: ['default'] } },
          ],
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SgStrategyDefaultGroupLockerHandler'), 'Arn'] } })],
    });
    // The handler acts on drift events only for the groups it was told about.
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { LOCKED_GROUP_IDS: 'sg-0123456789abcdef0' } },
    });
  });

  test('without relockOnDrift there is no rule, and drift events would be ignored', () => {
    const { stack, vpc } = testStack();
    new LockedDefaultSecurityGroup(stack, 'Lock', { vpc });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { LOCKED_GROUP_IDS: 'none' } } });
  });

  test('lockerOf finds the locker of a VPC', () => {
    const { stack, vpc } = testStack();
    const other = new ec2.Vpc(stack, 'Other', { maxAzs: 1, natGateways: 0 });
    const locker = new LockedDefaultSecurityGroup(stack, 'Lock', { vpc });
    expect(LockedDefaultSecurityGroup.lockerOf(vpc)).toBe(locker);
    expect(LockedDefaultSecurityGroup.lockerOf(vpc.node.defaultChild as ec2.CfnVPC)).toBe(locker);
    expect(LockedDefaultSecurityGroup.lockerOf(other)).toBeUndefined();
  });

  describe('bad input is an error naming the construct', () => {
    test('an imported VPC without its default group id', () => {
      const { stack } = testStack();
      const imported = ec2.Vpc.fromLookup(stack, 'Looked', { vpcId: 'vpc-0123456789abcdef0' });
      expect(() => new LockedDefaultSecurityGroup(stack, 'Lock', { vpc: imported }))
        .toThrow(/^Stack\/Lock: an imported VPC needs defaultSecurityGroupId/);
    });

    test('a VPC without a VPC id', () => {
      const { stack } = testStack();
      const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: '', availabilityZones: ['eu-west-1a'] });
      expect(() => new LockedDefaultSecurityGroup(stack, 'Lock', { vpc: imported, defaultSecurityGroupId: 'sg-0123456789abcdef0' }))
        .toThrow(/^Stack\/Lock: "" is not a VPC id/);
    });

    test('a default group id that is not a security group id', () => {
      const { stack } = testStack();
      const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'] });
      expect(() => new LockedDefaultSecurityGroup(stack, 'Lock', { vpc: imported, defaultSecurityGroupId: 'default' }))
        .toThrow(/^Stack\/Lock: defaultSecurityGroupId "default" is not a security group id/);
    });

    test('a second locker for the same VPC, in any stack', () => {
      const { app, stack, vpc } = testStack();
      new LockedDefaultSecurityGroup(stack, 'Lock', { vpc });
      const other = new Stack(app, 'Other', { env: ENV });
      expect(() => new LockedDefaultSecurityGroup(other, 'Again', { vpc }))
        .toThrow(/^Other\/Again: the default security group of this VPC is already locked by Stack\/Lock/);
    });

    test('a second locker for the same imported VPC', () => {
      const { stack } = testStack();
      const attrs = { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'] };
      new LockedDefaultSecurityGroup(stack, 'Lock', { vpc: ec2.Vpc.fromVpcAttributes(stack, 'A', attrs), defaultSecurityGroupId: 'sg-0123456789abcdef0' });
      expect(() => new LockedDefaultSecurityGroup(stack, 'Again', { vpc: ec2.Vpc.fromVpcAttributes(stack, 'B', attrs), defaultSecurityGroupId: 'sg-0123456789abcdef0' }))
        .toThrow(/already locked by Stack\/Lock/);
    });
  });

  describe('its own output passes the checks', () => {
    test("this library's DefaultSecurityGroupOpen is satisfied by the locker alone", () => {
      const unlocked = testStack(testApp());
      expect(findingsOf(analyseApp(unlocked.app), 'DefaultSecurityGroupOpen').map((f) => f.constructPath))
        .toEqual(['Stack/Vpc/Resource']);

      const locked = testStack(testApp());
      new LockedDefaultSecurityGroup(locked.stack, 'Lock', { vpc: locked.vpc });
      const findings = analyseApp(locked.app);
      expect(findingsOf(findings, 'DefaultSecurityGroupOpen')).toEqual([]);
      expect(findings.filter((f) => f.level !== 'info' && f.constructPath?.includes('SgStrategyDefaultGroupLocker'))).toEqual([]);
    });

    test("cdk-nag's AwsSolutions pack and our plugin find nothing on the locker, with its acknowledgements justified", () => {
      const { app, stack, outdir } = nagCheckedStack('lock-nag-');
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: false });
      new LockedDefaultSecurityGroup(stack, 'Lock', { vpc, relockOnDrift: true, restoreAwsDefaultsOnDelete: true });
      expect(() => app.synth()).toThrow(/AwsSolutions-VPC7/);
      // Only the user's VPC is flagged (no flow log); nothing in the locker or its provider.
      expect(validationViolations(outdir)).toEqual([{ plugin: 'AwsSolutions', rule: 'AwsSolutions-VPC7', paths: ['Stack/Vpc/Resource'] }]);
      const acknowledged = acknowledgementReasons(stack);
      expect(acknowledged.length).toBeGreaterThan(0);
      for (const reason of acknowledged) expect(reason.length).toBeGreaterThan(40);
    });
  });
});
