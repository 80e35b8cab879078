import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testApp, ENV } from '../support/analyse-app';

const RULE = 'DefaultSecurityGroupOpen';

function stackWith(build: (stack: Stack) => void): App {
  const app = testApp();
  build(new Stack(app, 'Stack', { env: ENV }));
  return app;
}

describe(RULE, () => {
  test('flags a VPC whose default group keeps its rules (L2)', () => {
    const app = stackWith(s => new ec2.Vpc(s, 'Vpc', { restrictDefaultSecurityGroup: false, natGateways: 0 }));
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].constructPath).toBe('Stack/Vpc/Resource');
  });

  test("CDK's restrictDefaultSecurityGroup counts as locked (L2)", () => {
    const app = stackWith(s => new ec2.Vpc(s, 'Vpc', { restrictDefaultSecurityGroup: true, natGateways: 0 }));
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test("this library's locker resource type counts as locked (L1)", () => {
    const app = stackWith(s => {
      const vpc = new ec2.CfnVPC(s, 'Vpc', { cidrBlock: '10.0.0.0/16' });
      new CfnResource(s, 'Lock', { type: 'Custom::SgStrategyLockedDefaultSecurityGroup', properties: { ServiceToken: 'arn:x', DefaultSecurityGroupId: vpc.attrDefaultSecurityGroup } });
    });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('a CfnVPC without a locker is flagged (L1)', () => {
    const app = stackWith(s => new ec2.CfnVPC(s, 'Vpc', { cidrBlock: '10.0.0.0/16' }));
    expect(findingsOf(analyseApp(app), RULE)).toHaveLength(1);
  });
});

test('DefaultSecurityGroupOpen on hand-written templates: the whole message, with ::/0 once the VPC has an IPv6 block', () => {
  const messages = (more: Record<string, unknown> = {}) => findingsOf(analyse(handTemplate({
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } }, ...more,
  }), {}, []).findings, 'DefaultSecurityGroupOpen').map(f => f.message);
  expect(messages()).toEqual(['The default security group of Hand/Vpc keeps AWS\'s rules: it admits itself on all traffic and sends all traffic to 0.0.0.0/0.']);
  expect(messages({ V6: { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: { Ref: 'Vpc' }, AmazonProvidedIpv6CidrBlock: true } } })).toEqual([
    'The default security group of Hand/Vpc keeps AWS\'s rules: it admits itself on all traffic and sends all traffic to 0.0.0.0/0 and ::/0.',
  ]);
});
