import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AspectPriority, Aspects, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ReachabilityEndpoint, ReachabilityPolicy, SecurityGroupStrategyChecks, SecurityGroupStrategyPlugin, Tier } from '../../src';
import { ENV, postgres, testApp, vpcFunction } from '../support/analyse-app';
import { runCli, tempDir } from '../support/cli';

/** An app with a policy that holds (the api reaches the database) and one that does not (nothing from the internet). */
function ordersApp(outdir: string): { app: App; stack: Stack } {
  const app = testApp({ outdir });
  const stack = new Stack(app, 'Orders', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true });
  const db = postgres(stack, vpc);
  const api = vpcFunction(stack, 'Api', vpc);
  db.connections.allowDefaultPortFrom(api);
  db.connections.allowDefaultPortFrom(ec2.Peer.anyIpv4());
  Tier.assign(api, 'api');
  const policy = new ReachabilityPolicy(stack, 'Reachability');
  policy.mustReach(ReachabilityEndpoint.tier('api'), ReachabilityEndpoint.of(db), ec2.Port.tcp(5432));
  policy.notFromInternet(ReachabilityEndpoint.of(db));
  return { app, stack };
}

function report(dir: string, file: string) {
  return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
}

describe('the Aspect and the plugin evaluate the policies the app declares', () => {
  test('the Aspect annotates the broken one on the resource, as an error, and writes it to every report', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-reach-'));
    const { app, stack } = ordersApp(dir);
    Aspects.of(app).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY });
    app.synth();
    Annotations.fromStack(stack).hasError('/Orders/Db/Resource', Match.stringLikeRegexp('sg-strategy::ReachabilityViolation.*nothing on the internet may reach Orders/Db'));
    const findings = report(dir, 'sg-strategy-report.json').findings.filter((f: any) => f.ruleId === 'ReachabilityViolation');
    expect(findings).toHaveLength(1);
    const sarif = report(dir, 'sg-strategy-report.sarif');
    expect(sarif.runs[0].results.filter((r: any) => r.ruleId === 'ReachabilityViolation')).toHaveLength(1);
    expect(sarif.runs[0].tool.driver.rules.map((r: any) => r.id)).toContain('ReachabilityViolation');
  });

  test('the plugin fails synth on it, and an acknowledgement lets it through', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-reach-'));
    const { app } = ordersApp(dir);
    Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin());
    expect(() => app.synth()).toThrow();
    const errors = report(dir, 'sg-strategy-report.json').findings.filter((f: any) => f.level === 'error').map((f: any) => f.ruleId);
    expect(errors.sort()).toEqual(['ReachabilityViolation', 'WorldOpenDataPort']);

    const again = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-reach-'));
    const acknowledged = ordersApp(again);
    Validations.of(acknowledged.app).addPlugins(new SecurityGroupStrategyPlugin());
    Validations.of(acknowledged.stack).acknowledge({ id: 'sg-strategy::WorldOpenDataPort', reason: 'demo' }, { id: 'sg-strategy::ReachabilityViolation', reason: 'public read replica, TICKET-9' });
    acknowledged.app.synth();
    const finding = report(again, 'sg-strategy-report.json').findings.find((f: any) => f.ruleId === 'ReachabilityViolation');
    expect(finding).toMatchObject({ acknowledged: true, reason: 'public read replica, TICKET-9' });
  });

  test('sg-strategy-reachability.json: the matrix with members, traffic, certainty and rules; and a section in the graph report', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-reach-'));
    const { app } = ordersApp(dir);
    Aspects.of(app).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY });
    app.synth();
    const matrix = report(dir, 'sg-strategy-reachability.json');
    expect(matrix).toMatchObject({ schemaVersion: '1.0', tool: { name: 'cdk-sg-strategy' } });
    expect(matrix.scope).toContain('routes, network ACLs and public addresses are out of scope');
    const byPath = (p: string) => matrix.endpoints.find((e: any) => e.members?.some((m: any) => m.constructPath === p));
    const api = byPath('Orders/Api/Resource');
    const db = byPath('Orders/Db/Resource');
    expect(db).toMatchObject({ kind: 'interfaces', groups: ['Orders/Db/SecurityGroup'], vpc: 'Orders/Vpc', accepts: ['all traffic'] });
    const flow = matrix.access.find((a: any) => a.from === api.id && a.to === db.id);
    expect(flow).toMatchObject({ traffic: ['tcp 5432'], certain: ['tcp 5432'], caveats: [] });
    expect(flow.rules[0].ingress).toMatch(/^`Orders\/Db\/SecurityGroup` ingress from `Orders\/Api\/SecurityGroup` on tcp 5432 \(rule in stack Orders, logical id \w+\)$/);
    expect(matrix.access.find((a: any) => a.from === 'internet-ipv4' && a.to === db.id)).toMatchObject({ traffic: ['tcp 5432'], certain: ['tcp 5432'] });
    // The api sends everywhere: it reaches the internet on everything.
    expect(matrix.access.find((a: any) => a.from === api.id && a.to === 'internet-ipv4')).toMatchObject({ traffic: ['all traffic'] });
    expect(matrix.violations).toHaveLength(1);
    const graph = fs.readFileSync(path.join(dir, 'sg-strategy-graph.md'), 'utf8');
    expect(graph).toContain('## Who reaches whom');
    expect(graph).toContain('| Orders/Api | Orders/Db | tcp 5432 |');
    expect(graph).toContain('| every public IPv4 address | Orders/Db | tcp 5432 |');
    expect(graph).toContain('Reachability policies broken: 1');
  });
});

