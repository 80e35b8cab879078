import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testStack, vpcFunction } from '../support/analyse-app';

const RULE = 'DuplicateSecurityGroup';

describe(RULE, () => {
  test('flags two groups in one VPC with the same rules (L2)', () => {
    const { app, stack, vpc } = testStack();
    for (const id of ['A', 'B']) {
      new ec2.SecurityGroup(stack, id, { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.ipv4('10.0.5.0/24'), ec2.Port.tcp(443));
    }
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(2);
    expect(found[0].message).toContain('has the same rules as');
  });

  test('different ports are not duplicates, and empty identity groups are not counted (L2)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'A', { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.ipv4('10.0.5.0/24'), ec2.Port.tcp(443));
    new ec2.SecurityGroup(stack, 'B', { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.ipv4('10.0.5.0/24'), ec2.Port.tcp(8443));
    new ec2.SecurityGroup(stack, 'C', { vpc, allowAllOutbound: false });
    new ec2.SecurityGroup(stack, 'D', { vpc, allowAllOutbound: false });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('groups in different VPCs are not duplicates (L1)', () => {
    const { app, stack, vpc } = testStack();
    const other = new ec2.CfnVPC(stack, 'Other', { cidrBlock: '10.9.0.0/16' });
    for (const [id, vpcId] of [['A', vpc.vpcId], ['B', other.ref]]) {
      new ec2.CfnSecurityGroup(stack, id, { groupDescription: 'x', vpcId, securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.5.0/24' }] });
    }
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('groups that admit nothing, like the one CDK makes for each Lambda function, are identities, not copies (L2)', () => {
    const { app, stack, vpc } = testStack();
    vpcFunction(stack, 'One', vpc);
    vpcFunction(stack, 'Two', vpc);
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });
});

describe('DuplicateSecurityGroup on hand-written templates', () => {
  const vpc = (id: string) => ({ [id]: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } } });
  const sg = (ingress: Record<string, unknown>[], egress?: Record<string, unknown>[], vpcId = 'Vpc') => ({
    Type: 'AWS::EC2::SecurityGroup',
    Properties: { GroupDescription: 'x', VpcId: { Ref: vpcId }, SecurityGroupIngress: ingress, ...(egress ? { SecurityGroupEgress: egress } : {}) },
  });
  const tcp = (port: number, peer: Record<string, unknown>) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, ...peer });
  const messages = (resources: Record<string, unknown>) => findingsOf(analyse(handTemplate({ ...vpc('Vpc'), ...resources }), {}, []).findings, RULE).map(f => f.message);

  test('each copy names the others, whatever the order of its rules', () => {
    const rules = [tcp(443, { CidrIp: '10.0.0.0/24' }), tcp(80, { SourcePrefixListId: 'pl-1' })];
    expect(messages({ A: sg(rules), B: sg([...rules].reverse()), C: sg(rules) })).toEqual([
      'Hand/A has the same rules as Hand/B, Hand/C in the same VPC.',
      'Hand/B has the same rules as Hand/A, Hand/C in the same VPC.',
      'Hand/C has the same rules as Hand/A, Hand/B in the same VPC.',
    ]);
  });

  test('a group admitting itself is the same as another admitting itself; two groups admitting a third are copies', () => {
    expect(messages({ A: sg([tcp(7000, { SourceSecurityGroupId: { Ref: 'A' } })]), B: sg([tcp(7000, { SourceSecurityGroupId: { Ref: 'B' } })]) })).toHaveLength(2);
    expect(messages({
      A: sg([tcp(5432, { SourceSecurityGroupId: { Ref: 'App' } })]), B: sg([tcp(5432, { SourceSecurityGroupId: { Ref: 'App' } })]), App: sg([]),
    })).toHaveLength(2);
  });

  test('any difference in peer, port, protocol, direction or default egress makes them different', () => {
    const base = tcp(443, { CidrIp: '10.0.0.0/24' });
    const differ = (other: ReturnType<typeof sg>) => expect(messages({ A: sg([base]), B: other })).toEqual([]);
    differ(sg([tcp(443, { CidrIp: '10.0.1.0/24' })]));
    differ(sg([tcp(444, { CidrIp: '10.0.0.0/24' })]));
    differ(sg([{ ...base, IpProtocol: 'udp' }]));
    differ(sg([base], [{ IpProtocol: '-1', CidrIp: '10.0.0.0/16' }]));
    differ(sg([tcp(443, { SourcePrefixListId: 'pl-1' })]));
    expect(messages({ A: sg([tcp(443, { SourcePrefixListId: 'pl-1' })]), B: sg([tcp(443, { SourcePrefixListId: 'pl-2' })]) })).toEqual([]);
    expect(messages({ A: sg([tcp(443, { SourceSecurityGroupId: { Ref: 'X' } })]), B: sg([tcp(443, { SourceSecurityGroupId: { Ref: 'Y' } })]), X: sg([]), Y: sg([]) })).toEqual([]);
  });

  test('groups in different VPCs, groups other rules name, groups that admit nothing, and rules synth cannot read are not counted', () => {
    const rules = [tcp(443, { CidrIp: '10.0.0.0/24' })];
    expect(messages({ ...vpc('Other'), A: sg(rules), B: sg(rules, undefined, 'Other') })).toEqual([]);
    expect(messages({ A: sg(rules), B: sg(rules), C: sg([tcp(1, { SourceSecurityGroupId: { Ref: 'B' } })]) })).toEqual([]);
    expect(messages({ A: sg([], [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: '10.0.0.0/8' }]), B: sg([], [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: '10.0.0.0/8' }]) })).toEqual([]);
    const unreadable = [tcp(443, { CidrIp: { 'Fn::ImportValue': 'cidr' } })];
    expect(messages({ A: sg(unreadable), B: sg(unreadable) })).toEqual([]);
    const unreadablePorts = [{ IpProtocol: 'tcp', FromPort: { 'Fn::ImportValue': 'p' }, ToPort: 1, CidrIp: '10.0.0.0/24' }];
    expect(messages({ A: sg(unreadablePorts), B: sg(unreadablePorts) })).toEqual([]);
    const noVpc = { ...sg(rules), Properties: { ...sg(rules).Properties, VpcId: undefined } };
    expect(messages({ A: noVpc, B: noVpc })).toEqual([]);
  });
});
