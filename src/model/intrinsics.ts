import { StackTemplate } from './types';

/**
 * What an expression in a template stands for, as far as synth can tell.
 */
export type Resolved =
  | { readonly kind: 'literal'; readonly value: string | number | boolean; readonly viaParameter?: string; readonly viaImport?: ImportHop; readonly viaVpcCidr?: string }
  | { readonly kind: 'resource'; readonly stackId: string; readonly logicalId: string; readonly attribute?: string; readonly viaImport?: ImportHop }
  | { readonly kind: 'list'; readonly items: Resolved[] }
  | { readonly kind: 'unresolved'; readonly reason: string };

/** The last export an expression passed through on its way to another stack. */
export interface ImportHop {
  readonly exportName: string;
  readonly via: 'import' | 'nested-stack-parameter';
}

interface StackIndex {
  readonly input: StackTemplate;
  readonly resources: Record<string, any>;
  readonly parameters: Record<string, any>;
  readonly outputs: Record<string, any>;
}

const MAX_DEPTH = 24;

function asRecord(value: unknown): Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, any> : {};
}

/**
 * Resolves intrinsic functions across every stack of an app: Ref, Fn::GetAtt, Fn::ImportValue through the
 * app's exports, parameters through their defaults or a nested stack's parent, and the simple string
 * functions when every part is known. Everything else is reported as unresolved, never guessed.
 */
export class IntrinsicResolver {
  private readonly stacks = new Map<string, StackIndex>();
  private readonly exports = new Map<string, { stackId: string; value: unknown }>();
  /** Nested stacks by parent stack id and the logical id of their AWS::CloudFormation::Stack resource. */
  private readonly nestedByParent = new Map<string, string>();

  constructor(stacks: StackTemplate[]) {
    for (const input of stacks) {
      const template = asRecord(input.template);
      this.stacks.set(input.stackId, {
        input,
        resources: asRecord(template.Resources),
        parameters: asRecord(template.Parameters),
        outputs: asRecord(template.Outputs),
      });
      if (input.parent) {
        this.nestedByParent.set(`${input.parent.stackId}|${input.parent.logicalId}`, input.stackId);
      }
    }
    for (const [stackId, index] of this.stacks) {
      for (const output of Object.values(index.outputs)) {
        const name = asRecord(asRecord(output).Export).Name;
        const resolvedName = name === undefined ? undefined : this.resolve(stackId, name);
        if (resolvedName?.kind === 'literal') {
          this.exports.set(String(resolvedName.value), { stackId, value: asRecord(output).Value });
        }
      }
    }
  }

  public stack(stackId: string): StackTemplate | undefined {
    return this.stacks.get(stackId)?.input;
  }

  public resources(stackId: string): Record<string, any> {
    return this.stacks.get(stackId)?.resources ?? {};
  }

  public resource(stackId: string, logicalId: string): Record<string, any> | undefined {
    const resource = this.stacks.get(stackId)?.resources[logicalId];
    return resource === undefined ? undefined : asRecord(resource);
  }

  /** The stack that exports `name`, if it is in the app. */
  public exporter(name: string): string | undefined {
    return this.exports.get(name)?.stackId;
  }

