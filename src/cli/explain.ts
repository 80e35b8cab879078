import { CliError } from './cli-error';
import { LINE_WIDTH, readablePath, wrap } from './layout';
import { similarNames } from './similar-names';
import { describeTraffic } from '../model/ports';
import { ExportName, ResourceRef, SecurityGroupModel, SecurityGroupNode } from '../model/types';
import { groupLabel, refLabel } from '../rules/rule';

/** Why a group in an app can or cannot be removed from it. */
export interface Explanation {
  readonly group: string;
  readonly stackName?: string;
  readonly logicalId?: string;
  readonly constructPath?: string;
  readonly groupName?: string;
  /** Nothing in the app stands in the way. */
  readonly canBeRemoved: boolean;
  /** It is exported: a stack outside the app may import it, which would stand in the way too. */
  readonly exported: boolean;
  /** What must go, or change, before the group can be deleted. */
  readonly blockers: string[];
  /** What else a user should know: waits, exports other apps may use, what was not resolved. */
  readonly notes: string[];
}

/** A resource as people read it, without the placeholders CDK puts in the ids of some rules. */
function resourceLabel(ref: ResourceRef): string {
  return ref.constructPath ? readablePath(ref.constructPath, ref.logicalId, ref.type) : refLabel(ref);
}

/** Every name a user may know a group by, for finding it and for suggesting it. */
function namesOf(model: SecurityGroupModel, group: SecurityGroupNode): string[] {
  const names: string[] = [];
  if (group.ref) {
    names.push(group.ref.logicalId, `${group.ref.stackName}/${group.ref.logicalId}`, `${group.ref.stackId}/${group.ref.logicalId}`);
    if (group.ref.constructPath) names.push(group.ref.constructPath, refLabel(group.ref));
  }
  if (group.groupName) names.push(group.groupName);
  if (group.nameTag) names.push(group.nameTag);
  if (group.externalId) names.push(group.externalId);
  if (group.defaultOfVpc) {
    // A VPC's default group is found by the VPC's names.
    const vpc = model.vpcs.get(group.defaultOfVpc);
    if (vpc) names.push(vpc.ref.logicalId, `${vpc.ref.stackName}/${vpc.ref.logicalId}`, ...(vpc.ref.constructPath ? [vpc.ref.constructPath, refLabel(vpc.ref)] : []));
  }
  return [...new Set(names)];
}

/**
 * The group a user means by a logical id, construct path, group name or Name tag (or a VPC's, for its
 * default group). Not found, or more than one: a CliError that suggests names.
 */
export function findGroup(model: SecurityGroupModel, query: string): SecurityGroupNode {
  const groups = [...model.groups.values()].filter(g => g.ref || g.defaultOfVpc || g.attachments.length > 0);
  for (const equal of [(a: string) => a === query, (a: string) => a.toLowerCase() === query.toLowerCase()]) {
    const matches = groups.filter(g => namesOf(model, g).some(equal));
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      const qualified = matches.map(g => (g.ref ? `${g.ref.stackName}/${g.ref.logicalId}` : groupLabel(model, g.key)));
      throw new CliError(`"${query}" names ${matches.length} security groups: ${qualified.join(', ')}. Name one as Stack/LogicalId or by its construct path.`);
    }
  }
  // Suggest what people type: paths, logical ids, group names and Name tags.
  const candidates = groups.flatMap(g => (g.ref ? [refLabel(g.ref), g.ref.logicalId, g.groupName, g.nameTag] : []))
    .filter((name): name is string => name !== undefined);
  const suggestions = similarNames(query, candidates);
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map(s => `"${s}"`).join(', ')}?` : '';
  const count = groups.filter(g => g.ref).length;
  throw new CliError(`No security group "${query}" among the ${count} groups in this app.${hint} Name a group by its logical id, construct path, group name or Name tag.`);
}

/** Whether the group can be removed from the app, and what stands in the way. */
export function explainGroup(model: SecurityGroupModel, group: SecurityGroupNode): Explanation {
  const blockers: string[] = [];
  const notes: string[] = [];
  const label = groupLabel(model, group.key);

  if (group.defaultOfVpc) {
    blockers.push('It is a VPC\'s default security group: AWS creates it with the VPC and deletes it only with the VPC. Lock it instead (LockedDefaultSecurityGroup).');
  } else if (!group.ref) {
    notes.push(`It is not defined in this app (${group.externalId ?? group.key}); this app only uses it.`);
  }

  for (const attachment of group.attachments) {
    const where = attachment.interfaceLabel ? ` (${attachment.interfaceLabel})` : '';
    const how = attachment.viaDefault ? 'gets it by default, having no group of its own' : 'carries it';
    blockers.push(`${attachment.resource.type} ${resourceLabel(attachment.resource)}${where} ${how}.`);
  }

  for (const other of model.groups.values()) {
    if (other.key === group.key) continue;
    for (const rule of other.rules) {
      if (rule.peer.kind !== 'group' || rule.peer.groupKey !== group.key) continue;
      const traffic = rule.traffic ? describeTraffic(rule.traffic) : 'unknown traffic';
      const stack = other.ref ? ` (stack ${other.ref.stackName})` : '';
      const statedBy = other.ref && rule.origin.logicalId !== other.ref.logicalId ? `, stated by ${rule.origin.type} ${resourceLabel(rule.origin)}` : '';
      const verb = rule.direction === 'ingress' ? 'admits it' : 'sends to it';
      blockers.push(`A rule in ${groupLabel(model, other.key)}${stack} ${verb} on ${traffic}${statedBy}.`);
    }
  }

  const selfRules = group.rules.filter(r => r.peer.kind === 'group' && r.peer.groupKey === group.key);
  if (selfRules.length > 0) notes.push(`Its ${selfRules.length} rule(s) naming itself go with it and do not block its removal.`);

  // One line per importing stack and export, naming every resource there that uses it.
  const uses = new Map<string, typeof group.crossStackUses>();
  for (const use of group.crossStackUses) {
    const key = `${use.by.stackName}|${use.via}|${use.exportName ?? ''}`;
    uses.set(key, [...(uses.get(key) ?? []), use]);
  }
  for (const [first, ...others] of uses.values()) {
    const via = first.via === 'import' ? `imports it through export ${first.exportName ?? '(unnamed)'}` : 'receives it as a nested-stack parameter';
    const users = [first, ...others].map(u => `${u.by.type} ${resourceLabel(u.by)}`).join(', ');
    blockers.push(`Stack ${first.by.stackName} ${via}, in ${users}; CloudFormation keeps an export while a stack imports it.`);
  }
  for (const exported of group.exports) notes.push(exportNote(exported));
  for (const ref of group.references) {
    blockers.push(`${ref.type} ${resourceLabel(ref)} refers to it.`);
  }

  const lambdas = group.attachments.filter(a => a.resource.type === 'AWS::Lambda::Function');
  if (lambdas.length > 0) {
    notes.push(`Deleting ${lambdas.map(a => resourceLabel(a.resource)).join(', ')} (or taking it out of the VPC) leaves its network interfaces for AWS to release, ` +
      'which takes up to 45 minutes; until then the group cannot be deleted, and a stack delete waits on it.');
  }
  // Unresolved attachments and rules are in model.unresolved too.
  const unresolved = model.unresolved.length;
  if (unresolved > 0) {
    notes.push(`${unresolved} thing(s) in this app could not be resolved (see \`sg-strategy check\`); one of them may use this group.`);
  }

  return {
    group: label,
    stackName: group.ref?.stackName,
    logicalId: group.ref?.logicalId,
    constructPath: group.ref?.constructPath,
    groupName: group.groupName ?? group.nameTag,
    canBeRemoved: blockers.length === 0,
    exported: group.exports.length > 0,
    blockers,
    notes,
  };
}

