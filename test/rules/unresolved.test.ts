import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testStack } from '../support/analyse-app';

describe('UnresolvedRulePeer and UnresolvedReference', () => {
  test('a peer imported from outside the app is listed, not passed (L2)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.ipv4(Fn.importValue('OfficeCidr')), ec2.Port.tcp(22));
    const found = findingsOf(analyseApp(app), 'UnresolvedRulePeer');
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('OfficeCidr');
  });

  test('a rule from an SSM parameter is listed (L1)', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { Ref: 'Office' } }] } },
    }, { Parameters: { Office: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/net/office' } } }), {}, []);
    expect(findingsOf(findings, 'UnresolvedRulePeer')[0].message).toContain('read from SSM');
  });

  test('a group id from a condition on an instance is listed (L1)', () => {
    const { findings } = analyse(handTemplate({
      I: { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-1', SecurityGroupIds: [{ 'Fn::If': ['Prod', 'sg-1', 'sg-2'] }] } },
    }), {}, []);
    const found = findingsOf(findings, 'UnresolvedReference');
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('Fn::If');
  });

  test('a template or resource that could not be read is a warning: nothing in it was checked', () => {
    const { findings } = analyse(handTemplate({
      Broken: { Type: 'AWS::CDK::Unreadable', Properties: { Error: 'Unexpected token } in JSON' } },
      I: { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-1', SecurityGroupIds: [{ 'Fn::If': ['Prod', 'sg-1', 'sg-2'] }] } },
    }), {}, []);
    expect(findingsOf(findings, 'UnresolvedReference').map(f => `${f.logicalId} ${f.level}`).sort()).toEqual(['Broken warning', 'I info']);
  });

  test('resolved rules produce no unresolved findings (L2)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.ipv4('10.0.0.0/24'), ec2.Port.tcp(22));
    const findings = analyseApp(app);
    expect(findingsOf(findings, 'UnresolvedRulePeer')).toEqual([]);
    expect(findingsOf(findings, 'UnresolvedReference')).toEqual([]);
  });
});

test('an unresolved rule peer and an unresolved reference are each reported by their own rule only', () => {
  const { findings } = analyse(handTemplate({
    Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { 'Fn::ImportValue': 'office' } }] } },
    I: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: [{ 'Fn::ImportValue': 'elsewhere' }] } },
  }), {}, []);
  const peer = findingsOf(findings, 'UnresolvedRulePeer');
  const reference = findingsOf(findings, 'UnresolvedReference');
  expect(peer.map(f => f.logicalId)).toEqual(['Sg']);
  expect(peer[0].message).toMatch(/^Hand\/Sg: .*office.*\.$/);
  expect(reference.map(f => f.logicalId)).toEqual(['I']);
  expect(reference[0].message).toMatch(/^Hand\/I: .*elsewhere.*\.$/);
});
