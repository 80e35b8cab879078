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
    expect(m.unresolved).toStrictEqual([{
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
    expect([...new Set(m.unresolved.map(u => `${u.at.logicalId} ${u.at.type}: ${u.what}`))].sort()).toStrictEqual([
      'Broken AWS::EC2::SecurityGroup: could not be analysed (boom)',
      'Odd AWS::EC2::VPC: could not be analysed (plain text)',
    ]);
    expect(rulesOf(m, 'Hand|Sg')).toStrictEqual(['egress cidr 0.0.0.0/0 (implicit)']);
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
    expect(refOf('A')).toStrictEqual({ stackId: 'S', stackName: 'App/Nested', logicalId: 'A', type: 'AWS::EC2::SecurityGroup', constructPath: 'App/Nested/A/Resource', templatePath: 'S.template.json' });
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
    expect(m.unresolved).toStrictEqual([{ at: at('Lost', UNREADABLE_TYPE), what: 'could not be read, so nothing in it was checked: bad JSON' }]);
  });

  test('a resource whose Type is not text is named as of type unknown where it mentions a group', () => {
    const m = model({ Sg: SG(), Weird: { Type: 42, Properties: { Target: { Ref: 'Sg' } } } });
    expect(m.groups.get('Hand|Sg')!.references).toStrictEqual([at('Weird', 'unknown')]);
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
    expect([...m.vpcs.keys()]).toStrictEqual(['Hand|Vpc', 'Hand|Plain']);
    const vpc = m.vpcs.get('Hand|Vpc')!;
    expect(vpc.cidrs.map(c => c.text)).toStrictEqual(['10.0.0.0/16', '10.1.0.0/16', '2600:1f00::/56']);
    expect(vpc).toStrictEqual(expect.objectContaining({ key: 'Hand|Vpc', ref: at('Vpc', 'AWS::EC2::VPC'), defaultGroupKey: 'Hand|Vpc#default', hasIpv6: true }));
    expect(m.vpcs.get('Hand|Plain')!.cidrs).toStrictEqual([]);
    expect(m.vpcs.get('Hand|Plain')!.hasIpv6).toBe(false);
    expect(m.groups.get('Hand|Vpc#default')).toStrictEqual({
      key: 'Hand|Vpc#default',
      defaultOfVpc: 'Hand|Vpc',
      vpcKey: 'Hand|Vpc',
      rules: [],
      attachments: [],
      references: [],
      exports: [],
      crossStackUses: [],
      egressDeclaredBy: [],
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
      .toStrictEqual(['ingress group Hand|Vpc#default', 'egress cidr 0.0.0.0/0', ...(ipv6 ? ['egress cidr ::/0'] : [])]);
  });

  test('the default group\'s AWS rules are all traffic, implicit, by the default-group behaviour, from the VPC', () => {
    const m = model({ Vpc: VPC.Vpc });
    const rule = { groupKey: 'Hand|Vpc#default', traffic: { protocol: 'all' }, origin: at('Vpc', 'AWS::EC2::VPC'), implicit: true, implicitBy: AWS_BEHAVIOURS.defaultGroupRules.id, description: 'AWS default of the VPC\'s default group' };
    expect(m.vpcs.get('Hand|Vpc')!.awsDefaultRules).toStrictEqual([
      { ...rule, direction: 'ingress', peer: { kind: 'group', groupKey: 'Hand|Vpc#default' } },
      { ...rule, direction: 'egress', peer: { kind: 'cidr', cidr: expect.objectContaining({ text: '0.0.0.0/0' }) } },
    ]);
    // They are the VPC's, not rules of the group node.
    expect(m.groups.get('Hand|Vpc#default')!.rules).toStrictEqual([]);
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
    expect(m.vpcs.get('Hand|Vpc')!.lockedBy).toStrictEqual(at('Lock', type));
    expect(m.vpcs.get('Hand|Vpc')!.awsDefaultRules).toStrictEqual([]);
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
    expect(fields('Hand|InApp')).toStrictEqual({ vpcKey: 'Hand|Vpc', groupName: 'web', nameTag: 'web-sg', description: 'x', ref: at('InApp', 'AWS::EC2::SecurityGroup') });
    expect(fields('Hand|Outside')).toStrictEqual({ vpcKey: 'external:vpc-0abc', groupName: '${AWS::StackName}-db', nameTag: undefined, description: 'x', ref: at('Outside', 'AWS::EC2::SecurityGroup') });
    expect(fields('Hand|Unknown')).toStrictEqual({ vpcKey: undefined, groupName: undefined, nameTag: undefined, description: undefined, ref: at('Unknown', 'AWS::EC2::SecurityGroup') });
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
    expect(list('Pl')).toStrictEqual({ key: 'Hand|Pl', ref: at('Pl', 'AWS::EC2::PrefixList'), maxEntries: 5, addressFamily: 'IPv4', entries: ['10.0.0.0/8', '0.0.0.0/0'], unresolvedEntries: 2, worldViaParameter: 'World' });
    expect(list('Six')).toStrictEqual({ key: 'Hand|Six', ref: at('Six', 'AWS::EC2::PrefixList'), maxEntries: 2, addressFamily: 'IPv6', entries: ['::/0'], unresolvedEntries: 0, worldViaParameter: undefined });
    expect(list('Odd')).toStrictEqual(expect.objectContaining({ maxEntries: undefined, addressFamily: undefined, entries: [], unresolvedEntries: 0 }));
    // One world entry written literally: the list holds the world whatever the parameter says.
    expect(list('Mixed')).toStrictEqual(expect.objectContaining({ maxEntries: undefined, addressFamily: undefined, entries: ['0.0.0.0/0', '0.0.0.0/0'], worldViaParameter: undefined }));
    expect(m.groups.size).toBe(0);
  });
});

describe('rules and their peers', () => {
  const ingress = (peer: Record<string, unknown>, more: Record<string, unknown> = {}) => ({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ...peer, ...more });

  test('inline rules of both directions, in order, with traffic, description and origin; egress declared once by the group', () => {
    const m = model({
      Sg: SG({
        SecurityGroupIngress: [ingress({ CidrIp: '10.0.0.0/8' }, { Description: 'from the office' }), ingress({ CidrIpv6: '::/0' }, { Description: 7 })],
        SecurityGroupEgress: [ingress({ CidrIp: '0.0.0.0/0' })],
      }),
    });
    const group = m.groups.get('Hand|Sg')!;
    const origin = at('Sg', 'AWS::EC2::SecurityGroup');
    expect(group.egressDeclaredBy).toStrictEqual([origin]);
    expect(group.rules).toStrictEqual([
      { direction: 'ingress', groupKey: 'Hand|Sg', traffic: { protocol: 'tcp', ports: { from: 443, to: 443 } }, trafficProblem: undefined, peer: { kind: 'cidr', cidr: expect.objectContaining({ text: '10.0.0.0/8' }), viaParameter: undefined, vpcCidrOf: undefined }, description: 'from the office', origin, standalone: false },
      { direction: 'ingress', groupKey: 'Hand|Sg', traffic: { protocol: 'tcp', ports: { from: 443, to: 443 } }, trafficProblem: undefined, peer: { kind: 'cidr', cidr: expect.objectContaining({ text: '::/0' }), viaParameter: undefined, vpcCidrOf: undefined }, description: undefined, origin, standalone: false },
      { direction: 'egress', groupKey: 'Hand|Sg', traffic: { protocol: 'tcp', ports: { from: 443, to: 443 } }, trafficProblem: undefined, peer: { kind: 'cidr', cidr: expect.objectContaining({ text: '0.0.0.0/0' }), viaParameter: undefined, vpcCidrOf: undefined }, description: undefined, origin, standalone: false },
    ]);
    expect(m.unresolved).toStrictEqual([]);
    expect(m.invalidRules).toStrictEqual([]);
  });

  test('an empty egress list declares no egress, so AWS\'s allow-all stays; an empty ingress list is no rule', () => {
    const m = model({ Sg: SG({ SecurityGroupIngress: [], SecurityGroupEgress: [] }) });
    expect(m.groups.get('Hand|Sg')!.egressDeclaredBy).toStrictEqual([]);
    expect(m.groups.get('Hand|Sg')!.rules).toStrictEqual([{
      direction: 'egress',
      groupKey: 'Hand|Sg',
      traffic: { protocol: 'all' },
      peer: { kind: 'cidr', cidr: expect.objectContaining({ text: '0.0.0.0/0' }) },
      description: 'AWS default: all outbound IPv4 traffic, because no egress rule targets the group',
      origin: at('Sg', 'AWS::EC2::SecurityGroup'),
      implicit: true,
      implicitBy: AWS_BEHAVIOURS.defaultEgressWithoutEgressRules.id,
    }]);
  });

  test('rule lists that are not lists, and rules that are not objects, are unreadable rules of the group, not unresolved items', () => {
    const m = model({
      Sg: SG({ SecurityGroupIngress: 'everything', SecurityGroupEgress: { 'Fn::If': ['Cond', [], []] } }),
      Items: SG({ SecurityGroupIngress: ['text', null, [1], { 'Fn::If': ['C', { IpProtocol: '1', CidrIp: '10.0.0.0/8' }, { Ref: 'AWS::NoValue' }] }, { 'Fn::If': ['C', { IpProtocol: '-1', CidrIp: '10.0.0.0/8' }, { Ref: 'AWS::NoValue' }] }] }),
    });
    const reasons = (key: string) => m.groups.get(key)!.rules.filter(r => !r.implicit).map(r => `${r.direction} ${r.trafficProblem} | ${peerText(r.peer)}`);
    expect(reasons('Hand|Sg')).toStrictEqual([
      'ingress SecurityGroupIngress is not a list ("everything") | unresolved: SecurityGroupIngress is not a list ("everything")',
      'egress SecurityGroupEgress is not a list ({"Fn::If":["Cond",[],[]]}) | unresolved: SecurityGroupEgress is not a list ({"Fn::If":["Cond",[],[]]})',
    ]);
    // An egress list the template computes still declares egress: no implicit allow-all.
    expect(m.groups.get('Hand|Sg')!.egressDeclaredBy).toHaveLength(1);
    expect(m.groups.get('Hand|Sg')!.rules.filter(r => r.implicit)).toStrictEqual([]);
    expect(reasons('Hand|Items')).toStrictEqual([
      'ingress a rule written as "text" | unresolved: a rule written as "text"',
      'ingress a rule written as null | unresolved: a rule written as null',
      'ingress a rule written as [1] | unresolved: a rule written as [1]',
      // Written out up to 80 characters, else cut to 77 and an ellipsis.
      'ingress a rule written as {"Fn::If":["C",{"IpProtocol":"1","CidrIp":"10.0.0.0/8"},{"Ref":"AWS::NoValue"}]} | unresolved: a rule written as {"Fn::If":["C",{"IpProtocol":"1","CidrIp":"10.0.0.0/8"},{"Ref":"AWS::NoValue"}]}',
      'ingress a rule written as {"Fn::If":["C",{"IpProtocol":"-1","CidrIp":"10.0.0.0/8"},{"Ref":"AWS::NoValue... | unresolved: a rule written as {"Fn::If":["C",{"IpProtocol":"-1","CidrIp":"10.0.0.0/8"},{"Ref":"AWS::NoValue...',
    ]);
    expect(m.groups.get('Hand|Items')!.rules[0].origin).toStrictEqual(at('Items', 'AWS::EC2::SecurityGroup'));
  });

  test('a rule with two keys, one of them an intrinsic, is read as a rule', () => {
    const m = model({ Sg: SG({ SecurityGroupIngress: [{ 'Fn::Something': 1, 'CidrIp': '10.0.0.0/8', 'IpProtocol': '-1' }] }) });
    expect(rulesOf(m, 'Hand|Sg')).toStrictEqual(['ingress cidr 10.0.0.0/8', 'egress cidr 0.0.0.0/0 (implicit)']);
  });

  test('standalone rules belong to the group they name, are standalone, and an egress one declares egress', () => {
    const m = model({
      Sg: SG(),
      In: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: sgRef(), ...ingress({ SourceSecurityGroupId: { Ref: 'Sg' } }) } },
      Out: { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: { Ref: 'Sg' }, ...ingress({ DestinationSecurityGroupId: sgRef() }) } },
    });
    const group = m.groups.get('Hand|Sg')!;
    expect(group.egressDeclaredBy).toStrictEqual([at('Out', 'AWS::EC2::SecurityGroupEgress')]);
    expect(group.rules.map(r => ({ d: r.direction, peer: peerText(r.peer), standalone: r.standalone, origin: r.origin.logicalId }))).toStrictEqual([
      { d: 'ingress', peer: 'group Hand|Sg', standalone: true, origin: 'In' },
      { d: 'egress', peer: 'group Hand|Sg', standalone: true, origin: 'Out' },
    ]);
  });

  test('a standalone rule whose group synth cannot know gets a placeholder group and one unresolved item', () => {
    const m = model({
      Vpc: VPC.Vpc,
      Named: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupName: 'legacy', ...ingress({ CidrIp: '10.0.0.0/8' }) } },
      NotSg: { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, ...ingress({ CidrIp: '10.0.0.0/8' }) } },
      Attr: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['Vpc', 'Ipv6CidrBlocks'] }, ...ingress({ CidrIp: '10.0.0.0/8' }) } },
      NotId: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: 'default', ...ingress({ CidrIp: '10.0.0.0/8' }) } },
      List: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: ['sg-1'], ...ingress({ CidrIp: '10.0.0.0/8' }) } },
      Number: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: 5, ...ingress({ CidrIp: '10.0.0.0/8' }) } },
      Vpc2: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { Ref: 'Vpc' }, ...ingress({ CidrIp: '10.0.0.0/8' }) } },
    });
    expect(m.unresolved.map(u => ({ at: u.at.logicalId, what: u.what, rule: u.rule }))).toStrictEqual([
      { at: 'Named', what: 'the group this ingress rule belongs to cannot be known at synth: the rule names its group by GroupName, outside a VPC', rule: true },
      { at: 'NotSg', what: 'the group this egress rule belongs to cannot be known at synth: "10.0.0.0/16" is not a security group id', rule: true },
      { at: 'Attr', what: 'the group this ingress rule belongs to cannot be known at synth: Vpc.Ipv6CidrBlocks is not a security group', rule: true },
      { at: 'NotId', what: 'the group this ingress rule belongs to cannot be known at synth: "default" is not a security group id', rule: true },
      { at: 'List', what: 'the group this ingress rule belongs to cannot be known at synth: a list where one group was expected', rule: true },
      { at: 'Number', what: 'the group this ingress rule belongs to cannot be known at synth: 5 is not a security group id', rule: true },
      { at: 'Vpc2', what: 'the group this ingress rule belongs to cannot be known at synth: Vpc is not a security group', rule: true },
    ]);
    const placeholder = m.groups.get('unresolved:Hand|Named')!;
    expect(placeholder).toStrictEqual(expect.objectContaining({ key: 'unresolved:Hand|Named', externalId: '(group of Named)' }));
    expect(placeholder.ref).toBeUndefined();
    expect(rulesOf(m, 'unresolved:Hand|Named')).toStrictEqual(['ingress cidr 10.0.0.0/8']);
    // A placeholder has no ref, so AWS's implicit egress is not added to it; its own egress is declared.
    expect(m.groups.get('unresolved:Hand|NotSg')!.egressDeclaredBy).toStrictEqual([at('NotSg', 'AWS::EC2::SecurityGroupEgress')]);
  });

  test('a group named by an sg- id outside the app, the VPC\'s default group and an EKS cluster group are groups of their own', () => {
    const m = model({
      Vpc: VPC.Vpc,
      Cluster: { Type: 'AWS::EKS::Cluster', Properties: {} },
      CdkCluster: { Type: 'Custom::AWSCDK-EKS-Cluster', Properties: {} },
      Other: { Type: 'AWS::Example::Thing', Properties: {} },
      A: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: 'sg-0abc', ...ingress({ SourceSecurityGroupId: { 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] } }) } },
      B: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['Cluster', 'ClusterSecurityGroupId'] }, ...ingress({ SourceSecurityGroupId: { 'Fn::GetAtt': ['CdkCluster', 'ClusterSecurityGroupId'] } }) } },
      C: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['Other', 'ClusterSecurityGroupId'] }, ...ingress({ SourceSecurityGroupId: { 'Fn::GetAtt': ['Other', 'DefaultSecurityGroup'] } }) } },
    });
    expect(m.groups.get('external:sg-0abc')!.externalId).toBe('sg-0abc');
    expect(m.groups.get('external:sg-0abc')!.ref).toBeUndefined();
    expect(rulesOf(m, 'external:sg-0abc')).toStrictEqual(['ingress group Hand|Vpc#default']);
    expect(m.groups.get('eks:Hand|Cluster')!.externalId).toBe('the cluster security group of Hand/Cluster');
    expect(rulesOf(m, 'eks:Hand|Cluster')).toStrictEqual(['ingress group eks:Hand|CdkCluster']);
    expect(m.groups.get('eks:Hand|CdkCluster')!.externalId).toBe('the cluster security group of Hand/CdkCluster');
    expect(m.unresolved.map(u => u.what)).toStrictEqual([
      'the group this ingress rule belongs to cannot be known at synth: Other.ClusterSecurityGroupId is not a security group',
      'the peer of an ingress rule: the peer group: Other.DefaultSecurityGroup is not a security group',
    ]);
  });

  test('a group used from another stack records the use once per user, with the export it came through', () => {
    const m = buildModel([
      { stackId: 'A', stackName: 'A', template: { Resources: { Sg: SG() }, Outputs: { O: { Value: sgRef(), Export: { Name: 'shared' } } } } },
      {
        stackId: 'B',
        stackName: 'B',
        template: {
          Resources: {
            In: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::ImportValue': 'shared' }, ...ingress({ SourceSecurityGroupId: { 'Fn::ImportValue': 'shared' } }) } },
            Local: SG({ SecurityGroupIngress: [ingress({ SourceSecurityGroupId: { Ref: 'Local' } })] }),
          },
        },
      },
    ]);
    expect(m.groups.get('A|Sg')!.crossStackUses).toStrictEqual([{ by: { ...at('In', 'AWS::EC2::SecurityGroupIngress'), stackId: 'B', stackName: 'B' }, via: 'import', exportName: 'shared' }]);
    expect(m.groups.get('B|Local')!.crossStackUses).toStrictEqual([]);
    expect(m.groups.get('A|Sg')!.exports).toStrictEqual([{ name: 'shared' }]);
  });

  test('a nested stack\'s group used by its parent through an output is a cross-stack use of that kind', () => {
    const m = buildModel([
      { stackId: 'Parent', stackName: 'Parent', template: { Resources: { Child: { Type: 'AWS::CloudFormation::Stack', Properties: {} }, In: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['Child', 'Outputs.SgId'] }, ...ingress({ CidrIp: '10.0.0.0/8' }) } } } } },
      { stackId: 'ChildStack', stackName: 'ChildStack', parent: { stackId: 'Parent', logicalId: 'Child' }, template: { Resources: { Sg: SG() }, Outputs: { SgId: { Value: sgRef() } } } },
    ]);
    expect(m.groups.get('ChildStack|Sg')!.crossStackUses).toStrictEqual([expect.objectContaining({ via: 'nested-stack-parameter', exportName: 'Outputs.SgId' })]);
  });
});

