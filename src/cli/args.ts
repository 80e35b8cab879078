import { CliError } from './inputs';

/** The flags a command takes: those with a value, and those that are switches. */
export interface FlagSpec {
  readonly values: readonly string[];
  readonly switches?: readonly string[];
  /** Flags that may be given more than once. */
  readonly repeatable?: readonly string[];
}

export interface ParsedArgs {
  readonly positional: string[];
  readonly values: Map<string, string[]>;
  readonly switches: Set<string>;
}

/** `--flag value`, `--flag=value` and switches; anything after `--` is positional. Unknown flags are errors. */
export function parseArgs(command: string, argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const positional: string[] = [];
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  const known = [...spec.values, ...(spec.switches ?? [])].map(f => `--${f}`).join(', ') || 'none';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const [flag, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (spec.switches?.includes(flag)) {
      if (inline !== undefined) throw new CliError(`${command}: --${flag} takes no value`);
      switches.add(flag);
      continue;
    }
    if (!spec.values.includes(flag)) throw new CliError(`${command}: unknown option --${flag} (options: ${known})`);
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new CliError(`${command}: --${flag} needs a value`);
    const list = values.get(flag) ?? [];
    if (list.length > 0 && !spec.repeatable?.includes(flag)) throw new CliError(`${command}: --${flag} is given twice`);
    values.set(flag, [...list, value]);
  }
  return { positional, values, switches };
}

/** The value of a flag that must be one of `allowed`, or its default. */
export function choice(command: string, args: ParsedArgs, flag: string, allowed: readonly string[]): string {
  const value = args.values.get(flag)?.[0] ?? allowed[0];
  if (!allowed.includes(value)) throw new CliError(`${command}: --${flag} must be ${allowed.join(', ')}; got "${value}"`);
  return value;
}
