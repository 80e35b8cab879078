/* eslint-disable no-bitwise */ // address arithmetic is bit arithmetic
/**
 * CIDR arithmetic for IPv4 and IPv6: parsing, width, containment, and whether a block is public.
 */
export interface Cidr {
  readonly family: 4 | 6;
  /** The network address as a bigint, host bits cleared. */
  readonly network: bigint;
  readonly prefix: number;
  /** The block as written. */
  readonly text: string;
}

const BITS = { 4: 32, 6: 128 } as const;

export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const address = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const prefixText = slash === -1 ? undefined : trimmed.slice(slash + 1);
  const family: 4 | 6 = address.includes(':') ? 6 : 4;
  const value = family === 4 ? parseIpv4(address) : parseIpv6(address);
  if (value === undefined) return undefined;
  const bits = BITS[family];
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const network = (value >> hostBits) << hostBits;
  return { family, network, prefix, text: trimmed };
}

function parseIpv4(address: string): bigint | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(address: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(address)) return undefined;
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): string[] | undefined => {
    if (half === '') return [];
    const out: string[] = [];
    const pieces = half.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (piece.includes('.') && i === pieces.length - 1) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        out.push(((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(piece);
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Whether `outer` contains every address of `inner`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  const hostBits = BigInt(BITS[outer.family] - outer.prefix);
  return (inner.network >> hostBits) === (outer.network >> hostBits);
}

export function cidrEquals(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.prefix === b.prefix && a.network === b.network;
}

/** 0.0.0.0/0 or ::/0: every address. */
export function isWorld(cidr: Cidr): boolean {
  return cidr.prefix === 0;
}

const PRIVATE_RANGES = [
  '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', // RFC 1918
  '100.64.0.0/10', // carrier-grade NAT, used for secondary VPC ranges
  '127.0.0.0/8', '169.254.0.0/16', // loopback, link-local
  'fc00::/7', 'fe80::/10', '::1/128', // unique local, link-local, loopback
].map(text => parseCidr(text)!);

/** A block that lies entirely inside private address space. Anything else reaches the internet. */
export function isPrivate(cidr: Cidr): boolean {
  return PRIVATE_RANGES.some(range => cidrContains(range, cidr));
}
