import { dotGraph, graphEdges, graphMarkdown, mermaidGraph } from '../../../src/checks/reports/graph';
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
  // Each test builds the graph itself, so that Stryker's per-test coverage credits it with the code it checks.
  const between = (from: string, to: string) => {
    const { nodes, edges } = graphEdges(model());
    const label = (key: string) => nodes.get(key)!.label;
    return edges.filter(e => label(e.from) === `S/${from}` && label(e.to) === `S/${to}`).map(e => `${e.kind}: ${e.label}`);
  };

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

/**
 * Two stacks: Api's App sends to Data's Db (imported), and Db admits it; Data's Web admits App on 80, which App's
 * egress does not allow. Groups whose rules the app does not hold (a literal id, the default group of a VPC)
 * may allow anything, so no edge from them is half-open. Addresses and prefix lists are peers of their own.
 */
function twoStacks() {
  return buildModel([
    {
      stackId: 'Api',
      stackName: 'Api',
      template: {
        Resources: {
          App: group({ SecurityGroupEgress: [{ ...tcp(443), DestinationPrefixListId: 'pl-0a1b' }] }),
          AppToDb: { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: id('App'), ...tcp(5432), DestinationSecurityGroupId: { 'Fn::ImportValue': 'db-sg' } } },
        },
        Outputs: { AppSg: { Value: id('App'), Export: { Name: 'app-sg' } } },
      },
    },
    {
      stackId: 'Data',
      stackName: 'Data',
      template: {
        Resources: {
          Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
          Db: group({
            VpcId: { Ref: 'Vpc' },
            SecurityGroupIngress: [
              { ...tcp(5432), SourceSecurityGroupId: { 'Fn::ImportValue': 'app-sg' } },
              { ...tcp(5432), SourceSecurityGroupId: 'sg-0123456789abcdef0' },
              { ...tcp(5432), SourceSecurityGroupId: { 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] } },
              { ...tcp(22), CidrIp: '10.0.0.0/16' },
            ],
          }),
          Web: group({ SecurityGroupIngress: [{ ...tcp(80), SourceSecurityGroupId: { 'Fn::ImportValue': 'app-sg' } }] }),
        },
        Outputs: { DbSg: { Value: id('Db'), Export: { Name: 'db-sg' } } },
      },
    },
  ]);
}

describe('the graph across stacks and peers', () => {
  const graph = () => {
    const { nodes, edges } = graphEdges(twoStacks());
    return { edges, label: (key: string) => nodes.get(key)!.label };
  };
  const into = (to: string) => {
    const { edges, label } = graph();
    return edges.filter(e => label(e.to) === to).map(e => `${label(e.from)} ${e.kind}: ${e.label}`).sort();
  };

  test('a permission between groups of two stacks is one edge, and half-open when the sender does not allow it', () => {
    expect(into('Data/Db').filter(e => e.startsWith('Api/'))).toEqual(['Api/App permits: tcp 5432']);
    expect(into('Data/Web')).toEqual(['Api/App half-open: tcp 80 (half-open: no matching egress)']);
  });

  test('a group whose rules are outside the app, by literal id or as a VPC\'s default group, is never half-open', () => {
    expect(into('Data/Db').filter(e => !e.startsWith('Api/') && !e.startsWith('10.'))).toEqual([
      'sg-0123456789abcdef0 permits: tcp 5432',
      'the default security group of Data/Vpc permits: tcp 5432',
    ]);
  });

  test('addresses and prefix lists are peers of their own', () => {
    expect(into('Data/Db')).toContain('10.0.0.0/16 admits: tcp 22');
    const { edges, label } = graph();
    expect(edges.filter(e => label(e.from) === 'Api/App' && label(e.to) === 'prefix list pl-0a1b').map(e => `${e.kind}: ${e.label}`)).toEqual(['sends: tcp 443']);
  });
});

/**
 * Client's egress names three groups with traffic wider than, or other than, what each admits; Pinger sends all
 * ICMP to Web, which admits only echo requests. Resources carry groups or fall back to their VPC's default group.
 */
