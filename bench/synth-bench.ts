/* eslint-disable no-console */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps, AspectPriority, Aspects, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildSync } from 'esbuild';
import { addServiceStacks } from './generated-app';
import { Measured, interleave, measureWork, median, medianGap, medianRatio, runConditions, timeInside } from './side-by-side';
import { SecurityGroupStrategyChecks, SecurityGroupStrategyPlugin } from '../src';

// Synth time of a generated app, measured side by side in one run: bare, with this library's Aspect, with its
// validation plugin, with CDK's built-in CloudFormation validation and with cdk-nag's AwsSolutions pack. Each
// ratio is the median over rounds of the variant's time over the bare synth's in the same round, and the rounds
// interleave the variants so a slow moment on the machine hits all of them alike. Every synth runs in a fresh
// process, as `cdk synth` does: CDK keeps global token state that would grow without bound in one process, and
// a warm process would hide the checks' own start-up cost.

interface Variant {
  /** App properties beside the bare synth's. */
  readonly appProps?: Partial<AppProps>;
  /** What the variant adds to the app before its stacks are built. */
  readonly setup?: (app: App) => void;
}

// The empty Aspect visits every construct and does nothing, and the empty plugin reports nothing: what CDK's own
// Aspect and validation-plugin machinery costs before any check runs. Every variant but "CDK validation" turns
// CDK's built-in CloudFormation validation off (`builtinCloudFormationValidation: false`), as users can; it is on
// by default since aws-cdk-lib 2.27x, so "CDK validation" is what a synth costs users who keep the default.
const VARIANTS = {
  'bare': {},
  'empty Aspect': { setup: app => Aspects.of(app).add({ visit: () => undefined }, { priority: AspectPriority.READONLY }) },
  'sg-strategy Aspect': { setup: app => Aspects.of(app).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY }) },
  'empty plugin': { setup: app => Validations.of(app).addPlugins({ name: 'empty', validate: () => ({ success: true, violations: [] }) }) },
  'sg-strategy plugin': { setup: app => Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin()) },
  'CDK validation': { appProps: { builtinCloudFormationValidation: true } },
  'cdk-nag AwsSolutions': { setup: app => Validations.of(app).addPlugins(new AwsSolutionsChecks(app)) },
} satisfies Record<string, Variant>;
type VariantName = keyof typeof VARIANTS;
const ALL_VARIANTS = Object.keys(VARIANTS) as VariantName[];
// BENCH_VARIANTS (comma-separated) runs a subset beside the bare synth, for instance only our own on a busy machine.
const chosen = process.env.BENCH_VARIANTS?.split(',').map(v => v.trim());
const RUN_VARIANTS = chosen ? ALL_VARIANTS.filter(v => v === 'bare' || chosen.includes(v)) : ALL_VARIANTS;

function measure(name: VariantName, stacks: number, units: number): Measured {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-bench-'));
  const variant: Variant = VARIANTS[name];
  // Path metadata on, as `cdk synth` sets it: templates then name each resource's construct path.
  const app = new App({
    outdir, builtinCloudFormationValidation: false, context: { 'aws:cdk:enable-path-metadata': true }, ...variant.appProps,
  } as AppProps);
  // The Aspect's work is its validation (`check`), the plugin's is `validate`.
  const inside = timeInside([[SecurityGroupStrategyChecks.prototype, 'check'], [SecurityGroupStrategyPlugin.prototype, 'validate']]);
  variant.setup?.(app);
  addServiceStacks(app, stacks, units);
  // CDK prints each validation report to stderr; all variants are silenced alike.
  const printError = console.error;
  console.error = () => undefined;
  const measured = measureWork(() => {
    try {
      app.synth();
    } catch {
      // A checker that fails synth has still done its work; the time counts.
    }
  });
  console.error = printError;
  let resources = 0;
  for (const file of fs.readdirSync(outdir).filter(f => f.endsWith('.template.json'))) {
    resources += Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8')).Resources ?? {}).length;
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  const { ms: insideMs, cpuMs: insideCpuMs } = inside();
  return { ...measured, resources, ...(insideMs > 0 ? { insideMs, insideCpuMs } : {}) };
}

// The children run this file bundled to JavaScript (aws-cdk-lib and the other packages stay in node_modules), so
// their peak memory is the synth's and not the TypeScript compiler's.
let bundled: string | undefined;
function child(variant: VariantName, stacks: number, units: number): Measured {
  if (!bundled) {
    bundled = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sg-bench-bundle-')), 'synth-bench.js');
    buildSync({ entryPoints: [__filename], outfile: bundled, bundle: true, platform: 'node', packages: 'external', logLevel: 'error' });
  }
  const result = spawnSync(process.execPath, ['--max-old-space-size=8192', bundled, '--child', variant, String(stacks), String(units)], {
    encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_PATH: path.join(__dirname, '..', 'node_modules') },
  });
  const line = result.stdout.split('\n').find(l => l.startsWith('{'));
  if (!line) throw new Error(`${variant} failed: ${result.stderr.slice(-2000)}`);
  return JSON.parse(line);
}