  public resolve(stackId: string, value: unknown, depth = 0): Resolved {
    if (depth > MAX_DEPTH) return { kind: 'unresolved', reason: 'references nest too deeply (a cycle?)' };
    if (value === null || value === undefined) return { kind: 'unresolved', reason: 'no value' };
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      return { kind: 'literal', value };
    }
    if (Array.isArray(value)) {
      return { kind: 'list', items: value.map(item => this.resolve(stackId, item, depth + 1)) };
    }
    if (typeof value !== 'object') return { kind: 'unresolved', reason: `a ${typeof value}` };
    const keys = Object.keys(value);
    if (keys.length !== 1) return { kind: 'unresolved', reason: `an object with keys ${keys.join(', ') || '(none)'}` };
    const fn = keys[0];
    const arg = (value as Record<string, unknown>)[fn];
    switch (fn) {
      case 'Ref': return this.resolveRef(stackId, arg, depth);
      case 'Fn::GetAtt': return this.resolveGetAtt(stackId, arg, depth);
      case 'Fn::ImportValue': return this.resolveImport(stackId, arg, depth);
      case 'Fn::Join': return this.resolveJoin(stackId, arg, depth);
      case 'Fn::Select': return this.resolveSelect(stackId, arg, depth);
      case 'Fn::Sub': return this.resolveSub(stackId, arg, depth);
      default: return { kind: 'unresolved', reason: `${fn} is not evaluated at synth` };
    }
  }

  /** Flatten a resolved value into its items: a list's items, or the value itself. */
  public items(resolved: Resolved): Resolved[] {
    return resolved.kind === 'list' ? resolved.items.flatMap(item => this.items(item)) : [resolved];
  }

  private resolveRef(stackId: string, name: unknown, depth: number): Resolved {
    if (typeof name !== 'string') return { kind: 'unresolved', reason: 'Ref to a non-string' };
    if (name.startsWith('AWS::')) return { kind: 'unresolved', reason: `pseudo parameter ${name}` };
    const index = this.stacks.get(stackId);
    if (!index) return { kind: 'unresolved', reason: `unknown stack ${stackId}` };
    if (name in index.resources) return { kind: 'resource', stackId, logicalId: name };
    if (name in index.parameters) return this.resolveParameter(stackId, name, depth);
    return { kind: 'unresolved', reason: `Ref to ${name}, which is not in the template` };
  }

  private resolveParameter(stackId: string, name: string, depth: number): Resolved {
    const index = this.stacks.get(stackId)!;
    const parent = index.input.parent;
    if (parent) {
      const stackResource = this.resource(parent.stackId, parent.logicalId);
      const passed = asRecord(asRecord(stackResource?.Properties).Parameters)[name];
      if (passed !== undefined) {
        const resolved = this.resolve(parent.stackId, passed, depth + 1);
        return withHop(resolved, { exportName: name, via: 'nested-stack-parameter' });
      }
    }
    const parameter = asRecord(index.parameters[name]);
    if (parameter.Default === undefined) {
      return { kind: 'unresolved', reason: `parameter ${name} has no default` };
    }
    if (typeof parameter.Type === 'string' && parameter.Type.startsWith('AWS::SSM::Parameter::Value')) {
      return { kind: 'unresolved', reason: `parameter ${name} is read from SSM at deploy time` };
    }
    const resolved = this.resolve(stackId, parameter.Default, depth + 1);
    if (resolved.kind === 'literal' && typeof resolved.value === 'string' && String(parameter.Type).startsWith('List<')) {
      return { kind: 'list', items: resolved.value.split(',').map(v => ({ kind: 'literal', value: v.trim(), viaParameter: name })) };
    }
    return resolved.kind === 'literal' ? { ...resolved, viaParameter: name } : resolved;
  }

  private resolveGetAtt(stackId: string, arg: unknown, depth: number): Resolved {
    let logicalId: unknown;
    let attribute: unknown;
    if (typeof arg === 'string') {
      const dot = arg.indexOf('.');
      [logicalId, attribute] = dot === -1 ? [arg, undefined] : [arg.slice(0, dot), arg.slice(dot + 1)];
    } else if (Array.isArray(arg) && arg.length === 2) {
      [logicalId, attribute] = arg;
    }
    if (typeof logicalId !== 'string' || typeof attribute !== 'string') {
      return { kind: 'unresolved', reason: 'Fn::GetAtt with an argument that is not [resource, attribute]' };
    }
    const resource = this.resource(stackId, logicalId);
    if (!resource) return { kind: 'unresolved', reason: `Fn::GetAtt of ${logicalId}, which is not in the template` };
    if (resource.Type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
      const nestedId = this.nestedByParent.get(`${stackId}|${logicalId}`);
      const output = nestedId ? asRecord(this.stacks.get(nestedId)?.outputs[attribute.slice('Outputs.'.length)]) : undefined;
      if (nestedId && output && output.Value !== undefined) {
        return withHop(this.resolve(nestedId, output.Value, depth + 1), { exportName: attribute, via: 'nested-stack-parameter' });
      }
      return { kind: 'unresolved', reason: `output ${attribute} of nested stack ${logicalId} is not in the app` };
    }
    if (/(^|\.)Port$/.test(attribute) && ENDPOINT_PORT_TYPES.has(String(resource.Type))) {
      const declared = this.resolve(stackId, asRecord(resource.Properties).Port, depth + 1);
      const port = endpointPort(declared, resource);
      if (port !== undefined) return { kind: 'literal', value: port, viaParameter: declared.kind === 'literal' ? declared.viaParameter : undefined };
      return { kind: 'unresolved', reason: `the port of ${logicalId} is not known at synth` };
    }
    if (resource.Type === 'AWS::EC2::VPC' && attribute === 'CidrBlock') {
      const cidr = this.resolve(stackId, asRecord(resource.Properties).CidrBlock, depth + 1);
      if (cidr.kind === 'literal') return { ...cidr, viaVpcCidr: logicalId };
      return { kind: 'unresolved', reason: `the CIDR of VPC ${logicalId} is not known at synth` };
    }
    return { kind: 'resource', stackId, logicalId, attribute };
  }

  private resolveImport(stackId: string, arg: unknown, depth: number): Resolved {
    const name = this.resolve(stackId, arg, depth + 1);
    if (name.kind !== 'literal') return { kind: 'unresolved', reason: 'Fn::ImportValue of a name not known at synth' };
    const exported = this.exports.get(String(name.value));
    if (!exported) return { kind: 'unresolved', reason: `import of ${name.value}, which no stack in the app exports` };
    return withHop(this.resolve(exported.stackId, exported.value, depth + 1), { exportName: String(name.value), via: 'import' });
  }

  private resolveJoin(stackId: string, arg: unknown, depth: number): Resolved {
    if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') {
      return { kind: 'unresolved', reason: 'Fn::Join with unexpected arguments' };
    }
    const parts = this.items(this.resolve(stackId, arg[1], depth + 1));
    if (parts.every(p => p.kind === 'literal')) {
      const literals = parts as Array<Extract<Resolved, { kind: 'literal' }>>;
      return withParameter({ kind: 'literal', value: literals.map(p => String(p.value)).join(arg[0]) }, literals);
    }
    return { kind: 'unresolved', reason: 'Fn::Join of values not known at synth' };
  }

  private resolveSelect(stackId: string, arg: unknown, depth: number): Resolved {
    if (!Array.isArray(arg) || arg.length !== 2) return { kind: 'unresolved', reason: 'Fn::Select with unexpected arguments' };
    const index = this.resolve(stackId, arg[0], depth + 1);
    const list = this.resolve(stackId, arg[1], depth + 1);
    if (index.kind === 'literal' && list.kind === 'list') {
      const item = list.items[Number(index.value)];
      if (item) return item;
    }
    return { kind: 'unresolved', reason: 'Fn::Select of values not known at synth' };
  }

  private resolveSub(stackId: string, arg: unknown, depth: number): Resolved {
    const text = typeof arg === 'string' ? arg : Array.isArray(arg) && typeof arg[0] === 'string' ? arg[0] : undefined;
    const vars = Array.isArray(arg) ? asRecord(arg[1]) : {};
    if (text === undefined) return { kind: 'unresolved', reason: 'Fn::Sub with unexpected arguments' };
    let failed = false;
    const used: Array<Extract<Resolved, { kind: 'literal' }>> = [];
    const value = text.replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
      const resolved = name in vars ? this.resolve(stackId, vars[name], depth + 1) : undefined;
      if (resolved?.kind === 'literal') {
        used.push(resolved);
        return String(resolved.value);
      }
      failed = true;
      return '';
    });
    return failed ? { kind: 'unresolved', reason: 'Fn::Sub of values not known at synth' } : withParameter({ kind: 'literal', value }, used);
  }
}

