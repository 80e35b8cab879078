import * as fc from 'fast-check';
import { analyse } from '../../src/checks/engine';
import { RULE_IDS } from '../../src/rules/catalog';

// Values a template may hold, well-formed or not: intrinsics, ids that exist or do not, wrong types.
const logicalIds = ['Sg', 'Sg2', 'Vpc', 'Lb', 'Fn', 'Missing'];
const scalar = fc.oneof(
  fc.constantFrom('0.0.0.0/0', '::/0', '10.0.0.0/8', 'tcp', 'udp', '-1', 'icmp', 'sg-0123abcd', 'vpc-1', '', 'garbage'),
  fc.integer({ min: -2, max: 70000 }),
  fc.boolean(),
  fc.constant(null),
);
const intrinsic = fc.oneof(
  fc.constantFrom(...logicalIds).map(id => ({ Ref: id })),
  fc.tuple(fc.constantFrom(...logicalIds), fc.constantFrom('GroupId', 'CidrBlock', 'DefaultSecurityGroup', 'Endpoint.Port')).map(a => ({ 'Fn::GetAtt': a })),
  fc.constantFrom('exp', 'missing').map(n => ({ 'Fn::ImportValue': n })),
  fc.constant({ 'Fn::If': ['C', 'a', 'b'] }),
  fc.constant({ 'Fn::Join': ['', [{ Ref: 'AWS::Region' }, 'x']] }),
  fc.constant({ 'Fn::Select': [0, ['10.0.0.0/8']] }),
  fc.constant({ 'Fn::Sub': '${AWS::AccountId}' }),
);
const value: fc.Arbitrary<unknown> = fc.letrec(tie => ({
  v: fc.oneof({ depthSize: 'small' }, scalar, intrinsic, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('IpProtocol', 'FromPort', 'ToPort', 'CidrIp', 'CidrIpv6', 'SourceSecurityGroupId', 'GroupId', 'SecurityGroupIds'), tie('v'), { maxKeys: 4 })),
})).v;
const knownRule = fc.constantFrom(
  { IpProtocol: '-1', CidrIp: '0.0.0.0/0' },
  { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv6: '::/0' },
  { IpProtocol: 6, FromPort: 5432, ToPort: 5432, CidrIp: { Ref: 'P' } },
  { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': ['Sg2', 'GroupId'] } },
);
const randomRule = fc.record({
  IpProtocol: fc.oneof(scalar, intrinsic),
  FromPort: fc.oneof(scalar, intrinsic),
  ToPort: fc.oneof(scalar, intrinsic),
  CidrIp: fc.oneof(scalar, intrinsic),
  SourceSecurityGroupId: fc.oneof(scalar, intrinsic),
  DestinationPrefixListId: scalar,
}, { requiredKeys: [] });
const rule = fc.oneof(knownRule, randomRule);
const types = ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress', 'AWS::EC2::VPC', 'AWS::EC2::Instance',
  'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::Lambda::Function', 'AWS::EC2::VPCEndpointService', 'AWS::EC2::LaunchTemplate', 'AWS::RDS::DBInstance',
  'AWS::Unknown::Thing', 'Custom::VpcRestrictDefaultSG', 'AWS::CloudFormation::Stack'];
const resource = fc.record({
  Type: fc.oneof(fc.constantFrom(...types), scalar),
  Properties: fc.oneof(
    fc.record({
      SecurityGroupIngress: fc.oneof(fc.array(fc.oneof(rule, value), { maxLength: 3 }), value),
      SecurityGroupEgress: fc.oneof(fc.array(rule, { maxLength: 2 }), value),
      GroupId: fc.oneof(intrinsic, scalar),
      VpcId: fc.oneof(intrinsic, scalar),
      CidrBlock: scalar,
      SecurityGroupIds: fc.oneof(fc.array(fc.oneof(intrinsic, scalar), { maxLength: 7 }), value),
      SecurityGroups: value,
      Type: fc.constantFrom('network', 'application', 'gateway'),
      NetworkLoadBalancerArns: value,
      VpcConfig: value,
      LaunchTemplateData: value,
      DefaultSecurityGroupId: intrinsic,
    }, { requiredKeys: [] }),
    value,
  ),
}, { requiredKeys: [] });
const template = fc.oneof(
  fc.record({
    Resources: fc.oneof(fc.dictionary(fc.constantFrom(...logicalIds), fc.oneof(resource, value), { maxKeys: 6 }), value),
    Parameters: fc.oneof(fc.constant({ P: { Type: 'String', Default: '0.0.0.0/0' } }), value),
    Outputs: fc.oneof(fc.constant({ O: { Value: { 'Fn::GetAtt': ['Sg', 'GroupId'] }, Export: { Name: 'exp' } } }), value),
  }, { requiredKeys: [] }),
  value,
);

// Mostly garbage: most of these templates define no group at all. never-throws-structured.test.ts generates apps
// that reach every rule.
describe('the engine never throws', () => {
  test('on 10,000 random templates, and reports what it could not read', () => {
    const rulesSeen = new Set<string>();
    fc.assert(fc.property(fc.array(template, { minLength: 1, maxLength: 3 }), templates => {
      const stacks = templates.map((t, i) => ({ stackId: `S${i}`, stackName: `S${i}`, template: t }));
      const { findings } = analyse(stacks, {}, []);
      // runRules turns a rule that throws into a warning, so "never throws" alone would hide a failing rule.
      expect(findings.filter(f => /failed on this app and checked nothing/.test(f.message))).toEqual([]);
      for (const f of findings) {
        expect(RULE_IDS).toContain(f.ruleId);
        expect(['error', 'warning', 'info']).toContain(f.level);
        rulesSeen.add(f.ruleId);
      }
    }), { numRuns: 10_000, seed: 20261122 });
    // The generator reaches deep enough to trigger many rules, including the reports of what it could not read.
    expect(rulesSeen.size).toBeGreaterThanOrEqual(10);
    expect([...rulesSeen]).toEqual(expect.arrayContaining(['UnresolvedRulePeer', 'UnresolvedReference', 'WorldOpenAdminPort']));
  });
});