describe('a rule\'s peer and traffic', () => {
  const peerOf = (rule: Record<string, unknown>, direction: 'ingress' | 'egress' = 'ingress', extra: Record<string, unknown> = {}) => {
    const m = model({
      Vpc: VPC.Vpc,
      Sg: SG(),
      Pl: { Type: 'AWS::EC2::PrefixList', Properties: { MaxEntries: 1, AddressFamily: 'IPv4', Entries: [{ Cidr: { Ref: 'World' } }] } },
      Pl2: { Type: 'AWS::EC2::PrefixList', Properties: { MaxEntries: 1, AddressFamily: 'IPv4', Entries: [{ Cidr: '10.0.0.0/8' }] } },
      R: { Type: direction === 'ingress' ? 'AWS::EC2::SecurityGroupIngress' : 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: sgRef(), IpProtocol: '-1', ...rule } },
    }, { Parameters: { World: { Type: 'String', Default: '0.0.0.0/0' }, Office: { Type: 'String', Default: '192.0.2.0/24' }, NoDefault: { Type: 'String' } }, ...extra });
    const rule0 = m.groups.get('Hand|Sg')!.rules.find(r => r.origin.logicalId === 'R')!;
    return { peer: rule0.peer, unresolved: m.unresolved.map(u => u.what), invalid: m.invalidRules.map(i => i.what) };
  };

  test('a CIDR peer, from a parameter\'s default or the VPC\'s CIDR, says where it came from', () => {
    expect(peerOf({ CidrIp: { Ref: 'Office' } }).peer).toStrictEqual({ kind: 'cidr', cidr: expect.objectContaining({ text: '192.0.2.0/24' }), viaParameter: 'Office', vpcCidrOf: undefined });
    expect(peerOf({ CidrIp: { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] } }).peer).toStrictEqual({ kind: 'cidr', cidr: expect.objectContaining({ text: '10.0.0.0/16' }), viaParameter: undefined, vpcCidrOf: 'Hand|Vpc' });
    expect(peerOf({ CidrIpv6: '2600:1f00::/56' }, 'egress').peer).toStrictEqual({ kind: 'cidr', cidr: expect.objectContaining({ text: '2600:1f00::/56' }), viaParameter: undefined, vpcCidrOf: undefined });
  });

  test('a CIDR peer synth cannot read is unresolved, and says why', () => {
    expect(peerOf({ CidrIp: { Ref: 'NoDefault' } })).toStrictEqual({
      peer: { kind: 'unresolved', reason: 'CidrIp parameter NoDefault has no default' },
      unresolved: ['the peer of an ingress rule: CidrIp parameter NoDefault has no default'],
      invalid: [],
    });
    expect(peerOf({ CidrIpv6: ['::/0', '2600::/16'] }, 'egress')).toStrictEqual({
      peer: { kind: 'unresolved', reason: 'CidrIpv6 is not a single value' },
      unresolved: ['the peer of an egress rule: CidrIpv6 is not a single value'],
      invalid: [],
    });
    expect(peerOf({ CidrIp: 'office' }).peer).toStrictEqual({ kind: 'unresolved', reason: 'CidrIp "office" is not a CIDR block' });
    expect(peerOf({ CidrIp: 10 }).peer).toStrictEqual({ kind: 'unresolved', reason: 'CidrIp 10 is not a CIDR block' });
  });

  test('a group peer is the group, on each side; one synth cannot know is unresolved', () => {
    expect(peerOf({ SourceSecurityGroupId: { Ref: 'Sg' } }).peer).toStrictEqual({ kind: 'group', groupKey: 'Hand|Sg' });
    expect(peerOf({ DestinationSecurityGroupId: 'sg-0def' }, 'egress').peer).toStrictEqual({ kind: 'group', groupKey: 'external:sg-0def' });
    expect(peerOf({ SourceSecurityGroupId: { Ref: 'Vpc' } })).toStrictEqual({
      peer: { kind: 'unresolved', reason: 'the peer group: Vpc is not a security group' },
      unresolved: ['the peer of an ingress rule: the peer group: Vpc is not a security group'],
      invalid: [],
    });
    // The other direction's property is not this direction's peer.
    expect(peerOf({ DestinationSecurityGroupId: { Ref: 'Sg' } }).peer).toStrictEqual({ kind: 'unresolved', reason: 'the rule names no CIDR, group or prefix list' });
    expect(peerOf({ SourceSecurityGroupId: { Ref: 'Sg' } }, 'egress').peer).toStrictEqual({ kind: 'unresolved', reason: 'the rule names no CIDR, group or prefix list' });
  });

  test('a prefix-list peer is named by its id, or by the list in the app with whether it holds the world', () => {
    expect(peerOf({ SourcePrefixListId: 'pl-123' }).peer).toStrictEqual({ kind: 'prefixList', id: 'pl-123', viaParameter: undefined });
    expect(peerOf({ DestinationPrefixListId: { Ref: 'Office' } }, 'egress').peer).toStrictEqual({ kind: 'prefixList', id: '192.0.2.0/24', viaParameter: 'Office' });
    expect(peerOf({ SourcePrefixListId: { Ref: 'Pl' } }).peer).toStrictEqual({ kind: 'prefixList', id: 'Pl', prefixListKey: 'Hand|Pl', holdsWorld: true, worldViaParameter: 'World' });
    expect(peerOf({ DestinationPrefixListId: { 'Fn::GetAtt': ['Pl2', 'PrefixListId'] } }, 'egress').peer).toStrictEqual({ kind: 'prefixList', id: 'Pl2', prefixListKey: 'Hand|Pl2', holdsWorld: false, worldViaParameter: undefined });
    expect(peerOf({ SourcePrefixListId: { Ref: 'Sg' } }).peer).toStrictEqual({ kind: 'prefixList', id: 'Sg', prefixListKey: undefined, holdsWorld: undefined, worldViaParameter: undefined });
    expect(peerOf({ SourcePrefixListId: { Ref: 'NoDefault' } }).peer).toStrictEqual({ kind: 'unresolved', reason: 'the prefix list: parameter NoDefault has no default' });
    expect(peerOf({ DestinationPrefixListId: ['pl-1', 'pl-2'] }, 'egress').peer).toStrictEqual({ kind: 'unresolved', reason: 'the prefix list: a list' });
  });

  test('a source named by group name, or no peer at all, is unresolved with the reason', () => {
    expect(peerOf({ SourceSecurityGroupName: 'default' }).peer).toStrictEqual({ kind: 'unresolved', reason: 'the source is a group name (default VPC or EC2-Classic)' });
    expect(peerOf({ SourceSecurityGroupName: 'default' }, 'egress').peer).toStrictEqual({ kind: 'unresolved', reason: 'the rule names no CIDR, group or prefix list' });
    expect(peerOf({})).toStrictEqual({
      peer: { kind: 'unresolved', reason: 'the rule names no CIDR, group or prefix list' },
      unresolved: ['the peer of an ingress rule: the rule names no CIDR, group or prefix list'],
      invalid: [],
    });
  });

  test('a CIDR is read before a group, and a group before a prefix list', () => {
    expect(peerOf({ CidrIp: '10.0.0.0/8', SourceSecurityGroupId: { Ref: 'Sg' }, SourcePrefixListId: 'pl-1' }).peer).toStrictEqual(expect.objectContaining({ kind: 'cidr' }));
    expect(peerOf({ CidrIpv6: '::/0', DestinationPrefixListId: 'pl-1' }, 'egress').peer).toStrictEqual(expect.objectContaining({ kind: 'cidr' }));
    expect(peerOf({ DestinationSecurityGroupId: { Ref: 'Sg' }, DestinationPrefixListId: 'pl-1' }, 'egress').peer).toStrictEqual({ kind: 'group', groupKey: 'Hand|Sg' });
  });

  test('a rule that names more than one peer is invalid, counting only peers that are surely there', () => {
    expect(peerOf({ CidrIp: '10.0.0.0/8', SourceSecurityGroupId: { Ref: 'Sg' }, SourcePrefixListId: 'pl-1' }).invalid)
      .toStrictEqual(['names 3 peers (CidrIp, SourceSecurityGroupId, SourcePrefixListId); a rule names exactly one']);
    expect(peerOf({ CidrIpv6: '::/0', DestinationSecurityGroupId: { Ref: 'Sg' } }, 'egress').invalid).toStrictEqual(['names 2 peers (CidrIpv6, DestinationSecurityGroupId); a rule names exactly one']);
    expect(peerOf({ SourceSecurityGroupName: 'default', SourceSecurityGroupId: { Ref: 'Sg' } }).invalid).toStrictEqual(['names 2 peers (SourceSecurityGroupId, SourceSecurityGroupName); a rule names exactly one']);
    // An egress has no SourceSecurityGroupName; a peer that Fn::If or AWS::NoValue may drop is not counted.
    expect(peerOf({ CidrIp: '10.0.0.0/8', SourceSecurityGroupName: 'default' }, 'egress').invalid).toStrictEqual([]);
    expect(peerOf({ CidrIp: { 'Fn::If': ['C', '10.0.0.0/8', { Ref: 'AWS::NoValue' }] }, SourceSecurityGroupId: { Ref: 'Sg' } }).invalid).toStrictEqual([]);
    expect(peerOf({ CidrIp: '10.0.0.0/8', SourceSecurityGroupId: { Ref: 'AWS::NoValue' } }).invalid).toStrictEqual([]);
    expect(peerOf({ CidrIp: '10.0.0.0/8', SourceSecurityGroupId: { Ref: 'Sg' } }, 'ingress', {}).invalid).toHaveLength(1);
  });

  test('an invalid rule records where, which direction and which behaviour', () => {
    const m = model({ Sg: SG({ SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '10.0.0.0/8', CidrIpv6: '::/0' }] }) });
    expect(m.invalidRules).toStrictEqual([{ at: at('Sg', 'AWS::EC2::SecurityGroup'), direction: 'egress', behaviour: AWS_BEHAVIOURS.ruleNamesOnePeer.id, what: 'names 2 peers (CidrIp, CidrIpv6); a rule names exactly one' }]);
  });

  test('an address without a prefix length is an invalid rule that says what to write, with the parameter it came from', () => {
    const m = model({
      Sg: SG({
        SecurityGroupIngress: [
          { IpProtocol: '-1', CidrIp: '192.0.2.1' },
          { IpProtocol: '-1', CidrIpv6: '2001:db8::1' },
          { IpProtocol: '-1', CidrIp: { Ref: 'Host' } },
          { IpProtocol: '-1', CidrIp: '192.0.2.0/24' },
          { IpProtocol: '-1', CidrIp: 'office' },
          { IpProtocol: '-1', CidrIp: { Ref: 'NoDefault' } },
          { IpProtocol: '-1', CidrIp: 3 },
        ],
      }),
    }, { Parameters: { Host: { Type: 'String', Default: '198.51.100.7' }, NoDefault: { Type: 'String' } } });
    const base = { at: at('Sg', 'AWS::EC2::SecurityGroup'), direction: 'ingress', behaviour: AWS_BEHAVIOURS.cidrNeedsPrefix.id };
    expect(m.invalidRules).toStrictEqual([
      { ...base, what: 'has CidrIp "192.0.2.1" without a prefix length; write 192.0.2.1/32 for one address' },
      { ...base, what: 'has CidrIpv6 "2001:db8::1" without a prefix length; write 2001:db8::1/128 for one address' },
      { ...base, what: 'has CidrIp "198.51.100.7" (the default of parameter Host) without a prefix length; write 198.51.100.7/32 for one address', viaParameter: 'Host' },
    ]);
  });

  test('traffic read from parameters names them; an unsettled reading names its behaviour; a bad one is unresolved', () => {
    const m = model({
      Sg: SG({
        SecurityGroupIngress: [
          { IpProtocol: { Ref: 'Proto' }, FromPort: { Ref: 'Port' }, ToPort: { Ref: 'Port' }, CidrIp: '10.0.0.0/8' },
          { IpProtocol: 'tcp', CidrIp: '10.0.0.0/8' },
          { IpProtocol: 'tcp', FromPort: 10, ToPort: 5, CidrIp: '10.0.0.0/8' },
        ],
      }),
    }, { Parameters: { Proto: { Type: 'String', Default: 'tcp' }, Port: { Type: 'Number', Default: 8443 } } });
    const [fromParameters, unsettled, bad] = m.groups.get('Hand|Sg')!.rules;
    expect(fromParameters.traffic).toStrictEqual({ protocol: 'tcp', ports: { from: 8443, to: 8443 } });
    expect(fromParameters.trafficViaParameters).toStrictEqual(['Proto', 'Port']);
    expect(fromParameters).not.toHaveProperty('trafficUnsettledBy');
    expect(unsettled.trafficUnsettledBy).toBe(AWS_BEHAVIOURS.tcpUdpPortsMinusOneOrNone.id);
    expect(unsettled).not.toHaveProperty('trafficViaParameters');
    expect(bad.trafficProblem).toStrictEqual(expect.any(String));
    expect(m.unresolved).toStrictEqual([{ at: at('Sg', 'AWS::EC2::SecurityGroup'), what: `the traffic of an ingress rule: ${bad.trafficProblem}`, rule: true }]);
  });

  test('CDK\'s no-traffic placeholder is no rule but declares egress; anything like it that differs is a rule', () => {
    const placeholder = { IpProtocol: 'icmp', FromPort: 252, ToPort: 86, CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' };
    const m = model({
      Closed: SG({ SecurityGroupEgress: [placeholder] }),
      Ingress: SG({ SecurityGroupIngress: [placeholder] }),
      Code: SG({ SecurityGroupEgress: [{ ...placeholder, ToPort: 87 }] }),
      Type: SG({ SecurityGroupEgress: [{ ...placeholder, FromPort: 253 }] }),
      Proto: SG({ SecurityGroupEgress: [{ ...placeholder, IpProtocol: 'udp' }] }),
      Cidr: SG({ SecurityGroupEgress: [{ ...placeholder, CidrIp: '255.255.255.254/32' }] }),
    });
    expect(rulesOf(m, 'Hand|Closed')).toStrictEqual([]);
    expect(m.groups.get('Hand|Closed')!.egressDeclaredBy).toHaveLength(1);
    expect(rulesOf(m, 'Hand|Ingress')).toStrictEqual(['ingress cidr 255.255.255.255/32', 'egress cidr 0.0.0.0/0 (implicit)']);
    for (const key of ['Code', 'Type', 'Proto', 'Cidr']) expect(m.groups.get(`Hand|${key}`)!.rules).toHaveLength(1);
  });
});

