/**
 * The classification the three world-open rules share (src/rules/world-open.ts), on hand-written templates: which
 * category each port a world-open rule reaches falls in, what bounds it, and what makes it uncertain.
 */
import { resolveParameters } from '../../src/checks/engine';
import { buildModel } from '../../src/model/build-model';
import { SecurityGroupRule } from '../../src/model/types';
import { behaviourById } from '../../src/rules/rule';
import { WorldOpenHit, classifyWorldOpen, onlyAllowedPorts, serviceScope, worldOpenUncertainty } from '../../src/rules/world-open';
import { handTemplate } from '../support/analyse-app';

const group = (ingress: Record<string, unknown>[], egress?: Record<string, unknown>[]) => ({
  Type: 'AWS::EC2::SecurityGroup',
  Properties: { GroupDescription: 'x', SecurityGroupIngress: ingress, ...(egress ? { SecurityGroupEgress: egress } : {}) },
});
const world = (IpProtocol: unknown, FromPort?: unknown, ToPort?: unknown) => ({ IpProtocol, FromPort, ToPort, CidrIp: '0.0.0.0/0' });
const sgRef = { Ref: 'Sg' };

/** The hits of the first explicit rule of group Sg, with the default parameters or the ones given. */
function classify(resources: Record<string, unknown>, options = {}, extra: Record<string, unknown> = {}) {
  const model = buildModel(handTemplate(resources, extra));
  const sg = model.groups.get('Hand|Sg')!;
  const rule = sg.rules.find(r => !r.implicit)!;
  return { hits: classifyWorldOpen(model, sg, rule, resolveParameters(options)), model, sg, rule };
}
const hitsOf = (ingress: Record<string, unknown>, options = {}) => classify({ Sg: group([ingress]) }, options).hits;
const categories = (hits: WorldOpenHit[]) => hits.map(h => [h.category, h.ports]);

describe('classifying a rule open to the world', () => {
  test('only world-open ingress is classified', () => {
    expect(classify({ Sg: group([], [world('tcp', 22, 22)]) }).hits).toEqual([]);
    expect(hitsOf({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '10.0.0.0/8' })).toEqual([]);
  });

  test('ports synth cannot read are WorldOpenIngress with no ports, never a pass', () => {
    expect(hitsOf(world('tcp', { 'Fn::ImportValue': 'p' }, 22))).toEqual([{ category: 'WorldOpenIngress', ports: [], viaParameters: [] }]);
  });

  test('ICMP and ICMPv6 carry no ports and are never classified', () => {
    expect(hitsOf(world('icmp', 22, -1))).toEqual([]);
    expect(hitsOf({ ...world('icmpv6', -1, -1), CidrIp: undefined, CidrIpv6: '::/0' })).toEqual([]);
  });

  test('each category gets the ports it reaches, ascending; what is left over is WorldOpenIngress', () => {
    expect(categories(hitsOf(world('tcp', 22, 22)))).toEqual([['WorldOpenAdminPort', [22]]]);
    expect(categories(hitsOf(world('tcp', 22, 23)))).toEqual([['WorldOpenAdminPort', [22, 23]]]);
    expect(categories(hitsOf(world('tcp', 21, 23)))).toEqual([['WorldOpenAdminPort', [22, 23]], ['WorldOpenIngress', []]]);
    expect(categories(hitsOf(world('tcp', 3306, 3306)))).toEqual([['WorldOpenDataPort', [3306]]]);
    expect(categories(hitsOf(world('tcp', 5432, 5433)))).toEqual([['WorldOpenDataPort', [5432]], ['WorldOpenIngress', []]]);
    expect(categories(hitsOf(world('tcp', 8080, 8080)))).toEqual([['WorldOpenIngress', []]]);
    expect(categories(hitsOf(world('47')))).toEqual([['WorldOpenIngress', []]]);
    const all = categories(hitsOf(world('-1')));
    expect(all.map(([c]) => c)).toEqual(['WorldOpenAdminPort', 'WorldOpenDataPort', 'WorldOpenIngress']);
    expect(all[0][1]).toEqual([22, 23, 3389, 5900, 5985, 5986]);
    expect(all[1][1]).toEqual([...all[1][1] as number[]].sort((a, b) => a - b));
    expect(all[1][1]).toHaveLength(25);
  });

  test('a port in both lists is reported once, as admin; a port of a category switched off counts as any other port', () => {
    expect(categories(hitsOf(world('tcp', 22, 22), { dataPorts: [22, 3306] }))).toEqual([['WorldOpenAdminPort', [22]]]);
    expect(categories(hitsOf(world('tcp', 22, 22), { disabledRules: ['WorldOpenAdminPort'] }))).toEqual([['WorldOpenIngress', []]]);
    expect(categories(hitsOf(world('tcp', 3306, 3306), { disabledRules: ['WorldOpenDataPort'] }))).toEqual([['WorldOpenIngress', []]]);
    expect(categories(hitsOf(world('tcp', 3306, 3306), { adminPorts: [3306, 3306] }))).toEqual([['WorldOpenAdminPort', [3306]]]);
  });

  test('a peer or a port from a parameter\'s default is named', () => {
    const model = classify({ Sg: group([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { Ref: 'Cidr' } }]) }, {}, {
      Parameters: { Cidr: { Type: 'String', Default: '0.0.0.0/0' } },
    });
    expect(model.hits).toEqual([{ category: 'WorldOpenAdminPort', ports: [22], viaParameters: ['Cidr'] }]);
  });
});