function kinds() {
  const vpcGroup = (properties: Record<string, unknown> = {}) => ({ Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'g', VpcId: { Ref: 'Vpc' }, ...properties } });
  return buildModel([{
    stackId: 'S',
    stackName: 'S',
    template: {
      Parameters: { Peer: { Type: 'String' } },
      Resources: {
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
        Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24' } },
        Client: vpcGroup({
          SecurityGroupEgress: [
            { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, DestinationSecurityGroupId: id('Server') },
            { IpProtocol: 'udp', FromPort: 53, ToPort: 53, DestinationSecurityGroupId: id('Dns') },
            { IpProtocol: '-1', DestinationSecurityGroupId: id('Any') },
            { ...tcp(443), DestinationPrefixListId: 'pl-"q"<a>\\b' },
          ],
        }),
        Server: vpcGroup({ SecurityGroupIngress: [{ ...tcp(443), SourceSecurityGroupId: id('Client') }] }),
        Dns: vpcGroup({ SecurityGroupIngress: [{ ...tcp(53), SourceSecurityGroupId: id('Client') }] }),
        Any: vpcGroup({ SecurityGroupIngress: [{ ...tcp(8080), SourceSecurityGroupId: id('Client') }] }),
        Web: vpcGroup({
          SecurityGroupIngress: [
            { ...tcp(22), SourceSecurityGroupId: { Ref: 'Peer' } },
            { IpProtocol: 'icmp', FromPort: 8, ToPort: 0, SourceSecurityGroupId: id('Pinger') },
          ],
        }),
        Pinger: vpcGroup({ SecurityGroupEgress: [{ IpProtocol: 'icmp', FromPort: -1, ToPort: -1, DestinationSecurityGroupId: id('Web') }] }),
        Box: { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-1', SecurityGroupIds: [id('Web')] } },
        Bare: { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-1', SubnetId: { Ref: 'Subnet' } } },
      },
    },
  }]);
}

describe('what each edge means', () => {
  // Computed in each test, not once in the describe body: Stryker's per-test coverage credits a test only with
  // the code it runs itself.
  const from = (name: string) => {
    const { nodes, edges } = graphEdges(kinds());
    const label = (key: string) => nodes.get(key)!.label;
    return edges.filter(e => label(e.from) === name).map(e => `${e.kind} ${label(e.to)}: ${e.label}`).sort();
  };

  test('wider ports, another protocol or all traffic in one side\'s rule is half-open; the narrower rule inside it permits', () => {
    expect(from('S/Client')).toEqual([
      'half-open S/Any: all traffic (half-open: no matching ingress)',
      'half-open S/Dns: tcp 53 (half-open: no matching egress)',
      'half-open S/Dns: udp 53 (half-open: no matching ingress)',
      'half-open S/Server: all tcp ports (half-open: no matching ingress)',
      'permits S/Any: tcp 8080',
      'permits S/Server: tcp 443',
      'sends prefix list pl-"q"<a>\\b: tcp 443',
    ]);
  });

  test('all ICMP covers one ICMP type, and one type does not cover all', () => {
    expect(from('S/Pinger')).toEqual([
      'half-open S/Web: all icmp (half-open: no matching ingress)',
      'permits S/Web: icmp type 8 code 0',
    ]);
  });

  test('the egress AWS adds to a group that states none is marked implicit; a peer that cannot be read is one node', () => {
    expect(from('S/Web')).toEqual(['sends 0.0.0.0/0: all traffic (implicit)']);
    expect(from('unresolved peer')).toEqual(['admits S/Web: tcp 22']);
  });

  test('a resource carries its groups, or falls back to its VPC\'s default group', () => {
    expect(from('EC2::Instance S/Box')).toEqual(['attached S/Web: carries']);
    expect(from('EC2::Instance S/Bare')).toEqual(['attached the default security group of S/Vpc: falls back to']);
  });

  test('Mermaid and DOT draw groups, peers and resources in shapes of their own, and escape labels', () => {
    const mermaid = mermaidGraph(kinds()).split('\n');
    const mermaidNode = (text: string) => mermaid.find(l => l.includes(text))!.replace(/^ +n\d+/, '');
    expect(mermaid[0]).toBe('flowchart LR');
    expect(mermaidNode('S/Client"')).toBe('["S/Client"]');
    expect(mermaidNode('Instance S/Box')).toBe('(["EC2::Instance S/Box"])');
    expect(mermaidNode('unresolved peer')).toBe('{{"unresolved peer"}}');
    expect(mermaidNode('prefix list')).toBe('{{"prefix list pl-#quot;q#quot; a \\b"}}');
    expect(mermaid.filter(l => / -\.->\|"(carries|falls back to)"\| /.test(l))).toHaveLength(2);

    const dot = dotGraph(kinds()).split('\n');
    expect(dot.slice(0, 3)).toEqual(['digraph "security-groups" {', '  rankdir=LR;', '  node [fontname="Helvetica"];']);
    expect(dot[dot.length - 1]).toBe('}');
    expect(dot).toContainEqual(expect.stringMatching(/^ {2}n\d+ \[label="S\/Client", shape=box\];$/));
    expect(dot).toContainEqual(expect.stringMatching(/^ {2}n\d+ \[label="EC2::Instance S\/Box", shape=ellipse\];$/));
    expect(dot).toContainEqual(expect.stringMatching(/^ {2}n\d+ \[label="prefix list pl-\\"q\\"<a>\\\\b", shape=hexagon\];$/));
    expect(dot.filter(l => l.includes('[label="carries", style=dashed]'))).toHaveLength(1);
    expect(dot.filter(l => /\[label="tcp 443"\];$/.test(l))).toHaveLength(2);
  });
});

test('the graph\'s Markdown explains the arrows and holds the Mermaid graph in a fenced block', () => {
  const markdown = graphMarkdown(model());
  expect(markdown.startsWith('# Security-group graph\n\n')).toBe(true);
  expect(markdown).toContain('is half-open');
  expect(markdown).toContain(`\n\`\`\`mermaid\n${mermaidGraph(model())}\n\`\`\`\n`);
});

test('a VPC\'s default group that no rule, resource or peer names is not drawn', () => {
  const { nodes } = graphEdges(buildModel([{
    stackId: 'S',
    stackName: 'S',
    template: {
      Resources: {
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
        Sg: group({ VpcId: { Ref: 'Vpc' }, SecurityGroupEgress: [{ ...tcp(443), CidrIp: '10.0.0.0/16' }] }),
      },
    },
  }]));
  expect([...nodes.values()].map(n => n.label)).toEqual(['S/Sg', '10.0.0.0/16']);
});
