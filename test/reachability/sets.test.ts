import * as fc from 'fast-check';
import { readTraffic } from '../../src/model/ports';
import { AddressSet, INTERNET, formatAddress } from '../../src/reachability/address-set';
import { TrafficSet } from '../../src/reachability/traffic-set';

// Set arithmetic checked against plain sets: addresses in 10.0.0.0/28 (every prefix from /28 to /32, so
// single addresses and gaps of one come up), and tcp keys 0-20.

const BASE = 10n << 24n; // eslint-disable-line no-bitwise
const blockArb = fc.integer({ min: 28, max: 32 }).chain(prefix => {
  const size = 2 ** (32 - prefix);
  return fc.integer({ min: 0, max: 16 / size - 1 }).map(i => `10.0.0.${i * size}/${prefix}`);
});
const setArb = fc.array(blockArb, { maxLength: 4 }).map(blocks => ({ blocks, set: AddressSet.parse(4, blocks) }));

function members(blocks: string[]): Set<number> {
  const out = new Set<number>();
  for (const block of blocks) {
    const [address, prefix] = block.split('/');
    const start = Number(address.split('.')[3]);
    for (let i = 0; i < 2 ** (32 - Number(prefix)); i++) out.add(start + i);
  }
  return out;
}

function check(set: AddressSet, expected: Set<number>) {
  for (let i = 0; i < 18; i++) expect(set.has(BASE + BigInt(i))).toBe(expected.has(i));
}

describe('AddressSet', () => {
  test('union, intersection, difference and containment agree with plain sets of addresses', () => {
    fc.assert(fc.property(setArb, setArb, (a, b) => {
      const ma = members(a.blocks);
      const mb = members(b.blocks);
      check(a.set.union(b.set), new Set([...ma, ...mb]));
      check(a.set.intersect(b.set), new Set([...ma].filter(x => mb.has(x))));
      check(a.set.subtract(b.set), new Set([...ma].filter(x => !mb.has(x))));
      expect(a.set.contains(b.set)).toBe([...mb].every(x => ma.has(x)));
      expect(a.set.overlaps(b.set)).toBe([...mb].some(x => ma.has(x)));
      // The fewest CIDR blocks that make the set, read back, are the set.
      check(AddressSet.parse(4, a.set.toCidrs()), ma);
    }), { numRuns: 500 });
  });

  test('the internet is every public address: 0.0.0.0/1 and 128.0.0.0/1 cover it, 0.0.0.0/1 alone does not', () => {
    expect(AddressSet.parse(4, ['0.0.0.0/1', '128.0.0.0/1']).contains(INTERNET[4])).toBe(true);
    expect(AddressSet.parse(4, ['0.0.0.0/1']).contains(INTERNET[4])).toBe(false);
    expect(AddressSet.parse(4, ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']).overlaps(INTERNET[4])).toBe(false);
    expect(INTERNET[4].has(BigInt(8 * 2 ** 24 + 8 * 2 ** 16 + 8 * 256 + 8))).toBe(true);
    expect(AddressSet.parse(6, ['2000::/3']).contains(INTERNET[6])).toBe(true);
    expect(AddressSet.parse(6, ['2600::/8']).contains(INTERNET[6])).toBe(false);
  });

  test('addresses read back as people write them', () => {
    expect(AddressSet.parse(4, ['10.0.0.0/25', '10.0.0.128/25']).toCidrs()).toEqual(['10.0.0.0/24']);
    expect(AddressSet.parse(6, ['2600:1f00::/56']).toCidrs()).toEqual(['2600:1f00::/56']);
    expect(formatAddress(6, 1n)).toBe('::1');
    expect(AddressSet.whole(4).subtract(AddressSet.parse(4, ['0.0.0.0/1'])).toCidrs()).toEqual(['128.0.0.0/1']);
  });
});

const rangeArb = fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }))
  .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
const trafficArb = fc.array(rangeArb, { maxLength: 4 }).map(ranges => ({ ranges, set: TrafficSet.unionOf(ranges.map(([a, b]) => TrafficSet.ports('tcp', a, b))) }));

function keys(ranges: ReadonlyArray<readonly [number, number]>): Set<number> {
  const out = new Set<number>();
  for (const [a, b] of ranges) for (let p = a; p <= b; p++) out.add(p);
  return out;
}

function checkTraffic(set: TrafficSet, expected: Set<number>) {
  for (let p = 0; p <= 22; p++) expect(set.has(TrafficSet.key(6, p))).toBe(expected.has(p));
}

describe('TrafficSet', () => {
  test('union, intersection, difference and containment agree with plain sets of ports', () => {
    fc.assert(fc.property(trafficArb, trafficArb, (a, b) => {
      const ka = keys(a.ranges);
      const kb = keys(b.ranges);
      checkTraffic(a.set.union(b.set), new Set([...ka, ...kb]));
      checkTraffic(a.set.intersect(b.set), new Set([...ka].filter(x => kb.has(x))));
      checkTraffic(a.set.subtract(b.set), new Set([...ka].filter(x => !kb.has(x))));
      expect(a.set.contains(b.set)).toBe([...kb].every(x => ka.has(x)));
    }), { numRuns: 500 });
  });

  test('reads the model\'s traffic: all, port ranges, ICMP type and code, other protocols', () => {
    const of = (protocol: unknown, from?: unknown, to?: unknown) => TrafficSet.of(readTraffic(protocol, from, to).traffic!);
    expect(of('-1').toString()).toBe('all traffic');
    expect(of('tcp', 5432, 5432).toString()).toBe('tcp 5432');
    expect(of('6', 0, 65535).toString()).toBe('all tcp ports');
    expect(of('udp', 1024, 2047).toString()).toBe('udp 1024-2047');
    expect(of('icmp', 8, -1).toString()).toBe('icmp type 8');
    expect(of('icmp', 3, 4).toString()).toBe('icmp type 3 code 4');
    expect(of('icmp', -1, -1).toString()).toBe('all icmp');
    expect(of('50').toString()).toBe('protocol 50');
    expect(of('icmp', 8, -1).has(TrafficSet.key(1, 8 * 256 + 0))).toBe(true);
    expect(of('icmp', 8, -1).has(TrafficSet.key(1, 0 * 256 + 0))).toBe(false);
    expect(of('icmp', 8, -1).has(TrafficSet.key(58, 8 * 256))).toBe(false);
    expect(of('tcp', 80, 80).union(of('tcp', 81, 81)).toString()).toBe('tcp 80-81');
    expect(TrafficSet.ALL.subtract(of('tcp', 0, 65535)).has(TrafficSet.key(6, 22))).toBe(false);
  });
});
