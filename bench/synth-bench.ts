/* eslint-disable no-console */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, AppProps, AspectPriority, Aspects, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addServiceStacks } from './generated-app';
import { SecurityGroupStrategyChecks, SecurityGroupStrategyPlugin } from '../src';

// Synth time of a generated app, measured side by side in one run: bare, with this library's Aspect, with
// its validation plugin, and with cdk-nag's AwsSolutions pack. Each figure is the median of several rounds,
// and the rounds interleave the variants so that a slow moment on the machine hits all of them alike.
// Every synth runs in a fresh process, as `cdk synth` does: CDK keeps global token state that would grow
// without bound in one process, and a warm process would hide the checks' own start-up cost.

type Variant = 'bare' | 'empty Aspect' | 'sg-strategy Aspect' | 'empty plugin' | 'sg-strategy plugin' | 'cdk-nag AwsSolutions';
// The empty Aspect visits every construct and does nothing, and the empty plugin reports nothing: what
// CDK's own Aspect and validation-plugin machinery costs before any check runs.
const VARIANTS: Variant[] = ['bare', 'empty Aspect', 'sg-strategy Aspect', 'empty plugin', 'sg-strategy plugin', 'cdk-nag AwsSolutions'];

function buildApp(variant: Variant, stacks: number, unitsPerStack: number, outdir: string): App {
  // Path metadata on, as `cdk synth` sets it: templates then name each resource's construct path.
  const app = new App({ outdir, builtinCloudFormationValidation: false, context: { 'aws:cdk:enable-path-metadata': true } } as AppProps);
  if (variant === 'empty Aspect') Aspects.of(app).add({ visit: () => undefined }, { priority: AspectPriority.READONLY });
  if (variant === 'sg-strategy Aspect') Aspects.of(app).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY });
  if (variant === 'empty plugin') Validations.of(app).addPlugins({ name: 'empty', validate: () => ({ success: true, violations: [] }) });
  if (variant === 'sg-strategy plugin') Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin());
  if (variant === 'cdk-nag AwsSolutions') Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  addServiceStacks(app, stacks, unitsPerStack);
  return app;
}

function measure(variant: Variant, stacks: number, units: number): { ms: number; resources: number } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-bench-'));
  const app = buildApp(variant, stacks, units, outdir);
  // CDK prints each validation report to stderr; all variants are silenced alike.
  const printError = console.error;
  console.error = () => undefined;
  const start = performance.now();
  try {
    app.synth();
  } catch {
    // A checker that fails synth has still done its work; the time counts.
  } finally {
    console.error = printError;
  }
  const ms = performance.now() - start;
  let resources = 0;
  for (const file of fs.readdirSync(outdir).filter(f => f.endsWith('.template.json'))) {
    resources += Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8')).Resources ?? {}).length;
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  return { ms, resources };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function child(variant: Variant, stacks: number, units: number): { ms: number; resources: number } {
  const result = spawnSync(process.execPath, [
    '--max-old-space-size=8192', '-r', 'ts-node/register/transpile-only', __filename, '--child', variant, String(stacks), String(units),
  ], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const line = result.stdout.split('\n').find(l => l.startsWith('{'));
  if (!line) throw new Error(`${variant} failed: ${result.stderr.slice(-2000)}`);
  return JSON.parse(line);
}

function run(label: string, stacks: number, units: number, rounds: number) {
  const times = new Map<Variant, number[]>(VARIANTS.map(v => [v, []]));
  let resources = 0;
  for (let r = 0; r < rounds; r++) {
    for (const variant of VARIANTS) {
      const result = child(variant, stacks, units);
      times.get(variant)!.push(result.ms);
      if (variant === 'bare') resources = result.resources;
    }
  }
  const bare = median(times.get('bare')!);
  console.log(`\n${label}: ${resources} resources in ${stacks} stack(s), median of ${rounds} rounds`);
  for (const variant of VARIANTS) {
    const m = median(times.get(variant)!);
    console.log(`  ${variant.padEnd(22)} ${(m / 1000).toFixed(2).padStart(7)} s   ratio ${(m / bare).toFixed(3)}`);
  }
  return { resources, bare, ratios: Object.fromEntries(VARIANTS.map(v => [v, median(times.get(v)!) / bare])) };
}

if (process.argv[2] === '--child') {
  const [variant, stacks, units] = process.argv.slice(3);
  console.log(JSON.stringify(measure(variant as Variant, Number(stacks), Number(units))));
} else {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  // CloudFormation allows 500 resources a stack, so a large app is many stacks of ~470 resources each.
  const units = Number(process.env.BENCH_UNITS ?? 65);
  const small = run('~3k resources', Number(process.env.BENCH_STACKS_SMALL ?? 6), units, rounds);
  const large = run('~12k resources', Number(process.env.BENCH_STACKS_LARGE ?? 25), units, rounds);
  const perResource = (r: ReturnType<typeof run>, v: Variant) => (r.bare * (r.ratios[v] - 1)) / r.resources;
  for (const v of ['sg-strategy Aspect', 'sg-strategy plugin'] as Variant[]) {
    console.log(`\nAdded synth time per resource, ${v}: ${(perResource(small, v) * 1000).toFixed(0)} µs at ~3k, ${(perResource(large, v) * 1000).toFixed(0)} µs at ~12k`);
  }
}