const ENDPOINT_PORT_TYPES = new Set([
  'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::DocDB::DBCluster', 'AWS::Neptune::DBCluster',
  'AWS::Redshift::Cluster', 'AWS::ElastiCache::CacheCluster', 'AWS::ElastiCache::ReplicationGroup',
]);

// The port a database listens on when its template names none: the engine's default.
const ENGINE_PORTS: Array<[RegExp, number]> = [
  [/postgres/, 5432], [/mysql|mariadb|^aurora$/, 3306], [/^oracle/, 1521], [/^sqlserver/, 1433],
  [/^docdb/, 27017], [/^neptune/, 8182], [/^redis|^valkey/, 6379], [/^memcached/, 11211],
];

function endpointPort(port: Resolved, resource: Record<string, any>): number | undefined {
  if (port.kind === 'literal' && Number.isInteger(Number(port.value))) return Number(port.value);
  if (port.kind !== 'unresolved' || port.reason !== 'no value') return undefined;
  const type = String(resource.Type);
  if (type === 'AWS::DocDB::DBCluster') return 27017;
  if (type === 'AWS::Neptune::DBCluster') return 8182;
  if (type === 'AWS::Redshift::Cluster') return 5439;
  const engine = String(asRecord(resource.Properties).Engine ?? (type.startsWith('AWS::ElastiCache') ? 'redis' : '')).toLowerCase();
  return ENGINE_PORTS.find(([pattern]) => pattern.test(engine))?.[1];
}

/** A literal built from parts keeps the first parameter default among them: the deployed value may differ. */
function withParameter(
  built: Extract<Resolved, { kind: 'literal' }>, parts: Array<Extract<Resolved, { kind: 'literal' }>>,
): Extract<Resolved, { kind: 'literal' }> {
  const viaParameter = parts.find(p => p.viaParameter)?.viaParameter;
  return viaParameter ? { ...built, viaParameter } : built;
}

function withHop(resolved: Resolved, hop: ImportHop): Resolved {
  if (resolved.kind === 'resource' || resolved.kind === 'literal') {
    return { ...resolved, viaImport: resolved.viaImport ?? hop };
  }
  if (resolved.kind === 'list') return { kind: 'list', items: resolved.items.map(item => withHop(item, hop)) };
  return resolved;
}