/**
 * What to know of an export: stacks outside the assembly may import it, and the command that lists them, on a
 * line of its own so the text output never breaks it. A name computed at deploy time is said to be so; where only
 * the stack's name is unknown, the command takes it from STACK_NAME.
 */
function exportNote(exported: ExportName): string {
  const { name, viaParameter } = exported;
  if (!name.includes('${')) {
    const which = viaParameter ? ` (the default of parameter ${viaParameter}; the name deployed may differ)` : '';
    return `It is exported as "${name}"${which}. Stacks outside this assembly may import it; this lists them:\naws cloudformation list-imports --export-name ${name}`;
  }
  const computed = `It is exported under a name computed at deploy time, "${name}"`;
  if (name.replace(/\$\{AWS::StackName\}/g, '').includes('${')) {
    return `${computed}. Stacks outside this assembly may import it; aws cloudformation list-exports shows the name it got, and list-imports with that name lists them.`;
  }
  return `${computed}, with the name the stack is deployed under in place of \${AWS::StackName}. `
    + `Stacks outside this assembly may import it; with that name in STACK_NAME, this lists them:\naws cloudformation list-imports --export-name "${name.replace(/\$\{AWS::StackName\}/g, '${STACK_NAME}')}"`;
}

/** A shell command that does not fit on a line, continued before each option so it can still be pasted. */
function command(text: string): string[] {
  if (`    ${text}`.length <= LINE_WIDTH) return [`    ${text}`];
  const [program, ...options] = text.split(/ (?=--)/);
  return [`    ${program} \\`, ...options.map((option, i) => `      ${option}${i < options.length - 1 ? ' \\' : ''}`)];
}

/** The explanation as text, every line within 120 columns. */
export function explanationText(e: Explanation): string {
  const where = e.logicalId ? ` (${e.logicalId} in stack ${e.stackName})` : '';
  const bullets = (items: string[]) => items.flatMap(item => item.split('\n').flatMap(paragraph => (paragraph.startsWith('aws ') ? command(paragraph) : wrap(paragraph, '    ')))
    .map((line, i) => (i === 0 ? `  - ${line.trimStart()}` : line)));
  const removable = !e.canBeRemoved ? 'no' : e.exported ? 'yes, unless a stack outside this assembly imports it (see below)' : 'yes';
  const lines = [...wrap(`${e.group}${where}`, ''), `Can be removed: ${removable}`];
  if (e.blockers.length > 0) lines.push('', 'What blocks it:', ...bullets(e.blockers));
  else lines.push('  Nothing in this app carries it, refers to it or imports it.');
  if (e.notes.length > 0) lines.push('', 'Also:', ...bullets(e.notes));
  return lines.join('\n');
}
