import { AWS_BEHAVIOURS } from './aws-behaviours';

/**
 * Protocols and ports of a security-group rule, normalised from what templates say: names or numbers,
 * strings or numbers, `-1` for all.
 */
export type Protocol = 'all' | 'tcp' | 'udp' | 'icmp' | 'icmpv6' | string;

/** What a rule lets through on one protocol. */
export interface Traffic {
  readonly protocol: Protocol;
  /** For tcp and udp: the port range. Undefined for protocols without ports. */
  readonly ports?: PortRange;
  /** For icmp and icmpv6: type and code, where -1 means all. */
  readonly icmp?: { readonly type: number; readonly code: number };
}

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

const PROTOCOL_NUMBERS: Record<string, Protocol> = {
  '-1': 'all',
  'all': 'all',
  '6': 'tcp',
  'tcp': 'tcp',
  '17': 'udp',
  'udp': 'udp',
  '1': 'icmp',
  'icmp': 'icmp',
  '58': 'icmpv6',
  'icmpv6': 'icmpv6',
  'icmp6': 'icmpv6',
};

export const ALL_PORTS: PortRange = { from: 0, to: 65535 };

/** Normalise a protocol. Returns undefined for a value that is not a protocol at all. */
export function normaliseProtocol(value: unknown): Protocol | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim().toLowerCase();
  if (text in PROTOCOL_NUMBERS) return PROTOCOL_NUMBERS[text];
  if (/^\d{1,3}$/.test(text) && Number(text) <= 255) return text;
  return undefined;
}

function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/**
 * The traffic a rule admits. `unknown` is set when FromPort/ToPort cannot be read (tokens, garbage), in which
 * case callers must treat the rule as unresolved rather than as narrow.
 */
export function readTraffic(
  protocolValue: unknown, fromValue: unknown, toValue: unknown,
): { traffic?: Traffic; problem?: string; unsettledBy?: string } {
  const protocol = normaliseProtocol(protocolValue);
  if (protocol === undefined) return { problem: `protocol ${JSON.stringify(protocolValue)} cannot be read` };
  if (protocol === 'all') return { traffic: { protocol } };
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    const type = fromValue === undefined ? -1 : toInt(fromValue);
    const code = toValue === undefined ? -1 : toInt(toValue);
    if (type === undefined || code === undefined) return { problem: `ICMP type/code ${JSON.stringify([fromValue, toValue])} cannot be read` };
    return { traffic: { protocol, icmp: { type, code } } };
  }
  if (protocol === 'tcp' || protocol === 'udp') {
    // No ports, or -1, is read as every port: the widest reading, which AWS does not settle (see AWS_BEHAVIOURS).
    const unsettledBy = AWS_BEHAVIOURS.tcpUdpPortsMinusOneOrNone.id;
    if (fromValue === undefined && toValue === undefined) return { traffic: { protocol, ports: ALL_PORTS }, unsettledBy };
    const from = toInt(fromValue);
    const to = toInt(toValue ?? fromValue);
    if (from === undefined || to === undefined) return { problem: `ports ${JSON.stringify([fromValue, toValue])} cannot be read` };
    if (from === -1 || to === -1) return { traffic: { protocol, ports: ALL_PORTS }, unsettledBy };
    if (from < 0 || to > 65535 || from > to) return { problem: `port range ${from}-${to} is not valid` };
    return { traffic: { protocol, ports: { from, to } } };
  }
  // Another IP protocol (ESP, GRE, ...): no ports, the whole protocol passes.
  return { traffic: { protocol } };
}

/** Whether the traffic carries the given port over a protocol that has ports (tcp, udp, or all). */
export function carriesPort(traffic: Traffic, port: number): boolean {
  if (traffic.protocol === 'all') return true;
  if (traffic.protocol !== 'tcp' && traffic.protocol !== 'udp') return false;
  return traffic.ports !== undefined && traffic.ports.from <= port && port <= traffic.ports.to;
}

/** The ports in `ports` that the traffic carries. */
export function portsCarried(traffic: Traffic, ports: number[]): number[] {
  return ports.filter(port => carriesPort(traffic, port));
}

/** All protocols, or every port of tcp or udp. */
export function isAllPorts(traffic: Traffic): boolean {
  if (traffic.protocol === 'all') return true;
  return (traffic.protocol === 'tcp' || traffic.protocol === 'udp')
    && traffic.ports !== undefined && traffic.ports.from <= 0 && traffic.ports.to >= 65535;
}

/** Whether the traffic has ports at all (ICMP and other protocols do not). */
export function hasPorts(traffic: Traffic): boolean {
  return traffic.protocol === 'all' || traffic.protocol === 'tcp' || traffic.protocol === 'udp';
}

export function describeTraffic(traffic: Traffic): string {
  if (traffic.protocol === 'all') return 'all traffic';
  if (traffic.icmp) {
    const { type, code } = traffic.icmp;
    return type === -1 ? `all ${traffic.protocol}` : `${traffic.protocol} type ${type}${code === -1 ? '' : ` code ${code}`}`;
  }
  if (traffic.ports) {
    const { from, to } = traffic.ports;
    if (from <= 0 && to >= 65535) return `all ${traffic.protocol} ports`;
    return `${traffic.protocol} ${from === to ? from : `${from}-${to}`}`;
  }
  return `protocol ${traffic.protocol}`;
}
