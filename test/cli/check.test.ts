import * as fs from 'fs';
import * as path from 'path';
import { App, Stage, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import '@microsoft/jest-sarif';
import { ordersFixture } from './fixture';
import { githubSarifProblems } from '../checks/reports/github-sarif';
import { ENV } from '../support/analyse-app';
import { runCli, synthToDirectory, tempDir } from '../support/cli';

const HAND_WRITTEN = path.join(__dirname, 'fixtures', 'hand-written.yaml');

describe('sg-strategy check', () => {
  let cdkOut: string;
  beforeAll(() => {
    cdkOut = synthToDirectory(app => ordersFixture(app));
  });

  test('prints the findings of every stack in a cdk.out, errors first, and exits 1 on an open error', async () => {
    const run = await runCli(['check', cdkOut]);
    expect(run.code).toBe(1);
    expect(run.err).toBe('');
    expect(run.out).toMatch(/^ERROR +WorldOpenAdminPort +Data\/Bastion\n {8}Data\/Bastion admits tcp 22 from 0\.0\.0\.0\/0/);
    expect(run.out).toMatch(/^WARNING +UnattachedSecurityGroup +Data\/SpareSg\n {8}Data\/SpareSg is attached to nothing\.$/m);
    expect(run.out).toMatch(/^INFO +LambdaEniDeletionDelay +Api\/Handler$/m);
    const levels = run.out.split('\n').map(l => /^(ERROR|WARNING|INFO) /.exec(l)?.[1]).filter(Boolean);
    expect(levels).toEqual([...levels].sort((a, b) => ['ERROR', 'WARNING', 'INFO'].indexOf(a!) - ['ERROR', 'WARNING', 'INFO'].indexOf(b!)));
    expect(Math.max(...run.out.split('\n').map(l => l.length))).toBeLessThanOrEqual(120);
    expect(run.out).not.toContain('Fix:');
    expect(run.out).toMatch(/1 error, \d+ warnings, 2 info, 0 acknowledged$/);
  });

  test('--verbose adds each finding\'s fix under its message', async () => {
    const run = await runCli(['check', cdkOut, '--verbose']);
    expect(run.out).toMatch(/^ {8}Data\/Bastion admits tcp 22 from 0\.0\.0\.0\/0, which reaches SSH 22\.\n {8}Fix: Reach instances through SSM Session Manager/m);
    expect(run.out.match(/^ {8}Fix: /gm)).toHaveLength((await runCli(['check', cdkOut, '--format', 'json']).then(r => JSON.parse(r.out).findings.length)));
  });

  test('reads ./cdk.out when given no path', async () => {
    const project = tempDir('sg-cli-cwd-');
    fs.cpSync(cdkOut, path.join(project, 'cdk.out'), { recursive: true });
    const run = await runCli(['check'], project);
    expect(run.code).toBe(1);
    expect(run.out).toContain('WorldOpenAdminPort');
  });

  test('an acknowledgement made with Validations.of(scope).acknowledge is honoured, with its reason', async () => {
    const acknowledged = synthToDirectory(app => ordersFixture(app, { acknowledgeBastion: 'A break-glass host, closed by an SCP outside incidents' }));
    const run = await runCli(['check', acknowledged]);
    expect(run.code).toBe(0);
    expect(run.out).not.toMatch(/^ERROR/m);
    expect(run.out).toContain('WorldOpenAdminPort at Data/Bastion: A break-glass host, closed by an SCP outside incidents');
    expect(run.out).toMatch(/0 errors, .* 1 acknowledged$/);
  });

  test('an acknowledgement without a reason is refused and reported', async () => {
    const unexplained = synthToDirectory(app => ordersFixture(app, { acknowledgeBastion: '' }));
    const run = await runCli(['check', unexplained, '--format', 'json']);
    const report = JSON.parse(run.out);
    expect(report.findings.map((f: any) => f.ruleId)).toEqual(expect.arrayContaining(['WorldOpenAdminPort', 'AcknowledgementWithoutReason']));
    expect(report.findings.find((f: any) => f.ruleId === 'WorldOpenAdminPort').acknowledged).toBe(false);
    expect(run.code).toBe(1);
  });

  test('--format json and sarif print the same reports the Aspect writes', async () => {
    const json = JSON.parse((await runCli(['check', cdkOut, '--format', 'json'])).out);
    expect(json.schemaVersion).toBe('1.0');
    expect(json.summary.error).toBe(1);
    expect(json.findings.find((f: any) => f.ruleId === 'WorldOpenAdminPort')).toMatchObject({ stackName: 'Data', constructPath: 'Data/Bastion/Resource' });
    const sarif = JSON.parse((await runCli(['check', cdkOut, '--format=sarif'])).out);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(json.findings.length);
    expect(sarif.runs[0].results.find((r: any) => r.ruleId === 'WorldOpenAdminPort').level).toBe('error');
  });

  test('--format sarif names templates relative to where it runs, with the line of each resource, for code scanning', async () => {
    const project = tempDir('sg-cli-sarif-');
    fs.cpSync(cdkOut, path.join(project, 'cdk.out'), { recursive: true });
    fs.mkdirSync(path.join(project, 'templates'));
    fs.copyFileSync(HAND_WRITTEN, path.join(project, 'templates', 'web.yaml'));
    const run = await runCli(['check', 'cdk.out', 'templates/web.yaml', '--format', 'sarif'], project);
    const log = JSON.parse(run.out);
    expect(log).toBeValidSarifLog();
    expect(githubSarifProblems(log)).toEqual([]);
    expect(run.out).not.toContain(project);
    const results: any[] = log.runs[0].results;
    expect(new Set(results.map(r => r.locations[0].physicalLocation.artifactLocation.uri))).toEqual(new Set(['cdk.out/Data.template.json', 'cdk.out/Api.template.json', 'templates/web.yaml']));
    for (const r of results) {
      const { artifactLocation, region } = r.locations[0].physicalLocation;
      expect(artifactLocation.uriBaseId).toBe('%SRCROOT%');
      const line = fs.readFileSync(path.join(project, artifactLocation.uri), 'utf8').split('\n')[region.startLine - 1];
      expect(line.slice(region.startColumn - 1, region.endColumn - 1).replace(/"/g, '')).toBe(r.locations[0].logicalLocations[0].name);
    }
    expect(results.find(r => r.ruleId === 'WorldOpenAdminPort' && r.locations[0].physicalLocation.artifactLocation.uri === 'templates/web.yaml').locations[0].physicalLocation.region)
      .toEqual({ startLine: 10, startColumn: 3, endLine: 10, endColumn: 8 });
  });

  test('--config sets rule levels and parameters, as the Aspect takes them', async () => {
    const dir = tempDir('sg-cli-config-');
    const config = path.join(dir, 'options.json');
    fs.writeFileSync(config, JSON.stringify({ ruleLevels: { WorldOpenAdminPort: 'warning' }, disabledRules: ['HardcodedGroupName'] }));
    const run = await runCli(['check', cdkOut, '--config', config]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^WARNING +WorldOpenAdminPort/m);
    expect(run.out).not.toContain('HardcodedGroupName');

    fs.writeFileSync(config, JSON.stringify({ adminPorts: [2222] }));
    expect((await runCli(['check', cdkOut, '--config', config])).out).not.toContain('WorldOpenAdminPort');
  });

  test.each([
    [{ ruleLevel: {} }, /unknown option "ruleLevel"/],
    [{ adminPorts: '22' }, /adminPorts must be a list of port numbers/],
    [{ adminPorts: [70000] }, /adminPorts: 70000 is not a port/],
    [{ ruleLevels: { NoSuchRule: 'error' } }, /unknown rule id 'NoSuchRule'/],
    [{ ruleLevels: { WorldOpenAdminPort: 'fatal' } }, /ruleLevels: WorldOpenAdminPort is 'fatal', which is not a level: use 'error', 'warning' or 'info'/],
  ])('a bad config %j is refused with exit 2, naming the file', async (options, message) => {
    const config = path.join(tempDir('sg-cli-bad-config-'), 'options.json');
    fs.writeFileSync(config, JSON.stringify(options));
    const run = await runCli(['check', cdkOut, '--config', config]);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`--config ${config}`);
    expect(run.err).toMatch(message);
    expect(run.out).toBe('');
  });

  test('reads a hand-written YAML template: finds -1 from ::/0 and passes 443 from the world', async () => {
    const run = await runCli(['check', HAND_WRITTEN, '--format', 'json']);
    const findings = JSON.parse(run.out).findings;
    // Every protocol from ::/0 reaches admin, data and other ports: one finding under each rule.
    const web = findings.filter((f: any) => f.logicalId === 'WebSg');
    expect(web.map((f: any) => f.ruleId)).toEqual(['WorldOpenAdminPort', 'WorldOpenDataPort', 'WorldOpenIngress']);
    expect(web[0].message).toContain('admits all traffic from ::/0');
    expect(web[0].level).toBe('error');
    expect(findings.some((f: any) => f.message.includes('tcp 443'))).toBe(false);
    expect(findings.every((f: any) => f.stackName === 'hand-written' && f.templatePath === path.relative(process.cwd(), HAND_WRITTEN))).toBe(true);
    expect(run.code).toBe(1);
  });

  test('reads a JSON template that starts with a byte-order mark, as CloudFormation does', async () => {
    const file = path.join(tempDir('sg-cli-bom-'), 'bom.json');
    fs.writeFileSync(file, `\uFEFF${JSON.stringify({ Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, CidrIp: '0.0.0.0/0' }] } } } })}`);
    const run = await runCli(['check', file, '--format', 'json']);
    expect(run.err).toBe('');
    expect(JSON.parse(run.out).findings.map((f: any) => f.ruleId)).toContain('WorldOpenAdminPort');
    expect(run.code).toBe(1);
  });

  test('names templates relative to the directory it runs in', async () => {
    const project = tempDir('sg-cli-relative-');
    fs.cpSync(cdkOut, path.join(project, 'cdk.out'), { recursive: true });
    fs.mkdirSync(path.join(project, 'templates'));
    fs.copyFileSync(HAND_WRITTEN, path.join(project, 'templates', 'web.yaml'));
    const findings = JSON.parse((await runCli(['check', 'cdk.out', 'templates/web.yaml', '--format', 'json'], project)).out).findings;
    expect(new Set(findings.map((f: any) => f.templatePath))).toEqual(new Set(['cdk.out/Data.template.json', 'cdk.out/Api.template.json', 'templates/web.yaml']));
  });

  test('reads a JSON template and an assembly together, and nested assemblies of Stages', async () => {
    const staged = synthToDirectory(app => {
      const stage = new Stage(app, 'Prod', { env: ENV });
      const stack = new Stack(stage, 'Web');
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
      new ec2.SecurityGroup(stack, 'Open', { vpc }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(3389));
    });
    const json = path.join(tempDir('sg-cli-json-'), 'plain.template.json');
    fs.writeFileSync(json, JSON.stringify({ Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }] } } } }));
    const run = await runCli(['check', staged, json, '--format', 'json']);
    const admin = JSON.parse(run.out).findings.filter((f: any) => f.ruleId === 'WorldOpenAdminPort');
    expect(admin.map((f: any) => f.constructPath ?? `${f.stackName}/${f.logicalId}`).sort()).toEqual(['Prod/Web/Open/Resource', 'plain/Sg']);
  });

  test.each([
    [['check', 'no/such/dir'], /no\/such\/dir: no such file or directory/],
    [['check', '__DIR__'], /is a directory without manifest.json, so it is not a cloud assembly/],
    [['check', '__NOT_TEMPLATE__'], /is not a CloudFormation template: it has no Resources section/],
    [['check', '__BAD_YAML__'], /is not a CloudFormation template: it cannot be read as YAML \(line 3: duplicate key "A"/],
    [['check', '--format', 'xml'], /--format must be table, json, sarif; got "xml"/],
    [['check', '--strict'], /check: unknown option --strict \(options: --format, --config, --verbose, --help\)/],
    [['check', '--fromat', 'json'], /unknown option --fromat .*Did you mean --format\?/],
    [['check', '--format'], /check: --format needs a value/],
    [['check', '--verbose=yes'], /check: --verbose takes no value/],
    [['check', '--format', 'json', '--format=sarif'], /check: --format is given twice/],
    [['chek'], /unknown command "chek"\. Did you mean "check"\?/],
    [['explain'], /name a group/],
    [['deploy'], /unknown command "deploy"/],
  ])('%j is a clear error with exit 2', async (argv, message) => {
    const dir = tempDir('sg-cli-paths-');
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "x" }');
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'Resources:\n  A: 1\n  A: 2\n');
    const substitute = (a: string) => a.replace('__DIR__', dir).replace('__NOT_TEMPLATE__', path.join(dir, 'package.json')).replace('__BAD_YAML__', path.join(dir, 'bad.yaml'));
    const run = await runCli(argv.map(substitute), dir);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^sg-strategy: /);
    expect(run.err).toMatch(message);
  });

  test('a template in the assembly that cannot be read is a finding, not a pass', async () => {
    const broken = synthToDirectory(app => ordersFixture(app));
    fs.writeFileSync(path.join(broken, 'Api.template.json'), '{ not json');
    const run = await runCli(['check', broken, '--format', 'json']);
    const unreadable = JSON.parse(run.out).findings.filter((f: any) => f.stackName === 'Api');
    expect(unreadable.length).toBeGreaterThan(0);
    expect(unreadable.map((f: any) => f.ruleId)).toContain('UnresolvedReference');
    expect(unreadable.find((f: any) => f.ruleId === 'UnresolvedReference').message).toMatch(/could not be read, so nothing in it was checked: .*JSON/);
  });
});