/** Every attachment the model records for one resource, once each. */
function attachmentsOf(m: SecurityGroupModel, logicalId: string) {
  const found = new Set<SecurityGroupModel['groups'] extends Map<string, infer G> ? G extends { attachments: Array<infer A> } ? A : never : never>();
  for (const group of m.groups.values()) for (const a of group.attachments) if (a.resource.logicalId === logicalId) found.add(a);
  return [...found];
}

/** A resource's attachments as text, sorted: their groups, and how it got them. */
function attached(m: SecurityGroupModel, logicalId: string): string[] {
  return attachmentsOf(m, logicalId).map(a => [
    a.groupKeys.join(' + '),
    a.viaDefault ? `by ${a.fallbackBy}` : '',
    a.fallbackNote ? `(${a.fallbackNote})` : '',
    a.interfaceLabel ? `[${a.interfaceLabel}]` : '',
    a.viaTemplate ? `via ${a.viaTemplate.logicalId}` : '',
    a.unresolved.length > 0 ? `unresolved: ${a.unresolved.join('; ')}` : '',
  ].filter(Boolean).join(' ')).sort();
}

const FALLBACK = AWS_BEHAVIOURS.fallbackToDefaultGroup.id;
const UNSETTLED = AWS_BEHAVIOURS.fallbackUnsettled.id;

