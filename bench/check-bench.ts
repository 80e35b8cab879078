/* eslint-disable no-console */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, AppProps } from 'aws-cdk-lib';
import { addServiceStacks } from './generated-app';

// `sg-strategy check` as a user runs it: the bundled command in a fresh process. First its start-up, on a
// template of one resource, beside starting Node; then a cloud assembly of about 12k resources, beside what
// no checker can avoid: starting Node, and reading and parsing the templates. Figures are medians; the rounds
// interleave the variants so a slow moment hits each alike.

const BUNDLE = path.join(__dirname, '..', 'assets', 'cli', 'bin', 'sg-strategy.js');
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const stacks = Number(process.env.BENCH_STACKS_LARGE ?? 25);
const units = Number(process.env.BENCH_UNITS ?? 65);

if (!fs.existsSync(BUNDLE)) throw new Error('Bundle the command first: npx projen bundle');

const startupRounds = Number(process.env.BENCH_STARTUP_ROUNDS ?? 21);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function timed(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return ms;
}

/** Runs each variant `rounds` times, interleaved, and prints each median beside the first variant's. */
function compare(title: string, variants: Record<string, string[]>, roundCount: number, subject: string) {
  const times = new Map(Object.keys(variants).map(v => [v, [] as number[]]));
  for (let r = 0; r < roundCount; r++) {
    for (const [name, args] of Object.entries(variants)) times.get(name)!.push(timed(args));
  }
  const of = median(times.get(subject)!);
  console.log(`\n${title}, median of ${roundCount} rounds`);
  for (const name of Object.keys(variants)) {
    const m = median(times.get(name)!);
    const versus = name === subject ? '' : `   ${subject} takes ${(of / m).toFixed(2)}x this, ${((of - m) / 1000).toFixed(3)} s more`;
    console.log(`  ${name.padEnd(36)} ${(m / 1000).toFixed(3).padStart(7)} s${versus}`);
  }
}

const small = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-check-startup-'));
const oneResource = path.join(small, 'one.template.json');
fs.writeFileSync(oneResource, JSON.stringify({ Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'one', VpcId: 'vpc-1' } } } }));
compare('sg-strategy check start-up on a template of one resource (target: within 0.1 s of Node)', {
  'node, doing nothing': ['-e', ''],
  'sg-strategy check, one resource': [BUNDLE, 'check', oneResource],
}, startupRounds, 'sg-strategy check, one resource');
fs.rmSync(small, { recursive: true, force: true });

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-check-bench-'));
const app = new App({ outdir, builtinCloudFormationValidation: false, context: { 'aws:cdk:enable-path-metadata': true } } as AppProps);
addServiceStacks(app, stacks, units);
app.synth();
const templates = fs.readdirSync(outdir).filter(f => f.endsWith('.template.json')).map(f => path.join(outdir, f));
const resources = templates.reduce((n, f) => n + Object.keys(JSON.parse(fs.readFileSync(f, 'utf8')).Resources).length, 0);

const readOnly = `for (const f of ${JSON.stringify(templates)}) JSON.parse(require('fs').readFileSync(f, 'utf8'))`;
compare(`sg-strategy check on ${resources} resources in ${templates.length} templates (target: at most 2x reading the templates)`, {
  'node, doing nothing': ['-e', ''],
  'node, reading the templates': ['-e', readOnly],
  'sg-strategy check': [BUNDLE, 'check', outdir, '--format', 'json'],
}, rounds, 'sg-strategy check');
fs.rmSync(outdir, { recursive: true, force: true });
