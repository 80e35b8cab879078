import { IntrinsicResolver, Resolved } from '../../src/model/intrinsics';
import { StackTemplate } from '../../src/model/types';

// The resolver on its own: what each intrinsic resolves to, and the reason given when it cannot (the reasons
// reach users in UnresolvedReference findings, so they are part of the behaviour).

const stack = (stackId: string, template: unknown, parent?: StackTemplate['parent']): StackTemplate =>
  ({ stackId, stackName: stackId, template, ...(parent ? { parent } : {}) });
const one = (template: Record<string, unknown>) => new IntrinsicResolver([stack('S', template)]);
const reasonOf = (r: Resolved) => (r.kind === 'unresolved' ? r.reason : `resolved as ${r.kind}`);

describe('values and shapes', () => {
  const resolver = one({ Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup' } } });

  test('literals stay literals; a list resolves item by item', () => {
    expect(resolver.resolve('S', 'a')).toEqual({ kind: 'literal', value: 'a' });
    expect(resolver.resolve('S', 7)).toEqual({ kind: 'literal', value: 7 });
    expect(resolver.resolve('S', false)).toEqual({ kind: 'literal', value: false });
    expect(resolver.resolve('S', ['a', { Ref: 'Sg' }])).toEqual({
      kind: 'list',
      items: [
        { kind: 'literal', value: 'a' }, { kind: 'resource', stackId: 'S', logicalId: 'Sg' },
      ],
    });
  });

  test.each([
    [null, 'no value'],
    [undefined, 'no value'],
    [() => 1, 'a function'],
    [{ Ref: 'Sg', Extra: 1 }, 'an object with keys Ref, Extra'],
    [{}, 'an object with keys (none)'],
    [{ 'Fn::FindInMap': ['M', 'a', 'b'] }, 'Fn::FindInMap is not evaluated at synth'],
    [{ 'Fn::If': ['C', 'a', 'b'] }, 'Fn::If is not evaluated at synth'],
  ])('%j is unresolved: %s', (value, reason) => {
    expect(resolver.resolve('S', value)).toEqual({ kind: 'unresolved', reason });
  });

  test('nesting is followed 24 levels deep and no further, so a cycle ends', () => {
    const nest = (levels: number): unknown => (levels === 0 ? 'x' : [nest(levels - 1)]);
    const innermost = (r: Resolved): Resolved => (r.kind === 'list' ? innermost(r.items[0]) : r);
    expect(innermost(resolver.resolve('S', nest(24)))).toEqual({ kind: 'literal', value: 'x' });
    expect(reasonOf(innermost(resolver.resolve('S', nest(25))))).toContain('nest too deeply');
    const cycle = one({ Parameters: { P: { Type: 'String', Default: { Ref: 'P' } } } });
    expect(reasonOf(cycle.resolve('S', { Ref: 'P' }))).toBe('references nest too deeply (a cycle?)');
  });

  test('items flattens nested lists, and a single value is a list of one', () => {
    const resolved = resolver.resolve('S', ['a', ['b', ['c']]]);
    expect(resolver.items(resolved).map(r => (r.kind === 'literal' ? r.value : r.kind))).toEqual(['a', 'b', 'c']);
    expect(resolver.items({ kind: 'literal', value: 'a' })).toEqual([{ kind: 'literal', value: 'a' }]);
  });

  test('a template of any shape is read as far as it is a template', () => {
    const odd = new IntrinsicResolver([stack('A', null), stack('B', { Resources: ['x'] }), stack('C', { Resources: { R: 'x', Q: null } })]);
    expect(odd.resources('A')).toEqual({});
    expect(odd.resources('B')).toEqual({});
    expect(odd.resources('Nowhere')).toEqual({});
    expect(odd.resource('C', 'R')).toEqual({});
    expect(odd.resource('C', 'Missing')).toBeUndefined();
    expect(odd.resource('Nowhere', 'R')).toBeUndefined();
    expect(odd.stack('C')?.stackId).toBe('C');
    expect(odd.stack('Nowhere')).toBeUndefined();
  });
});

describe('Ref', () => {
  const resolver = one({
    Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup' } },
    Parameters: {
      Port: { Type: 'Number', Default: 5432 },
      NoDefault: { Type: 'String' },
      FromSsm: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cidr' },
      Cidrs: { Type: 'List<String>', Default: '10.0.0.0/16, 10.1.0.0/16' },
      CommaText: { Type: 'String', Default: 'a,b' },
      GroupOfParam: { Type: 'String', Default: { Ref: 'Sg' } },
    },
  });

  test('a resource of the template, or a parameter through its default, which the result remembers', () => {
    expect(resolver.resolve('S', { Ref: 'Sg' })).toEqual({ kind: 'resource', stackId: 'S', logicalId: 'Sg' });
    expect(resolver.resolve('S', { Ref: 'Port' })).toEqual({ kind: 'literal', value: 5432, viaParameter: 'Port' });
    expect(resolver.resolve('S', { Ref: 'GroupOfParam' })).toEqual({ kind: 'resource', stackId: 'S', logicalId: 'Sg' });
  });

  test('a List<> parameter is a list of its comma-separated default, each item trimmed; a String one is not split', () => {
    expect(resolver.resolve('S', { Ref: 'Cidrs' })).toEqual({
      kind: 'list',
      items: [
        { kind: 'literal', value: '10.0.0.0/16', viaParameter: 'Cidrs' }, { kind: 'literal', value: '10.1.0.0/16', viaParameter: 'Cidrs' },
      ],
    });
    expect(resolver.resolve('S', { Ref: 'CommaText' })).toEqual({ kind: 'literal', value: 'a,b', viaParameter: 'CommaText' });
  });

  test.each([
    [{ Ref: 7 }, 'Ref to a non-string'],
    [{ Ref: 'AWS::Region' }, 'pseudo parameter AWS::Region'],
    [{ Ref: 'Missing' }, 'Ref to Missing, which is not in the template'],
    [{ Ref: 'NoDefault' }, 'parameter NoDefault has no default'],
    [{ Ref: 'FromSsm' }, 'parameter FromSsm is read from SSM at deploy time'],
  ])('%j: %s', (value, reason) => {
    expect(resolver.resolve('S', value)).toEqual({ kind: 'unresolved', reason });
  });

  test('in a stack the resolver does not know', () => {
    expect(resolver.resolve('Other', { Ref: 'Sg' })).toEqual({ kind: 'unresolved', reason: 'unknown stack Other' });
  });

  test('a nested stack parameter resolves to what its parent passes, else to its default', () => {
    const nested = new IntrinsicResolver([
      stack('Parent', {
        Resources: {
          Sg: { Type: 'AWS::EC2::SecurityGroup' },
          Child: { Type: 'AWS::CloudFormation::Stack', Properties: { Parameters: { Group: { 'Fn::GetAtt': ['Sg', 'GroupId'] } } } },
        },
      }),
      stack('Child', { Parameters: { Group: { Type: 'String' }, Port: { Type: 'Number', Default: 443 } } }, { stackId: 'Parent', logicalId: 'Child' }),
    ]);
    expect(nested.resolve('Child', { Ref: 'Group' })).toEqual({
      kind: 'resource', stackId: 'Parent', logicalId: 'Sg', attribute: 'GroupId', viaImport: { exportName: 'Group', via: 'nested-stack-parameter' },
    });
    expect(nested.resolve('Child', { Ref: 'Port' })).toEqual({ kind: 'literal', value: 443, viaParameter: 'Port' });
  });
});

describe('Fn::GetAtt', () => {
  const resolver = one({
    Parameters: { DbPort: { Type: 'Number', Default: 6543 } },
    Resources: {
      Sg: { Type: 'AWS::EC2::SecurityGroup' },
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      IpamVpc: { Type: 'AWS::EC2::VPC', Properties: { Ipv4IpamPoolId: 'ipam-pool-1' } },
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', Port: '5433' } },
      DbByParam: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-mysql', Port: { Ref: 'DbPort' } } },
      DbOdd: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'mysql', Port: 'fifty' } },
      DbPseudo: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'mysql', Port: { Ref: 'AWS::NoValue' } } },
      DbUnknownEngine: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'db2-se' } },
      Instance: { Type: 'AWS::EC2::Instance', Properties: { Port: 22 } },
    },
  });

  test('both forms of the argument name a resource and its attribute', () => {
    expect(resolver.resolve('S', { 'Fn::GetAtt': ['Sg', 'GroupId'] })).toEqual({ kind: 'resource', stackId: 'S', logicalId: 'Sg', attribute: 'GroupId' });
    expect(resolver.resolve('S', { 'Fn::GetAtt': 'Sg.GroupId' })).toEqual({ kind: 'resource', stackId: 'S', logicalId: 'Sg', attribute: 'GroupId' });
    expect(resolver.resolve('S', { 'Fn::GetAtt': 'Instance.Endpoint.Port' })).toEqual({ kind: 'resource', stackId: 'S', logicalId: 'Instance', attribute: 'Endpoint.Port' });
  });

  test.each([
    ['Sg', 'Fn::GetAtt with an argument that is not [resource, attribute]'],
    [['Sg'], 'Fn::GetAtt with an argument that is not [resource, attribute]'],
    [['Sg', 'GroupId', 'x'], 'Fn::GetAtt with an argument that is not [resource, attribute]'],
    [['Sg', 7], 'Fn::GetAtt with an argument that is not [resource, attribute]'],
    [['Missing', 'GroupId'], 'Fn::GetAtt of Missing, which is not in the template'],
  ])('%j: %s', (arg, reason) => {
    expect(resolver.resolve('S', { 'Fn::GetAtt': arg })).toEqual({ kind: 'unresolved', reason });
  });

  test('a VPC\'s CidrBlock is its literal CIDR, marked as the VPC\'s', () => {
    expect(resolver.resolve('S', { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] })).toEqual({ kind: 'literal', value: '10.0.0.0/16', viaVpcCidr: 'Vpc' });
    expect(resolver.resolve('S', { 'Fn::GetAtt': ['IpamVpc', 'CidrBlock'] })).toEqual({ kind: 'unresolved', reason: 'the CIDR of VPC IpamVpc is not known at synth' });
    expect(resolver.resolve('S', { 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] })).toEqual({ kind: 'resource', stackId: 'S', logicalId: 'Vpc', attribute: 'DefaultSecurityGroup' });
  });

  test('a database port is the declared one, through a parameter\'s default (said so), else unknown', () => {
    expect(resolver.resolve('S', { 'Fn::GetAtt': ['Db', 'Endpoint.Port'] })).toEqual({ kind: 'literal', value: 5433, viaParameter: undefined });
    expect(resolver.resolve('S', { 'Fn::GetAtt': ['DbByParam', 'Endpoint.Port'] })).toEqual({ kind: 'literal', value: 6543, viaParameter: 'DbPort' });
    for (const id of ['DbOdd', 'DbPseudo', 'DbUnknownEngine']) {
      expect(resolver.resolve('S', { 'Fn::GetAtt': [id, 'Endpoint.Port'] })).toEqual({ kind: 'unresolved', reason: `the port of ${id} is not known at synth` });
    }
    expect(resolver.resolve('S', { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] })).toMatchObject({ kind: 'resource', attribute: 'Endpoint.Address' });
    expect(resolver.resolve('S', { 'Fn::GetAtt': ['Db', 'EndpointPort'] })).toMatchObject({ kind: 'resource', attribute: 'EndpointPort' });
    expect(resolver.resolve('S', { 'Fn::GetAtt': ['Instance', 'Port'] })).toMatchObject({ kind: 'resource', attribute: 'Port' });
  });

  test.each([
    ['AWS::RDS::DBInstance', 'postgres', 5432],
    ['AWS::RDS::DBCluster', 'aurora-postgresql', 5432],
    ['AWS::RDS::DBInstance', 'MySQL', 3306],
    ['AWS::RDS::DBInstance', 'mariadb', 3306],
    ['AWS::RDS::DBCluster', 'aurora', 3306],
    ['AWS::RDS::DBCluster', 'aurora-mysql', 3306],
    ['AWS::RDS::DBInstance', 'oracle-ee', 1521],
    ['AWS::RDS::DBInstance', 'sqlserver-ex', 1433],
    ['AWS::RDS::DBInstance', 'docdb', 27017],
    ['AWS::RDS::DBInstance', 'neptune', 8182],
    ['AWS::ElastiCache::ReplicationGroup', 'valkey', 6379],
    ['AWS::ElastiCache::CacheCluster', 'memcached', 11211],
    ['AWS::ElastiCache::CacheCluster', undefined, 6379],
    ['AWS::DocDB::DBCluster', undefined, 27017],
    ['AWS::Neptune::DBCluster', undefined, 8182],
    ['AWS::Redshift::Cluster', undefined, 5439],
  ])('a %s of engine %j without a Port listens on %d', (Type, Engine, port) => {
    const r = one({ Resources: { Db: { Type, Properties: Engine === undefined ? {} : { Engine } } } });
    expect(r.resolve('S', { 'Fn::GetAtt': ['Db', 'Endpoint.Port'] })).toEqual({ kind: 'literal', value: port, viaParameter: undefined });
  });

  test.each([['oracle', 'not-oracle-ee'], ['sqlserver', 'my-sqlserver'], ['docdb', 'x-docdb'], ['redis', 'x-redis'], ['aurora', 'aurora-x']])(
    'an engine that only contains %j elsewhere in its name is not read as it', (_name, Engine) => {
      const r = one({ Resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine } } } });
      expect(r.resolve('S', { 'Fn::GetAtt': ['Db', 'Endpoint.Port'] }).kind).toBe('unresolved');
    });

  test('a nested stack\'s output resolves in the nested stack, and says it crossed into it', () => {
    const nested = new IntrinsicResolver([
      stack('Parent', { Resources: { Child: { Type: 'AWS::CloudFormation::Stack' }, Other: { Type: 'AWS::CloudFormation::Stack' } } }),
      stack('Child', { Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup' } }, Outputs: { GroupOut: { Value: { Ref: 'Sg' } }, Empty: {} } }, { stackId: 'Parent', logicalId: 'Child' }),
    ]);
    expect(nested.resolve('Parent', { 'Fn::GetAtt': ['Child', 'Outputs.GroupOut'] })).toEqual({
      kind: 'resource', stackId: 'Child', logicalId: 'Sg', viaImport: { exportName: 'Outputs.GroupOut', via: 'nested-stack-parameter' },
    });
    for (const [id, attribute] of [['Child', 'Outputs.Missing'], ['Child', 'Outputs.Empty'], ['Other', 'Outputs.GroupOut']]) {
      expect(nested.resolve('Parent', { 'Fn::GetAtt': [id, attribute] })).toEqual({
        kind: 'unresolved', reason: `output ${attribute} of nested stack ${id} is not in the app`,
      });
    }
    expect(nested.resolve('Parent', { 'Fn::GetAtt': ['Child', 'Arn'] })).toEqual({ kind: 'resource', stackId: 'Parent', logicalId: 'Child', attribute: 'Arn' });
  });
});