describe('resources without groups get their VPC\'s default group', () => {
  const SUBNET_GROUPS = {
    DbSubnets: { Type: 'AWS::RDS::DBSubnetGroup', Properties: { SubnetIds: [{ Ref: 'Subnet' }] } },
    CacheSubnets: { Type: 'AWS::ElastiCache::SubnetGroup', Properties: { SubnetIds: [{ Ref: 'Subnet' }] } },
    RedshiftSubnets: { Type: 'AWS::Redshift::ClusterSubnetGroup', Properties: { SubnetIds: [{ Ref: 'Subnet' }] } },
  };

  test.each([
    ['AWS::EC2::Instance', { SubnetId: { Ref: 'Subnet' } }, FALLBACK],
    ['AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', VpcId: { Ref: 'Vpc' } }, FALLBACK],
    ['AWS::RDS::DBInstance', { DBSubnetGroupName: { Ref: 'DbSubnets' } }, FALLBACK],
    ['AWS::RDS::DBCluster', { DBSubnetGroupName: { Ref: 'DbSubnets' } }, UNSETTLED],
    ['AWS::ElastiCache::CacheCluster', { CacheSubnetGroupName: { Ref: 'CacheSubnets' } }, UNSETTLED],
    ['AWS::ElastiCache::ReplicationGroup', { CacheSubnetGroupName: { Ref: 'CacheSubnets' } }, UNSETTLED],
    ['AWS::Redshift::Cluster', { ClusterSubnetGroupName: { Ref: 'RedshiftSubnets' } }, FALLBACK],
    ['AWS::ECS::Service', { NetworkConfiguration: { AwsvpcConfiguration: { Subnets: [{ Ref: 'Subnet' }] } } }, FALLBACK],
    ['AWS::ECS::TaskSet', { NetworkConfiguration: { AwsVpcConfiguration: { Subnets: [{ Ref: 'Subnet' }] } } }, FALLBACK],
    ['AWS::OpenSearchService::Domain', { VPCOptions: { SubnetIds: [{ Ref: 'Subnet' }] } }, FALLBACK],
    ['AWS::Elasticsearch::Domain', { VPCOptions: { SubnetIds: [{ Ref: 'Subnet' }] } }, FALLBACK],
    ['AWS::MSK::Cluster', { BrokerNodeGroupInfo: { ClientSubnets: [{ Ref: 'Subnet' }] } }, FALLBACK],
    ['AWS::ElasticLoadBalancing::LoadBalancer', { Subnets: [{ Ref: 'Subnet' }] }, FALLBACK],
    ['AWS::EC2::NetworkInterface', { SubnetId: { Ref: 'Subnet' } }, UNSETTLED],
    ['AWS::EFS::MountTarget', { SubnetId: { Ref: 'Subnet' } }, UNSETTLED],
    ['AWS::FSx::FileSystem', { SubnetIds: [{ Ref: 'Subnet' }] }, UNSETTLED],
  ])('%s without groups, in a subnet of the app, gets the app VPC\'s default group', (type, props, by) => {
    const m = model({ ...VPC, ...SUBNET_GROUPS, R: { Type: type, Properties: props } });
    expect(attachmentsOf(m, 'R')).toStrictEqual([{
      resource: at('R', type), groupKeys: ['Hand|Vpc#default'], unresolved: [], viaDefault: true, interfaceLabel: undefined, fallbackBy: by, fallbackNote: undefined,
    }]);
    expect(m.unresolved).toStrictEqual([]);
  });

  test.each([
    ['AWS::EC2::Instance', {}, 'unknown-vpc', 'a VPC outside the app'],
    ['AWS::EC2::Instance', { SubnetId: 'subnet-1' }, 'unknown-vpc', 'a VPC outside the app'],
    ['AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', VpcId: 'vpc-0abc' }, 'external:vpc-0abc', 'VPC vpc-0abc'],
    ['AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface' }, 'unknown-vpc', 'a VPC outside the app'],
    ['AWS::RDS::DBInstance', {}, 'default-vpc', 'the account\'s default VPC'],
    ['AWS::RDS::DBInstance', { DBSubnetGroupName: 'shared-subnets' }, 'unknown-vpc', 'a VPC outside the app'],
    ['AWS::RDS::DBInstance', { DBSubnetGroupName: { Ref: 'CacheSubnets' } }, 'unknown-vpc', 'a VPC outside the app'],
    ['AWS::RDS::DBInstance', { DBSubnetGroupName: { Ref: 'LiteralSubnets' } }, 'unknown-vpc', 'a VPC outside the app'],
    ['AWS::ElastiCache::CacheCluster', {}, 'default-vpc', 'the account\'s default VPC'],
    ['AWS::ECS::Service', { NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-1'] } } }, 'unknown-vpc', 'a VPC outside the app'],
    ['AWS::ECS::Service', { NetworkConfiguration: { AwsvpcConfiguration: {} } }, 'unknown-vpc', 'a VPC outside the app'],
    ['AWS::EC2::NetworkInterface', { SubnetId: { Ref: 'Vpc' } }, 'unknown-vpc', 'a VPC outside the app'],
    ['AWS::EC2::NetworkInterface', { SubnetId: { Ref: 'OutsideSubnet' } }, 'external:vpc-9', 'VPC vpc-9'],
    ['AWS::EC2::NetworkInterface', { SubnetId: { Ref: 'LostSubnet' } }, 'unknown-vpc', 'a VPC outside the app'],
  ])('%s %j without groups gets the default group of %s, named "%s"', (type, props, vpcKey, label) => {
    const m = model({
      ...VPC,
      ...SUBNET_GROUPS,
      LiteralSubnets: { Type: 'AWS::RDS::DBSubnetGroup', Properties: { SubnetIds: ['subnet-1'] } },
      OutsideSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: 'vpc-9' } },
      LostSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'NoSuch' } } },
      R: { Type: type, Properties: props },
    });
    expect(attachmentsOf(m, 'R').map(a => a.groupKeys)).toStrictEqual([[`${vpcKey}#default`]]);
    expect(m.groups.get(`${vpcKey}#default`)).toStrictEqual(expect.objectContaining({ defaultOfVpc: vpcKey, externalId: label }));
    expect(m.groups.get(`${vpcKey}#default`)!.ref).toBeUndefined();
  });

  test('resources that make no interface, or take their groups elsewhere, get no default group', () => {
    const m = model({
      ...VPC,
      Gateway: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: { Ref: 'Vpc' } } },
      Task: { Type: 'AWS::ECS::Service', Properties: { NetworkConfiguration: {} } },
      Bridge: { Type: 'AWS::ECS::Service', Properties: {} },
      Public: { Type: 'AWS::OpenSearchService::Domain', Properties: {} },
      Member: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'Cluster' }, VPCSecurityGroups: [] } },
      Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
      Classic: { Type: 'AWS::ElasticLoadBalancing::LoadBalancer', Properties: { AvailabilityZones: ['eu-west-1a'] } },
      Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { ImageId: 'ami-1' } } },
      LtEmpty: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { SecurityGroupIds: [], NetworkInterfaces: [{ DeviceIndex: 0, Groups: [] }] } } },
      Server: { Type: 'AWS::Transfer::Server', Properties: {} },
    });
    for (const id of ['Gateway', 'Task', 'Bridge', 'Public', 'Member', 'Fn', 'Classic', 'Lt', 'LtEmpty', 'Server']) expect([id, attached(m, id)]).toStrictEqual([id, []]);
    expect([...m.groups.keys()]).toStrictEqual(['Hand|Vpc#default']);
    expect(m.unresolved).toStrictEqual([]);
  });

  test('a cluster member that names its own groups is attached to them', () => {
    const m = model({ Sg: SG(), Member: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: 'c', VPCSecurityGroups: [sgRef()] } } });
    expect(attached(m, 'Member')).toStrictEqual(['Hand|Sg']);
  });

  test('a read replica without groups gets the default group by its own behaviour and note', () => {
    const m = model({ ...VPC, ...SUBNET_GROUPS, Replica: { Type: 'AWS::RDS::DBInstance', Properties: { SourceDBInstanceIdentifier: 'db-1', DBSubnetGroupName: { Ref: 'DbSubnets' } } } });
    expect(attached(m, 'Replica')).toStrictEqual([`Hand|Vpc#default by ${AWS_BEHAVIOURS.readReplicaGroups.id} (it is a read replica that names no group)`]);
  });

  test('a classic load balancer in subnets outside the app may get ELB\'s own group instead, and says so', () => {
    const m = model({ Classic: { Type: 'AWS::ElasticLoadBalancing::LoadBalancer', Properties: { Subnets: ['subnet-1'] } } });
    expect(attached(m, 'Classic')).toStrictEqual([
      `unknown-vpc#default by ${UNSETTLED} (unless its subnets are in the account's default VPC, where ELB makes a default_elb group instead)`,
    ]);
  });

  test('resources that name their groups are attached to them, each group once, with the parameters that gave them', () => {
    const m = model({
      ...VPC,
      Sg: SG(),
      Other: SG(),
      Endpoint: { Type: 'AWS::EC2::VPCEndpoint', Properties: { SecurityGroupIds: [sgRef(), { Ref: 'Sg' }], VpcId: { Ref: 'Vpc' } } },
      Gateway: { Type: 'AWS::EC2::VPCEndpoint', Properties: { SecurityGroupIds: [{ Ref: 'Other' }] } },
      Cache: { Type: 'AWS::ElastiCache::CacheCluster', Properties: { VpcSecurityGroupIds: [{ Ref: 'Sg' }] } },
      Repl: { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: { SecurityGroupIds: [{ Ref: 'Sg' }] } },
      Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { VpcSecurityGroupIds: [{ Ref: 'Sg' }] } },
      Redshift: { Type: 'AWS::Redshift::Cluster', Properties: { VpcSecurityGroupIds: [{ Ref: 'Sg' }] } },
      Service: { Type: 'AWS::ECS::Service', Properties: { NetworkConfiguration: { AwsvpcConfiguration: { SecurityGroups: [{ Ref: 'Sg' }] } } } },
      Domain: { Type: 'AWS::Elasticsearch::Domain', Properties: { VPCOptions: { SecurityGroupIds: [{ Ref: 'Sg' }] } } },
      Msk: { Type: 'AWS::MSK::Cluster', Properties: { BrokerNodeGroupInfo: { SecurityGroups: [{ Ref: 'Sg' }] } } },
      Classic: { Type: 'AWS::ElasticLoadBalancing::LoadBalancer', Properties: { SecurityGroups: [{ Ref: 'Sg' }] } },
      Eni: { Type: 'AWS::EC2::NetworkInterface', Properties: { GroupSet: [{ Ref: 'Sg' }], SubnetId: { Ref: 'Subnet' } } },
      Efs: { Type: 'AWS::EFS::MountTarget', Properties: { SecurityGroups: [{ Ref: 'Sg' }] } },
      Fsx: { Type: 'AWS::FSx::FileSystem', Properties: { SecurityGroupIds: [{ Ref: 'Sg' }] } },
      Server: { Type: 'AWS::Transfer::Server', Properties: { EndpointDetails: { SecurityGroupIds: [{ Ref: 'Sg' }] } } },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SecurityGroupIds: { Ref: 'Groups' } } } },
    }, { Parameters: { Groups: { Type: 'List<AWS::EC2::SecurityGroup::Id>', Default: 'sg-0a, sg-0b' } } });
    for (const id of ['Endpoint', 'Cache', 'Repl', 'Cluster', 'Redshift', 'Service', 'Domain', 'Msk', 'Classic', 'Eni', 'Efs', 'Fsx', 'Server']) {
      expect([id, attached(m, id)]).toStrictEqual([id, ['Hand|Sg']]);
    }
    expect(attached(m, 'Gateway')).toStrictEqual(['Hand|Other']);
    expect(attachmentsOf(m, 'Fn')).toStrictEqual([{
      resource: at('Fn', 'AWS::Lambda::Function'), groupKeys: ['external:sg-0a', 'external:sg-0b'], unresolved: [], viaDefault: false, interfaceLabel: undefined, viaParameters: ['Groups'],
    }]);
    expect(attachmentsOf(m, 'Cache')[0]).not.toHaveProperty('viaParameters');
    expect(m.groups.get('Hand|Sg')!.references).toStrictEqual([]);
  });

  test('groups synth cannot read are counted on the attachment and listed once as unresolved', () => {
    const m = model({
      ...VPC,
      Sg: SG(),
      I: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: [sgRef(), { Ref: 'NoDefault' }, 'default'] } },
      Eni: { Type: 'AWS::EC2::Instance', Properties: { NetworkInterfaces: [{ DeviceIndex: 2, GroupSet: [{ Ref: 'Vpc' }] }] } },
    }, { Parameters: { NoDefault: { Type: 'String' } } });
    expect(attached(m, 'I')).toStrictEqual(['Hand|Sg unresolved: parameter NoDefault has no default; "default" is not a security group id']);
    expect(m.unresolved).toStrictEqual([
      { at: at('I', 'AWS::EC2::Instance'), what: '2 of its security groups: parameter NoDefault has no default; "default" is not a security group id' },
      { at: at('Eni', 'AWS::EC2::Instance'), what: '1 of its security groups (network interface 2): Vpc is not a security group' },
    ]);
  });
});

