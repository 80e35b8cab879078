import { Traffic } from '../model/ports';

/**
 * Traffic as a set of keys, so that union, intersection and difference are interval arithmetic. Every IP
 * protocol (0-255) owns 65,536 keys: for tcp and udp the port, for icmp and icmpv6 `type * 256 + code`, and
 * for any other protocol the whole block (it has no ports). A rule's traffic is one or a few intervals.
 */
const BLOCK = 65536;
const PROTOCOL_NUMBER: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };
const PROTOCOL_NAME: Record<number, string> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' };
const LAST_KEY = 256 * BLOCK - 1;

/** An inclusive interval of keys. */
type Interval = readonly [number, number];

export class TrafficSet {
  public static readonly EMPTY = new TrafficSet([]);
  public static readonly ALL = new TrafficSet([[0, LAST_KEY]]);

  /** The traffic a rule admits, as the model reads it. */
  public static of(traffic: Traffic): TrafficSet {
    if (traffic.protocol === 'all') return TrafficSet.ALL;
    const number = PROTOCOL_NUMBER[traffic.protocol] ?? Number(traffic.protocol);
    if (!Number.isInteger(number) || number < 0 || number > 255) return TrafficSet.EMPTY;
    const base = number * BLOCK;
    if (traffic.ports) return new TrafficSet([[base + Math.max(0, traffic.ports.from), base + Math.min(65535, traffic.ports.to)]]);
    if (traffic.icmp) {
      const { type, code } = traffic.icmp;
      if (type < 0) return new TrafficSet([[base, base + BLOCK - 1]]);
      if (code < 0) return new TrafficSet([[base + type * 256, base + type * 256 + 255]]);
      return new TrafficSet([[base + type * 256 + code, base + type * 256 + code]]);
    }
    return new TrafficSet([[base, base + BLOCK - 1]]);
  }

  /** tcp or udp on a range of ports. */
  public static ports(protocol: 'tcp' | 'udp', from: number, to: number = from): TrafficSet {
    const base = PROTOCOL_NUMBER[protocol] * BLOCK;
    return new TrafficSet([[base + from, base + to]]);
  }

  public static unionOf(sets: Iterable<TrafficSet>): TrafficSet {
    const all: Interval[] = [];
    for (const set of sets) all.push(...set.intervals);
    return new TrafficSet(all);
  }

  /** Intervals of keys, for sets built from boundaries (coverage by several rules). */
  public static fromIntervals(intervals: Array<readonly [number, number]>): TrafficSet {
    return new TrafficSet([...intervals]);
  }

  /** The key of one concrete packet's traffic: protocol number and port, or ICMP type and code. */
  public static key(protocol: number, portOrTypeCode: number): number {
    return protocol * BLOCK + portOrTypeCode;
  }

  /** Sorted, disjoint and not adjacent. */
  public readonly intervals: readonly Interval[];
  private _signature?: string;

  private constructor(intervals: Interval[]) {
    this.intervals = normalise(intervals);
  }

  public get isEmpty(): boolean {
    return this.intervals.length === 0;
  }

  public has(key: number): boolean {
    let lo = 0;
    let hi = this.intervals.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1; // eslint-disable-line no-bitwise
      const [from, to] = this.intervals[mid];
      if (key < from) hi = mid - 1;
      else if (key > to) lo = mid + 1;
      else return true;
    }
    return false;
  }

  public union(other: TrafficSet): TrafficSet {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    return new TrafficSet([...this.intervals, ...other.intervals]);
  }

  public intersect(other: TrafficSet): TrafficSet {
    if (this.isEmpty || other.isEmpty) return TrafficSet.EMPTY;
    if (this === TrafficSet.ALL) return other;
    if (other === TrafficSet.ALL) return this;
    const out: Interval[] = [];
    let i = 0;
    let j = 0;
    while (i < this.intervals.length && j < other.intervals.length) {
      const [a1, a2] = this.intervals[i];
      const [b1, b2] = other.intervals[j];
      const from = Math.max(a1, b1);
      const to = Math.min(a2, b2);
      if (from <= to) out.push([from, to]);
      if (a2 < b2) i++;
      else j++;
    }
    return new TrafficSet(out);
  }

  public subtract(other: TrafficSet): TrafficSet {
    if (this.isEmpty || other.isEmpty) return this;
    const out: Interval[] = [];
    let j = 0;
    for (const [from, to] of this.intervals) {
      let start = from;
      while (j < other.intervals.length && other.intervals[j][1] < start) j++;
      let k = j;
      while (k < other.intervals.length && other.intervals[k][0] <= to) {
        const [b1, b2] = other.intervals[k];
        if (b1 > start) out.push([start, b1 - 1]);
        start = Math.max(start, b2 + 1);
        k++;
      }
      if (start <= to) out.push([start, to]);
    }
    return new TrafficSet(out);
  }

  public contains(other: TrafficSet): boolean {
    return other.subtract(this).isEmpty;
  }

  public equals(other: TrafficSet): boolean {
    return this.signature() === other.signature();
  }

  /** A string equal for equal sets, for grouping. */
  public signature(): string {
    // Kept: the matrix groups thousands of interfaces by the same few sets.
    this._signature ??= this.intervals.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
    return this._signature;
  }

  /** The boundaries where membership may change: every interval's first key and the key after its last. */
  public boundaries(): number[] {
    return this.intervals.flatMap(([a, b]) => [a, b + 1]);
  }

  /** Each piece as people read it: "all traffic", "tcp 5432", "udp 1024-2047", "icmp type 8", "protocol 50". */
  public describe(): string[] {
    if (this.isEmpty) return [];
    if (this.intervals.length === 1 && this.intervals[0][0] === 0 && this.intervals[0][1] === LAST_KEY) return ['all traffic'];
    const parts: string[] = [];
    for (const [from, to] of this.intervals) {
      for (let protocol = Math.floor(from / BLOCK); protocol <= Math.floor(to / BLOCK); protocol++) {
        const base = protocol * BLOCK;
        const a = Math.max(from, base) - base;
        const b = Math.min(to, base + BLOCK - 1) - base;
        parts.push(describePiece(protocol, a, b));
      }
    }
    return parts;
  }

  public toString(): string {
    return this.isEmpty ? 'nothing' : this.describe().join(', ');
  }
}

function describePiece(protocol: number, a: number, b: number): string {
  const name = PROTOCOL_NAME[protocol];
  const whole = a === 0 && b === BLOCK - 1;
  if (name === 'tcp' || name === 'udp') {
    if (whole) return `all ${name} ports`;
    return `${name} ${a === b ? a : `${a}-${b}`}`;
  }
  if (name === 'icmp' || name === 'icmpv6') {
    if (whole) return `all ${name}`;
    const typeA = Math.floor(a / 256);
    const typeB = Math.floor(b / 256);
    if (a % 256 === 0 && b % 256 === 255) return `${name} type ${typeA === typeB ? typeA : `${typeA}-${typeB}`}`;
    if (typeA === typeB) return `${name} type ${typeA} code ${a % 256 === b % 256 ? a % 256 : `${a % 256}-${b % 256}`}`;
    return `${name} type ${typeA} code ${a % 256} to type ${typeB} code ${b % 256}`;
  }
  return whole ? `protocol ${protocol}` : `protocol ${protocol} (part)`;
}

function normalise(intervals: Interval[]): Interval[] {
  if (intervals.length <= 1) return intervals.filter(([a, b]) => a <= b);
  const sorted = intervals.filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