describe('Fn::ImportValue across the stacks of the app', () => {
  const resolver = new IntrinsicResolver([
    stack('A', {
      Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup' } },
      Outputs: {
        Plain: { Value: { 'Fn::GetAtt': ['Sg', 'GroupId'] }, Export: { Name: 'sg-id' } },
        Joined: { Value: '10.0.0.0/16', Export: { Name: { 'Fn::Join': ['-', ['vpc', 'cidr']] } } },
        Unknowable: { Value: 'x', Export: { Name: { Ref: 'AWS::StackName' } } },
        NotExported: { Value: 'y' },
      },
    }),
    stack('B', {}),
  ]);

  test('an export of the app resolves where it is made, and remembers the hop', () => {
    expect(resolver.resolve('B', { 'Fn::ImportValue': 'sg-id' })).toEqual({
      kind: 'resource', stackId: 'A', logicalId: 'Sg', attribute: 'GroupId', viaImport: { exportName: 'sg-id', via: 'import' },
    });
    expect(resolver.resolve('B', { 'Fn::ImportValue': { 'Fn::Join': ['-', ['vpc', 'cidr']] } })).toEqual({
      kind: 'literal', value: '10.0.0.0/16', viaImport: { exportName: 'vpc-cidr', via: 'import' },
    });
    expect(resolver.exporter('sg-id')).toBe('A');
    expect(resolver.exporter('vpc-cidr')).toBe('A');
    expect(resolver.exporter('y')).toBeUndefined();
  });

  test('an import of a name nobody in the app exports, or of a name not known at synth', () => {
    expect(resolver.resolve('B', { 'Fn::ImportValue': 'elsewhere' })).toEqual({ kind: 'unresolved', reason: 'import of elsewhere, which no stack in the app exports' });
    expect(resolver.resolve('B', { 'Fn::ImportValue': { Ref: 'AWS::StackName' } })).toEqual({ kind: 'unresolved', reason: 'Fn::ImportValue of a name not known at synth' });
  });

  test('a list that crossed an export carries the hop on each item; an unresolved value carries none', () => {
    const lists = new IntrinsicResolver([
      stack('A', { Outputs: { L: { Value: ['a', 'b'], Export: { Name: 'list' } }, U: { Value: { Ref: 'Nope' }, Export: { Name: 'u' } } } }),
    ]);
    const hop = { exportName: 'list', via: 'import' };
    expect(lists.resolve('A', { 'Fn::ImportValue': 'list' })).toEqual({
      kind: 'list',
      items: [
        { kind: 'literal', value: 'a', viaImport: hop }, { kind: 'literal', value: 'b', viaImport: hop },
      ],
    });
    expect(lists.resolve('A', { 'Fn::ImportValue': 'u' })).toEqual({ kind: 'unresolved', reason: 'Ref to Nope, which is not in the template' });
  });
});

