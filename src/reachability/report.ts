import { EffectiveAccess, EffectiveRule, Flow, InterfaceKind, OUT_OF_SCOPE } from './effective-access';
import { internetEndpoint } from './endpoints';
import { TrafficSet } from './traffic-set';
import { Witness } from './witness';
import { ResourceRef, refLabel } from '../model/types';
import { groupLabel } from '../rules/rule';

/** The version of sg-strategy-reachability.json's schema; README.md documents it. */
export const REACHABILITY_REPORT_SCHEMA_VERSION = '1.0';

export const REACHABILITY_REPORT_FILE = 'sg-strategy-reachability.json';

export interface ReachabilityReport {
  readonly schemaVersion: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly scope: string;
  readonly endpoints: ReportEndpoint[];
  readonly access: ReportAccess[];
  readonly violations: ReportViolation[];
}

export interface ReportEndpoint {
  readonly id: string;
  readonly kind: 'interfaces' | 'internet';
  readonly label: string;
  /** For interfaces: the groups they carry, by label. */
  readonly groups?: string[];
  readonly vpc?: string | null;
  /** What they accept whatever their rules admit ("all traffic", or a load balancer's listener ports). */
  readonly accepts?: string[];
  readonly members?: ReportMember[];
}

export interface ReportMember {
  readonly constructPath: string | null;
  readonly stackName: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly interface: string | null;
  /** The resource names no group and AWS gives it the VPC's default group. */
  readonly viaDefault: boolean;
}

export interface ReportAccess {
  readonly from: string;
  readonly to: string;
  /** Traffic that may flow, in words ("tcp 5432"). */
  readonly traffic: string[];
  /** The part that flows whatever the unknowns are. */
  readonly certain: string[];
  /** Why the rest is not certain. */
  readonly caveats: string[];
  /** The pairs of rules that let it through: the sender's egress and the receiver's ingress. */
  readonly rules: Array<{ readonly traffic: string[]; readonly egress: string; readonly ingress: string; readonly certain: boolean }>;
}

export interface ReportViolation {
  readonly message: string;
  readonly level: string;
  readonly constructPath: string | null;
  readonly stackName: string;
  readonly logicalId: string;
  readonly acknowledged: boolean;
}

/** A finding as the report needs it. */
export interface ViolationInput {
  readonly ruleId: string;
  readonly level: string;
  readonly message: string;
  readonly constructPath?: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly acknowledged: boolean;
}

const MAX_RULE_PAIRS = 10;

/**
 * The effective-access matrix: every kind of interface in the app (resources that carry the same groups),
 * the internet, and for each pair where something flows, what and through which rules. Only pairs with a
 * flow are listed.
 */
export function reachabilityReport(access: EffectiveAccess, findings: readonly ViolationInput[], version: string): ReachabilityReport {
  const witness = new Witness(access.model);
  const kinds = access.kinds.filter(k => k.members.length > 0);
  const ids = new Map(kinds.map((k, i) => [k, `i${i + 1}`]));
  // Groups and VPCs by label, each found once: many kinds share them.
  const labels = {
    group: foundOnce(key => groupLabel(access.model, key)),
    vpc: foundOnce(key => refLabel(access.model.vpcs.get(key)!.ref)),
  };
  const endpoints: ReportEndpoint[] = [
    ...kinds.map(kind => kindEndpoint(access, kind, ids.get(kind)!, labels)),
    { id: 'internet-ipv4', kind: 'internet', label: 'every public IPv4 address' },
    { id: 'internet-ipv6', kind: 'internet', label: 'every public IPv6 address (2000::/3)' },
  ];
  const entries: ReportAccess[] = access.flows().map(flow => flowEntry(witness, flow, ids.get(flow.from)!, ids.get(flow.to)!));
  const internet = [['internet-ipv4', internetEndpoint(4).addresses!], ['internet-ipv6', internetEndpoint(6).addresses!]] as const;
  // Most kinds' rules come near neither internet, in either direction: one question over both answers that for the four.
  const eitherInternet = internetEndpoint().addresses!;
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i];
    if (!access.mayReachAddresses(kind, eitherInternet)) continue;
    for (const [id, endpoint] of internet) {
      const into = access.addressAccess(kind, 'ingress', endpoint);
      if (!into.everyPossible.isEmpty) entries.push(addressEntry(witness, id, ids.get(kind)!, into.everyPossible, into.everyCertain, into.caveats, into.rules, 'ingress'));
      const out = access.addressAccess(kind, 'egress', endpoint);
      if (!out.everyPossible.isEmpty) entries.push(addressEntry(witness, ids.get(kind)!, id, out.everyPossible, out.everyCertain, out.caveats, out.rules, 'egress'));
    }
  }
  return {
    schemaVersion: REACHABILITY_REPORT_SCHEMA_VERSION,
    tool: { name: 'cdk-sg-strategy', version },
    scope: `${OUT_OF_SCOPE} An interface's address is a private address in its VPC's CIDR; a flow between two VPCs through address rules needs a route, so it is never certain.`,
    endpoints,
    access: entries,
    violations: findings.filter(f => f.ruleId === 'ReachabilityViolation').map(f => ({
      message: f.message,
      level: f.level,
      constructPath: f.constructPath ?? null,
      stackName: f.stackName,
      logicalId: f.logicalId,
      acknowledged: f.acknowledged,
    })),
  };
}

