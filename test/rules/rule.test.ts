/**
 * The helpers every rule's message is built from (src/rules/rule.ts): how groups, peers and rules are named,
 * what is world, and how an uncertain finding says so.
 */
import { buildModel } from '../../src/model/build-model';
import { parseCidr } from '../../src/model/cidr';
import { Peer, SecurityGroupModel, SecurityGroupRule } from '../../src/model/types';
import {
  allRules, carriedOnlyByForwarders, errorUnlessUnsettled, formatPorts, groupLabel, groupsNamingEachGroup,
  internetFacingLoadBalancerGroups, isWorldPeer, notCertain, parameterDefaultsReason, peerLabel, ruleLabel,
} from '../../src/rules/rule';
import { handTemplate } from '../support/analyse-app';

const cidr = (text: string, extra = {}): Peer => ({ kind: 'cidr', cidr: parseCidr(text)!, ...extra });

describe('names in messages', () => {
  const model = buildModel(handTemplate({
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    A: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'x',
        VpcId: { Ref: 'Vpc' },
        SecurityGroupIngress: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, SourceSecurityGroupId: { 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] } },
        ],
      },
    },
  }));

  test('a group of the app by its place, a VPC\'s default group by its VPC, anything else by what is known of it', () => {
    expect(groupLabel(model, 'Hand|A')).toBe('Hand/A');
    const defaultKey = [...model.groups.values()].find(g => g.defaultOfVpc)!.key;
    expect(groupLabel(model, defaultKey)).toBe('the default security group of Hand/Vpc');
    expect(groupLabel(model, 'Nowhere|X')).toBe('Nowhere|X');
    const outside = {
      groups: new Map([
        ['k1', { key: 'k1', defaultOfVpc: 'vpc-key', externalId: 'vpc-1' }],
        ['k2', { key: 'k2', defaultOfVpc: 'vpc-key' }],
        ['k3', { key: 'k3', externalId: 'sg-123' }],
        ['k4', { key: 'k4' }],
      ]),
      vpcs: new Map(),
    } as unknown as SecurityGroupModel;
    expect(['k1', 'k2', 'k3', 'k4'].map(k => groupLabel(outside, k))).toEqual([
      'the default security group of vpc-1', 'the default security group of a VPC outside the app', 'sg-123', 'k4',
    ]);
  });

  test('peers', () => {
    expect(peerLabel(model, cidr('0.0.0.0/0'))).toBe('0.0.0.0/0');
    expect(peerLabel(model, cidr('0.0.0.0/0', { viaParameter: 'P' }))).toBe('0.0.0.0/0 (the default of parameter P)');
    expect(peerLabel(model, cidr('10.0.0.0/16', { vpcCidrOf: 'Vpc' }))).toBe('10.0.0.0/16 (the whole VPC CIDR)');
    expect(peerLabel(model, { kind: 'group', groupKey: 'Hand|A' }, 'Hand|A')).toBe('itself');
    expect(peerLabel(model, { kind: 'group', groupKey: 'Hand|A' }, 'Hand|B')).toBe('group Hand/A');
    expect(peerLabel(model, { kind: 'prefixList', id: 'pl-1', holdsWorld: true })).toBe('prefix list pl-1, which holds the whole internet');
    expect(peerLabel(model, { kind: 'prefixList', id: 'pl-1' })).toBe('prefix list pl-1');
    expect(peerLabel(model, { kind: 'unresolved', reason: 'why' })).toBe('an unresolved peer (why)');
  });

  test('rules: what they admit from where, or send to where', () => {
    const rule = (direction: string, traffic?: unknown, peer: Peer = cidr('0.0.0.0/0')) => ({ direction, traffic, peer, groupKey: 'Hand|A' } as SecurityGroupRule);
    expect(ruleLabel(model, rule('ingress', { protocol: 'tcp', ports: { from: 22, to: 22 } }))).toBe('admits tcp 22 from 0.0.0.0/0');
    expect(ruleLabel(model, rule('egress', { protocol: 'all' }, { kind: 'group', groupKey: 'Hand|A' }))).toBe('sends all traffic to itself');
    expect(ruleLabel(model, rule('ingress'))).toBe('admits unknown traffic from 0.0.0.0/0');
  });

  test('ports are listed with commas', () => {
    expect(formatPorts([22, 80, 443])).toBe('22, 80, 443');
  });
});