describe('a group carried only by load balancers or a file server', () => {
  const lb = (name: string, ports: number[]) => ({
    [name]: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing', Type: 'network', SecurityGroups: [sgRef], Subnets: ['subnet-1'] } },
    ...Object.fromEntries(ports.map(port => [`${name}L${port}`, { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: name }, Port: port, Protocol: 'TCP' } }])),
  });

  test('the world reaches the listeners\' ports the rule admits, and no others', () => {
    const { hits } = classify({ Sg: group([world('tcp', 0, 65535)]), ...lb('A', [8443, 443]), ...lb('B', [443]) });
    const words = 'it is carried only by Hand/A (listeners on 443, 8443), Hand/B (listeners on 443), so the world reaches 443, 8443';
    expect(hits).toEqual([{ category: 'WorldOpenIngress', ports: [443, 8443], scope: words, reachable: [443, 8443], viaParameters: [] }]);
  });

  test('a listener on an admin port alone is that category and nothing else', () => {
    expect(categories(classify({ Sg: group([world('tcp', 0, 65535)]), ...lb('A', [22]) }).hits)).toEqual([['WorldOpenAdminPort', [22]]]);
  });

  test('a rule that admits none of the listeners\' ports reaches nothing', () => {
    expect(classify({ Sg: group([world('tcp', 8080, 8080)]), ...lb('A', [443]) }).hits).toEqual([]);
  });

  test('a listener on an admin or a data port is that category, bounded by the listeners', () => {
    const { hits } = classify({ Sg: group([world('tcp', 0, 65535)]), ...lb('A', [22, 3306, 443]) });
    expect(categories(hits)).toEqual([['WorldOpenAdminPort', [22]], ['WorldOpenDataPort', [3306]], ['WorldOpenIngress', [443]]]);
    expect(hits.every(h => h.scope === 'it is carried only by Hand/A (listeners on 22, 443, 3306), so the world reaches 22, 443, 3306')).toBe(true);
    expect(hits[2].reachable).toEqual([22, 443, 3306]);
    expect(categories(classify({ Sg: group([world('tcp', 0, 65535)]), ...lb('A', [22, 3306]) }, { disabledRules: ['WorldOpenAdminPort', 'WorldOpenDataPort'] }).hits))
      .toEqual([['WorldOpenIngress', [22, 3306]]]);
  });

  test('SFTP on 22 of a Transfer Family server is a file service, not an admin port', () => {
    const { hits, model, sg } = classify({
      Sg: group([world('tcp', 22, 22)]),
      Server: { Type: 'AWS::Transfer::Server', Properties: { EndpointType: 'VPC', EndpointDetails: { SecurityGroupIds: [sgRef] } } },
    });
    expect(categories(hits)).toEqual([['WorldOpenIngress', [22]]]);
    expect(serviceScope(model, sg)).toEqual({ ports: [22], words: 'it is carried only by Hand/Server (SFTP on 22), so the world reaches 22', remoteAdministration: false, viaParameters: [] });
  });

  test('a load balancer beside a file server makes 22 an admin port again', () => {
    const { model, sg } = classify({
      Sg: group([world('tcp', 22, 22)]),
      Server: { Type: 'AWS::Transfer::Server', Properties: { EndpointType: 'VPC', EndpointDetails: { SecurityGroupIds: [sgRef] } } },
      ...lb('A', [22]),
    });
    expect(serviceScope(model, sg)?.remoteAdministration).toBe(true);
  });

  test('a load balancer without listeners bounds nothing; a listener port from a parameter is named', () => {
    const none = classify({ Sg: group([world('tcp', 443, 443)]), ...lb('A', []) });
    expect(serviceScope(none.model, none.sg)).toBeUndefined();
    const viaParam = classify({
      Sg: group([world('tcp', 0, 65535)]),
      ...lb('A', []),
      L: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'A' }, Port: { Ref: 'Port' }, Protocol: 'TCP' } },
    }, {}, { Parameters: { Port: { Type: 'Number', Default: 8443 } } });
    expect(viaParam.hits).toEqual([expect.objectContaining({ category: 'WorldOpenIngress', ports: [8443], viaParameters: ['Port'] })]);
  });

  test('a group with no attachments, or one also carried by an instance, is not bounded', () => {
    const alone = classify({ Sg: group([world('tcp', 443, 443)]) });
    expect(serviceScope(alone.model, alone.sg)).toBeUndefined();
    const shared = classify({ Sg: group([world('tcp', 443, 443)]), ...lb('A', [443]), I: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: [sgRef] } } });
    expect(serviceScope(shared.model, shared.sg)).toBeUndefined();
  });
});

