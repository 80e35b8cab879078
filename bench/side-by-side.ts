/* eslint-disable no-console */
import * as os from 'os';

// How the benchmarks compare variants on a shared, noisy machine: every round runs each variant once, each
// figure is the median over rounds of the variant's ratio to the baseline *in that round*, and the machine's
// state is printed beside the figures so a reader can judge them.

/** One measured run of a variant, in a fresh process. */
export interface Measured {
  /** Wall-clock milliseconds of the measured work. */
  readonly ms: number;
  /** CPU milliseconds (user + system, all threads of the process) of the measured work. */
  readonly cpuMs: number;
  /** Peak resident set size of the whole process, in MiB. */
  readonly rssMiB: number;
  readonly resources: number;
  /** Wall-clock and CPU milliseconds spent inside the checks' own entry points, where the variant has them. */
  readonly insideMs?: number;
  readonly insideCpuMs?: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** What `measure` records around `work`: wall and CPU time of the work, peak RSS of the process. */
export function measureWork(work: () => void): Omit<Measured, 'resources'> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  work();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  // maxRSS is in KiB on Linux and macOS.
  return { ms, cpuMs: (used.user + used.system) / 1000, rssMiB: process.resourceUsage().maxRSS / 1024 };
}

/**
 * Run `rounds` rounds; each runs every variant once. The order rotates by one each round, so no variant
 * always follows the same one (a slow moment, a warm disk cache).
 */
export function interleave<V extends string>(variants: V[], rounds: number, run: (variant: V, round: number) => Measured): Map<V, Measured[]> {
  const results = new Map<V, Measured[]>(variants.map(v => [v, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + r) % variants.length];
      results.get(variant)!.push(run(variant, r));
    }
  }
  return results;
}

/**
 * Time the calls of `methods` on `prototype` from now on: what runs inside a checker, measured in the synth that
 * runs it, which the machine's noise touches far less than the difference of two whole synths.
 */
export function timeInside(targets: Array<[prototype: object, method: string]>): () => { ms: number; cpuMs: number } {
  let ms = 0;
  let cpuMs = 0;
  for (const [prototype, method] of targets) {
    const record = prototype as Record<string, (...args: unknown[]) => unknown>;
    const original = record[method];
    record[method] = function (this: unknown, ...args: unknown[]) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        ms += performance.now() - start;
        const used = process.cpuUsage(cpu);
        cpuMs += (used.user + used.system) / 1000;
      }
    };
  }
  return () => ({ ms, cpuMs });
}

/** The median over rounds of `pick(variant) / pick(baseline)`, each pair from the same round. */
export function medianRatio<V extends string>(results: Map<V, Measured[]>, variant: V, baseline: V, pick: (m: Measured) => number): number {
  const base = results.get(baseline)!;
  return median(results.get(variant)!.map((m, r) => pick(m) / pick(base[r])));
}

/** The median over rounds of the difference between two variants' ratios to the baseline, each from the same round. */
export function medianGap<V extends string>(
  results: Map<V, Measured[]>, variant: V, reference: V, baseline: V, pick: (m: Measured) => number,
): number {
  const base = results.get(baseline)!;
  const ref = results.get(reference)!;
  return median(results.get(variant)!.map((m, r) => (pick(m) - pick(ref[r])) / pick(base[r])));
}

/** The machine and its load, to print beside the figures. */
export function runConditions(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map(l => l.toFixed(1)).join(' ');
  return `${new Date().toISOString()}, Node ${process.version}, ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, `
    + `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${load}`;
}
