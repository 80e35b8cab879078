/**
 * What buildModel makes of small hand-written templates: the groups, rules, peers, attachments, default-group
 * fallbacks, load balancers and unresolved items, asserted in full. These hold the behaviours mutation testing
 * found unchecked (issue 20). The file loads no CDK, so a mutant's run stays short.
 */
import { AWS_BEHAVIOURS } from '../../src/model/aws-behaviours';
import { UNREADABLE_TYPE, buildModel } from '../../src/model/build-model';
import { Peer, ResourceRef, SecurityGroupModel, StackTemplate } from '../../src/model/types';

function hand(resources: Record<string, unknown>, extra: Record<string, unknown> = {}): StackTemplate[] {
  return [{ stackId: 'Hand', stackName: 'Hand', template: { Resources: resources, ...extra } }];
}

function model(resources: Record<string, unknown>, extra: Record<string, unknown> = {}): SecurityGroupModel {
  return buildModel(hand(resources, extra));
}

const SG = (props: Record<string, unknown> = {}) => ({ Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', ...props } });
const VPC = {
  Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
  Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24' } },
};
const sgRef = (id = 'Sg') => ({ 'Fn::GetAtt': [id, 'GroupId'] });

/** A ResourceRef of the hand stack, as the model writes it. */
function at(logicalId: string, type: string, more: Partial<ResourceRef> = {}): ResourceRef {
  return { stackId: 'Hand', stackName: 'Hand', logicalId, type, constructPath: undefined, templatePath: undefined, ...more };
}

/** A peer as text: `cidr 10.0.0.0/8`, `group Hand|Sg`, `prefixList pl-1`, or the unresolved reason. */
function peerText(peer: Peer): string {
  switch (peer.kind) {
    case 'cidr': return `cidr ${peer.cidr.text}`;
    case 'group': return `group ${peer.groupKey}`;
    case 'prefixList': return `prefixList ${peer.id}`;
    default: return `unresolved: ${peer.reason}`;
  }
}

function rulesOf(m: SecurityGroupModel, key: string) {
  return m.groups.get(key)!.rules.map(r => `${r.direction} ${peerText(r.peer)}${r.implicit ? ' (implicit)' : ''}`);
}

describe('the app as a whole', () => {
  test('a Resources section that is not an object is one unresolved item for its stack; a template without Resources is none', () => {
    const m = buildModel([
      { stackId: 'Bad', stackName: 'Bad', template: { Resources: 'oops' } },
      { stackId: 'Empty', stackName: 'Empty', template: {} },
    ]);
    expect(m.unresolved).toEqual([{
      at: { stackId: 'Bad', stackName: 'Bad', logicalId: '(Resources)', type: 'AWS::CloudFormation::Stack', constructPath: undefined, templatePath: undefined },
      what: 'the template\'s Resources section is not an object',
    }]);
    expect(m.groups.size).toBe(0);
  });

  test('a resource whose reading throws is one unresolved item naming the error, and the others are still read', () => {
    const throwing = { Type: 'AWS::EC2::SecurityGroup', get Properties(): never { throw new Error('boom'); } };
    const text = { Type: 'AWS::EC2::VPC', get Properties(): never { throw 'plain text'; } };
    const m = model({ Broken: throwing, Odd: text, Sg: SG() });
    // Each pass that reads the resource records it (so the same item may be listed more than once).
    expect([...new Set(m.unresolved.map(u => `${u.at.logicalId} ${u.at.type}: ${u.what}`))].sort()).toEqual([
      'Broken AWS::EC2::SecurityGroup: could not be analysed (boom)',
      'Odd AWS::EC2::VPC: could not be analysed (plain text)',
    ]);
    expect(rulesOf(m, 'Hand|Sg')).toEqual(['egress cidr 0.0.0.0/0 (implicit)']);
  });

  test('a resource is named by its construct path from the tree, else its aws:cdk:path, and a token stack name by the stack\'s path', () => {
    const m = buildModel([{
      stackId: 'S',
      stackName: '${Token[TOKEN.1]}',
      constructPath: 'App/Nested',
      templatePath: 'S.template.json',
      constructPaths: { A: 'App/Nested/A/Resource' },
      template: {
        Resources: {
          A: SG(),
          B: { ...SG(), Metadata: { 'aws:cdk:path': 'App/Nested/B/Resource' } },
          C: { ...SG(), Metadata: { 'aws:cdk:path': 7 } },
        },
      },
    }]);
    const refOf = (id: string) => m.groups.get(`S|${id}`)!.ref;
    expect(refOf('A')).toEqual({ stackId: 'S', stackName: 'App/Nested', logicalId: 'A', type: 'AWS::EC2::SecurityGroup', constructPath: 'App/Nested/A/Resource', templatePath: 'S.template.json' });
    expect(refOf('B')!.constructPath).toBe('App/Nested/B/Resource');
    expect(refOf('C')!.constructPath).toBeUndefined();
  });

  test('a token stack name without a construct path is named by its stack id; a plain name is kept', () => {
    const m = buildModel([
      { stackId: 'S1', stackName: 'x${Token[TOKEN.2]}', template: { Resources: { A: SG() } } },
      { stackId: 'S2', stackName: 'Plain', constructPath: 'App/Plain', template: { Resources: { A: SG() } } },
    ]);
    expect(m.groups.get('S1|A')!.ref!.stackName).toBe('S1');
    expect(m.groups.get('S2|A')!.ref!.stackName).toBe('Plain');
  });

  test('an unreadable template placeholder is an unresolved item with its error, and nothing else', () => {
    const m = model({ Lost: { Type: UNREADABLE_TYPE, Properties: { Error: 'bad JSON' } } });
    expect(m.unresolved).toEqual([{ at: at('Lost', UNREADABLE_TYPE), what: 'could not be read, so nothing in it was checked: bad JSON' }]);
  });

  test('a resource whose Type is not text is named as of type unknown where it mentions a group', () => {
    const m = model({ Sg: SG(), Weird: { Type: 42, Properties: { Target: { Ref: 'Sg' } } } });
    expect(m.groups.get('Hand|Sg')!.references).toEqual([at('Weird', 'unknown')]);
  });
});

describe('VPCs, groups and prefix lists', () => {
  test('a VPC has its CIDR, its extra blocks and a default group, and IPv6 by any of the ways to add it', () => {
    const block = (id: string, props: Record<string, unknown>) => ({ [id]: { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: { Ref: 'Vpc' }, ...props } } });
    const m = model({
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      ...block('More', { CidrBlock: '10.1.0.0/16' }),
      ...block('Six', { Ipv6CidrBlock: '2600:1f00::/56' }),
      ...block('Bad', { CidrBlock: 'not-a-cidr' }),
      ...block('Unknown', { CidrBlock: { Ref: 'NoSuch' } }),
      Plain: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: { Ref: 'AWS::NoValue' } } },
      Outside: { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: 'vpc-0123', CidrBlock: '10.9.0.0/16' } },
    });
    expect([...m.vpcs.keys()]).toEqual(['Hand|Vpc', 'Hand|Plain']);
    const vpc = m.vpcs.get('Hand|Vpc')!;
    expect(vpc.cidrs.map(c => c.text)).toEqual(['10.0.0.0/16', '10.1.0.0/16', '2600:1f00::/56']);
    expect(vpc).toEqual(expect.objectContaining({ key: 'Hand|Vpc', ref: at('Vpc', 'AWS::EC2::VPC'), defaultGroupKey: 'Hand|Vpc#default', hasIpv6: true }));
    expect(m.vpcs.get('Hand|Plain')!.cidrs).toEqual([]);
    expect(m.vpcs.get('Hand|Plain')!.hasIpv6).toBe(false);
    expect(m.groups.get('Hand|Vpc#default')).toEqual({
      key: 'Hand|Vpc#default', defaultOfVpc: 'Hand|Vpc', vpcKey: 'Hand|Vpc',
      rules: [], attachments: [], references: [], exports: [], crossStackUses: [], egressDeclaredBy: [],
    });
  });

  test.each([
    [{ AmazonProvidedIpv6CidrBlock: true }, true],
    [{ AmazonProvidedIpv6CidrBlock: 'true' }, true],
    [{ AmazonProvidedIpv6CidrBlock: false }, false],
    [{ Ipv6IpamPoolId: 'ipam-pool-1' }, true],
    [{ Ipv6Pool: 'pool-1' }, true],
    [{ CidrBlock: '10.1.0.0/16' }, false],
  ])('a VPC CIDR block %j gives the VPC IPv6: %s, and with it the default group\'s IPv6 egress', (props, ipv6) => {
    const m = model({ Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } }, Block: { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: { Ref: 'Vpc' }, ...props } } });
    expect(m.vpcs.get('Hand|Vpc')!.hasIpv6).toBe(ipv6);
    expect(m.vpcs.get('Hand|Vpc')!.awsDefaultRules.map(r => `${r.direction} ${peerText(r.peer)}`))
      .toEqual(['ingress group Hand|Vpc#default', 'egress cidr 0.0.0.0/0', ...(ipv6 ? ['egress cidr ::/0'] : [])]);
  });

  test('the default group\'s AWS rules are all traffic, implicit, by the default-group behaviour, from the VPC', () => {
    const m = model({ Vpc: VPC.Vpc });
    const rule = { groupKey: 'Hand|Vpc#default', traffic: { protocol: 'all' }, origin: at('Vpc', 'AWS::EC2::VPC'), implicit: true, implicitBy: AWS_BEHAVIOURS.defaultGroupRules.id, description: 'AWS default of the VPC\'s default group' };
    expect(m.vpcs.get('Hand|Vpc')!.awsDefaultRules).toEqual([
      { ...rule, direction: 'ingress', peer: { kind: 'group', groupKey: 'Hand|Vpc#default' } },
      { ...rule, direction: 'egress', peer: { kind: 'cidr', cidr: expect.objectContaining({ text: '0.0.0.0/0' }) } },
    ]);
    // They are the VPC's, not rules of the group node.
    expect(m.groups.get('Hand|Vpc#default')!.rules).toEqual([]);
  });

  test.each([
    ['Custom::SgStrategyLockedDefaultSecurityGroup'],
    ['Custom::VpcRestrictDefaultSG'],
  ])('a %s on the VPC\'s default group locks it: no AWS default rules', type => {
    const m = model({
      Vpc: VPC.Vpc,
      Other: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.1.0.0/16' } },
      Lock: { Type: type, Properties: { DefaultSecurityGroupId: { 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] } } },
      NotALock: { Type: type, Properties: { DefaultSecurityGroupId: { 'Fn::GetAtt': ['Other', 'CidrBlockAssociations'] } } },
    });
    expect(m.vpcs.get('Hand|Vpc')!.lockedBy).toEqual(at('Lock', type));
    expect(m.vpcs.get('Hand|Vpc')!.awsDefaultRules).toEqual([]);
    expect(m.vpcs.get('Hand|Other')!.lockedBy).toBeUndefined();
    expect(m.vpcs.get('Hand|Other')!.awsDefaultRules).toHaveLength(2);
  });

  test('a lock of a default group the app does not define, or of something else, locks nothing', () => {
    const m = model({
      Vpc: VPC.Vpc,
      Lock: { Type: 'Custom::VpcRestrictDefaultSG', Properties: { DefaultSecurityGroupId: 'sg-0123' } },
      Other: { Type: 'Custom::Something', Properties: { DefaultSecurityGroupId: { 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] } } },
    });
    expect(m.vpcs.get('Hand|Vpc')!.lockedBy).toBeUndefined();
  });

  test('a group has its VPC (in the app, outside it, or none), its name, Name tag and description', () => {
    const m = model({
      Vpc: VPC.Vpc,
      InApp: SG({ VpcId: { Ref: 'Vpc' }, GroupName: 'web', Tags: [{ Key: 'Team', Value: 'a' }, { Key: 'Name', Value: 'web-sg' }] }),
      Outside: SG({ VpcId: 'vpc-0abc', GroupName: { 'Fn::Sub': '${AWS::StackName}-db' }, Tags: [{ Key: 'Name', Value: { Ref: 'AWS::StackName' } }] }),
      Unknown: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: { Ref: 'AWS::StackName' }, VpcId: { Ref: 'NoSuch' }, Tags: 'not-a-list' } },
    });
    const fields = (key: string) => {
      const { vpcKey, groupName, nameTag, description, ref } = m.groups.get(key)!;
      return { vpcKey, groupName, nameTag, description, ref };
    };
    expect(fields('Hand|InApp')).toEqual({ vpcKey: 'Hand|Vpc', groupName: 'web', nameTag: 'web-sg', description: 'x', ref: at('InApp', 'AWS::EC2::SecurityGroup') });
    expect(fields('Hand|Outside')).toEqual({ vpcKey: 'external:vpc-0abc', groupName: '${AWS::StackName}-db', nameTag: undefined, description: 'x', ref: at('Outside', 'AWS::EC2::SecurityGroup') });
    expect(fields('Hand|Unknown')).toEqual({ vpcKey: undefined, groupName: undefined, nameTag: undefined, description: undefined, ref: at('Unknown', 'AWS::EC2::SecurityGroup') });
  });

  test('a prefix list has its entries, its size, family, and the parameter that makes it hold the world', () => {
    const m = model({
      Pl: { Type: 'AWS::EC2::PrefixList', Properties: { MaxEntries: 5, AddressFamily: 'IPv4', Entries: [{ Cidr: '10.0.0.0/8' }, { Cidr: { Ref: 'World' } }, { Cidr: { Ref: 'NoDefault' } }, { Cidr: 'junk' }] } },
      Six: { Type: 'AWS::EC2::PrefixList', Properties: { MaxEntries: '2', AddressFamily: 'IPv6', Entries: { Cidr: '::/0' } } },
      Odd: { Type: 'AWS::EC2::PrefixList', Properties: { MaxEntries: 2.5, AddressFamily: 'ipv4' } },
      Mixed: { Type: 'AWS::EC2::PrefixList', Properties: { MaxEntries: { Ref: 'NoDefault' }, AddressFamily: { Ref: 'NoDefault' }, Entries: [{ Cidr: { Ref: 'World' } }, { Cidr: '0.0.0.0/0' }] } },
    }, { Parameters: { World: { Type: 'String', Default: '0.0.0.0/0' }, NoDefault: { Type: 'String' } } });
    const list = (id: string) => {
      const { entries, ...rest } = m.prefixLists.get(`Hand|${id}`)!;
      return { ...rest, entries: entries.map(e => e.text) };
    };
    expect(list('Pl')).toEqual({ key: 'Hand|Pl', ref: at('Pl', 'AWS::EC2::PrefixList'), maxEntries: 5, addressFamily: 'IPv4', entries: ['10.0.0.0/8', '0.0.0.0/0'], unresolvedEntries: 2, worldViaParameter: 'World' });
    expect(list('Six')).toEqual({ key: 'Hand|Six', ref: at('Six', 'AWS::EC2::PrefixList'), maxEntries: 2, addressFamily: 'IPv6', entries: ['::/0'], unresolvedEntries: 0, worldViaParameter: undefined });
    expect(list('Odd')).toEqual(expect.objectContaining({ maxEntries: undefined, addressFamily: undefined, entries: [], unresolvedEntries: 0 }));
    // One world entry written literally: the list holds the world whatever the parameter says.
    expect(list('Mixed')).toEqual(expect.objectContaining({ maxEntries: undefined, addressFamily: undefined, entries: ['0.0.0.0/0', '0.0.0.0/0'], worldViaParameter: undefined }));
    expect(m.groups.size).toBe(0);
  });
});