describe('instances, launch templates and Auto Scaling groups', () => {
  const LT = (data: Record<string, unknown>) => ({ Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: data } });
  const byId = { LaunchTemplateId: { Ref: 'Lt' }, Version: '1' };

  test('an instance takes its own groups, else its launch template\'s, else its VPC\'s default group', () => {
    const m = model({
      ...VPC,
      Sg: SG(),
      Other: SG(),
      Lt: LT({ SecurityGroupIds: [{ Ref: 'Other' }] }),
      LtNi: LT({ NetworkInterfaces: [{ DeviceIndex: 0, Groups: [{ Ref: 'Other' }] }, { DeviceIndex: 1, Groups: { Ref: 'Sg' } }, { DeviceIndex: 2 }] }),
      LtNone: LT({ NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: { Ref: 'Subnet' } }] }),
      Own: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroups: [{ Ref: 'Sg' }], LaunchTemplate: byId } },
      FromLt: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: [], LaunchTemplate: byId } },
      FromNi: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { LaunchTemplateName: { Ref: 'LtNi' } } } },
      Neither: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { LaunchTemplateId: { Ref: 'LtNone' } } } },
      Bare: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: { Ref: 'Subnet' } } },
    });
    expect(attached(m, 'Own')).toStrictEqual(['Hand|Sg']);
    expect(attached(m, 'FromLt')).toStrictEqual(['Hand|Other via Lt']);
    expect(attached(m, 'FromNi')).toStrictEqual(['Hand|Other + Hand|Sg via LtNi']);
    // The launch template's first interface gives the subnet, so the VPC.
    expect(attached(m, 'Neither')).toStrictEqual([`Hand|Vpc#default by ${FALLBACK} (it names no group, and neither does its launch template Hand/LtNone)`]);
    expect(attached(m, 'Bare')).toStrictEqual([`Hand|Vpc#default by ${FALLBACK}`]);
    expect(attached(m, 'Lt')).toStrictEqual(['Hand|Other']);
    expect(attached(m, 'LtNi')).toStrictEqual(['Hand|Other [network interface 0]', 'Hand|Sg [network interface 1]']);
    expect(m.unresolved).toStrictEqual([]);
  });

  test('an instance\'s network interfaces are attached one by one: own groups, an existing interface\'s, the template\'s, or the default', () => {
    const m = model({
      ...VPC,
      Sg: SG(),
      Other: SG(),
      Eni: { Type: 'AWS::EC2::NetworkInterface', Properties: { GroupSet: [{ Ref: 'Other' }], SubnetId: { Ref: 'Subnet' } } },
      EniBare: { Type: 'AWS::EC2::NetworkInterface', Properties: { SubnetId: { Ref: 'Subnet' } } },
      Lt: LT({ SecurityGroupIds: [{ Ref: 'Other' }] }),
      I: {
        Type: 'AWS::EC2::Instance',
        Properties: {
          NetworkInterfaces: [
            { DeviceIndex: '0', GroupSet: [{ Ref: 'Sg' }] },
            { DeviceIndex: 1, NetworkInterfaceId: { Ref: 'Eni' } },
            { NetworkInterfaceId: { Ref: 'EniBare' } },
            { DeviceIndex: 3, NetworkInterfaceId: 'eni-0123' },
            { DeviceIndex: 4, SubnetId: { Ref: 'Subnet' } },
          ],
        },
      },
      WithLt: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } }, NetworkInterfaces: [{ DeviceIndex: 0, GroupSet: [] }] } },
      OutsideLt: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { LaunchTemplateId: 'lt-9' }, NetworkInterfaces: [{ DeviceIndex: 0 }] } },
      NoGroupsLt: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { LaunchTemplateId: { Ref: 'EniBare' } }, NetworkInterfaces: [{ DeviceIndex: 0 }] } },
    });
    expect(attached(m, 'I')).toStrictEqual([
      'Hand|Other [network interface 1]',
      'Hand|Sg [network interface 0]',
      `Hand|Vpc#default by ${FALLBACK} [network interface 4]`,
    ]);
    // The bare interface is judged where it is defined.
    expect(attached(m, 'EniBare')).toStrictEqual([`Hand|Vpc#default by ${UNSETTLED}`]);
    expect(attached(m, 'WithLt')).toStrictEqual(['Hand|Other [network interface 0] via Lt']);
    expect(attached(m, 'OutsideLt')).toStrictEqual([]);
    expect(attached(m, 'NoGroupsLt')).toStrictEqual([]);
    expect(m.unresolved.map(u => `${u.at.logicalId}: ${u.what}`)).toStrictEqual([
      'OutsideLt: its security groups (network interface 0) come from launch template lt-9, which is not in the app',
      'NoGroupsLt: its security groups (network interface 0) come from launch template EniBare, which is not in the app',
    ]);
  });

  test('an instance whose template is named by something synth cannot read says so', () => {
    const m = model({
      Unknown: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { LaunchTemplateName: { Ref: 'NoDefault' } } } },
      Listed: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { Id: ['a'] } } },
      ByName: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { Name: 'named-template' } } },
    }, { Parameters: { NoDefault: { Type: 'String' } } });
    expect(m.unresolved.map(u => `${u.at.logicalId}: ${u.what}`)).toStrictEqual([
      'Unknown: its security groups come from launch template (parameter NoDefault has no default), which is not in the app',
      'Listed: its security groups come from launch template (a list), which is not in the app',
      'ByName: its security groups come from launch template named-template, which is not in the app',
    ]);
  });

  test('an Auto Scaling group takes its launch template\'s or launch configuration\'s groups, else is judged by its subnets', () => {
    const m = model({
      ...VPC,
      Sg: SG(),
      Lt: LT({ SecurityGroupIds: [{ Ref: 'Sg' }] }),
      LtNone: LT({ NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: { Ref: 'Subnet' } }] }),
      Lc: { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: { SecurityGroups: [{ Ref: 'Sg' }] } },
      LcNone: { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: { SecurityGroups: [] } },
      ByTemplate: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } } } },
      Mixed: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: { Ref: 'Lt' } } } } } },
      ByConfig: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { LaunchConfigurationName: { Ref: 'Lc' } } },
      InSubnets: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { LaunchConfigurationName: { Ref: 'LcNone' }, VPCZoneIdentifier: [{ Ref: 'Subnet' }] } },
      TemplateSubnet: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { LaunchTemplate: { LaunchTemplateId: { Ref: 'LtNone' } }, VPCZoneIdentifier: ['subnet-1'] } },
      Nowhere: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { LaunchConfigurationName: { Ref: 'LcNone' } } },
      FromInstance: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { InstanceId: 'i-0123' } },
      Outside: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { LaunchConfigurationName: 'shared-config' } },
      NotAConfig: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { LaunchConfigurationName: { Ref: 'Sg' } } },
    });
    const judged = `by ${AWS_BEHAVIOURS.launchTemplateJudgedWhereUsed.id}`;
    expect(attached(m, 'ByTemplate')).toStrictEqual(['Hand|Sg via Lt']);
    expect(attached(m, 'Mixed')).toStrictEqual(['Hand|Sg via Lt']);
    expect(attached(m, 'ByConfig')).toStrictEqual(['Hand|Sg via Lc']);
    expect(attached(m, 'InSubnets')).toStrictEqual([`Hand|Vpc#default ${judged} (its launch template Hand/LcNone names no group)`]);
    expect(attached(m, 'TemplateSubnet')).toStrictEqual([`Hand|Vpc#default ${judged} (its launch template Hand/LtNone names no group)`]);
    expect(attached(m, 'Nowhere')).toStrictEqual([`unknown-vpc#default ${judged} (its launch template Hand/LcNone names no group)`]);
    expect(attached(m, 'FromInstance')).toStrictEqual([]);
    expect(attached(m, 'Outside')).toStrictEqual([]);
    expect(attached(m, 'NotAConfig')).toStrictEqual([]);
    expect(m.unresolved.map(u => `${u.at.logicalId}: ${u.what}`)).toStrictEqual([
      'Outside: its security groups come from launch template shared-config, which is not in the app',
      'NotAConfig: its security groups come from launch template Sg, which is not in the app',
    ]);
  });

  test('groups a launch template cannot resolve are reported at the template, not again where it is used', () => {
    const m = model({
      Lt: LT({ SecurityGroupIds: [{ Ref: 'NoDefault' }] }),
      I: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } } } },
      Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } } } },
    }, { Parameters: { NoDefault: { Type: 'String' } } });
    expect(m.unresolved.map(u => `${u.at.logicalId}: ${u.what}`)).toStrictEqual(['Lt: 1 of its security groups: parameter NoDefault has no default']);
  });

  test('a launch template in another stack is read in its own stack', () => {
    const m = buildModel([
      { stackId: 'A', stackName: 'A', template: { Resources: { Sg: SG(), Lt: LT({ SecurityGroupIds: [{ Ref: 'Sg' }] }) }, Outputs: { O: { Value: { Ref: 'Lt' }, Export: { Name: 'lt' } } } } },
      { stackId: 'B', stackName: 'B', template: { Resources: { I: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { LaunchTemplateId: { 'Fn::ImportValue': 'lt' } } } } } } },
    ]);
    expect(attached(m, 'I')).toStrictEqual(['A|Sg via Lt']);
    expect(attachmentsOf(m, 'I')[0].viaTemplate).toStrictEqual({ ...at('Lt', 'AWS::EC2::LaunchTemplate'), stackId: 'A', stackName: 'A' });
  });

  test('an instance or interface that does not check source and destination forwards traffic', () => {
    const m = model({
      A: { Type: 'AWS::EC2::Instance', Properties: { SourceDestCheck: false, SecurityGroupIds: ['sg-1'] } },
      B: { Type: 'AWS::EC2::NetworkInterface', Properties: { SourceDestCheck: 'false', GroupSet: ['sg-1'] } },
      C: { Type: 'AWS::EC2::Instance', Properties: { SourceDestCheck: true, SecurityGroupIds: ['sg-1'] } },
      D: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: ['sg-1'] } },
      E: { Type: 'AWS::Example::Router', Properties: { SourceDestCheck: false } },
    });
    expect([...m.forwarders]).toStrictEqual(['Hand|A', 'Hand|B']);
  });
});

