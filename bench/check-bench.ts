/* eslint-disable no-console */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, AppProps } from 'aws-cdk-lib';
import { addServiceStacks } from './generated-app';

// `sg-strategy check` on a cloud assembly of about 12k resources, as a user runs it: the bundled command in
// a fresh process. Beside it, in the same rounds, what no checker can avoid: starting Node, and reading and
// parsing the templates. Figures are medians; the rounds interleave the three so a slow moment hits each alike.

const BUNDLE = path.join(__dirname, '..', 'assets', 'cli', 'bin', 'sg-strategy.js');
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const stacks = Number(process.env.BENCH_STACKS_LARGE ?? 25);
const units = Number(process.env.BENCH_UNITS ?? 65);

if (!fs.existsSync(BUNDLE)) throw new Error('Bundle the command first: npx projen bundle');

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-check-bench-'));
const app = new App({ outdir, builtinCloudFormationValidation: false, context: { 'aws:cdk:enable-path-metadata': true } } as AppProps);
addServiceStacks(app, stacks, units);
app.synth();
const templates = fs.readdirSync(outdir).filter(f => f.endsWith('.template.json')).map(f => path.join(outdir, f));
const resources = templates.reduce((n, f) => n + Object.keys(JSON.parse(fs.readFileSync(f, 'utf8')).Resources).length, 0);

function timed(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return ms;
}

const readOnly = `for (const f of ${JSON.stringify(templates)}) JSON.parse(require('fs').readFileSync(f, 'utf8'))`;
const variants: Record<string, string[]> = {
  'node, doing nothing': ['-e', ''],
  'node, reading the templates': ['-e', readOnly],
  'sg-strategy check': [BUNDLE, 'check', outdir, '--format', 'json'],
};
const times = new Map(Object.keys(variants).map(v => [v, [] as number[]]));
for (let r = 0; r < rounds; r++) {
  for (const [name, args] of Object.entries(variants)) times.get(name)!.push(timed(args));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const check = median(times.get('sg-strategy check')!);
console.log(`\nsg-strategy check on ${resources} resources in ${templates.length} templates, median of ${rounds} rounds (target: under 2 s)`);
for (const name of Object.keys(variants)) {
  const m = median(times.get(name)!);
  console.log(`  ${name.padEnd(28)} ${(m / 1000).toFixed(2).padStart(6)} s   check takes ${(check / m).toFixed(2)}x this`);
}
fs.rmSync(outdir, { recursive: true, force: true });
