import { Aspects, Stack, Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { LockDefaultSecurityGroups, LockedDefaultSecurityGroup } from '../../src';
import { ENV, analyseApp, findingsOf, testApp } from '../support/analyse-app';

const LOCKER_TYPE = 'Custom::SgStrategyLockedDefaultSecurityGroup';

/** The VPC each locker in a template locks, by the VPC's logical id (or literal id). */
function lockedVpcs(template: Template): string[] {
  return Object.values(template.findResources(LOCKER_TYPE))
    .map((r: any) => r.Properties.VpcId.Ref ?? r.Properties.VpcId)
    .sort();
}

/** An app with an L2 VPC, a CfnVPC, a VPC with CDK's restriction, and an imported VPC. */
function mixedApp() {
  const app = testApp();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const l2 = new ec2.Vpc(stack, 'Plain', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: false });
  const restricted = new ec2.Vpc(stack, 'Restricted', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
  const cfnVpc = new ec2.CfnVPC(stack, 'Raw', { cidrBlock: '10.9.0.0/16' });
  ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'] });
  return { app, stack, l2, restricted, cfnVpc };
}

const logicalIdOf = (stack: Stack, vpc: ec2.Vpc) => stack.getLogicalId(vpc.node.defaultChild as ec2.CfnVPC);

describe('LockDefaultSecurityGroups', () => {
  test('one line locks every VPC the app creates: an L2 Vpc, a CfnVPC and one with CDK\'s restriction', () => {
    const { app, stack, l2, restricted } = mixedApp();
    Aspects.of(app).add(new LockDefaultSecurityGroups());
    const template = Template.fromStack(stack);

    expect(lockedVpcs(template)).toEqual([logicalIdOf(stack, l2), 'Raw', logicalIdOf(stack, restricted)].sort());
    // The locker sits beside its VPC, with a stable path.
    expect(l2.node.tryFindChild('LockedDefaultSecurityGroup')).toBeInstanceOf(LockedDefaultSecurityGroup);
    expect(stack.node.tryFindChild('RawLockedDefaultSecurityGroup')).toBeInstanceOf(LockedDefaultSecurityGroup);
    // CDK's restriction stays, and ours runs after it.
    const [restriction] = Object.keys(template.findResources('Custom::VpcRestrictDefaultSG'));
    const restrictedLocker = Object.values(template.findResources(LOCKER_TYPE))
      .find((r: any) => r.Properties.VpcId.Ref === logicalIdOf(stack, restricted));
    expect(restrictedLocker!.DependsOn).toContain(restriction);
    // One handler for the stack (the third function is CDK's own restriction handler).
    expect(Object.keys(template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('LockedDefaultSecurityGroup') },
    }))).toHaveLength(1);
    template.resourceCountIs('AWS::Lambda::Function', 3);
  });

  test('is idempotent: added twice, and beside a hand-made locker, each VPC still has exactly one', () => {
    const { app, stack, l2 } = mixedApp();
    new LockedDefaultSecurityGroup(stack, 'ByHand', { vpc: l2, relockOnDrift: true });
    Aspects.of(app).add(new LockDefaultSecurityGroups());
    Aspects.of(stack).add(new LockDefaultSecurityGroups({ restoreAwsDefaultsOnDelete: true }));
    const template = Template.fromStack(stack);

    const vpcs = lockedVpcs(template);
    expect(vpcs).toHaveLength(3);
    expect(new Set(vpcs).size).toBe(3);
    // The hand-made locker was kept as it was.
    expect(LockedDefaultSecurityGroup.lockerOf(l2)!.node.path).toBe('Stack/ByHand');
    template.resourceCountIs('AWS::Events::Rule', 1);
  });

  test('passes its settings to each locker it adds', () => {
    const { app, stack } = mixedApp();
    Aspects.of(app).add(new LockDefaultSecurityGroups({ restoreAwsDefaultsOnDelete: true, relockOnEveryDeploy: false, relockOnDrift: true }));
    const template = Template.fromStack(stack);
    for (const locker of Object.values(template.findResources(LOCKER_TYPE))) {
      expect(locker.Properties.RestoreAwsDefaultsOnDelete).toBe(true);
      expect(locker.Properties.DeployNonce).toBeUndefined();
    }
    template.resourceCountIs('AWS::Events::Rule', 3);
  });

  test('an imported VPC is left to LockedDefaultSecurityGroup: the Aspect cannot know its default group', () => {
    const { app, stack } = mixedApp();
    Aspects.of(app).add(new LockDefaultSecurityGroups());
    expect(lockedVpcs(Template.fromStack(stack))).not.toContain('vpc-0123456789abcdef0');
  });

  test('reaches stacks in a Stage when added to the Stage, as CDK applies App Aspects outside Stages only', () => {
    const app = testApp();
    const stage = new Stage(app, 'Prod', { env: ENV });
    const stack = new Stack(stage, 'Network');
    new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    Aspects.of(app).add(new LockDefaultSecurityGroups());
    Aspects.of(stage).add(new LockDefaultSecurityGroups());
    Template.fromStack(stack).resourceCountIs(LOCKER_TYPE, 1);
  });

  test('with the Aspect, the checks find no open default group anywhere', () => {
    const { app } = mixedApp();
    Aspects.of(app).add(new LockDefaultSecurityGroups());
    expect(findingsOf(analyseApp(app), 'DefaultSecurityGroupOpen')).toEqual([]);
  });
});
