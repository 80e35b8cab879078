import { EndpointSpec, PolicyStatement, PortSpec, ReachabilityDeclarations, StatementKind } from './declarations';

/**
 * A policy file, for teams that keep intent outside the app code or check hand-written CloudFormation:
 *
 * ```yaml
 * tierTag: Tier                      # optional: the tag whose value names a resource's tier
 * tiers:                             # optional: tiers by the names of what is in them
 *   api: [OrdersApi/Api]
 * policies:
 *   - onlyFrom: { target: OrdersData/Postgres, sources: [tier:api], ports: [tcp:5432] }
 *   - never: { from: tier:web, to: tier:data }
 *   - notFromInternet: { target: tier:data }
 *   - mustReach: { from: OrdersApi/Worker, to: OrdersData/Postgres, ports: [tcp:5432] }
 *     description: the worker writes orders
 * ```
 *
 * An endpoint is a construct path, a logical id (or Stack/LogicalId), a group name or Name tag, `tier:NAME`,
 * `internet` (or `internet-ipv4`, `internet-ipv6`), a CIDR, a prefix list id, or `vpc-cidr:NAME`.
 * Ports are `tcp:5432`, `tcp:8000-8080`, `udp:53`, `icmp:8`, `icmp:8:0`, `icmpv6:128`, `tcp` (every tcp
 * port), `all`, or a protocol number.
 */
export class PolicyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyFileError';
  }
}

const KINDS: readonly StatementKind[] = ['onlyFrom', 'never', 'notFromInternet', 'mustReach'];

/** The declarations of a parsed policy file; `file` names it in messages. Bad input is a PolicyFileError. */
export function readPolicyDocument(document: unknown, file: string): ReachabilityDeclarations {
  const root = record(document, `${file}: the file`);
  const known = new Set(['policies', 'tiers', 'tierTag']);
  for (const key of Object.keys(root)) if (!known.has(key)) throw new PolicyFileError(`${file}: unknown key "${key}" (expected policies, tiers, tierTag)`);
  const tierTagKey = root.tierTag === undefined ? undefined : text(root.tierTag, `${file}: tierTag`);
  const tiers = new Map<string, EndpointSpec[]>();
  if (root.tiers !== undefined) {
    for (const [name, members] of Object.entries(record(root.tiers, `${file}: tiers`))) {
      const where = `${file}: tier ${name}`;
      tiers.set(name, list(members, where).map((m, i) => ({ kind: 'name', name: text(m, `${where}, entry ${i + 1}`) })));
    }
  }
  if (!Array.isArray(root.policies) || root.policies.length === 0) throw new PolicyFileError(`${file}: "policies" must be a list of at least one policy`);
  const endpoint = (value: unknown, where: string): EndpointSpec => {
    const name = text(value, where);
    const tier = /^tier:(.+)$/i.exec(name)?.[1]?.trim();
    // A tier the file defines is the union of what it names; any other is the app's (Tier.assign, tags).
    if (tier !== undefined && tiers.has(tier)) return { kind: 'any', of: tiers.get(tier)!, label: `tier ${tier}` };
    return { kind: 'name', name };
  };
  const statements: PolicyStatement[] = root.policies.map((entry, i) => {
    const declaredAt = `${file}, policy ${i + 1}`;
    const body = record(entry, declaredAt);
    const kinds = KINDS.filter(k => k in body);
    if (kinds.length !== 1) throw new PolicyFileError(`${declaredAt}: give exactly one of ${KINDS.join(', ')}`);
    for (const key of Object.keys(body)) if (key !== kinds[0] && key !== 'description') throw new PolicyFileError(`${declaredAt}: unknown key "${key}"`);
    const kind = kinds[0];
    const fields = record(body[kind], `${declaredAt}: ${kind}`);
    const allowed = { onlyFrom: ['target', 'sources', 'ports'], never: ['from', 'to', 'ports'], notFromInternet: ['target', 'ports'], mustReach: ['from', 'to', 'ports'] }[kind];
    for (const key of Object.keys(fields)) if (!allowed.includes(key)) throw new PolicyFileError(`${declaredAt}: ${kind} takes ${allowed.join(', ')}, not "${key}"`);
    const ports = fields.ports === undefined ? undefined : list(fields.ports, `${declaredAt}: ports`).map((p, j) => readPort(p, `${declaredAt}: ports, entry ${j + 1}`));
    if (kind === 'mustReach' && !ports) throw new PolicyFileError(`${declaredAt}: mustReach needs ports, such as [tcp:5432]`);
    const description = body.description === undefined ? undefined : text(body.description, `${declaredAt}: description`);
    const field = (name: string) => endpoint(fields[name], `${declaredAt}: ${kind}.${name}`);
    switch (kind) {
      case 'onlyFrom': {
        const sources = list(fields.sources, `${declaredAt}: onlyFrom.sources`);
        if (sources.length === 0) throw new PolicyFileError(`${declaredAt}: onlyFrom.sources is empty`);
        return { kind, target: field('target'), sources: sources.map((s, j) => endpoint(s, `${declaredAt}: onlyFrom.sources, entry ${j + 1}`)), ports, description, declaredAt };
      }
      case 'notFromInternet': return { kind, target: field('target'), sources: [], ports, description, declaredAt };
      default: return { kind, target: field('to'), sources: [field('from')], ports, description, declaredAt };
    }
  });
  return { statements, tiers: [], tierTagKey };
}

/** `tcp:5432`, `tcp:8000-8080`, `udp:53`, `icmp:8`, `icmp:8:0`, `tcp`, `all`, `50`. */
export function readPort(value: unknown, where: string): PortSpec {
  const spec = text(typeof value === 'number' ? String(value) : value, where).trim().toLowerCase();
  const bad = () => new PolicyFileError(`${where}: "${spec}" is not a port; write tcp:5432, tcp:8000-8080, udp:53, icmp:8, icmp:8:0, tcp, all or a protocol number`);
  if (spec === 'all' || spec === '-1') return { ipProtocol: '-1' };
  const [protocol, first, second, ...rest] = spec.split(':');
  if (rest.length > 0) throw bad();
  if (/^\d{1,3}$/.test(protocol) && first === undefined) {
    if (Number(protocol) > 255) throw bad();
    return { ipProtocol: protocol };
  }
  const number = (v: string | undefined, max: number) => {
    if (v === undefined || !/^\d+$/.test(v) || Number(v) > max) throw bad();
    return Number(v);
  };
  if (protocol === 'tcp' || protocol === 'udp') {
    if (second !== undefined) throw bad();
    if (first === undefined) return { ipProtocol: protocol, fromPort: 0, toPort: 65535 };
    const [from, to] = first.split('-');
    const fromPort = number(from, 65535);
    const toPort = to === undefined ? fromPort : number(to, 65535);
    if (toPort < fromPort) throw bad();
    return { ipProtocol: protocol, fromPort, toPort };
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    if (first === undefined) return { ipProtocol: protocol, fromPort: -1, toPort: -1 };
    return { ipProtocol: protocol, fromPort: number(first, 255), toPort: second === undefined ? -1 : number(second, 255) };
  }
  throw bad();
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new PolicyFileError(`${where} must be a mapping`);
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string): unknown[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) throw new PolicyFileError(`${where} must be a list`);
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new PolicyFileError(`${where} must be a non-empty string`);
  return value.trim();
}
