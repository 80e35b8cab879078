import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildFixedApp, buildFlawedApp, buildPartnerLinkApp, PartnerLinkPhase } from './app';
import { LockedDefaultSecurityGroup, OpenIngressRemediator, SecurityGroupMonitoring } from '../src';
import { findingsTable, TabulatedFinding } from '../src/cli/findings-table';
import { main as sgStrategy } from '../src/cli/main';
import { collectDeclarations } from '../src/reachability/collect';
import { describeStatement } from '../src/reachability/evaluate';

// Synthesize the flawed app and the fixed one, print the findings of each, and where the reports are.

interface ReportFinding extends TabulatedFinding {
  constructPath: string | null;
  message: string;
}

function table(findings: ReportFinding[]): string {
  return findingsTable(findings, '  ');
}

function run(title: string, build: (outdir: string) => App, outdir: string) {
  fs.rmSync(outdir, { recursive: true, force: true });
  const app = build(outdir);
  const assembly = app.synth();
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'sg-strategy-report.json'), 'utf8'));
  const relative = (p: string) => path.relative(process.cwd(), p);
  console.log(`\n=== ${title}: ${assembly.stacks.map(s => s.stackName).join(', ')}`);
  console.log(`${report.summary.error} errors, ${report.summary.warning} warnings, ${report.summary.info} info, ${report.summary.acknowledged} acknowledged\n`);
  console.log(table(report.findings));
  const lockers = app.node.findAll().filter(c => c instanceof LockedDefaultSecurityGroup).map(c => c.node.path);
  console.log(`\n  default security groups locked: ${lockers.length ? lockers.join(', ') : 'none'}`);
  const watchers = app.node.findAll().filter(c => c instanceof OpenIngressRemediator || c instanceof SecurityGroupMonitoring).map(c => c.node.path);
  console.log(`  after deploy, watched by: ${watchers.length ? watchers.join(', ') : 'nothing'}`);
  console.log('\n  reports:');
  for (const file of ['sg-strategy-report.json', 'sg-strategy-report.sarif', 'sg-strategy-graph.md', 'sg-strategy-reachability.json']) {
    console.log(`    ${relative(path.join(outdir, file))}`);
  }
  reachability(app, report.findings);
  return report;
}

/** Text in lines of at most 120 characters, each after `indent`. */
function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > 120) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, indent + line].join('\n');
}

/** Each reachability statement the app declares, whether it holds, and for one that does not, the witness. */
function reachability(app: App, findings: ReportFinding[]) {
  const { statements } = collectDeclarations(app);
  if (statements.length === 0) return;
  console.log('\n  reachability policies (security groups only: routes, network ACLs and public addresses are out of scope):');
  for (const statement of statements) {
    const broken = findings.filter(f => f.ruleId === 'ReachabilityViolation' && f.message.includes(`${describeStatement(statement)} (declared at ${statement.declaredAt})`));
    console.log(`    ${broken.length ? 'VIOLATED' : 'holds   '} ${describeStatement(statement)}`);
    for (const f of broken) console.log(wrap(f.message.replace(/^The reachability policy .*? \(declared at [^)]*\) is \w+( \w+)?: /, ''), '             '));
  }
}

const flawed = run('The orders service as it is often written', buildFlawedApp, path.join(__dirname, 'cdk.out.flawed'));
const fixed = run('The same service with cdk-sg-strategy', buildFixedApp, path.join(__dirname, 'cdk.out'));
console.log(`\n\`cdk synth\` fails on the first app (${flawed.summary.error} errors) and passes on the second (${fixed.summary.error} errors).`);

// The PrivateLink swap: the partner service moves from a legacy NLB without a security group to a secured one.
// Compare the two synthesized templates the way CloudFormation will: what changes, and so what runs.
function partnerLink(phase: PartnerLinkPhase) {
  const outdir = path.join(__dirname, `cdk.out.swap-${phase}`);
  fs.rmSync(outdir, { recursive: true, force: true });
  buildPartnerLinkApp(outdir, phase).synth();
  const template = JSON.parse(fs.readFileSync(path.join(outdir, 'PartnerLink.template.json'), 'utf8'));
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'sg-strategy-report.json'), 'utf8'));
  const resources = Object.entries<any>(template.Resources);
  const ofType = (type: string) => resources.find(([, r]) => r.Type === type)!;
  return { template, report, service: ofType('AWS::EC2::VPCEndpointService'), reject: ofType('Custom::SgStrategyPrivateLinkReject'), accept: ofType('Custom::SgStrategyPrivateLinkAccept') };
}
const before = partnerLink('legacy');
const after = partnerLink('secured');
const again = partnerLink('secured');
const nlbs = (p: ReturnType<typeof partnerLink>) => p.service[1].Properties.NetworkLoadBalancerArns.map((a: any) => a.Ref).join(', ');
const runs = (a: any, b: any) => (JSON.stringify(a[1].Properties) === JSON.stringify(b[1].Properties) ? 'does not run' : 'runs');
const nlbFindings = (p: ReturnType<typeof partnerLink>) => p.report.findings.filter((f: ReportFinding) => f.ruleId.includes('LoadBalancer') || f.ruleId.includes('PrivateLink'));
console.log('\n=== A PrivateLink service moving from a legacy NLB to a SecuredNetworkLoadBalancer (PartnerLink)');
console.log(`  endpoint service ${before.service[0]} -> ${after.service[0]}: the same resource, so clients keep their endpoints`);
console.log(`  its load balancers: ${nlbs(before)} -> ${nlbs(after)}`);
console.log(`  order on deploy: ${before.reject[0]} (reject) -> ${after.service[0]} (DependsOn: ${[after.service[1].DependsOn].flat().join(', ')}) -> ${after.accept[0]} (accept)`);
console.log(`  this deploy: the reject step ${runs(before.reject, after.reject)}, the accept step ${runs(before.accept, after.accept)} (accepts only ${after.accept[1].Properties.ClientEndpointIds.join(', ')})`);
console.log(`  the next deploy, with no change: the reject step ${runs(after.reject, again.reject)}, the accept step ${runs(after.accept, again.accept)}`);
console.log('  load balancer findings before the swap:');
console.log(table(nlbFindings(before)).replace(/^/gm, '  '));
console.log('  and after it:');
console.log(table(nlbFindings(after)).replace(/^/gm, '  '));

// The same checks after synth, from the command line: what CI runs over cdk.out, and why a group stays. They run
// in this process; the line printed before each is how to run it yourself from the root of this clone.
void (async () => {
  const cdkOut = path.relative(process.cwd(), path.join(__dirname, 'cdk.out'));
  for (const argv of [['check', cdkOut], ['explain', 'OrdersData/Database/ClientSecurityGroup', cdkOut], ['reach', 'OrdersApi/Api', 'OrdersData/Postgres', cdkOut]]) {
    console.log(`\n$ npm run --silent sg-strategy -- ${argv.join(' ')}`);
    const code = await sgStrategy(argv);
    console.log(`(exit code ${code})`);
  }
})();