const wall = (m: Measured) => m.ms;
const cpu = (m: Measured) => m.cpuMs;

function run(label: string, stacks: number, units: number, rounds: number) {
  const results = interleave(RUN_VARIANTS, rounds, v => child(v, stacks, units));
  const resources = results.get('bare')![0].resources;
  const bareMs = median(results.get('bare')!.map(wall));
  const bareRss = median(results.get('bare')!.map(m => m.rssMiB));
  console.log(`\n${label}: ${resources} resources in ${stacks} stack(s), ${rounds} rounds; ratios are medians of each round's ratio to the bare synth`);
  console.log(`  ${'variant'.padEnd(22)} ${'wall s'.padStart(7)}  ${'ratio'.padStart(6)}  ${'CPU ratio'.padStart(9)}  ${'peak RSS'.padStart(9)}  vs bare`);
  for (const v of RUN_VARIANTS) {
    const rss = median(results.get(v)!.map(m => m.rssMiB));
    console.log(`  ${v.padEnd(22)} ${(median(results.get(v)!.map(wall)) / 1000).toFixed(2).padStart(7)}  `
      + `${medianRatio(results, v, 'bare', wall).toFixed(3).padStart(6)}  ${medianRatio(results, v, 'bare', cpu).toFixed(3).padStart(9)}  `
      + `${rss.toFixed(0).padStart(5)} MiB  ${(rss / bareRss).toFixed(2)}`);
  }
  const gaps: Record<string, { wall: number; cpu: number; addedMs: number }> = {};
  for (const [ours, empty] of [['sg-strategy Aspect', 'empty Aspect'], ['sg-strategy plugin', 'empty plugin']] as const) {
    if (!RUN_VARIANTS.includes(ours) || !RUN_VARIANTS.includes(empty)) continue;
    const gap = { wall: medianGap(results, ours, empty, 'bare', wall), cpu: medianGap(results, ours, empty, 'bare', cpu), addedMs: 0 };
    gap.addedMs = gap.wall * bareMs;
    gaps[ours] = gap;
    // Inside: the checker's own entry point, timed in each synth, over that synth's bare round.
    const insideRatio = median(results.get(ours)!.map((m, r) => (m.insideCpuMs ?? 0) / results.get('bare')![r].cpuMs));
    const insideMs = median(results.get(ours)!.map(m => m.insideCpuMs ?? 0));
    console.log(`  ${ours} above ${empty}: ${gap.wall.toFixed(3)} (CPU ${gap.cpu.toFixed(3)}; target 0.03), `
      + `${gap.addedMs.toFixed(0)} ms, ${((gap.addedMs * 1000) / resources).toFixed(0)} µs a resource; `
      + `inside it ${insideMs.toFixed(0)} ms CPU, ${insideRatio.toFixed(3)} of the bare synth's CPU, ${((insideMs * 1000) / resources).toFixed(0)} µs a resource`);
  }
  return { label, stacks, resources, rounds, bareMs, results, gaps };
}

if (process.argv[2] === '--child') {
  const [variant, stacks, units] = process.argv.slice(3);
  console.log(JSON.stringify(measure(variant as VariantName, Number(stacks), Number(units))));
} else {
  console.log(`Run: ${runConditions()}`);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  // CloudFormation allows 500 resources a stack, so a large app is many stacks of ~470 resources each.
  const units = Number(process.env.BENCH_UNITS ?? 65);
  const small = run('~3k resources', Number(process.env.BENCH_STACKS_SMALL ?? 6), units, rounds);
  const large = run('~12k resources', Number(process.env.BENCH_STACKS_LARGE ?? 25), units, Number(process.env.BENCH_ROUNDS_LARGE ?? rounds));
  // Growth: ten times the resources should cost at most ten times the added time. Measured inside the checker,
  // where whole-synth differences on a busy machine are too noisy to divide.
  for (const v of Object.keys(large.gaps) as VariantName[]) {
    const inside = (r: ReturnType<typeof run>) => median(r.results.get(v)!.map(m => m.insideCpuMs ?? 0));
    console.log(`\n${v}: its own CPU time grows ${(inside(large) / inside(small)).toFixed(1)}x `
      + `for ${(large.resources / small.resources).toFixed(1)}x the resources`);
  }
  console.log(`\nRun ended: ${runConditions()}`);
  if (process.env.BENCH_JSON) {
    const summary = (r: ReturnType<typeof run>) => ({
      resources: r.resources,
      stacks: r.stacks,
      rounds: r.rounds,
      bareMs: r.bareMs,
      gaps: r.gaps,
      variants: Object.fromEntries(RUN_VARIANTS.map(v => [v, {
        ratio: medianRatio(r.results, v, 'bare', wall),
        cpuRatio: medianRatio(r.results, v, 'bare', cpu),
        rssMiB: median(r.results.get(v)!.map(m => m.rssMiB)),
        runs: r.results.get(v),
      }])),
    });
    const all = { conditions: runConditions(), small: summary(small), large: summary(large) };
    fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify(all, undefined, 1));
  }
}
