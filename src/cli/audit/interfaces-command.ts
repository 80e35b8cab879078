import { auditInterfaces, DetachedSince, InterfaceAudit, interfacesTable } from './interface-audit';
import { readDetachedSince } from './interface-history';
import { InventoryReader } from './inventory';
import { CleanupDependencies, openSession } from './session';
import { AUDIT_OPTIONS } from '../account-options';
import { choice, listValues, ParsedArgs, stringValue } from '../args';
import { CliError } from '../inputs';
import type { CliIo } from '../main';
import { similarNames } from '../similar-names';

export const INTERFACES_USAGE = 'sg-strategy audit --interfaces [--region r] [--profile p] [--used | --unused] [--interface eni-... ...] [--vpc vpc-... ...] [--no-history] [--format table|json]';

/** The JSON that `audit --interfaces --format json` prints; README documents it field by field. */
export interface InterfacesReport {
  readonly schemaVersion: '1.0';
  readonly region: string;
  readonly interfaces: InterfaceAudit[];
  readonly warnings: string[];
}

/**
 * `sg-strategy audit --interfaces`: one line per network interface, what is behind it, whether it is used,
 * and for an unused one how long it has been so and whether AWS will delete it. Reads only.
 */
export async function runInterfaces(args: ParsedArgs, io: CliIo, deps: CleanupDependencies = {}): Promise<number> {
  const format = choice(args, 'format', AUDIT_OPTIONS);
  if (args.positional.length > 0) throw new CliError(`audit reads a live account and takes no paths; got "${args.positional[0]}"`);
  const used = args.switches.has('used');
  const unused = args.switches.has('unused');
  if (used && unused) throw new CliError('audit --interfaces: --used and --unused exclude each other; give one, or neither for both');
  const wanted = listValues(args, 'interface');
  const vpcs = listValues(args, 'vpc');

  const session = await openSession(io, { region: stringValue(args, 'region'), profile: stringValue(args, 'profile') }, deps);
  io.err(`sg-strategy audit --interfaces: reading ${session.region}${session.profile ? ` as profile ${session.profile}` : ''} (read-only)...`);
  const inventory = await new InventoryReader(session.clients, text => io.err(text), session.policy, session.profile).read();
  const ids = inventory.interfaces.map(i => i.NetworkInterfaceId ?? '');
  const missing = wanted.filter(w => !ids.includes(w));
  if (missing.length > 0) {
    const hints = missing.map(m => {
      const similar = similarNames(m, ids);
      return `"${m}"${similar.length > 0 ? ` (did you mean ${similar.join(', ')}?)` : ''}`;
    });
    throw new CliError(`No network interface ${hints.join(', ')} in ${session.region}, among ${ids.length} interfaces.`);
  }

  const now = deps.now?.() ?? new Date();
  const shown = (audits: InterfaceAudit[]) => audits
    .filter(a => wanted.length === 0 || wanted.includes(a.interfaceId))
    .filter(a => vpcs.length === 0 || (a.vpcId !== undefined && vpcs.includes(a.vpcId)))
    .filter(a => (used ? a.inUse : unused ? !a.inUse : true));
  // Only the interfaces shown, and only the available ones, are looked up: CloudTrail allows two calls a second.
  const available = shown(auditInterfaces(inventory, new Map(), now)).filter(a => !a.inUse).map(a => a.interfaceId);
  let history: ReadonlyMap<string, DetachedSince> = new Map();
  if (!args.switches.has('no-history') && available.length > 0) {
    io.err(`  CloudTrail: when ${available.length === 1 ? 'the available interface was' : `the ${available.length} available interfaces were`} detached...`);
    history = await readDetachedSince(session.cloudtrail(), available, session.call, inventory.warnings) ?? new Map();
  }
  const audits = shown(auditInterfaces(inventory, history, now));

  if (format === 'json') {
    const report: InterfacesReport = { schemaVersion: '1.0', region: session.region, interfaces: audits, warnings: inventory.warnings };
    io.out(JSON.stringify(report, undefined, 2));
  } else {
    io.out(interfacesTable(audits, inventory.warnings, session.region));
  }
  return 0;
}
