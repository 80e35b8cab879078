import { dotGraph, graphEdges, mermaidGraph } from '../../../src/checks/reports/graph';
import { buildModel } from '../../../src/model/build-model';

const tcp = (port: number) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port });
const group = (properties: Record<string, unknown> = {}) => ({ Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'g', VpcId: 'vpc-1', ...properties } });
const id = (name: string) => ({ 'Fn::GetAtt': [name, 'GroupId'] });

/**
 * App sends to Db on 5432 and Db admits it (both sides); App's egress names only Db, so Web's rule admitting App
 * on 443 is half-open, and so is App's egress to Cache, which admits nothing. Worker states no egress, so AWS
 * lets it send anywhere, and Queue's rule admitting it is whole.
 */
function model() {
  return buildModel([{
    stackId: 'S',
    stackName: 'S',
    template: {
      Resources: {
        App: group({ SecurityGroupEgress: [{ ...tcp(5432), DestinationSecurityGroupId: id('Db') }, { ...tcp(6379), DestinationSecurityGroupId: id('Cache') }] }),
        Db: group({ SecurityGroupIngress: [{ ...tcp(5432), SourceSecurityGroupId: id('App') }], SecurityGroupEgress: [{ IpProtocol: 'icmp', FromPort: -1, ToPort: -1, CidrIp: '127.0.0.1/32' }] }),
        Web: group({ SecurityGroupIngress: [{ ...tcp(443), SourceSecurityGroupId: id('App') }] }),
        Cache: group({ SecurityGroupEgress: [{ IpProtocol: 'icmp', FromPort: -1, ToPort: -1, CidrIp: '127.0.0.1/32' }] }),
        Worker: group(),
        Queue: group(),
        QueueFromWorker: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: id('Queue'), ...tcp(5672), SourceSecurityGroupId: id('Worker') } },
        Peers: group({ SecurityGroupIngress: [{ ...tcp(7000), SourceSecurityGroupId: id('Peers') }], SecurityGroupEgress: [{ ...tcp(7000), DestinationSecurityGroupId: id('Peers') }] }),
      },
    },
  }]);
}

describe('the security-group graph', () => {
  const { nodes, edges } = graphEdges(model());
  const label = (key: string) => nodes.get(key)!.label;
  const between = (from: string, to: string) => edges.filter(e => label(e.from) === `S/${from}` && label(e.to) === `S/${to}`).map(e => `${e.kind}: ${e.label}`);

  test('a permission both sides grant is one edge, however many rules state it', () => {
    expect(between('App', 'Db')).toEqual(['permits: tcp 5432']);
    expect(between('Db', 'App')).toEqual([]);
    expect(between('Peers', 'Peers')).toEqual(['permits: tcp 7000']);
  });

  test('an ingress rule whose sender\'s egress does not allow it is half-open', () => {
    expect(between('App', 'Web')).toEqual(['half-open: tcp 443 (half-open: no matching egress)']);
  });

  test('an egress rule whose receiver admits nothing of it is half-open', () => {
    expect(between('App', 'Cache')).toEqual(['half-open: tcp 6379 (half-open: no matching ingress)']);
  });

  test('the allow-all egress AWS gives a group that states none grants its side', () => {
    expect(between('Worker', 'Queue')).toEqual(['permits: tcp 5672']);
  });

  test('Mermaid ends a half-open edge in a cross, DOT in a tee; neither draws a permission twice', () => {
    const mermaid = mermaidGraph(model()).split('\n');
    expect(mermaid.filter(l => / --x\|"tcp (443|6379) \(half-open/.test(l))).toHaveLength(2);
    expect(mermaid.filter(l => /\|"tcp 5432"\|/.test(l))).toHaveLength(1);
    expect(new Set(mermaid).size).toBe(mermaid.length);
    const dot = dotGraph(model());
    expect(dot.match(/arrowhead=tee/g)).toHaveLength(2);
  });
});