describe('Fn::Join, Fn::Select and Fn::Sub', () => {
  const resolver = one({
    Parameters: { Prefix: { Type: 'String', Default: '10.0' }, Zones: { Type: 'CommaDelimitedList', Default: 'a,b' }, Cidrs: { Type: 'List<String>', Default: '10.0.0.0/8,192.168.0.0/16' } },
    Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup' } },
  });

  test('Join of literals joins with the delimiter, and keeps the parameter a part came from', () => {
    expect(resolver.resolve('S', { 'Fn::Join': ['', [{ Ref: 'Prefix' }, '.0.0/16']] })).toEqual({ kind: 'literal', value: '10.0.0.0/16', viaParameter: 'Prefix' });
    expect(resolver.resolve('S', { 'Fn::Join': [',', ['a', ['b', 'c']]] })).toEqual({ kind: 'literal', value: 'a,b,c' });
    expect(resolver.resolve('S', { 'Fn::Join': ['', [{ Ref: 'Sg' }, 'x']] })).toEqual({ kind: 'unresolved', reason: 'Fn::Join of values not known at synth' });
  });

  test.each([[['-']], [['-', ['a'], 'x']], [[1, ['a']]], ['a']])('Join with arguments %j is unresolved', arg => {
    expect(resolver.resolve('S', { 'Fn::Join': arg })).toEqual({ kind: 'unresolved', reason: 'Fn::Join with unexpected arguments' });
  });

  test('Select picks by index from a known list, a List parameter included', () => {
    expect(resolver.resolve('S', { 'Fn::Select': [1, ['a', 'b']] })).toEqual({ kind: 'literal', value: 'b' });
    expect(resolver.resolve('S', { 'Fn::Select': ['0', ['a', 'b']] })).toEqual({ kind: 'literal', value: 'a' });
    expect(resolver.resolve('S', { 'Fn::Select': [1, { Ref: 'Cidrs' }] })).toEqual({ kind: 'literal', value: '192.168.0.0/16', viaParameter: 'Cidrs' });
    for (const arg of [[2, ['a', 'b']], [{ Ref: 'AWS::Region' }, ['a']], [0, 'a']]) {
      expect(resolver.resolve('S', { 'Fn::Select': arg })).toEqual({ kind: 'unresolved', reason: 'Fn::Select of values not known at synth' });
    }
    expect(resolver.resolve('S', { 'Fn::Select': [0] })).toEqual({ kind: 'unresolved', reason: 'Fn::Select with unexpected arguments' });
    expect(resolver.resolve('S', { 'Fn::Select': 'a' })).toEqual({ kind: 'unresolved', reason: 'Fn::Select with unexpected arguments' });
  });

  test('Sub fills in its own variables, keeps ${!Literal}, and keeps the parameter a variable came from', () => {
    expect(resolver.resolve('S', { 'Fn::Sub': ['${A}.0.0/${B}', { A: { Ref: 'Prefix' }, B: 16 }] })).toEqual({ kind: 'literal', value: '10.0.0.0/16', viaParameter: 'Prefix' });
    expect(resolver.resolve('S', { 'Fn::Sub': 'plain ${!Literal}' })).toEqual({ kind: 'literal', value: 'plain ${!Literal}' });
    expect(resolver.resolve('S', { 'Fn::Sub': ['${A}-${B}', { A: 'x', B: 'y' }] })).toEqual({ kind: 'literal', value: 'x-y' });
    expect(resolver.resolve('S', { 'Fn::Sub': '${AWS::Region}-x' })).toEqual({ kind: 'unresolved', reason: 'Fn::Sub of values not known at synth' });
    expect(resolver.resolve('S', { 'Fn::Sub': ['${A}', { A: { Ref: 'Sg' } }] })).toEqual({ kind: 'unresolved', reason: 'Fn::Sub of values not known at synth' });
    expect(resolver.resolve('S', { 'Fn::Sub': ['${A}', { A: 'x' }, 'extra'] })).toEqual({ kind: 'literal', value: 'x' });
    for (const arg of [7, [7, {}], {}]) {
      expect(resolver.resolve('S', { 'Fn::Sub': arg })).toEqual({ kind: 'unresolved', reason: 'Fn::Sub with unexpected arguments' });
    }
  });

  test('a CommaDelimitedList parameter is not split (only List<...> types are)', () => {
    expect(resolver.resolve('S', { Ref: 'Zones' })).toEqual({ kind: 'literal', value: 'a,b', viaParameter: 'Zones' });
  });
});

