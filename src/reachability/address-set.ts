import { Cidr, parseCidr } from '../model/cidr';

/**
 * A set of addresses of one family, as sorted disjoint intervals of bigints, so that "do these ranges
 * together cover the internet" is arithmetic and not a guess.
 */
type Interval = readonly [bigint, bigint];

const BITS = { 4: 32, 6: 128 } as const;

export type Family = 4 | 6;

export class AddressSet {
  public static empty(family: Family): AddressSet {
    return new AddressSet(family, []);
  }

  /** Every address of the family. */
  public static whole(family: Family): AddressSet {
    return new AddressSet(family, [[0n, (1n << BigInt(BITS[family])) - 1n]]); // eslint-disable-line no-bitwise
  }

  public static ofCidrs(family: Family, cidrs: readonly Cidr[]): AddressSet {
    return new AddressSet(family, cidrs.filter(c => c.family === family).map(range));
  }

  public static parse(family: Family, texts: readonly string[]): AddressSet {
    return AddressSet.ofCidrs(family, texts.map(t => parseCidr(t)!).filter(c => c !== undefined));
  }

  public readonly intervals: readonly Interval[];

  private constructor(public readonly family: Family, intervals: Interval[]) {
    this.intervals = normalise(intervals);
  }

  public get isEmpty(): boolean {
    return this.intervals.length === 0;
  }

  public has(address: bigint): boolean {
    return this.intervals.some(([a, b]) => a <= address && address <= b);
  }

  public union(other: AddressSet): AddressSet {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    return new AddressSet(this.family, [...this.intervals, ...other.intervals]);
  }

  public intersect(other: AddressSet): AddressSet {
    const out: Interval[] = [];
    let i = 0;
    let j = 0;
    while (i < this.intervals.length && j < other.intervals.length) {
      const [a1, a2] = this.intervals[i];
      const [b1, b2] = other.intervals[j];
      const from = a1 > b1 ? a1 : b1;
      const to = a2 < b2 ? a2 : b2;
      if (from <= to) out.push([from, to]);
      if (a2 < b2) i++;
      else j++;
    }
    return new AddressSet(this.family, out);
  }

  public overlaps(other: AddressSet): boolean {
    // Without building the intersection, nor destructuring (slow until the JIT has seen it run many times, and
    // it runs once per synth): this runs for every rule against every kind of interface.
    let i = 0;
    let j = 0;
    while (i < this.intervals.length && j < other.intervals.length) {
      const a = this.intervals[i];
      const b = other.intervals[j];
      if (a[0] <= b[1] && b[0] <= a[1]) return true;
      if (a[1] < b[1]) i++;
      else j++;
    }
    return false;
  }

  public subtract(other: AddressSet): AddressSet {
    const out: Interval[] = [];
    for (const [from, to] of this.intervals) {
      let start = from;
      for (const [b1, b2] of other.intervals) {
        if (b2 < start || b1 > to) continue;
        if (b1 > start) out.push([start, b1 - 1n]);
        start = b2 + 1n > start ? b2 + 1n : start;
      }
      if (start <= to) out.push([start, to]);
    }
    return new AddressSet(this.family, out);
  }

  public contains(other: AddressSet): boolean {
    // Each interval of `other` lies within one of this set's, which are disjoint and not adjacent.
    let i = 0;
    for (const [b1, b2] of other.intervals) {
      while (i < this.intervals.length && this.intervals[i][1] < b1) i++;
      if (i === this.intervals.length || this.intervals[i][0] > b1 || this.intervals[i][1] < b2) return false;
    }
    return true;
  }

  public signature(): string {
    return `${this.family}:${this.intervals.map(([a, b]) => `${a}-${b}`).join(',')}`;
  }

  /** The boundaries where membership may change: each interval's first address and the one after its last. */
  public boundaries(): bigint[] {
    return this.intervals.flatMap(([a, b]) => [a, b + 1n]);
  }

  /** The set as CIDR blocks, the fewest that cover it exactly. */
  public toCidrs(): string[] {
    const bits = BigInt(BITS[this.family]);
    const out: string[] = [];
    for (const [from, to] of this.intervals) {
      let start = from;
      while (start <= to) {
        let size = 0n;
        // The largest aligned block that starts here and does not pass the end.
        while (size < bits && start % (1n << (size + 1n)) === 0n && start + (1n << (size + 1n)) - 1n <= to) size++; // eslint-disable-line no-bitwise
        out.push(`${formatAddress(this.family, start)}/${bits - size}`);
        start += 1n << size; // eslint-disable-line no-bitwise
      }
    }
    return out;
  }
}

function range(cidr: Cidr): Interval {
  const hostBits = BigInt(BITS[cidr.family] - cidr.prefix);
  return [cidr.network, cidr.network + (1n << hostBits) - 1n]; // eslint-disable-line no-bitwise
}

export function formatAddress(family: Family, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map(shift => String((value >> shift) & 255n)).join('.'); // eslint-disable-line no-bitwise
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16)); // eslint-disable-line no-bitwise
  // The longest run of zero groups becomes "::".
  let best = { at: -1, length: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.length && j - i > 1) best = { at: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`;
}

function normalise(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter(([a, b]) => a <= b).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1n) last[1] = last[1] > b ? last[1] : b;
    else out.push([a, b]);
  }
  return out;
}

/**
 * Addresses that are not the internet, from IANA's special-purpose registries (RFC 6890): "this network",
 * private (RFC 1918), shared address space (RFC 6598), loopback, link-local, multicast and reserved. The
 * internet, as a policy speaks of it, is every other IPv4 address; for IPv6 it is the global unicast space,
 * 2000::/3 (RFC 4291). A set of rules reaches "the internet" only if together they admit all of it.
 */
const NOT_INTERNET_IPV4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/3'];

export const INTERNET = {
  4: AddressSet.whole(4).subtract(AddressSet.parse(4, NOT_INTERNET_IPV4)),
  6: AddressSet.parse(6, ['2000::/3']),
} as const;