/** `label`, worked out once for each key. */
function foundOnce(label: (key: string) => string): (key: string) => string {
  const known = new Map<string, string>();
  return key => {
    let found = known.get(key);
    if (found === undefined) known.set(key, found = label(key));
    return found;
  };
}

function kindEndpoint(
  access: EffectiveAccess, kind: InterfaceKind, id: string, labels: { group(key: string): string; vpc(key: string): string },
): ReportEndpoint {
  const groups = kind.groups.map(labels.group);
  if (kind.unknownGroups) groups.push('(groups that are not resolved)');
  const vpc = kind.vpcKey ? access.model.vpcs.get(kind.vpcKey) : undefined;
  return {
    id,
    kind: 'interfaces',
    label: kind.members.length === 1 ? memberLabel(kind.members[0].resource) : `${kind.members.length} interfaces carrying ${groups.join(', ')}`,
    groups,
    vpc: vpc ? labels.vpc(kind.vpcKey!) : kind.vpcKey ?? null,
    accepts: kind.accepts.describe(),
    members: kind.members.map(m => ({
      constructPath: m.resource.constructPath ?? null,
      stackName: m.resource.stackName,
      logicalId: m.resource.logicalId,
      resourceType: m.resource.type,
      interface: m.attachment.interfaceLabel ?? null,
      viaDefault: m.attachment.viaDefault,
    })),
  };
}

function memberLabel(ref: ResourceRef): string {
  return refLabel(ref);
}

function flowEntry(witness: Witness, flow: Flow, from: string, to: string): ReportAccess {
  return {
    from,
    to,
    traffic: flow.possible.describe(),
    certain: flow.certain.describe(),
    caveats: [...flow.caveats],
    rules: flow.grants.slice(0, MAX_RULE_PAIRS).map(g => ({
      traffic: g.traffic.describe(),
      egress: witness.rule(g.egress),
      ingress: witness.rule(g.ingress),
      certain: g.certain,
    })),
  };
}

function addressEntry(
  witness: Witness, from: string, to: string, possible: TrafficSet, certain: TrafficSet, caveats: readonly string[], rules: readonly EffectiveRule[], direction: 'ingress' | 'egress',
): ReportAccess {
  const listed = rules.filter(r => !r.traffic.intersect(possible).isEmpty).slice(0, MAX_RULE_PAIRS);
  return {
    from,
    to,
    traffic: possible.describe(),
    certain: certain.describe(),
    caveats: certain.equals(possible) ? [] : [...caveats],
    rules: listed.map(r => ({
      traffic: r.traffic.intersect(possible).describe(),
      egress: direction === 'egress' ? witness.rule(r) : '(the internet: no security group)',
      ingress: direction === 'ingress' ? witness.rule(r) : '(the internet: no security group)',
      certain: r.caveat === undefined && r.peer.kind === 'addresses',
    })),
  };
}

/** sg-strategy-reachability.json's text: the report, indented for people who read it. */
export function reachabilityReportJson(report: ReachabilityReport): string {
  return JSON.stringify(report, undefined, 2);
}

const MAX_TABLE_ROWS = 200;

/** The graph report's section: who reaches whom, in a table. */
export function reachabilityMarkdown(report: ReachabilityReport): string {
  const labels = new Map(report.endpoints.map(e => [e.id, e.label]));
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = report.access.slice(0, MAX_TABLE_ROWS).map(a => {
    const uncertain = a.traffic.filter(t => !a.certain.includes(t));
    const traffic = [...a.certain, ...uncertain.map(t => `${t} (possible)`)].join(', ');
    return `| ${cell(labels.get(a.from) ?? a.from)} | ${cell(labels.get(a.to) ?? a.to)} | ${cell(traffic)} |`;
  });
  const more = report.access.length > MAX_TABLE_ROWS ? ['', `And ${report.access.length - MAX_TABLE_ROWS} more in ${REACHABILITY_REPORT_FILE}.`] : [];
  const violations = report.violations.filter(v => !v.acknowledged);
  return [
    '## Who reaches whom',
    '',
    `What the security groups let through, both sides of each connection: the sender's egress and the receiver's ingress. ${report.scope}`,
    '"Possible" marks traffic that depends on something the app does not settle. The rules behind each row, and every resource',
    `of each kind, are in ${REACHABILITY_REPORT_FILE}.`,
    '',
    ...(rows.length > 0 ? ['| from | to | traffic |', '|---|---|---|', ...rows, ...more] : ['Nothing reaches anything through the security groups of this app.']),
    '',
    ...(violations.length > 0 ? [`Reachability policies broken: ${violations.length} (ReachabilityViolation in the findings).`, ''] : []),
  ].join('\n');
}
