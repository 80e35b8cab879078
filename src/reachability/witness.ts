import { AddressEndpoint, AddressAccess, EffectiveRule, Flow, InterfaceKind, Member } from './effective-access';
import { TrafficSet } from './traffic-set';
import { AWS_BEHAVIOURS } from '../model/aws-behaviours';
import { SecurityGroupModel, SecurityGroupRule, refLabel } from '../model/types';
import { groupLabel } from '../rules/rule';

/** One end of a flow as a witness names it: an interface of a resource, or a supposed member of a group. */
export interface End {
  readonly kind: InterfaceKind;
  readonly member?: Member;
}

/**
 * The words of a witness: which resource, carrying which groups, reaches which, on what, through which rules
 * (with the stack and logical id of each), so a reader can find every rule in the templates.
 */
export class Witness {
  constructor(private readonly model: SecurityGroupModel) {}

  public group(key: string): string {
    return `\`${groupLabel(this.model, key)}\``;
  }

  public groups(kind: InterfaceKind): string {
    const names = kind.groups.map(g => this.group(g));
    if (kind.unknownGroups) names.push('groups that are not resolved');
    return names.length > 0 ? names.join(', ') : 'no group';
  }

  /** "`OrdersApi/Worker` (carries `AppSg`)", or "a member of `AppSg` (nothing in the app carries it)". */
  public end(end: End): string {
    if (!end.member) return `a member of ${this.groups(end.kind)} (nothing in the app carries ${end.kind.groups.length > 1 ? 'them' : 'it'})`;
    const resource = end.member.resource;
    const where = end.member.attachment.interfaceLabel ? `, interface ${end.member.attachment.interfaceLabel}` : '';
    const fallback = end.member.attachment.viaDefault ? ', by falling back to it' : '';
    return `\`${refLabel(resource)}\` (carries ${this.groups(end.kind)}${fallback}${where})`;
  }

  /** Where a rule is stated, so it can be found: its stack and logical id, or the AWS behaviour that puts it there. */
  public origin(rule: SecurityGroupRule): string {
    if (rule.implicitBy === AWS_BEHAVIOURS.defaultGroupRules.id) return `AWS's default rule of the VPC's default group, see ${rule.implicitBy}`;
    if (rule.implicitBy) return `AWS's allow-all egress of a group with no egress rule, see ${rule.implicitBy}`;
    const where = `stack ${rule.origin.stackName}, logical id ${rule.origin.logicalId}`;
    return rule.standalone ? `rule in ${where}` : `inline in ${where}`;
  }

  /** "`AppSg` egress to `DbSg` (rule in stack OrdersApi, logical id AppSgToDb)". */
  public rule(rule: EffectiveRule): string {
    const side = rule.direction === 'egress' ? 'egress to' : 'ingress from';
    const owner = rule.groupKey === '(unresolved)' ? 'its unresolved groups' : this.group(rule.groupKey);
    if (!rule.source) return `${owner}: ${rule.supposed ?? 'a supposed rule'} (${side.split(' ')[0]}, ${rule.traffic})`;
    const source = rule.source;
    let peer: string;
    switch (source.peer.kind) {
      case 'group': peer = source.peer.groupKey === rule.groupKey ? 'itself' : this.group(source.peer.groupKey); break;
      case 'cidr': peer = `${source.peer.cidr.text}${source.peer.vpcCidrOf ? ' (the whole VPC CIDR)' : source.peer.viaParameter ? ` (the default of parameter ${source.peer.viaParameter})` : ''}`; break;
      case 'prefixList': peer = `prefix list ${source.peer.id}`; break;
      default: peer = `an unresolved peer (${source.peer.reason})`;
    }
    const traffic = rule.traffic.equals(TrafficSet.ALL) ? 'all traffic' : rule.traffic.toString();
    return `${owner} ${side} ${peer} on ${traffic} (${this.origin(source)})`;
  }

  /**
   * The path in words: "`A` (carries `AppSg`) reaches `B` (carries `DbSg`) on tcp 5432: `AppSg` egress to
   * `DbSg` (...), `DbSg` ingress from `AppSg` (...)."
   */
  public flow(from: End, to: End, flow: Flow, traffic: TrafficSet): string {
    const grants = flow.grants.filter(g => !g.traffic.intersect(traffic).isEmpty);
    const shown = [...grants.filter(g => g.certain), ...grants.filter(g => !g.certain)].slice(0, 3);
    const paths = shown.map(g => `${this.rule(g.egress)}, ${this.rule(g.ingress)}`);
    const more = grants.length > shown.length ? `; and ${grants.length - shown.length} more pairs of rules` : '';
    const accepts = to.kind.acceptsNote ? ` (${to.kind.acceptsNote})` : '';
    return `${this.end(from)} reaches ${this.end(to)} on ${traffic}${accepts}: ${paths.join('; ')}${more}.`;
  }

  /** An address endpoint reaching an interface, or the other way, through one side's rules. */
  public addressFlow(direction: 'ingress' | 'egress', kindEnd: End, endpoint: AddressEndpoint, access: AddressAccess, traffic: TrafficSet): string {
    const rules = access.rules.filter(r => !r.traffic.intersect(traffic).isEmpty);
    const listed = rules.slice(0, 4).map(r => this.rule(r)).join('; ');
    const more = rules.length > 4 ? `; and ${rules.length - 4} more rules` : '';
    const together = endpoint.internet && rules.length > 1 ? ', which together admit every public address' : '';
    const accepts = direction === 'ingress' && kindEnd.kind.acceptsNote ? ` (${kindEnd.kind.acceptsNote})` : '';
    const head = direction === 'ingress'
      ? `${endpoint.label} reaches ${this.end(kindEnd)} on ${traffic}${accepts}`
      : `${this.end(kindEnd)} reaches ${endpoint.label} on ${traffic}`;
    return `${head}: ${listed}${more}${together}.`;
  }
}
