import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { CfnYamlError, parseCfnYaml } from '../../src/cli/cfn-yaml';

describe('the CloudFormation YAML reader', () => {
  test('reads a hand-written template: short-form tags, comments, flow collections and folded strings', () => {
    const template = parseCfnYaml(fs.readFileSync(path.join(__dirname, 'fixtures', 'hand-written.yaml'), 'utf8')) as any;
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(template.Description).toBe('Web tier with a jump host');
    expect(template.Resources.WebSg.Properties.VpcId).toEqual({ Ref: 'VpcId' });
    expect(template.Resources.WebSg.Properties.SecurityGroupIngress).toEqual([
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' },
      { IpProtocol: '-1', CidrIpv6: '::/0' },
    ]);
    expect(template.Resources.WebSg.Properties.SecurityGroupEgress[0]).toEqual({
      IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, DestinationSecurityGroupId: { 'Fn::GetAtt': ['AppSg', 'GroupId'] },
    });
    expect(template.Resources.AppFromWeb.Properties.SourceSecurityGroupId).toEqual({ 'Fn::GetAtt': ['WebSg', 'GroupId'] });
    expect(template.Resources.AppFromWeb.Properties.Description).toEqual({ 'Fn::Sub': 'web to app in ${AWS::StackName}' });
    expect(template.Resources.PublicAlb.Properties).toEqual({ Scheme: 'internet-facing', Subnets: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'], SecurityGroups: [{ Ref: 'WebSg' }] });
    expect(template.Resources.PeersFromPeers.Properties.SourceSecurityGroupId).toEqual({ Ref: 'PeersSg' });
    expect(template.Outputs.AppGroup.Export.Name).toEqual({ 'Fn::Sub': '${AWS::StackName}-AppSg' });
  });

  test('a tag on its own line takes the block below it, and nested sequences start on the dash line', () => {
    const value = parseCfnYaml([
      'Value: !Join',
      '  - ""',
      '  - - "arn:"',
      '    - !Ref AWS::Partition',
      '    - !Select [0, !GetAZs ""]',
      'If: !If [IsProd, !Ref Big, !Ref AWS::NoValue]',
    ].join('\n'));
    expect(value).toEqual({
      Value: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }]] },
      If: { 'Fn::If': ['IsProd', { Ref: 'Big' }, { Ref: 'AWS::NoValue' }] },
    });
  });

  test('literal and folded block scalars keep and fold lines as YAML says', () => {
    const value = parseCfnYaml([
      'Script: |',
      '  #!/bin/bash',
      '  echo "a # b"',
      '',
      '  exit 0',
      'Folded: >',
      '  one',
      '  two',
      'Kept: |+',
      '  x',
      '',
      'Next: 1',
    ].join('\n')) as any;
    expect(value.Script).toBe('#!/bin/bash\necho "a # b"\n\nexit 0\n');
    expect(value.Folded).toBe('one two\n');
    expect(value.Kept).toBe('x\n\n');
    expect(value.Next).toBe(1);
  });

  test('quoted strings keep what looks like numbers, booleans and comments', () => {
    expect(parseCfnYaml('A: "0755"\nB: \'true\'\nC: "x # y"\nD: it\'s\nE: \'it\'\'s\'\nF: 0755\nG: ~')).toEqual({
      A: '0755', B: 'true', C: 'x # y', D: "it's", E: "it's", F: '0755', G: null,
    });
  });

  test.each([
    ['Resources:\n  A: 1\n  A: 2', 3, /duplicate key A/],
    ['Resources:\n\tA: 1', 2, /tabs/],
    ['A: [1, 2', 1, /not closed/],
    ['A: &anchor 1\nB: *anchor', 1, /anchors/],
    ['A: 1\n---\nB: 2', 2, /second document/],
    ['A: "open', 1, /not closed/],
    ['A:\n  - 1\n  B: 2', 3, /expected "key: value"|unexpected/],
  ])('refuses %j at line %i', (source, line, message) => {
    let error: unknown;
    try {
      parseCfnYaml(source);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CfnYamlError);
    expect((error as CfnYamlError).line).toBe(line);
    expect((error as Error).message).toMatch(message);
  });

  test('JSON is YAML: any JSON value written on one line reads back the same', () => {
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/);
    const text = fc.string({ unit: fc.constantFrom(...'ab -_./:#!{}[],\'"\\'.split('')), maxLength: 12 });
    const scalar = fc.oneof(text, fc.integer({ min: -1e6, max: 1e6 }), fc.boolean(), fc.constant(null));
    const value = fc.letrec(tie => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 }), doc => {
      expect(parseCfnYaml(JSON.stringify(doc))).toEqual(doc);
    }), { numRuns: 300 });
  });
});
