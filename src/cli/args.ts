import { parseArgs as parseNodeArgs } from 'util';
import { CliError } from './cli-error';
import { similarNames } from './similar-names';

/** One flag of a command, as its help lists it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly description: string;
  /** The values a string flag takes; the first is its default. */
  readonly choices?: readonly string[];
  /** What the help calls the value, when there are no choices: FILE, NAME. */
  readonly value?: string;
  readonly repeatable?: boolean;
  readonly short?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Every command's --help, -h. */
export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'print this help' };

export interface ParsedArgs {
  readonly positional: string[];
  /** Each string flag's values, in order; one value unless the flag is repeatable. */
  readonly values: Map<string, string[]>;
  readonly switches: Set<string>;
}

/**
 * Flags by node:util's parseArgs (`--flag value`, `--flag=value`, switches, `--` before positionals), with
 * errors that name the command, its flags, and the flag the user may have meant.
 */
export function parseArgs(command: string, argv: readonly string[], options: OptionSpecs): ParsedArgs {
  const known = Object.keys(options).map(name => `--${name}`);
  let parsed: ReturnType<typeof parseNodeArgs>;
  try {
    parsed = parseNodeArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(Object.entries(options).map(([name, spec]) => [name, {
        type: spec.type,
        // Every string flag is collected, so a flag given twice is refused rather than silently the last.
        multiple: spec.type === 'string',
        ...(spec.short ? { short: spec.short } : {}),
      }])),
    });
  } catch (e) {
    throw argumentError(command, e as Error & { code?: string }, known);
  }
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'boolean') {
      if (value) switches.add(name);
      continue;
    }
    const list = (value ?? []) as string[];
    if (list.length > 1 && !options[name]?.repeatable) throw new CliError(`${command}: --${name} is given twice`);
    const allowed = options[name]?.choices;
    for (const v of list) {
      if (allowed && !allowed.includes(v)) throw new CliError(`${command}: --${name} must be ${allowed.join(', ')}; got "${v}"`);
    }
    values.set(name, list);
  }
  return { positional: parsed.positionals, values, switches };
}

function argumentError(command: string, e: Error & { code?: string }, known: string[]): CliError {
  const flag = /'(-[^' ]+)/.exec(e.message)?.[1] ?? '';
  const options = `options: ${known.join(', ')}`;
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const near = similarNames(flag, known, 1);
      const hint = near.length > 0 ? ` Did you mean ${near[0]}?` : '';
      return new CliError(`${command}: unknown option ${flag} (${options}).${hint}`);
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(e.message)
        ? new CliError(`${command}: ${flag} takes no value`)
        : new CliError(`${command}: ${flag} needs a value`);
    default:
      return new CliError(`${command}: ${e.message}`);
  }
}

/** The value of a flag with choices, or its default: the first choice. */
export function choice(args: ParsedArgs, flag: string, options: OptionSpecs): string {
  return args.values.get(flag)?.[0] ?? options[flag].choices![0];
}

/** A string flag's value; undefined when absent. */
export function stringValue(args: ParsedArgs, flag: string): string | undefined {
  return args.values.get(flag)?.[0];
}

/** A repeatable flag's values, each of which may also be a comma-separated list. */
export function listValues(args: ParsedArgs, flag: string): string[] {
  return (args.values.get(flag) ?? []).flatMap(v => v.split(',')).map(v => v.trim()).filter(v => v !== '');
}