describe('a template that refers to itself ends as unresolved, never as a stack overflow, whichever intrinsic closes the loop', () => {
  const endsInCycle = (resolver: IntrinsicResolver, stackId: string, value: unknown) => {
    const all = (r: Resolved): Resolved[] => (r.kind === 'list' ? r.items.flatMap(all) : [r]);
    // A guard that stops counting would overflow the stack here instead.
    const resolved = all(resolver.resolve(stackId, value));
    expect(resolved.length).toBeGreaterThan(0);
    expect(resolved.every(r => r.kind === 'unresolved')).toBe(true);
  };
  const withParameter = (type: string, Default: unknown) => one({ Parameters: { P: { Type: type, Default } } });

  test('through Join, Select and Sub of a parameter', () => {
    endsInCycle(withParameter('List<String>', { 'Fn::Join': [',', { Ref: 'P' }] }), 'S', { Ref: 'P' });
    endsInCycle(withParameter('String', { 'Fn::Select': [{ Ref: 'P' }, ['a']] }), 'S', { Ref: 'P' });
    endsInCycle(withParameter('String', { 'Fn::Select': [0, { Ref: 'P' }] }), 'S', { Ref: 'P' });
    endsInCycle(withParameter('String', { 'Fn::Sub': ['${X}', { X: { Ref: 'P' } }] }), 'S', { Ref: 'P' });
    endsInCycle(withParameter('String', { 'Fn::ImportValue': { Ref: 'P' } }), 'S', { Ref: 'P' });
  });

  test('through a database\'s port, a VPC\'s CIDR and an export of itself', () => {
    endsInCycle(one({ Resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { Port: { 'Fn::GetAtt': ['Db', 'Endpoint.Port'] } } } } }), 'S',
      { 'Fn::GetAtt': ['Db', 'Endpoint.Port'] });
    endsInCycle(one({ Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] } } } } }), 'S',
      { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] });
    endsInCycle(one({ Outputs: { O: { Value: { 'Fn::ImportValue': 'loop' }, Export: { Name: 'loop' } } } }), 'S', { 'Fn::ImportValue': 'loop' });
  });

  test('through a nested stack\'s parameter and its parent\'s reading of the nested output', () => {
    const resolver = new IntrinsicResolver([
      stack('Parent', { Resources: { Child: { Type: 'AWS::CloudFormation::Stack', Properties: { Parameters: { G: { 'Fn::GetAtt': ['Child', 'Outputs.O'] } } } } } }),
      stack('Child', { Parameters: { G: { Type: 'String' } }, Outputs: { O: { Value: { Ref: 'G' } } } }, { stackId: 'Parent', logicalId: 'Child' }),
    ]);
    endsInCycle(resolver, 'Child', { Ref: 'G' });
    endsInCycle(resolver, 'Parent', { 'Fn::GetAtt': ['Child', 'Outputs.O'] });
  });
});