describe('what makes a hit uncertain', () => {
  test('a group carried only by Lambda functions: who, and the behaviour no source settles', () => {
    const fn = (id: string) => ({ [id]: { Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SecurityGroupIds: [sgRef], SubnetIds: ['subnet-1'] } } } });
    const { hits } = classify({ Sg: group([world('tcp', 22, 22)]), ...fn('F1'), ...fn('F2') });
    expect(hits).toHaveLength(1);
    expect(hits[0].unsettled?.words).toBe('Hand/F1 (a Lambda function), Hand/F2 (a Lambda function)');
    expect(hits[0].unsettled?.behaviours).toHaveLength(1);
    const { level, text } = worldOpenUncertainty(hits[0]);
    expect(level).toBe('warning');
    expect(text).toContain(' It is carried only by Hand/F1 (a Lambda function), Hand/F2 (a Lambda function).');
    expect(text).toContain(behaviourById(hits[0].unsettled!.behaviours[0])!.caveat!);
    const mixed = classify({ Sg: group([world('tcp', 22, 22)]), ...fn('F1'), I: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: [sgRef] } } });
    expect(mixed.hits[0].unsettled).toBeUndefined();
  });

  test('a behaviour the table does not hold is named as not settled; a certain hit has no level and no text', () => {
    expect(worldOpenUncertainty({ category: 'WorldOpenIngress', ports: [], viaParameters: [], unsettled: { words: 'x', behaviours: ['noSuchRow'] } }).text)
      .toBe(' It is carried only by x. Not certain: noSuchRow is not settled.');
    expect(worldOpenUncertainty({ category: 'WorldOpenIngress', ports: [], viaParameters: [] })).toEqual({ level: undefined, text: '' });
    expect(worldOpenUncertainty({ category: 'WorldOpenIngress', ports: [], viaParameters: ['P'] }).level).toBe('warning');
  });
});

describe('only the allowed public ports', () => {
  const rule = (traffic: SecurityGroupRule['traffic']) => ({ traffic } as SecurityGroupRule);
  const tcp = (from: number, to: number) => rule({ protocol: 'tcp', ports: { from, to } });

  test('listed ports: every one must be allowed', () => {
    expect(onlyAllowedPorts(tcp(0, 65535), [80, 443], [443, 80])).toBe(true);
    expect(onlyAllowedPorts(tcp(0, 65535), [80, 443], [443, 8443])).toBe(false);
  });

  test('a rule\'s own range: every port of it, on tcp only', () => {
    expect(onlyAllowedPorts(tcp(80, 80), [80, 443])).toBe(true);
    expect(onlyAllowedPorts(tcp(443, 443), [80, 443])).toBe(true);
    expect(onlyAllowedPorts(tcp(79, 80), [80, 443])).toBe(false);
    expect(onlyAllowedPorts(tcp(80, 81), [80, 443])).toBe(false);
    expect(onlyAllowedPorts(tcp(80, 443), [80, 443])).toBe(false);
    expect(onlyAllowedPorts(rule({ protocol: 'udp', ports: { from: 443, to: 443 } }), [80, 443])).toBe(false);
    expect(onlyAllowedPorts(rule({ protocol: 'all' }), [80, 443])).toBe(false);
    expect(onlyAllowedPorts(rule(undefined), [80, 443])).toBe(false);
  });
});
