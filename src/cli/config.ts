import * as fs from 'fs';
import * as path from 'path';
import { CliError } from './inputs';
import { resolveParameters } from '../checks/engine';
import { SecurityGroupStrategyOptions } from '../checks/options';

type Shape = 'levels' | 'strings' | 'ports' | 'number' | 'string' | 'boolean';

// Every option, with the JSON shape it takes. Typed by the options interface, so a new option fails to
// compile until it is listed here.
const OPTION_SHAPES: Record<keyof SecurityGroupStrategyOptions, Shape> = {
  ruleLevels: 'levels',
  disabledRules: 'strings',
  adminPorts: 'ports',
  dataPorts: 'ports',
  allowedPublicPorts: 'ports',
  widestPrivateIpv4Prefix: 'number',
  widestPublicIpv4Prefix: 'number',
  widestPrivateIpv6Prefix: 'number',
  widestPublicIpv6Prefix: 'number',
  securityGroupsPerInterfaceQuota: 'number',
  rulesPerDirectionQuota: 'number',
  groupNamePattern: 'string',
  writeReports: 'boolean',
  reportDirectory: 'string',
};

function fits(shape: Shape, value: unknown): boolean {
  switch (shape) {
    case 'levels': return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(v => typeof v === 'string');
    case 'strings': return Array.isArray(value) && value.every(v => typeof v === 'string');
    case 'ports': return Array.isArray(value) && value.every(v => typeof v === 'number');
    default: return typeof value === shape;
  }
}

const SHAPE_TEXT: Record<Shape, string> = {
  levels: 'an object of rule id to "error", "warning" or "info"',
  strings: 'a list of strings',
  ports: 'a list of port numbers',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
};

/**
 * The Aspect's options from a JSON file: the same names and values as SecurityGroupStrategyOptions.
 * Unknown keys, wrong shapes and bad values are CliErrors that name the file.
 */
export function loadConfig(file: string, cwd: string): SecurityGroupStrategyOptions {
  const resolved = path.resolve(cwd, file);
  let config: unknown;
  try {
    config = JSON.parse(fs.readFileSync(resolved, 'utf8'));
  } catch (e) {
    throw new CliError(`--config ${file}: cannot read it as JSON (${(e as Error).message}).`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new CliError(`--config ${file}: expected a JSON object of options, such as { "ruleLevels": { "WideCidrIngress": "error" } }.`);
  }
  const problems: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const shape = OPTION_SHAPES[key as keyof SecurityGroupStrategyOptions];
    if (!shape) problems.push(`unknown option "${key}" (options: ${Object.keys(OPTION_SHAPES).join(', ')})`);
    else if (!fits(shape, value)) problems.push(`${key} must be ${SHAPE_TEXT[shape]}`);
  }
  if (problems.length === 0) {
    try {
      resolveParameters(config as SecurityGroupStrategyOptions);
    } catch (e) {
      problems.push((e as Error).message.replace(/^Invalid sg-strategy options: /, ''));
    }
  }
  if (problems.length > 0) throw new CliError(`--config ${file}: ${problems.join('; ')}.`);
  return config as SecurityGroupStrategyOptions;
}
