/* eslint-disable no-console */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, AppProps, AspectPriority, Aspects, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addReachabilityPolicies, addServiceStacks } from './generated-app';
import { SecurityGroupStrategyChecks, SecurityGroupStrategyPlugin } from '../src';

// Synth time of a generated app, measured side by side in one run: bare, with this library's Aspect, with
// its validation plugin, and with cdk-nag's AwsSolutions pack. Each figure is the median of several rounds,
// and the rounds interleave the variants so that a slow moment on the machine hits all of them alike.
// Every synth runs in a fresh process, as `cdk synth` does: CDK keeps global token state that would grow
// without bound in one process, and a warm process would hide the checks' own start-up cost.

type Variant = 'bare' | 'empty Aspect' | 'sg-strategy Aspect' | 'empty plugin' | 'sg-strategy plugin' | 'cdk-nag AwsSolutions'
  | 'Aspect without reachability' | 'Aspect + policies';
// The empty Aspect visits every construct and does nothing, and the empty plugin reports nothing: what
// CDK's own Aspect and validation-plugin machinery costs before any check runs. "Aspect without reachability" is the
// Aspect with the reachability code replaced by no-ops (no matrix, no report, no policies read): the checks
// alone. "sg-strategy Aspect" adds the effective-access matrix and its report; "Aspect + policies" adds
// tiers and the statements of addReachabilityPolicies over them.
const ALL_VARIANTS: Variant[] = [
  'bare', 'empty Aspect', 'sg-strategy Aspect', 'empty plugin', 'sg-strategy plugin', 'cdk-nag AwsSolutions',
  'Aspect without reachability', 'Aspect + policies',
];
// By default the reachability figures only: the checks without reachability, with the matrix, with policies.
// BENCH_VARIANTS (comma-separated) chooses others; `npm run bench` measures the rest of the variants.
const chosenVariants = (process.env.BENCH_VARIANTS ?? 'sg-strategy Aspect,Aspect without reachability,Aspect + policies')
  .split(',').map(x => x.trim());
const VARIANTS: Variant[] = ['bare', ...ALL_VARIANTS.filter(v => v !== 'bare' && chosenVariants.includes(v))];