describe('sg-strategy graph', () => {
  let cdkOut: string;
  beforeAll(() => {
    cdkOut = synthToDirectory((app: App) => ordersFixture(app));
  });

  test('mermaid: who admits whom on which ports, and what carries each group', async () => {
    const run = await runCli(['graph', cdkOut]);
    expect(run.code).toBe(0);
    const lines = run.out.split('\n');
    expect(lines[0]).toBe('flowchart LR');
    const node = (label: string) => lines.find(l => l.includes(`"${label}"`))?.trim().split(/[[({]/)[0];
    expect(run.out).toContain(`${node('Api/ApiSg')} -->|"tcp 5432"| ${node('Data/DbSg')}`);
    expect(run.out).toContain(`${node('0.0.0.0/0')} -->|"tcp 22"| ${node('Data/Bastion')}`);
    expect(run.out).toContain(`${node('RDS::DBInstance Data/Db')} -.->|"carries"| ${node('Data/DbSg')}`);
  });

  test('dot: the same edges, every one between declared nodes', async () => {
    const run = await runCli(['graph', cdkOut, '--format', 'dot']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^digraph "security-groups" \{/);
    expect(run.out.trim().endsWith('}')).toBe(true);
    const declared = new Map([...run.out.matchAll(/^ {2}(n\d+) \[label="([^"]*)"/gm)].map(m => [m[2], m[1]]));
    const edges = [...run.out.matchAll(/^ {2}(n\d+) -> (n\d+) \[label="([^"]*)"(, style=dashed)?\];$/gm)];
    expect(edges.length).toBeGreaterThan(0);
    for (const [, from, to] of edges) expect([...declared.values()]).toEqual(expect.arrayContaining([from, to]));
    expect(edges.some(([, from, to, label]) => from === declared.get('Api/ApiSg') && to === declared.get('Data/DbSg') && label === 'tcp 5432')).toBe(true);
    expect(edges.some(([, from, to, , dashed]) => from === declared.get('Lambda::Function Api/Handler') && to === declared.get('Api/ApiSg') && dashed)).toBe(true);
  });

  test('a hand-written template has a graph too', async () => {
    const run = await runCli(['graph', HAND_WRITTEN, '--format', 'dot']);
    expect(run.out).toContain('label="hand-written/AppSg"');
    expect(run.out).toContain('label="ElasticLoadBalancingV2::LoadBalancer hand-written/PublicAlb"');
    expect(run.out.match(/label="tcp 8080"/g)).toHaveLength(1);
    expect(run.out.match(/label="tcp 6379"/g)).toHaveLength(1);
  });
});
