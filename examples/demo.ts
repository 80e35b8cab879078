import * as path from 'path';
import { buildExampleApp } from './app';
import { securityGroupPropertyOf } from '../src/model/attachment-properties';

// Synthesize the example app and print, per stack, each security group with its rules and what carries it.
const outdir = path.join(__dirname, 'cdk.out');
const assembly = buildExampleApp(outdir).synth();

type Json = Record<string, any>;

function ref(value: unknown): string {
  if (value && typeof value === 'object') {
    const v = value as Json;
    if (Array.isArray(v['Fn::GetAtt'])) return v['Fn::GetAtt'][0];
    if (typeof v.Ref === 'string') return v.Ref;
    if (v['Fn::ImportValue'] !== undefined) return `import(${JSON.stringify(v['Fn::ImportValue'])})`;
  }
  return String(value);
}

function describeRule(rule: Json): string {
  const protocol = rule.IpProtocol === '-1' ? 'all traffic' : `${rule.IpProtocol} ${rule.FromPort === rule.ToPort ? rule.FromPort : `${rule.FromPort}-${rule.ToPort}`}`;
  const peer = rule.CidrIp ?? rule.CidrIpv6 ?? rule.SourcePrefixListId ?? rule.DestinationPrefixListId
    ?? (rule.SourceSecurityGroupId ? `group ${ref(rule.SourceSecurityGroupId)}` : undefined)
    ?? (rule.DestinationSecurityGroupId ? `group ${ref(rule.DestinationSecurityGroupId)}` : undefined);
  if (rule.CidrIp === '255.255.255.255/32' && rule.FromPort === 252) return 'no egress (CDK deny-all placeholder)';
  return `${protocol} ${peer}`;
}

console.log(`Synthesized ${assembly.stacks.length} stacks into ${path.relative(process.cwd(), outdir)}\n`);
for (const stack of assembly.stacks) {
  const resources: Json = stack.template.Resources ?? {};
  console.log(`Stack ${stack.stackName}`);
  for (const [id, res] of Object.entries<Json>(resources)) {
    if (res.Type !== 'AWS::EC2::SecurityGroup') continue;
    console.log(`  security group ${id}: ${res.Properties.GroupDescription}`);
    const ingress = [...(res.Properties.SecurityGroupIngress ?? [])];
    const egress = [...(res.Properties.SecurityGroupEgress ?? [])];
    for (const other of Object.values<Json>(resources)) {
      if (other.Type === 'AWS::EC2::SecurityGroupIngress' && ref(other.Properties.GroupId) === id) ingress.push(other.Properties);
      if (other.Type === 'AWS::EC2::SecurityGroupEgress' && ref(other.Properties.GroupId) === id) egress.push(other.Properties);
    }
    for (const rule of ingress) console.log(`    admits  ${describeRule(rule)}`);
    for (const rule of egress) console.log(`    reaches ${describeRule(rule)}`);
    if (egress.length === 0) console.log('    reaches everything (no egress rule: AWS allows all)');
  }
  for (const [id, res] of Object.entries<Json>(resources)) {
    const property = securityGroupPropertyOf(res.Type);
    if (!property) continue;
    let groups: any = res.Properties ?? {};
    for (const key of property.path) groups = groups?.[key];
    if (Array.isArray(groups)) console.log(`  ${res.Type} ${id} carries ${groups.map(ref).join(', ')}`);
  }
  console.log('');
}