/* eslint-disable @typescript-eslint/no-require-imports */
// The modules through which every delivery reaches the reachability code. The compiled code calls their exports
// through the module object, so replacing an export here replaces it for the Aspect too.
const REACHABILITY_EXPORTS: Array<[any, string[]]> = [
  [require('../src/reachability/effective-access'), ['EffectiveAccess']],
  [require('../src/reachability/report'), ['reachabilityReport', 'reachabilityMarkdown', 'reachabilityReportJson']],
  [require('../src/reachability/collect'), ['collectDeclarations']],
  [require('../src/reachability/evaluate'), ['evaluatePolicies']],
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** Replaces the reachability code the deliveries call with no-ops, for the "no reachability" variant. */
function withoutReachability() {
  const [[access], [report], [collect], [evaluate]] = REACHABILITY_EXPORTS;
  access.EffectiveAccess = class { public static of() { return {}; } };
  report.reachabilityReport = () => ({});
  report.reachabilityMarkdown = () => '';
  report.reachabilityReportJson = () => '{}';
  collect.collectDeclarations = () => ({ statements: [], tiers: [], problems: [] });
  evaluate.evaluatePolicies = () => [];
}

/** CPU time of the process so far, in ms: what the synth costs, whatever else the machine runs meanwhile. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Times every call into the reachability code (the outermost only, so nested calls count once), in wall and
 * CPU time: the cost of reachability measured inside the synth, which a ratio of whole synths blurs with the
 * machine's noise. On a loaded machine the wall time of a short call swings with whatever else runs; its CPU
 * time does not, so the budget is read in CPU time.
 */
function timingReachability(): () => { wall: number; cpu: number } {
  const spent = { wall: 0, cpu: 0 };
  let depth = 0;
  const timed = <T>(call: () => T): T => {
    const start = depth++ === 0 ? { wall: performance.now(), cpu: cpuMs() } : undefined;
    try {
      return call();
    } finally {
      if (--depth === 0 && start) {
        spent.wall += performance.now() - start.wall;
        spent.cpu += cpuMs() - start.cpu;
      }
    }
  };
  for (const [module, names] of REACHABILITY_EXPORTS) {
    for (const name of names) {
      const original = module[name];
      // The deliveries reach the effective access through EffectiveAccess.of, which builds it once per model.
      module[name] = name === 'EffectiveAccess'
        ? new Proxy(original, {
          construct: (target, args) => timed(() => Reflect.construct(target, args)),
          get: (target, key) => (key === 'of' ? (...args: unknown[]) => timed(() => target.of(...args)) : Reflect.get(target, key)),
        })
        : (...args: unknown[]) => timed(() => original(...args));
    }
  }
  // The matrix is computed on first use, inside the report and the policies' evaluation: both timed above.
  return () => spent;
}

interface Measured {
  readonly ms: number;
  /** CPU time of the synth. */
  readonly cpuMs: number;
  readonly resources: number;
  /** Time spent inside the reachability code, where the variant runs it: wall and CPU. */
  readonly reachabilityMs?: number;
  readonly reachabilityCpuMs?: number;
  /** Policy statements declared, and ReachabilityViolations found. */
  readonly statements?: number;
  readonly violations?: number;
}

function buildApp(variant: Variant, stacks: number, unitsPerStack: number, outdir: string): { app: App; statements: number } {
  // Path metadata on, as `cdk synth` sets it: templates then name each resource's construct path.
  const app = new App({ outdir, builtinCloudFormationValidation: false, context: { 'aws:cdk:enable-path-metadata': true } } as AppProps);
  if (variant === 'empty Aspect') Aspects.of(app).add({ visit: () => undefined }, { priority: AspectPriority.READONLY });
  if (variant === 'sg-strategy Aspect' || variant === 'Aspect without reachability' || variant === 'Aspect + policies') {
    Aspects.of(app).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY });
  }
  if (variant === 'empty plugin') Validations.of(app).addPlugins({ name: 'empty', validate: () => ({ success: true, violations: [] }) });
  if (variant === 'sg-strategy plugin') Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin());
  if (variant === 'cdk-nag AwsSolutions') Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  addServiceStacks(app, stacks, unitsPerStack);
  const statements = variant === 'Aspect + policies' ? addReachabilityPolicies(app) : 0;
  return { app, statements };
}

function measure(variant: Variant, stacks: number, units: number): Measured {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-bench-'));
  const withReachability = variant === 'sg-strategy Aspect' || variant === 'Aspect + policies';
  if (variant === 'Aspect without reachability') withoutReachability();
  const reachability = withReachability ? timingReachability() : undefined;
  const { app, statements } = buildApp(variant, stacks, units, outdir);
  // CDK prints each validation report to stderr; all variants are silenced alike.
  const printError = console.error;
  console.error = () => undefined;
  const start = performance.now();
  const startCpu = cpuMs();
  try {
    app.synth();
  } catch {
    // A checker that fails synth has still done its work; the time counts.
  } finally {
    console.error = printError;
  }
  const ms = performance.now() - start;
  const cpu = cpuMs() - startCpu;
  let resources = 0;
  for (const file of fs.readdirSync(outdir).filter(f => f.endsWith('.template.json'))) {
    resources += Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8')).Resources ?? {}).length;
  }
  // The variants measure what they say: a matrix where reachability runs, none where it is replaced.
  const reportFile = path.join(outdir, 'sg-strategy-reachability.json');
  const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : undefined;
  if (withReachability && !Array.isArray(report?.access)) throw new Error(`${variant}: no effective-access matrix was written`);
  if (variant === 'Aspect without reachability' && report?.access !== undefined) throw new Error(`${variant}: the reachability code still ran`);
  fs.rmSync(outdir, { recursive: true, force: true });
  const inside = reachability?.();
  return {
    ms, cpuMs: cpu, resources, reachabilityMs: inside?.wall, reachabilityCpuMs: inside?.cpu, statements, violations: report?.violations?.length,
  };
}

