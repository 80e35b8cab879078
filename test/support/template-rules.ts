import { Template } from 'aws-cdk-lib/assertions';

/** A rule as the template states it, inline or standalone, with its group resolved to a logical id. */
export interface TemplateRule {
  readonly direction: 'ingress' | 'egress';
  readonly group: string;
  readonly rule: Record<string, unknown>;
}

/** The logical id behind `{ Fn::GetAtt: [id, GroupId] }` or `{ Ref: id }`, else the value as JSON. */
export function groupRef(value: unknown): string {
  if (value && typeof value === 'object') {
    const v = value as Record<string, any>;
    if (Array.isArray(v['Fn::GetAtt'])) return v['Fn::GetAtt'][0];
    if (typeof v.Ref === 'string') return v.Ref;
  }
  return JSON.stringify(value);
}

/** Every ingress and egress rule of every security group in the template. */
export function allRules(template: Template): TemplateRule[] {
  const rules: TemplateRule[] = [];
  for (const [id, res] of Object.entries(template.findResources('AWS::EC2::SecurityGroup'))) {
    const props = (res as any).Properties ?? {};
    for (const rule of props.SecurityGroupIngress ?? []) rules.push({ direction: 'ingress', group: id, rule });
    for (const rule of props.SecurityGroupEgress ?? []) rules.push({ direction: 'egress', group: id, rule });
  }
  for (const res of Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))) {
    const { GroupId, ...rule } = (res as any).Properties;
    rules.push({ direction: 'ingress', group: groupRef(GroupId), rule });
  }
  for (const res of Object.values(template.findResources('AWS::EC2::SecurityGroupEgress'))) {
    const { GroupId, ...rule } = (res as any).Properties;
    rules.push({ direction: 'egress', group: groupRef(GroupId), rule });
  }
  return rules;
}

export function rulesOf(template: Template, groupLogicalId: string, direction: 'ingress' | 'egress') {
  return allRules(template).filter(r => r.group === groupLogicalId && r.direction === direction).map(r => r.rule);
}

/** The one logical id of a resource of `type` whose properties contain `fragment` in their JSON. */
export function logicalIdOf(template: Template, type: string, predicate: (props: any) => boolean): string {
  const ids = Object.entries(template.findResources(type)).filter(([, r]) => predicate((r as any).Properties ?? {})).map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}: ${ids.join(', ')}`);
  return ids[0];
}

/** CDK's deny-all placeholder egress rule. */
export function isDenyAllPlaceholder(rule: Record<string, unknown>): boolean {
  return rule.CidrIp === '255.255.255.255/32' && rule.IpProtocol === 'icmp' && rule.FromPort === 252 && rule.ToPort === 86;
}
