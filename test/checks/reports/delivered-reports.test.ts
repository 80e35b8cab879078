import '@microsoft/jest-sarif';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AspectPriority, Aspects, NestedStack, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { githubSarifProblems } from './github-sarif';
import { SecurityGroupStrategyChecks, SecurityGroupStrategyPlugin } from '../../../src';
import { ENV, testApp } from '../../support/analyse-app';

/**
 * One app, synthesized into `outdir`: SSH from the world in a top-level stack, RDP from the world in a stack
 * inside a Stage, and a rule from the world on 3306 in a nested stack.
 */
function app(outdir: string) {
  // As the CDK CLI synthesizes: with the asset and path metadata that lead the plugin to nested stacks'
  // templates and their construct paths.
  const a = testApp({ outdir, context: { 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:enable-path-metadata': true } });
  const top = new Stack(a, 'Top', { env: ENV });
  const vpc = new ec2.Vpc(top, 'Vpc', { maxAzs: 1, natGateways: 0 });
  new ec2.SecurityGroup(top, 'Ssh', { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
  const nested = new NestedStack(top, 'Child');
  new ec2.CfnSecurityGroupIngress(nested, 'Mysql', { groupId: 'sg-12345678', ipProtocol: 'tcp', fromPort: 3306, toPort: 3306, cidrIp: '0.0.0.0/0' });
  const staged = new Stack(new Stage(a, 'Prod', { env: ENV }), 'Inner');
  const stagedVpc = new ec2.Vpc(staged, 'Vpc', { maxAzs: 1, natGateways: 0 });
  new ec2.SecurityGroup(staged, 'Rdp', { vpc: stagedVpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(3389));
  // Acknowledged, so synth writes every template and the reports can be checked against them.
  for (const id of ['WorldOpenAdminPort', 'WorldOpenDataPort']) Validations.of(a).acknowledge({ id: `sg-strategy::${id}`, reason: 'a test of where reports point' });
  return a;
}

const outdir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sg-delivered-'));
const read = (dir: string, file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));

/** The template paths the reports give for the three world-open findings, by construct path. */
function templatePaths(report: any): Record<string, string> {
  const paths: Record<string, string> = {};
  for (const f of report.findings) if (['WorldOpenAdminPort', 'WorldOpenDataPort'].includes(f.ruleId)) paths[f.constructPath] = f.templatePath;
  expect(Object.keys(paths).sort()).toEqual(['Prod/Inner/Rdp/Resource', 'Top/Child/Mysql', 'Top/Ssh/Resource']);
  return paths;
}

describe.each([
  ['the Aspect', (a: ReturnType<typeof app>) => Aspects.of(a).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY })],
  ['the plugin', (a: ReturnType<typeof app>) => Validations.of(a).addPlugins(new SecurityGroupStrategyPlugin())],
])('the reports %s writes', (_, deliver) => {
  const dir = outdir();
  const a = app(dir);
  deliver(a);
  a.synth();
  const json = read(dir, 'sg-strategy-report.json');
  const sarif = read(dir, 'sg-strategy-report.sarif');

  test('name each template relative to the cloud assembly, as synth writes it there', () => {
    const paths = templatePaths(json);
    expect(paths['Top/Ssh/Resource']).toBe('Top.template.json');
    expect(paths['Prod/Inner/Rdp/Resource']).toMatch(/^assembly-Prod\/ProdInner[0-9A-F]{8}\.template\.json$/);
    expect(paths['Top/Child/Mysql']).toMatch(/^TopChild[0-9A-F]{8}\.nested\.template\.json$/);
    for (const p of Object.values(paths)) expect(fs.existsSync(path.join(dir, p))).toBe(true);
    expect(JSON.stringify(json)).not.toContain(dir);
    // A nested stack is named by its top-level stack and its construct path there, never by its deploy-time token.
    expect(json.findings.find((f: any) => f.constructPath === 'Top/Child/Mysql').stackName).toBe('Top/Child');
  });

  test('SARIF is valid, meets GitHub\'s requirements, and points at the same templates from the cloud assembly', () => {
    expect(sarif).toBeValidSarifLog();
    expect(githubSarifProblems(sarif)).toEqual([]);
    expect(JSON.stringify(sarif)).not.toContain(dir);
    const run = sarif.runs[0];
    expect(Object.keys(run.originalUriBaseIds)).toEqual(['CLOUD_ASSEMBLY']);
    const uris = run.results.map((r: any) => r.locations[0].physicalLocation.artifactLocation);
    expect(uris.filter((u: any) => u.uriBaseId !== 'CLOUD_ASSEMBLY' || !fs.existsSync(path.join(dir, u.uri)))).toEqual([]);
  });
});

test('the plugin, which runs after synth wrote the templates, gives each result the line of its resource', () => {
  const dir = outdir();
  const a = app(dir);
  Validations.of(a).addPlugins(new SecurityGroupStrategyPlugin());
  a.synth();
  const results = read(dir, 'sg-strategy-report.sarif').runs[0].results;
  const located = results.filter((r: any) => r.locations[0].physicalLocation.region);
  expect(located.length).toBe(results.filter((r: any) => !r.locations[0].logicalLocations[0].name.startsWith('(')).length);
  for (const r of located) {
    const { artifactLocation, region } = r.locations[0].physicalLocation;
    const line = fs.readFileSync(path.join(dir, artifactLocation.uri), 'utf8').split('\n')[region.startLine - 1];
    expect(line.slice(region.startColumn - 1, region.endColumn - 1)).toBe(`"${r.locations[0].logicalLocations[0].name}"`);
  }
});