describe('load balancers, listeners and the ports services listen on', () => {
  test('a v2 load balancer has its type, scheme, groups, listeners and the ports of its listeners', () => {
    const m = model({
      Sg: SG(),
      Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network', Scheme: 'internal', SecurityGroups: [{ Ref: 'Sg' }], EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off' } },
      L1: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Lb' }, Port: 443, Protocol: 'TLS' } },
      L2: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Lb' }, Port: { Ref: 'Port' }, Protocol: 'TCP' } },
      L3: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Lb' }, Port: '443' } },
      Elsewhere: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/net/x/1', Port: 80 } },
      Service: { Type: 'AWS::EC2::VPCEndpointService', Properties: { NetworkLoadBalancerArns: [{ Ref: 'Lb' }, 'arn:other'] } },
    }, { Parameters: { Port: { Type: 'Number', Default: 22 } } });
    expect(m.loadBalancers).toStrictEqual([{
      ref: at('Lb', 'AWS::ElasticLoadBalancingV2::LoadBalancer'),
      type: 'network',
      internetFacing: false,
      scheme: 'internal',
      schemeViaParameter: undefined,
      listeners: [
        { ref: at('L1', 'AWS::ElasticLoadBalancingV2::Listener'), port: 443, protocol: 'TLS' },
        { ref: at('L2', 'AWS::ElasticLoadBalancingV2::Listener'), port: 22, portViaParameter: 'Port', protocol: 'TCP' },
        { ref: at('L3', 'AWS::ElasticLoadBalancingV2::Listener'), port: 443, protocol: undefined },
      ],
      groupKeys: ['Hand|Sg'],
      withoutSecurityGroups: false,
      privateLinkEnforcement: 'off',
      endpointServices: [at('Service', 'AWS::EC2::VPCEndpointService')],
    }]);
    expect([...m.servicePorts.values()]).toStrictEqual([{
      resource: at('Lb', 'AWS::ElasticLoadBalancingV2::LoadBalancer'), ports: [22, 443], what: 'listeners', remoteAdministration: true, viaParameters: ['Port'],
    }]);
  });

  test('a load balancer with a listener whose port synth cannot know, or with no listener, listens on ports no one knows', () => {
    const m = model({
      Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application' } },
      L: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Lb' }, Port: { Ref: 'NoDefault' } } },
      L2: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Lb' }, Port: 80 } },
      Idle: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {} },
      Odd: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Idle' }, Port: 'http' } },
    }, { Parameters: { NoDefault: { Type: 'Number' } } });
    expect(m.loadBalancers.map(lb => lb.listeners.map(l => l.port))).toStrictEqual([[undefined, 80], [undefined]]);
    expect(m.servicePorts.size).toBe(0);
  });

  test('a load balancer\'s type, scheme and private-link setting as AWS defaults or reads them', () => {
    const m = model({
      Gw: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'gateway', Scheme: { Ref: 'Scheme' }, LoadBalancerAttributes: [{ Key: 'other', Value: 'x' }, { Key: 'security_groups.enforce_inbound_rules_on_private_link_traffic', Value: 'on' }] } },
      Odd: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'mystery', Scheme: 'public', SecurityGroups: [] } },
      Unknown: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: { Ref: 'NoDefault' } } },
    }, { Parameters: { Scheme: { Type: 'String', Default: 'internal' }, NoDefault: { Type: 'String' } } });
    const [gw, odd, unknown] = m.loadBalancers;
    expect(gw).toStrictEqual(expect.objectContaining({ type: 'gateway', internetFacing: false, scheme: 'internal', schemeViaParameter: 'Scheme', privateLinkEnforcement: 'on', withoutSecurityGroups: true }));
    expect(odd).toStrictEqual(expect.objectContaining({ type: 'application', internetFacing: false, scheme: 'unknown', schemeViaParameter: undefined, privateLinkEnforcement: undefined, withoutSecurityGroups: true }));
    expect(unknown).toStrictEqual(expect.objectContaining({ type: 'application', internetFacing: false, scheme: 'unknown', schemeViaParameter: undefined }));
  });

  test('a classic load balancer lists its listeners inline, and listens on their ports', () => {
    const m = model({
      Sg: SG(),
      Clb: {
        Type: 'AWS::ElasticLoadBalancing::LoadBalancer',
        Properties: { SecurityGroups: [{ Ref: 'Sg' }], Listeners: [{ LoadBalancerPort: '80', Protocol: 'HTTP', InstancePort: 8080 }, { LoadBalancerPort: 443, Protocol: 'HTTPS' }, { LoadBalancerPort: 80 }] },
      },
      V2: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Listeners: [{ LoadBalancerPort: 80 }] } },
    });
    const clb = at('Clb', 'AWS::ElasticLoadBalancing::LoadBalancer');
    expect(m.loadBalancers[0]).toStrictEqual(expect.objectContaining({
      type: 'classic',
      internetFacing: true,
      scheme: 'internet-facing',
      groupKeys: ['Hand|Sg'],
      listeners: [{ ref: clb, port: 80, protocol: 'HTTP' }, { ref: clb, port: 443, protocol: 'HTTPS' }, { ref: clb, port: 80, protocol: undefined }],
    }));
    expect(m.loadBalancers[1].listeners).toStrictEqual([]);
    expect(m.servicePorts.get('Hand|Clb')).toStrictEqual({ resource: clb, ports: [80, 443], what: 'listeners', remoteAdministration: true });
  });

  test('a Transfer Family server listens on its protocols\' ports only', () => {
    const server = (props: Record<string, unknown>) => ({ Type: 'AWS::Transfer::Server', Properties: props });
    const m = model({
      Default: server({}),
      Ftp: server({ Protocols: ['ftps', 'FTP'] }),
      Both: server({ Protocols: ['SFTP', 'FTP'], ProtocolDetails: { SftpPorts: [{ SftpPort: 2222 }, { SftpPort: { Ref: 'Port' } }] } }),
      Unknown: server({ Protocols: [{ Ref: 'NoDefault' }] }),
      UnknownPort: server({ ProtocolDetails: { SftpPorts: [{ SftpPort: { Ref: 'NoDefault' } }] } }),
      Sftp: server({ Protocols: ['SFTP'], ProtocolDetails: { SftpPorts: 'x' } }),
    }, { Parameters: { Port: { Type: 'Number', Default: 22 }, NoDefault: { Type: 'String' } } });
    const ports = (id: string) => m.servicePorts.get(`Hand|${id}`);
    const FTP = [21, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200];
    expect(ports('Default')).toStrictEqual({ resource: at('Default', 'AWS::Transfer::Server'), ports: [22], what: 'SFTP', remoteAdministration: false });
    expect(ports('Ftp')).toStrictEqual({ resource: at('Ftp', 'AWS::Transfer::Server'), ports: FTP, what: 'FTPS, FTP', remoteAdministration: false });
    expect(ports('Both')).toStrictEqual({ resource: at('Both', 'AWS::Transfer::Server'), ports: [...FTP.slice(0, 1), 22, 2222, ...FTP.slice(1)].sort((a, b) => a - b), what: 'SFTP, FTP', remoteAdministration: false, viaParameters: ['Port'] });
    expect(ports('Unknown')).toBeUndefined();
    expect(ports('UnknownPort')).toBeUndefined();
    expect(ports('Sftp')!.ports).toStrictEqual([22]);
  });

  test('a function or an interface endpoint with groups is one whose inbound traffic is unsettled; a function is listed with its groups', () => {
    const m = model({
      Sg: SG(),
      Fn: { Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SecurityGroupIds: [{ Ref: 'Sg' }, 'sg-0abc'] } } },
      Outside: { Type: 'AWS::Lambda::Function', Properties: {} },
      Endpoint: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SecurityGroupIds: [{ Ref: 'Sg' }] } },
      Gateway: { Type: 'AWS::EC2::VPCEndpoint', Properties: {} },
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { VPCSecurityGroups: [{ Ref: 'Sg' }] } },
    });
    expect(m.lambdas).toStrictEqual([{ ref: at('Fn', 'AWS::Lambda::Function'), groupKeys: ['Hand|Sg', 'external:sg-0abc'] }]);
    expect([...m.inboundUnsettled.entries()]).toStrictEqual([
      ['Hand|Fn', { resource: at('Fn', 'AWS::Lambda::Function'), what: 'a Lambda function', behaviour: AWS_BEHAVIOURS.lambdaInterfacesInbound.id }],
      ['Hand|Endpoint', { resource: at('Endpoint', 'AWS::EC2::VPCEndpoint'), what: 'an interface VPC endpoint', behaviour: AWS_BEHAVIOURS.interfaceEndpointPorts.id }],
    ]);
  });
});