describe('odd but valid shapes', () => {
  test('a parameter without a Type, or a List<Number> with a number default, resolves to its default', () => {
    const resolver = one({ Parameters: { NoType: { Default: 'x' }, Numbers: { Type: 'List<Number>', Default: 5 } } });
    expect(resolver.resolve('S', { Ref: 'NoType' })).toEqual({ kind: 'literal', value: 'x', viaParameter: 'NoType' });
    expect(resolver.resolve('S', { Ref: 'Numbers' })).toEqual({ kind: 'literal', value: 5, viaParameter: 'Numbers' });
  });

  test('a nested stack whose parent does not hold its stack resource takes its own defaults', () => {
    const resolver = new IntrinsicResolver([
      stack('Parent', { Resources: {} }),
      stack('Child', { Parameters: { P: { Type: 'String', Default: 'd' } } }, { stackId: 'Parent', logicalId: 'Gone' }),
    ]);
    expect(resolver.resolve('Child', { Ref: 'P' })).toEqual({ kind: 'literal', value: 'd', viaParameter: 'P' });
  });

  test('GetAtt of a name alone, with no attribute, is unresolved', () => {
    const resolver = one({ Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup' } } });
    expect(resolver.resolve('S', { 'Fn::GetAtt': 'Sg' }).kind).toBe('unresolved');
    expect(resolver.resolve('S', { 'Fn::GetAtt': ['Sg', 7] }).kind).toBe('unresolved');
  });

  test('a database without Engine or Port that is not ElastiCache has no port synth can know', () => {
    const resolver = one({ Resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: {} } } });
    expect(resolver.resolve('S', { 'Fn::GetAtt': ['Db', 'Endpoint.Port'] }).kind).toBe('unresolved');
  });

  test('Sub leaves no trace of a variable it could not fill: the whole value is unresolved', () => {
    const resolver = one({});
    expect(resolver.resolve('S', { 'Fn::Sub': ['${A}${B}', { A: 'x' }] }).kind).toBe('unresolved');
  });
});

