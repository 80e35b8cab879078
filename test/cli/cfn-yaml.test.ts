import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { CfnYamlError, parseCfnYaml, parseCfnYamlDocument } from '../../src/cli/cfn-yaml';

const yaml = (...lines: string[]) => lines.join('\n');

/** The error parseCfnYaml throws for `source`, or undefined when it reads it. */
function refusal(source: string): CfnYamlError | undefined {
  try {
    parseCfnYaml(source);
  } catch (e) {
    if (e instanceof CfnYamlError) return e;
    throw e;
  }
  return undefined;
}

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

  describe('every short form, in each shape CloudFormation documents', () => {
    test.each([
      ['!Ref Vpc', { Ref: 'Vpc' }],
      ['!Condition IsProd', { Condition: 'IsProd' }],
      ['!GetAtt Db.Endpoint.Port', { 'Fn::GetAtt': ['Db', 'Endpoint.Port'] }],
      ['!GetAtt [Db, Endpoint.Port]', { 'Fn::GetAtt': ['Db', 'Endpoint.Port'] }],
      ['!Sub "${AWS::StackName}-sg"', { 'Fn::Sub': '${AWS::StackName}-sg' }],
      ['!Sub ["${Name}-sg", { Name: !Ref App }]', { 'Fn::Sub': ['${Name}-sg', { Name: { Ref: 'App' } }] }],
      ['!Join ["-", [a, b]]', { 'Fn::Join': ['-', ['a', 'b']] }],
      ['!Select [1, !Split [",", !Ref Subnets]]', { 'Fn::Select': [1, { 'Fn::Split': [',', { Ref: 'Subnets' }] }] }],
      ['!FindInMap [Ports, !Ref Env, Db]', { 'Fn::FindInMap': ['Ports', { Ref: 'Env' }, 'Db'] }],
      ['!GetAZs', { 'Fn::GetAZs': '' }],
      ['!GetAZs ""', { 'Fn::GetAZs': '' }],
      ['!GetAZs eu-west-1', { 'Fn::GetAZs': 'eu-west-1' }],
      ['!ImportValue shared-db-sg', { 'Fn::ImportValue': 'shared-db-sg' }],
      ['!ImportValue { "Fn::Sub": "${Net}-sg" }', { 'Fn::ImportValue': { 'Fn::Sub': '${Net}-sg' } }],
      ['!Base64 "echo hi"', { 'Fn::Base64': 'echo hi' }],
      ['!Cidr [10.0.0.0/16, 4, 8]', { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] }],
      ['!If [IsProd, 10.0.0.0/8, !Ref AWS::NoValue]', { 'Fn::If': ['IsProd', '10.0.0.0/8', { Ref: 'AWS::NoValue' }] }],
      ['!Equals [!Ref Env, prod]', { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] }],
      ['!And [!Condition A, !Not [!Condition B]]', { 'Fn::And': [{ Condition: 'A' }, { 'Fn::Not': [{ Condition: 'B' }] }] }],
      ['!Or [!Condition A, !Condition B]', { 'Fn::Or': [{ Condition: 'A' }, { Condition: 'B' }] }],
      ['!Transform { Name: AWS::Include, Parameters: { Location: s3://b/k } }', { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k' } } }],
      // PyYAML and SnakeYAML (so cfn-lint, cfn-flip and, by its reading, CloudFormation) resolve a scalar under the
      // non-specific tag as if it had no tag and no quotes: their parsers mark it implicit whatever its style.
      ['! 22', 22],
      ['! "22"', 22],
      ["! 'yes'", true],
      ['! "x y"', 'x y'],
      ['! [a, 1]', ['a', 1]],
    ])('%s', (source, expected) => {
      expect(parseCfnYaml(`Value: ${source}`)).toEqual({ Value: expected });
    });

    test('a tag outside the set is Fn:: and its name, as cfn-flip reads it, for the model to report', () => {
      expect(parseCfnYaml(yaml('A: !Rain::Embed script.sh', 'B: !NewFunction [x, 0755]', 'C: !Reff { X: 1 }', 'D: !Sub [a, !Custom 1]'))).toEqual({
        A: { 'Fn::Rain::Embed': 'script.sh' },
        B: { 'Fn::NewFunction': ['x', 493] },
        C: { 'Fn::Reff': { X: 1 } },
        D: { 'Fn::Sub': ['a', { 'Fn::Custom': '1' }] },
      });
    });

    test('a YAML tag CloudFormation does not read is refused at its line', () => {
      const error = refusal(yaml('A: 1', 'B: !!binary aGk='));
      expect(error?.line).toBe(2);
      expect(error?.message).toMatch(/the YAML tag !!binary, which CloudFormation does not read/);
    });
  });

  describe('valid YAML the hand-written reader refused or read wrong', () => {
    test.each([
      ["Description: 'one\n  two'", 'one two'],
      ['Description: "one\n  two"', 'one two'],
      ['Description: "one\\\n  two"', 'onetwo'],
      ["Description: 'one\n\n  two'", 'one\ntwo'],
    ])('a quoted scalar over several lines: %j', (source, expected) => {
      expect(parseCfnYaml(source)).toEqual({ Description: expected });
    });

    test.each([
      ['Description: one\n  two', 'one two'],
      ['Description:\n  one\n  two', 'one two'],
      ['Description:\n  one\n\n  two', 'one\ntwo'],
    ])('a plain scalar over several lines: %j', (source, expected) => {
      expect(parseCfnYaml(source)).toEqual({ Description: expected });
    });

    test('a tag on its own line takes the block scalar or sequence below it', () => {
      expect(parseCfnYaml(yaml(
        'UserData:',
        '  Fn::Base64:',
        '    !Sub |',
        '      echo hi',
        'Name: !Join',
        "  - '-'",
        '  - [a, b]',
        'Script: !Sub',
        '  - |',
        '    echo ${X}',
        '  - X: !Ref Y',
      ))).toEqual({
        UserData: { 'Fn::Base64': { 'Fn::Sub': 'echo hi\n' } },
        Name: { 'Fn::Join': ['-', ['a', 'b']] },
        Script: { 'Fn::Sub': ['echo ${X}\n', { X: { Ref: 'Y' } }] },
      });
    });

    test('a folded scalar folds single line breaks and keeps one for each blank line', () => {
      expect(parseCfnYaml('A: >\n  a\n\n  b\nB: >\n  a\n  b\n')).toEqual({ A: 'a\nb\n', B: 'a b\n' });
    });

    test('keep-chomping an empty block keeps its line break', () => {
      expect(parseCfnYaml('A: |+\n\nB: 1')).toEqual({ A: '\n', B: 1 });
    });

    test('a whitespace-only line inside a literal block keeps the spaces beyond the block indent', () => {
      expect(parseCfnYaml('A: |\n  x\n     \n  y\n')).toEqual({ A: 'x\n   \ny\n' });
    });

    test('a byte-order mark is skipped', () => {
      expect(parseCfnYaml('\uFEFFA: 1')).toEqual({ A: 1 });
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

  // YAML 1.1, as CloudFormation documents it, resolved the way PyYAML (and so cfn-lint) resolves it.
  test.each([
    ['"0755"', '0755'], ["'true'", 'true'], ['"x # y"', 'x # y'], ["it's", "it's"], ["'it''s'", "it's"],
    ['~', null], ['null', null], ['', null],
    ['yes', true], ['Off', false], ['y', 'y'], ['n', 'n'],
    ['0755', 493], ['012345678901', '012345678901'], ['0x1F', 31], ['1_000', 1000], ['1:30', 90], ['09', '09'],
    ['1.5', 1.5], ['1e3', '1e3'], ['1.0e+3', 1000],
    ['2010-09-09', '2010-09-09'], ['10.0.0.0/8', '10.0.0.0/8'], ['-1', -1], ['::/0', '::/0'],
  ])('the scalar %s is %j', (source, expected) => {
    expect(parseCfnYaml(`A: ${source}`)).toEqual({ A: expected });
  });

  // CloudFormation refuses both, but `aws cloudformation package` and the SAM CLI resolve them as PyYAML does.
  test('anchors and aliases are read as PyYAML reads them', () => {
    expect(parseCfnYaml(yaml('Base: &base { IpProtocol: tcp, FromPort: 22 }', 'Same: *base'))).toEqual({
      Base: { IpProtocol: 'tcp', FromPort: 22 },
      Same: { IpProtocol: 'tcp', FromPort: 22 },
    });
  });

  test('merge keys are read as PyYAML reads them: the mapping\'s own keys win, wherever the merge is written', () => {
    expect(parseCfnYaml(yaml(
      'Ssh: &ssh { IpProtocol: tcp, FromPort: 22, ToPort: 22 }',
      'Wider:',
      '  <<: *ssh',
      '  ToPort: 23',
      'Before:',
      '  ToPort: 23',
      '  <<: *ssh',
      'Listed:',
      '  <<: [*ssh, { CidrIp: 10.0.0.0/8 }]',
      'Twice:',
      '  <<: *ssh',
      '  <<: { CidrIp: 10.0.0.0/8 }',
      'Quoted:',
      "  '<<': 1",
    ))).toEqual({
      Ssh: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22 },
      Wider: { IpProtocol: 'tcp', FromPort: 22, ToPort: 23 },
      Before: { IpProtocol: 'tcp', FromPort: 22, ToPort: 23 },
      Listed: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '10.0.0.0/8' },
      Twice: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '10.0.0.0/8' },
      Quoted: { '<<': 1 },
    });
  });

  test.each([
    ['Resources:\n  A: 1\n  A: 2', 3, /duplicate key "A"; CloudFormation refuses a template that gives a key twice/],
    ['Resources:\n  Sg:\n    Properties: { CidrIp: a, CidrIp: b }', 3, /duplicate key "CidrIp"/],
    ['Resources:\n\tA: 1', 2, /tab/i],
    ['A: [1, 2', 1, /flow sequence|not closed|expected/i],
    ['A: 1\n---\nB: 2', 2, /a second YAML document/],
    ['A: "open', 1, /quote|not closed|missing/i],
    ['A:\n  - 1\n  B: 2', 3, /./],
  ])('refuses %j at line %i', (source, line, message) => {
    const error = refusal(source);
    expect(error).toBeInstanceOf(CfnYamlError);
    expect(error?.line).toBe(line);
    expect(error?.message).toMatch(new RegExp(`^line ${line}: `));
    expect(error?.message).toMatch(message);
  });

  test('nesting deeper than the reader follows is refused at its line, not a crash', () => {
    const depth = 3000;
    const source = ['Resources:', ...Array.from({ length: depth }, (_, i) => `${'  '.repeat(i + 1)}- `), `${'  '.repeat(depth + 1)}x`].join('\n');
    const error = refusal(source);
    expect(error).toBeInstanceOf(CfnYamlError);
    expect(error?.line).toBeGreaterThan(1);
    expect(error?.message).toMatch(/nested more deeply than this reader follows$/);
    // Depths real templates reach are read.
    expect(parseCfnYaml(`A: ${'['.repeat(100)}${']'.repeat(100)}`)).toEqual({ A: JSON.parse(`${'['.repeat(100)}${']'.repeat(100)}`) });
  });

  test('a document start and end marker are fine, and so is a file of comments', () => {
    expect(parseCfnYaml('---\nA: 1\n...\n')).toEqual({ A: 1 });
    expect(parseCfnYaml('# nothing here\n')).toBeNull();
  });

  test('gives where each resource\'s logical id is written', () => {
    const { value, resourcePositions } = parseCfnYamlDocument(yaml(
      'Resources:',
      '  WebSg:',
      '    Type: AWS::EC2::SecurityGroup',
      '  "Quoted": { Type: AWS::EC2::SecurityGroup }',
      'Outputs:',
      '  WebSg: { Value: 1 }',
    ));
    expect(Object.keys((value as any).Resources)).toEqual(['WebSg', 'Quoted']);
    expect(resourcePositions.get('WebSg')).toEqual({ line: 2, column: 3, endColumn: 8 });
    expect(resourcePositions.get('Quoted')).toEqual({ line: 4, column: 3, endColumn: 11 });
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