describe('world, uncertainty and the words for it', () => {
  test('the world is a /0 of either family, or a prefix list that holds it', () => {
    expect(isWorldPeer(cidr('0.0.0.0/0'))).toBe(true);
    expect(isWorldPeer(cidr('::/0'))).toBe(true);
    expect(isWorldPeer(cidr('0.0.0.0/1'))).toBe(false);
    expect(isWorldPeer({ kind: 'prefixList', id: 'pl-1', holdsWorld: true })).toBe(true);
    expect(isWorldPeer({ kind: 'prefixList', id: 'pl-1' })).toBe(false);
    expect(isWorldPeer({ kind: 'group', groupKey: 'k' })).toBe(false);
  });

  test('an error that relies on an unsettled behaviour is a warning; on a settled or unknown one it keeps its level', () => {
    expect(errorUnlessUnsettled('default-egress-ipv6')).toBe('warning');
    expect(errorUnlessUnsettled('stateful-return-traffic')).toBeUndefined();
    expect(errorUnlessUnsettled('no-such-row')).toBeUndefined();
    expect(errorUnlessUnsettled(undefined)).toBeUndefined();
  });

  test('parameters\' defaults, in the singular and the plural', () => {
    expect(parameterDefaultsReason([])).toBeUndefined();
    expect(parameterDefaultsReason(['A'])).toBe('this rests on the default of parameter A, and the value deployed may differ');
    expect(parameterDefaultsReason(['A', 'B'])).toBe('this rests on the defaults of parameters A, B, and the values deployed may differ');
  });

  test('the sentence that ends an uncertain message holds every reason, and is empty without one', () => {
    expect(notCertain([])).toBe('');
    expect(notCertain([undefined, ''])).toBe('');
    expect(notCertain(['a', undefined, 'b'])).toBe(' Not certain: a; b.');
  });
});

describe('walking the model', () => {
  const model = buildModel(handTemplate({
    A: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'x',
        SecurityGroupIngress: [
          { IpProtocol: 'tcp', FromPort: 1, ToPort: 1, SourceSecurityGroupId: { Ref: 'B' } },
          { IpProtocol: 'tcp', FromPort: 2, ToPort: 2, SourceSecurityGroupId: { Ref: 'B' } },
          { IpProtocol: 'tcp', FromPort: 3, ToPort: 3, SourceSecurityGroupId: { Ref: 'A' } },
          { IpProtocol: 'tcp', FromPort: 4, ToPort: 4, CidrIp: '10.0.0.0/8' },
        ],
      },
    },
    B: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, DestinationSecurityGroupId: { Ref: 'A' } }] } },
    C: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } },
    Public: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing', SecurityGroups: [{ Ref: 'A' }], Subnets: ['s'] } },
    Internal: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internal', SecurityGroups: [{ Ref: 'C' }], Subnets: ['s'] } },
    Nat: { Type: 'AWS::EC2::Instance', Properties: { SourceDestCheck: false, SecurityGroupIds: [{ Ref: 'B' }] } },
    Router: { Type: 'AWS::EC2::Instance', Properties: { SourceDestCheck: 'false', SecurityGroupIds: [{ Ref: 'C' }] } },
    Web: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: [{ Ref: 'C' }] } },
  }));

  test('every rule of every group, with its group', () => {
    const seen = [...allRules(model)].map(({ group, rule }) => `${group.key}:${rule.direction}:${rule.traffic?.ports?.from ?? rule.traffic?.protocol}`);
    expect(seen).toEqual(expect.arrayContaining(['Hand|A:ingress:1', 'Hand|A:ingress:2', 'Hand|A:ingress:3', 'Hand|A:ingress:4', 'Hand|B:egress:1']));
    expect(seen).toHaveLength([...model.groups.values()].reduce((n, g) => n + g.rules.length, 0));
  });

  test('who names each group: once each, never itself, never by CIDR', () => {
    const named = groupsNamingEachGroup(model);
    expect(named.get('Hand|B')?.map(g => g.key)).toEqual(['Hand|A']);
    expect(named.get('Hand|A')?.map(g => g.key)).toEqual(['Hand|B']);
    expect(named.has('Hand|C')).toBe(false);
  });

  test('groups of internet-facing load balancers only', () => {
    expect([...internetFacingLoadBalancerGroups(model)]).toEqual(['Hand|A']);
  });

  test('a group carried only by instances that forward traffic', () => {
    expect(carriedOnlyByForwarders(model, model.groups.get('Hand|B')!)).toBe(true);
    expect(carriedOnlyByForwarders(model, model.groups.get('Hand|C')!)).toBe(false);
    const lone = buildModel(handTemplate({ D: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } } }));
    expect(carriedOnlyByForwarders(lone, lone.groups.get('Hand|D')!)).toBe(false);
  });
});