describe('Fn::GetAtt reads a port or a CIDR only where the attribute is one', () => {
  const resolver = one({
    Resources: {
      Sg: { Type: 'AWS::EC2::SecurityGroup' },
      Subnet: { Type: 'AWS::EC2::Subnet', Properties: { CidrBlock: '10.0.0.0/24' } },
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres' } },
      Docs: { Type: 'AWS::DocDB::DBCluster', Properties: {} },
    },
  });

  test('a logical id that is not a string is not [resource, attribute]', () => {
    expect(resolver.resolve('S', { 'Fn::GetAtt': [7, 'GroupId'] })).toEqual({ kind: 'unresolved', reason: 'Fn::GetAtt with an argument that is not [resource, attribute]' });
  });

  test('Outputs.X of a resource that is not a nested stack, and a subnet\'s CidrBlock, are attributes like any other', () => {
    expect(resolver.resolve('S', { 'Fn::GetAtt': ['Sg', 'Outputs.X'] })).toEqual({ kind: 'resource', stackId: 'S', logicalId: 'Sg', attribute: 'Outputs.X' });
    expect(resolver.resolve('S', { 'Fn::GetAtt': ['Subnet', 'CidrBlock'] })).toEqual({ kind: 'resource', stackId: 'S', logicalId: 'Subnet', attribute: 'CidrBlock' });
  });

  test('Port, alone or after a dot, is a port; Portal is not', () => {
    expect(resolver.resolve('S', { 'Fn::GetAtt': ['Docs', 'Port'] })).toEqual({ kind: 'literal', value: 27017, viaParameter: undefined });
    expect(resolver.resolve('S', { 'Fn::GetAtt': ['Db', 'Endpoint.Portal'] })).toEqual({ kind: 'resource', stackId: 'S', logicalId: 'Db', attribute: 'Endpoint.Portal' });
  });
});