describe('references, exports and names', () => {
  test('a group mentioned but not attached is referenced; attached by a table type, or by an unknown type\'s group key, it is not', () => {
    const m = model({
      Sg: SG(),
      Other: SG(),
      Custom: { Type: 'Custom::Thing', Properties: { SecurityGroupIds: [{ Ref: 'Sg' }], Nested: [{ Deep: { 'Fn::GetAtt': ['Other', 'GroupId'] } }] } },
      Cfn: { Type: 'AWS::CloudFormation::CustomResource', Properties: { SecurityGroups: [{ Ref: 'Sg' }] } },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SecurityGroupIds: [{ Ref: 'Sg' }] }, Environment: { Variables: { OTHER: { Ref: 'Other' }, SAME: { Ref: 'Sg' } } } } },
      Thing: { Type: 'AWS::Example::Thing', Properties: { GroupSet: [{ Ref: 'Sg' }], Tag: { 'Fn::ImportValue': 'other-sg' }, VpcAttr: { 'Fn::GetAtt': ['Other', 'VpcId'] } } },
    }, { Outputs: { O: { Value: { Ref: 'Other' }, Export: { Name: 'other-sg' } } } });
    expect(m.groups.get('Hand|Sg')!.references.map(r => r.logicalId)).toStrictEqual(['Custom', 'Cfn']);
    expect(m.groups.get('Hand|Other')!.references.map(r => r.logicalId)).toStrictEqual(['Custom', 'Fn', 'Thing']);
    expect(attached(m, 'Custom')).toStrictEqual([]);
    expect(attached(m, 'Thing')).toStrictEqual(['Hand|Sg [GroupSet]']);
    expect(attached(m, 'Fn')).toStrictEqual(['Hand|Sg']);
  });

  test('an unknown type is read for group keys in lists and interfaces, but not inside intrinsics or what it found', () => {
    const m = model({
      Sg: SG(),
      Thing: {
        Type: 'AWS::Example::Thing',
        Properties: {
          List: [{ VpcSecurityGroupIds: [{ Ref: 'Sg' }] }],
          NetworkInterfaces: [{ Groups: [{ Ref: 'Sg' }] }],
          Groups: [{ Ref: 'Sg' }],
          Other: { Groups: [{ Ref: 'Sg' }] },
          Found: { SecurityGroups: [{ SecurityGroupIds: ['sg-0a'] }] },
          Literal: { VPCSecurityGroups: 'sg-0b' },
        },
      },
    });
    expect(attached(m, 'Thing')).toStrictEqual([
      'Hand|Sg [List.0.VpcSecurityGroupIds]',
      'Hand|Sg [NetworkInterfaces.0.Groups]',
      'external:sg-0b [Literal.VPCSecurityGroups]',
    ]);
    // A value found under a group key is read as groups, not walked for more keys.
    expect(m.unresolved.map(u => u.what)).toStrictEqual(['1 of its security groups (Found.SecurityGroups): SecurityGroupIds is not evaluated at synth']);
    expect(m.groups.get('external:sg-0a')).toBeUndefined();
    expect(m.groups.get('Hand|Sg')!.references).toStrictEqual([]);
  });

  test('an export of a group is named as written, by its parameter, or as computed; other outputs are not exports of groups', () => {
    const m = buildModel([{
      stackId: 'A',
      stackName: 'A',
      stackNameIsDeployed: true,
      template: {
        Parameters: { Prefix: { Type: 'String', Default: 'team' }, Env: { Type: 'String' } },
        Resources: { Sg: SG(), Other: SG(), Third: SG(), Vpc: VPC.Vpc },
        Outputs: {
          Plain: { Value: sgRef(), Export: { Name: 'plain' } },
          Param: { Value: { Ref: 'Sg' }, Export: { Name: { Ref: 'Prefix' } } },
          Sub: { Value: { Ref: 'Other' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-${Env}-sg' } } },
          SubVars: { Value: { Ref: 'Other' }, Export: { Name: { 'Fn::Sub': ['${Name}-${AWS::Region}', { Name: { Ref: 'Env' } }] } } },
          Join: { Value: { Ref: 'Third' }, Export: { Name: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, { Ref: 'Env' }, 'sg']] } } },
          Import: { Value: { Ref: 'Third' }, Export: { Name: { 'Fn::ImportValue': { 'Fn::Sub': '${Env}-name' } } } },
          Odd: { Value: { Ref: 'Third' }, Export: { Name: { 'Fn::Select': [0, { Ref: 'Env' }] } } },
          NoExport: { Value: { Ref: 'Third' } },
          NotAGroup: { Value: { Ref: 'Vpc' }, Export: { Name: 'vpc' } },
          Attr: { Value: { 'Fn::GetAtt': ['Sg', 'VpcId'] }, Export: { Name: 'sg-vpc' } },
        },
      },
    }]);
    expect(m.groups.get('A|Sg')!.exports).toStrictEqual([{ name: 'plain' }, { name: 'team', viaParameter: 'Prefix' }]);
    expect(m.groups.get('A|Other')!.exports).toStrictEqual([{ name: 'A-${Env}-sg' }, { name: '${Env}-${AWS::Region}' }]);
    expect(m.groups.get('A|Third')!.exports).toStrictEqual([{ name: 'A-${Env}-sg' }, { name: '${ImportValue ${Env}-name}' }, { name: '${...}' }]);
    expect(m.groups.get('A|Vpc#default')!.exports).toStrictEqual([]);
  });

  test('a stack name that is not the deployed one is a placeholder in names; a group name from a parameter is its default', () => {
    const m = model({
      A: SG({ GroupName: { 'Fn::Sub': '${AWS::StackName}-a' } }),
      B: SG({ GroupName: { Ref: 'Name' } }),
      C: SG({ GroupName: { 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-c']] } }),
    }, { Parameters: { Name: { Type: 'String', Default: 'from-default' } } });
    expect(['A', 'B', 'C'].map(id => m.groups.get(`Hand|${id}`)!.groupName)).toStrictEqual(['${AWS::StackName}-a', 'from-default', '${AWS::StackName}-c']);
  });

  test('an output of another stack\'s group is that stack\'s export, not this one\'s', () => {
    const m = buildModel([
      { stackId: 'A', stackName: 'A', template: { Resources: { Sg: SG() }, Outputs: { O: { Value: sgRef(), Export: { Name: 'a-sg' } } } } },
      { stackId: 'B', stackName: 'B', template: { Resources: {}, Outputs: { Again: { Value: { 'Fn::ImportValue': 'a-sg' }, Export: { Name: 'b-sg' } } } } },
    ]);
    expect(m.groups.get('A|Sg')!.exports).toStrictEqual([{ name: 'a-sg' }]);
  });
});

describe('corners of reading the app', () => {
  test('a template that throws while it is indexed gives an empty model, not an exception', () => {
    const template = { Resources: { Sg: SG() }, get Outputs(): never { throw new Error('boom'); } };
    const m = buildModel([{ stackId: 'S', stackName: 'S', template }]);
    expect(m.groups.size).toBe(0);
    expect(m.unresolved).toStrictEqual([]);
  });

  test('a CIDR block listed before its VPC still makes the VPC node a VPC, with both blocks', () => {
    const m = model({
      Block: { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.1.0.0/16' } },
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    });
    const vpc = m.vpcs.get('Hand|Vpc')!;
    expect(vpc.ref).toStrictEqual(at('Vpc', 'AWS::EC2::VPC'));
    expect(vpc.cidrs.map(c => c.text)).toStrictEqual(['10.1.0.0/16', '10.0.0.0/16']);
  });

  test('a group node met again keeps what it has: two resources on one default group, two rules on one outside group', () => {
    const m = model({
      ...VPC,
      A: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: { Ref: 'Subnet' } } },
      B: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: { Ref: 'Subnet' } } },
      C: { Type: 'AWS::EC2::Instance', Properties: {} },
      D: { Type: 'AWS::EC2::Instance', Properties: {} },
      R1: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: 'sg-0abc', IpProtocol: '-1', CidrIp: '10.0.0.0/8' } },
      R2: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: 'sg-0abc', IpProtocol: '-1', SourceSecurityGroupId: 'sg-0abc' } },
    });
    expect(m.groups.get('Hand|Vpc#default')!.attachments.map(a => a.resource.logicalId)).toStrictEqual(['A', 'B']);
    expect(m.groups.get('unknown-vpc#default')!.attachments.map(a => a.resource.logicalId)).toStrictEqual(['C', 'D']);
    expect(rulesOf(m, 'external:sg-0abc')).toStrictEqual(['ingress cidr 10.0.0.0/8', 'ingress group external:sg-0abc']);
  });

  test('a lock that points at the default group of something that is not a VPC of the app is passed over quietly', () => {
    const m = model({ ...VPC, Lock: { Type: 'Custom::VpcRestrictDefaultSG', Properties: { DefaultSecurityGroupId: { 'Fn::GetAtt': ['Subnet', 'DefaultSecurityGroup'] } } } });
    expect(m.unresolved).toStrictEqual([]);
    expect(m.vpcs.get('Hand|Vpc')!.lockedBy).toBeUndefined();
  });

  test('an EKS cluster is a group only by its ClusterSecurityGroupId', () => {
    const m = model({
      Cluster: { Type: 'AWS::EKS::Cluster', Properties: {} },
      I: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: [{ Ref: 'Cluster' }, { 'Fn::GetAtt': ['Cluster', 'Arn'] }] } },
    });
    expect(m.unresolved.map(u => u.what)).toStrictEqual(['2 of its security groups: Cluster is not a security group; Cluster.Arn is not a security group']);
    expect([...m.groups.keys()]).toStrictEqual([]);
  });

  test('only a whole sg- id is a group id', () => {
    const m = model({ I: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: ['xsg-0abc', 'sg-0abcz', 'sg-', 'SG-0ABC', 'sg-0abc'] } } });
    expect(attached(m, 'I')).toStrictEqual([
      'external:sg-0abc unresolved: "xsg-0abc" is not a security group id; "sg-0abcz" is not a security group id; "sg-" is not a security group id; "SG-0ABC" is not a security group id',
    ]);
  });

  test('a cross-stack use is recorded once per using resource, told apart by stack and logical id', () => {
    const importing = (stackId: string, ids: string[]) => ({
      stackId,
      stackName: stackId,
      template: { Resources: Object.fromEntries(ids.map(id => [id, { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: [{ 'Fn::ImportValue': 'shared' }, { 'Fn::ImportValue': 'shared' }] } }])) },
    });
    const m = buildModel([
      { stackId: 'A', stackName: 'A', template: { Resources: { Sg: SG() }, Outputs: { O: { Value: sgRef(), Export: { Name: 'shared' } } } } },
      importing('B', ['I', 'J']),
      importing('C', ['I']),
    ]);
    expect(m.groups.get('A|Sg')!.crossStackUses.map(u => `${u.by.stackId}/${u.by.logicalId} ${u.via} ${u.exportName}`)).toStrictEqual([
      'B/I import shared', 'B/J import shared', 'C/I import shared',
    ]);
    expect(attached(m, 'I')).toStrictEqual(['A|Sg', 'A|Sg']);
  });

  test('an unreadable rule is a rule whose peer is unresolved, with the reason as its traffic problem', () => {
    const m = model({ Sg: SG({ SecurityGroupEgress: [42] }) });
    expect(m.groups.get('Hand|Sg')!.rules).toStrictEqual([{
      direction: 'egress', groupKey: 'Hand|Sg', peer: { kind: 'unresolved', reason: 'a rule written as 42' }, trafficProblem: 'a rule written as 42', origin: at('Sg', 'AWS::EC2::SecurityGroup'),
    }]);
  });

  test('a rule of one property that is no intrinsic is read as a rule', () => {
    const m = model({ Sg: SG({ SecurityGroupIngress: [{ CidrIp: '10.0.0.0/8' }] }) });
    expect(m.groups.get('Hand|Sg')!.rules[0]).toStrictEqual(expect.objectContaining({ peer: expect.objectContaining({ kind: 'cidr' }), trafficProblem: 'protocol undefined cannot be read' }));
  });

  test('ports synth cannot read make the rule\'s traffic unresolved, not every port', () => {
    const m = model({ Sg: SG({ SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: { Ref: 'NoDefault' }, ToPort: { Ref: 'NoDefault' }, CidrIp: '10.0.0.0/8' }] }) }, { Parameters: { NoDefault: { Type: 'Number' } } });
    const [rule] = m.groups.get('Hand|Sg')!.rules;
    expect(rule.traffic).toBeUndefined();
    expect(rule.trafficProblem).toMatch(/^ports .*parameter NoDefault has no default.* cannot be read$/);
    expect(m.unresolved).toHaveLength(1);
  });
});