/**
 * Reachability's time over the rest of the same synth, per process, median over the rounds: both parts share
 * the process's moment on the machine, so this holds up where whole synths in different processes do not.
 * In CPU time by default, the budget's measure; in wall time where `clock` says so.
 */
function share(measured: Measured[], clock: 'cpu' | 'wall' = 'cpu'): number {
  return median(measured.map(m => (clock === 'cpu'
    ? m.reachabilityCpuMs! / (m.cpuMs - m.reachabilityCpuMs!)
    : m.reachabilityMs! / (m.ms - m.reachabilityMs!))));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function child(variant: Variant, stacks: number, units: number): Measured {
  const result = spawnSync(process.execPath, [
    '--max-old-space-size=8192', '-r', 'ts-node/register/transpile-only', __filename, '--child', variant, String(stacks), String(units),
  ], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const line = result.stdout.split('\n').find(l => l.startsWith('{'));
  if (!line) throw new Error(`${variant} failed: ${result.stderr.slice(-2000)}`);
  return JSON.parse(line);
}

function run(label: string, stacks: number, units: number, rounds: number) {
  const results = new Map<Variant, Measured[]>(VARIANTS.map(v => [v, []]));
  for (let r = 0; r < rounds; r++) {
    for (const variant of VARIANTS) results.get(variant)!.push(child(variant, stacks, units));
  }
  const times = (v: Variant) => results.get(v)!.map(m => m.ms);
  const resources = results.get('bare')![0].resources;
  const bare = median(times('bare'));
  console.log(`\n${label}: ${resources} resources in ${stacks} stack(s), median of ${rounds} rounds`);
  for (const variant of VARIANTS) {
    const m = median(times(variant));
    const last = results.get(variant)![rounds - 1];
    const measured = results.get(variant)!;
    const inside = last.reachabilityMs === undefined ? ''
      : `   reachability inside it ${(median(measured.map(x => x.reachabilityCpuMs!)) / 1000).toFixed(2)} s CPU, `
        + `${(share(measured) * 100).toFixed(1)}% of the rest of that synth's CPU (wall: ${(share(measured, 'wall') * 100).toFixed(1)}%)`
        + (last.statements ? ` (${last.statements} statements, ${last.violations ?? 0} violations)` : '');
    const cpu = median(measured.map(x => x.cpuMs));
    console.log(`  ${variant.padEnd(28)} ${(m / 1000).toFixed(2).padStart(7)} s (CPU ${(cpu / 1000).toFixed(2)} s)   ratio ${(m / bare).toFixed(3)}${inside}`);
  }
  const reachabilityShare = (v: Variant) => share(results.get(v)!);
  const ratios = Object.fromEntries(VARIANTS.map(v => [v, median(times(v)) / bare])) as Record<Variant, number>;
  return { resources, bare, reachabilityShare, ratios };
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
  for (const v of (['sg-strategy Aspect', 'sg-strategy plugin'] as Variant[]).filter(x => VARIANTS.includes(x))) {
    console.log(`\nAdded synth time per resource, ${v}: ${(perResource(small, v) * 1000).toFixed(0)} µs at ~3k, ${(perResource(large, v) * 1000).toFixed(0)} µs at ~12k`);
  }
  // Issue 18's budget: reachability and the policies add at most 2% to synth beyond the checks. Two figures: the
  // ratio of whole synths (side by side, so noisy at this size), and the time measured inside the synth.
  const reachabilityVariants = (['sg-strategy Aspect', 'Aspect + policies'] as Variant[]).filter(x => VARIANTS.includes(x));
  if (VARIANTS.includes('Aspect without reachability')) {
    console.log('\nReachability beyond the checks (budget: 2% of synth with the checks)');
    for (const [label, r] of [['~3k', small], ['~12k', large]] as const) {
      const checks = r.ratios['Aspect without reachability'];
      const figures = reachabilityVariants.map(v => {
        const bySynths = ((r.ratios[v] - checks) / checks) * 100;
        return `${v}: ${bySynths.toFixed(1)}% by whole synths, ${(r.reachabilityShare(v) * 100).toFixed(1)}% measured inside (CPU)`;
      });
      console.log(`  at ${label}: ${figures.join('; ')}`);
    }
  }
}