describe('the command', () => {
  function synthesized(): string {
    const dir = tempDir('sg-reach-cli-');
    ordersApp(dir).app.synth();
    return dir;
  }

  test('check over cdk.out enforces the app\'s policies: exit 1, the violation in the table', async () => {
    const dir = synthesized();
    const run = await runCli(['check', dir]);
    expect(run.code).toBe(1);
    expect(run.out).toContain('ReachabilityViolation');
    expect(run.out).toContain('nothing on the internet may reach Orders/Db');
  });

  test('reach: on what, through which rules; with --port, which side refuses the rest', async () => {
    const dir = synthesized();
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    const yes = await runCli(['reach', 'Orders/Api', 'Orders/Db', dir]);
    expect(yes.code).toBe(0);
    expect(yes.out).toMatch(/^Orders\/Api reaches Orders\/Db on tcp 5432\./);
    expect(flat(yes.out)).toContain('`Orders/Db/SecurityGroup` ingress from `Orders/Api/SecurityGroup` on tcp 5432 (rule in stack Orders');
    expect(flat(yes.out)).toContain('routes, network ACLs and public addresses are out of scope');
    const partly = await runCli(['reach', 'Orders/Api', 'Orders/Db', dir, '--port', 'tcp:22']);
    expect(partly.out).toMatch(/^Orders\/Api does not reach Orders\/Db on tcp 22\./);
    expect(flat(partly.out)).toContain('the ingress of `Orders/Db/SecurityGroup` does not admit tcp 22 from it');
    const internet = await runCli(['reach', 'internet', 'Orders/Db', dir, '--format', 'json']);
    expect(JSON.parse(internet.out)).toMatchObject({ from: 'the internet', to: 'Orders/Db', reaches: true, certain: ['tcp 5432'] });
    const unknown = await runCli(['reach', 'Orders/Nothing', 'Orders/Db', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('"Orders/Nothing" names nothing in the app');
  });

  test('verify: a file with one policy that holds and one that does not; exit 1, and 0 once the broken one goes', async () => {
    const dir = synthesized();
    const policy = path.join(dir, 'policy.yaml');
    fs.writeFileSync(policy, [
      'tiers:',
      '  data: [Orders/Db]',
      'policies:',
      '  - onlyFrom: { target: tier:data, sources: [tier:api, internet], ports: [tcp:5432] }',
      '  - never: { from: internet, to: tier:data, ports: ["tcp:5432"] }',
      '    description: the database is private',
    ].join('\n'));
    const broken = await runCli(['verify', '--policy', policy, dir]);
    const out = broken.out.replace(/\s+/g, ' ');
    expect(broken.code).toBe(1);
    expect(out).toContain('"the database is private": the internet must never reach tier data on tcp 5432');
    expect(out).toContain(`declared at ${policy}, policy 2`);
    expect(out).not.toContain('policy 1)');
    fs.writeFileSync(policy, 'policies:\n  - onlyFrom: { target: Orders/Db, sources: [tier:api, internet], ports: [tcp:5432] }\n');
    const holds = await runCli(['verify', '--policy', policy, dir]);
    expect(holds.code).toBe(0);
    expect(holds.out).toContain('All 1 policy of');
  });

  test('verify refuses a bad file, naming the entry and the field', async () => {
    const dir = synthesized();
    const policy = path.join(dir, 'bad.yaml');
    const cases: Array<[string, RegExp]> = [
      ['policies:\n  - mustReach: { from: a, to: b }\n', /policy 1: mustReach needs ports/],
      ['policies:\n  - never: { from: a, to: b, ports: [tcp:99999] }\n', /policy 1: ports, entry 1: "tcp:99999" is not a port/],
      ['policies:\n  - never: { from: a, target: b }\n', /policy 1: never takes from, to, ports, not "target"/],
      ['policies:\n  - sometimes: { from: a, to: b }\n', /policy 1: give exactly one of onlyFrom, never, notFromInternet, mustReach/],
      ['policy: []\n', /unknown key "policy"/],
      ['policies: [\n', /cannot be read as YAML or JSON/],
    ];
    for (const [text, expected] of cases) {
      fs.writeFileSync(policy, text);
      const run = await runCli(['verify', '--policy', policy, dir]);
      expect(run.code).toBe(2);
      expect(run.err).toMatch(expected);
    }
    expect((await runCli(['verify', dir])).err).toContain('--policy FILE is required');
  });

  test('verify over hand-written CloudFormation: endpoints by logical id, tiers by tag', async () => {
    const dir = tempDir('sg-reach-hand-');
    fs.writeFileSync(path.join(dir, 'web.yaml'), [
      'Resources:',
      '  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }',
      '  Subnet: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24 } }',
      '  WebSg:',
      '    Type: AWS::EC2::SecurityGroup',
      '    Properties:',
      '      GroupDescription: web',
      '      VpcId: !Ref Vpc',
      '      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/1 }, { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 128.0.0.0/1 }]',
      '  Web:',
      '    Type: AWS::EC2::Instance',
      '    Properties: { ImageId: ami-1, SubnetId: !Ref Subnet, SecurityGroupIds: [!GetAtt WebSg.GroupId], Tags: [{ Key: Tier, Value: web }] }',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'policy.yaml'), 'tierTag: Tier\npolicies:\n  - notFromInternet: { target: "tier:web" }\n  - notFromInternet: { target: Web, ports: [tcp:443] }\n');
    const run = await runCli(['verify', '--policy', 'policy.yaml', 'web.yaml'], dir);
    expect(run.code).toBe(1);
    const out = run.out.replace(/\s+/g, ' ');
    expect(out).toContain('the internet reaches `web/Web` (carries `web/WebSg`) on tcp 22');
    expect(out).toContain('which together admit every public address');
    expect(run.out).toContain('1 error');
  });
});