describe('labels and the walk of properties', () => {
  test('an interface is labelled by its DeviceIndex, else by its place in the list', () => {
    const m = model({
      Sg: SG(),
      Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { NetworkInterfaces: [{ DeviceIndex: 5, Groups: [{ Ref: 'Sg' }] }, { Groups: [{ Ref: 'Sg' }] }] } } },
      I: { Type: 'AWS::EC2::Instance', Properties: { NetworkInterfaces: [{ DeviceIndex: 7, GroupSet: [{ Ref: 'Sg' }] }, { GroupSet: [{ Ref: 'Sg' }] }] } },
    });
    expect(attached(m, 'Lt')).toStrictEqual(['Hand|Sg [network interface 1]', 'Hand|Sg [network interface 5]']);
    expect(attached(m, 'I')).toStrictEqual(['Hand|Sg [network interface 1]', 'Hand|Sg [network interface 7]']);
  });

  test('the walk of an unknown type keeps each found key\'s path whatever it passed over, and reads null as nothing', () => {
    const m = model({
      Sg: SG(),
      Other: SG(),
      Thing: {
        Type: 'AWS::Example::Thing',
        Properties: {
          Nothing: null,
          Outer: { Choice: { 'Fn::If': ['C', 'a', 'b'] }, Deep: [[1, 2]], SecurityGroupIds: [{ Ref: 'Sg' }] },
          Conditional: { 'Fn::If': ['C', { SecurityGroupIds: [{ Ref: 'Other' }] }, {}] },
          Mixed: { Ref: 'Sg', SecurityGroupIds: [{ Ref: 'Other' }] },
        },
      },
    });
    expect(m.unresolved).toStrictEqual([]);
    expect(attached(m, 'Thing')).toStrictEqual(['Hand|Sg [Outer.SecurityGroupIds]']);
    // Inside an intrinsic function, or after a Ref among other keys, a group key is a mention, not an attachment.
    expect(m.groups.get('Hand|Other')!.references.map(r => r.logicalId)).toStrictEqual(['Thing']);
  });

  test('group keys count six levels down through lists as through objects', () => {
    const m = model({
      A: SG(),
      B: SG(),
      Thing: {
        Type: 'AWS::Example::Thing',
        Properties: {
          Near: [[[[{ L6: { SecurityGroupIds: [{ Ref: 'A' }] } }]]]],
          Far: [[[[[{ L7: { SecurityGroupIds: [{ Ref: 'B' }] } }]]]]],
        },
      },
    });
    expect(attached(m, 'Thing')).toStrictEqual(['Hand|A [Near.0.0.0.0.L6.SecurityGroupIds]']);
    expect(m.groups.get('Hand|B')!.references.map(r => r.logicalId)).toStrictEqual(['Thing']);
  });

  test('an object whose first key is an intrinsic among others is walked as properties', () => {
    const m = model({ Sg: SG(), Other: SG(), C: { Type: 'Custom::Thing', Properties: { Odd: { 'Ref': 'Sg', 'Fn::Other': { Ref: 'Other' } } } } });
    expect(m.groups.get('Hand|Other')!.references.map(r => r.logicalId)).toStrictEqual(['C']);
    expect(m.groups.get('Hand|Sg')!.references).toStrictEqual([]);
  });

  test('a name nested eight deep is read; deeper, it is cut short', () => {
    const nest = (depth: number): unknown => (depth === 0 ? { Ref: 'Env' } : { 'Fn::Join': ['', [nest(depth - 1)]] });
    const m = model({ A: SG({ GroupName: nest(8) }), B: SG({ GroupName: nest(9) }), C: SG({ GroupName: { 'Fn::Sub': '${!Literal}-${Env}' } }) }, { Parameters: { Env: { Type: 'String' } } });
    expect(['A', 'B', 'C'].map(id => m.groups.get(`Hand|${id}`)!.groupName)).toStrictEqual(['${Env}', '${...}', '${!Literal}-${Env}']);
  });
});

describe('what the model does not mistake', () => {
  test('a prefix list holds the world when any entry is the world', () => {
    const m = model({
      Sg: SG({ SecurityGroupIngress: [{ IpProtocol: '-1', SourcePrefixListId: { Ref: 'Pl' } }] }),
      Pl: { Type: 'AWS::EC2::PrefixList', Properties: { MaxEntries: 2, AddressFamily: 'IPv4', Entries: [{ Cidr: '10.0.0.0/8' }, { Cidr: '0.0.0.0/0' }] } },
    });
    expect(m.groups.get('Hand|Sg')!.rules[0].peer).toStrictEqual({ kind: 'prefixList', id: 'Pl', prefixListKey: 'Hand|Pl', holdsWorld: true, worldViaParameter: undefined });
  });

  test('a group named as a rule\'s peer is not referenced by the rule\'s group', () => {
    const m = model({
      A: SG(),
      B: SG({ SecurityGroupIngress: [{ IpProtocol: '-1', SourceSecurityGroupId: { Ref: 'A' } }] }),
      In: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { Ref: 'B' }, IpProtocol: '-1', SourceSecurityGroupId: { Ref: 'A' } } },
    });
    expect(m.groups.get('Hand|A')!.references).toStrictEqual([]);
    expect(m.groups.get('Hand|A')!.attachments).toStrictEqual([]);
  });

  test('properties written as null are read as none', () => {
    const m = model({ Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: null }, I: { Type: 'AWS::EC2::Instance', Properties: null } });
    expect(m.unresolved).toStrictEqual([]);
    expect(rulesOf(m, 'Hand|Sg')).toStrictEqual(['egress cidr 0.0.0.0/0 (implicit)']);
    expect(attached(m, 'I')).toStrictEqual([`unknown-vpc#default by ${FALLBACK}`]);
  });

  test('names that point at the wrong kind of resource are passed over without error', () => {
    const m = model({
      ...VPC,
      Sg: SG({ VpcId: { Ref: 'Vpc' } }),
      Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network' } },
      Service: { Type: 'AWS::EC2::VPCEndpointService', Properties: { NetworkLoadBalancerArns: [{ Ref: 'Sg' }, { Ref: 'Lb' }] } },
      Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Sg' }, Port: 80 } },
      NotAListener: { Type: 'AWS::Example::Thing', Properties: { LoadBalancerArn: { Ref: 'Lb' }, Port: 22 } },
      Eni: { Type: 'AWS::EC2::NetworkInterface', Properties: { SubnetId: { Ref: 'Sg' } } },
      NoSubnets: { Type: 'AWS::RDS::DBSubnetGroup', Properties: { SubnetIds: [] } },
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { DBSubnetGroupName: { Ref: 'NoSubnets' } } },
      NotVpc: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Sg' } } },
      Efs: { Type: 'AWS::EFS::MountTarget', Properties: { SubnetId: { Ref: 'NotVpc' } } },
    });
    expect(m.unresolved).toStrictEqual([]);
    expect(m.loadBalancers).toStrictEqual([expect.objectContaining({ listeners: [], endpointServices: [at('Service', 'AWS::EC2::VPCEndpointService')] })]);
    // A subnet is a subnet: a group's VPC is not taken for one.
    expect(attached(m, 'Eni')).toStrictEqual([`unknown-vpc#default by ${UNSETTLED}`]);
    expect(attached(m, 'Db')).toStrictEqual([`unknown-vpc#default by ${FALLBACK}`]);
    // A VPC named by a resource that is not a VPC of the app is named by its key.
    expect(attached(m, 'Efs')).toStrictEqual([`Hand|Sg#default by ${UNSETTLED}`]);
    expect(m.groups.get('Hand|Sg#default')!.externalId).toBe('Hand|Sg');
  });

  test('an instance on an existing interface of another stack takes that interface\'s groups, read in its stack', () => {
    const m = buildModel([
      { stackId: 'A', stackName: 'A', template: { Resources: { Sg: SG(), Eni: { Type: 'AWS::EC2::NetworkInterface', Properties: { GroupSet: [{ Ref: 'Sg' }] } } }, Outputs: { O: { Value: { Ref: 'Eni' }, Export: { Name: 'eni' } } } } },
      { stackId: 'B', stackName: 'B', template: { Resources: { I: { Type: 'AWS::EC2::Instance', Properties: { NetworkInterfaces: [{ DeviceIndex: 0, NetworkInterfaceId: { 'Fn::ImportValue': 'eni' } }] } } } } },
    ]);
    expect(attached(m, 'I')).toStrictEqual(['A|Sg [network interface 0]']);
    expect(m.unresolved).toStrictEqual([]);
  });

  test('an instance whose launch template has neither groups nor interfaces gets the default group, judged at the instance', () => {
    const m = model({
      Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { ImageId: 'ami-1' } } },
      I: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } } } },
    });
    expect(attached(m, 'I')).toStrictEqual([`unknown-vpc#default by ${FALLBACK} (it names no group, and neither does its launch template Hand/Lt)`]);
    expect(m.unresolved).toStrictEqual([]);
  });

  test('a launch template\'s single group, written without a list, is its group', () => {
    const m = model({
      Sg: SG(),
      One: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { SecurityGroupIds: { Ref: 'Sg' } } } },
      Param: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { SecurityGroupIds: { Ref: 'Group' } } } },
      I: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { LaunchTemplateId: { Ref: 'One' } } } },
      J: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { LaunchTemplateId: { Ref: 'Param' } } } },
    }, { Parameters: { Group: { Type: 'AWS::EC2::SecurityGroup::Id', Default: 'sg-0abc' } } });
    expect(attached(m, 'I')).toStrictEqual(['Hand|Sg via One']);
    expect(attached(m, 'J')).toStrictEqual(['external:sg-0abc via Param']);
    expect(attachmentsOf(m, 'J')[0].viaParameters).toStrictEqual(['Group']);
  });

  test('a Transfer server with a protocol or an SFTP port synth cannot know has no known ports; FTPS alone listens as FTP does', () => {
    const server = (props: Record<string, unknown>) => ({ Type: 'AWS::Transfer::Server', Properties: props });
    const m = model({
      MixedProtocols: server({ Protocols: ['SFTP', { Ref: 'NoDefault' }] }),
      MixedPorts: server({ ProtocolDetails: { SftpPorts: [{ SftpPort: 2222 }, { SftpPort: { Ref: 'NoDefault' } }] } }),
      Ftps: server({ Protocols: ['FTPS'] }),
    }, { Parameters: { NoDefault: { Type: 'String' } } });
    expect([...m.servicePorts.keys()]).toStrictEqual(['Hand|Ftps']);
    expect(m.servicePorts.get('Hand|Ftps')!.ports).toStrictEqual([21, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200]);
  });

  test('names read with the defaults of parameters inside them, and odd intrinsics read as unknown', () => {
    const m = model({
      Import: SG({ GroupName: { 'Fn::ImportValue': { Ref: 'Prefix' } } }),
      SubVars: SG({ GroupName: { 'Fn::Sub': ['${Name}-${Env}', { Name: { Ref: 'Prefix' } }] } }),
      Join: SG({ GroupName: { 'Fn::Join': ['-', [{ Ref: 'Prefix' }, { Ref: 'Env' }]] } }),
      SubNumber: SG({ GroupName: { 'Fn::Sub': [5, {}] } }),
      JoinNumber: SG({ GroupName: { 'Fn::Join': [5, ['a', { Ref: 'Env' }]] } }),
    }, { Parameters: { Prefix: { Type: 'String', Default: 'team' }, Env: { Type: 'String' } } });
    expect(['Import', 'SubVars', 'Join', 'SubNumber', 'JoinNumber'].map(id => m.groups.get(`Hand|${id}`)!.groupName)).toStrictEqual([
      '${ImportValue team}', 'team-${Env}', 'team-${Env}', '${...}', '${...}',
    ]);
    expect(m.unresolved).toStrictEqual([]);
  });

  test('a name nested eight deep through imports or substitutions is read; deeper, it is cut short', () => {
    const byImport = (depth: number): unknown => (depth === 0 ? { Ref: 'Env' } : { 'Fn::ImportValue': byImport(depth - 1) });
    const bySub = (depth: number): unknown => (depth === 0 ? { Ref: 'Env' } : { 'Fn::Sub': ['${X}', { X: bySub(depth - 1) }] });
    const m = model({ A: SG({ GroupName: byImport(8) }), B: SG({ GroupName: byImport(9) }), C: SG({ GroupName: bySub(8) }), D: SG({ GroupName: bySub(9) }) }, { Parameters: { Env: { Type: 'String' } } });
    const imports = (n: number, inner: string): string => (n === 0 ? inner : `\${ImportValue ${imports(n - 1, inner)}}`);
    expect(['A', 'B', 'C', 'D'].map(id => m.groups.get(`Hand|${id}`)!.groupName)).toStrictEqual([imports(8, '${Env}'), imports(9, '${...}'), '${Env}', '${...}']);
  });
});
