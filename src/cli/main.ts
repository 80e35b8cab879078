import * as fs from 'fs';
import * as path from 'path';
import { OptionSpecs, ParsedArgs, choice, parseArgs } from './args';
import type { AuditClientFactory } from './audit/run-audit';
import { CliError, isCliError } from './cli-error';
import { loadConfig } from './config';
import { explainGroup, explanationText, findGroup } from './explain';
import { findingsSummary, findingsTable } from './findings-table';
import { LoadedInputs, loadInputs } from './inputs';
import { wrap } from './layout';
import { similarNames } from './similar-names';
import { analyse } from '../checks/engine';
import { SecurityGroupStrategyOptions } from '../checks/options';
import { dotGraph, mermaidGraph } from '../checks/reports/graph';
import { jsonReport } from '../checks/reports/json';
import { sarifReport } from '../checks/reports/sarif';
import { packageVersion } from '../checks/version';

/** Where the command reads and writes; tests pass their own. */
export interface CliIo {
  readonly cwd: string;
  readonly env: Record<string, string | undefined>;
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error: progress and errors. */
  err(text: string): void;
}

export interface CliDependencies {
  /** Builds the AWS clients for `audit`; tests point them at an emulator or a mock. */
  readonly auditClients?: AuditClientFactory;
}

/** Exit codes: what a script calling the command can rely on. */
export const EXIT = {
  OK: 0,
  /** `check` found an error-level finding that is not acknowledged. */
  FINDINGS: 1,
  /** The command could not run: a bad path, option, config, credentials, or an AWS call that failed. */
  FAILED: 2,
} as const;

interface Command {
  readonly synopsis: string;
  readonly summary: string;
  /** What the command does, for its help. */
  readonly description: string;
  readonly options: OptionSpecs;
  /**
   * Set for the commands that read their own flags (the account commands, which live in a bundle of their
   * own): `options` then only lists them for the help, and `run` gets the words as typed.
   */
  readonly parsesOwnFlags?: boolean;
  run(args: ParsedArgs, io: CliIo, deps: CliDependencies, argv: readonly string[]): number | Promise<number>;
}

const HELP_OPTION = { type: 'boolean', short: 'h', description: 'print this help' } as const;
const PATHS = '[cdk.out | template ...]';
const EXIT_CODES = 'Exit codes: 0 fine; 1 check found an error-level finding that is not acknowledged, or prune or restore\n'
  + 'left something undone; 2 the command could not run.';

const COMMANDS: Record<string, Command> = {
  check: {
    synopsis: `sg-strategy check ${PATHS} [--format table|json|sarif] [--config FILE] [--verbose]`,
    summary: 'the findings of the rule catalog, as a table, the JSON report or SARIF',
    description: 'Models every security group of a cloud assembly (Stages and nested stacks included) or of CloudFormation '
      + 'templates in JSON or YAML, runs the rule catalog over it, and prints the findings: errors first. It honours the '
      + 'acknowledgements the app made with Validations.of(scope).acknowledge. Reads ./cdk.out when given no path.',
    options: {
      format: { type: 'string', choices: ['table', 'json', 'sarif'], description: 'a table, the JSON report, or SARIF 2.1.0 for code scanning' },
      config: { type: 'string', value: 'FILE', description: 'the Aspect\'s options as JSON: { "ruleLevels": {...}, "adminPorts": [...] }' },
      verbose: { type: 'boolean', description: 'the table gives each finding\'s fix' },
      help: HELP_OPTION,
    },
    run: check,
  },
  graph: {
    synopsis: `sg-strategy graph ${PATHS} [--format mermaid|dot]`,
    summary: 'who admits whom on which ports, and what carries each group',
    description: 'Draws the security groups, their peers and the resources that carry them. A permission that both '
      + 'sides grant (an ingress rule and the matching egress rule) is one edge; one that only one side grants is '
      + 'marked half-open. Reads ./cdk.out when given no path.',
    options: {
      format: { type: 'string', choices: ['mermaid', 'dot'], description: 'Mermaid (for Markdown) or Graphviz DOT' },
      help: HELP_OPTION,
    },
    run: graph,
  },
  explain: {
    synopsis: `sg-strategy explain <group> ${PATHS} [--format text|json]`,
    summary: 'whether a group can be removed from the app, and what blocks it',
    description: 'Names a group by its logical id, Stack/LogicalId, construct path, group name or Name tag (a VPC names '
      + 'its default group), and says what carries it, which rules in other groups name it, and which stacks import it. '
      + 'Reads ./cdk.out when given no path.',
    options: {
      format: { type: 'string', choices: ['text', 'json'], description: 'text or JSON' },
      help: HELP_OPTION,
    },
    run: explain,
  },
  audit: {
    synopsis: 'sg-strategy audit [--region r] [--profile p] [--group sg-... ...] [--unused] [--format table|json]\n'
      + '       sg-strategy audit --interfaces [--used | --unused] [--interface eni-... ...] [--vpc vpc-... ...] [--no-history] [--format table|json]',
    summary: 'the groups (or, with --interfaces, the network interfaces) of a live account: what holds each, and whether it can go',
    description: 'Reads the security groups of one region, the network interfaces that carry them and what is behind '
      + 'each, and the rules that name them, with the AWS SDK\'s usual credentials. With --interfaces, one line per '
      + 'network interface: what is behind it, whether it is used, how long an unused one has been so, and whether AWS '
      + 'deletes it itself. It never changes anything.',
    options: {
      'region': { type: 'string', value: 'REGION', description: 'the region (default: AWS_REGION, or the profile\'s)' },
      'profile': { type: 'string', value: 'NAME', description: 'a profile of ~/.aws/config' },
      'group': { type: 'string', value: 'ID|NAME', repeatable: true, description: 'only this group (repeat, or separate with commas)' },
      'unused': { type: 'boolean', description: 'only the groups (or interfaces) that can be removed' },
      'interfaces': { type: 'boolean', description: 'one line per network interface instead of per group' },
      'used': { type: 'boolean', description: 'with --interfaces: only the interfaces in use' },
      'interface': { type: 'string', value: 'ENI', repeatable: true, description: 'with --interfaces: only this interface' },
      'vpc': { type: 'string', value: 'VPC', repeatable: true, description: 'with --interfaces: only the interfaces of this VPC' },
      'no-history': { type: 'boolean', description: 'with --interfaces: do not ask CloudTrail how long an interface has been unused' },
      'format': { type: 'string', choices: ['table', 'json'], description: 'a table or JSON' },
      'help': HELP_OPTION,
    },
    run: audit,
  },
  prune: {
    synopsis: 'sg-strategy prune [--region r] [--profile p] [--group sg-... ...] [--vpc vpc-... ...] [--interfaces] '
      + '[--interface eni-... ...] [--exempt-tag key[=value] ...] [--record-dir dir|s3://bucket/prefix] [--apply] [--format table|json]',
    summary: 'delete unused groups (and unused interfaces), keeping a record first; a dry run without --apply',
    description: 'Plans which unused security groups (and, with --interfaces, unused available network interfaces) can '
      + 'go, and says why it keeps the rest: default groups, anything used or referenced, groups of a CloudFormation '
      + 'stack, interfaces AWS manages, and anything with an exemption tag. With --apply it writes a record of '
      + 'everything it will delete first, then checks each again just before deleting it. Exit 1 when something '
      + 'planned was not deleted.',
    parsesOwnFlags: true,
    options: {
      'region': { type: 'string', value: 'REGION', description: 'the region (default: AWS_REGION, or the profile\'s)' },
      'profile': { type: 'string', value: 'NAME', description: 'a profile of ~/.aws/config' },
      'group': { type: 'string', value: 'ID', repeatable: true, description: 'only this group' },
      'vpc': { type: 'string', value: 'VPC', repeatable: true, description: 'only this VPC' },
      'interfaces': { type: 'boolean', description: 'unused available network interfaces too' },
      'interface': { type: 'string', value: 'ENI', repeatable: true, description: 'only this interface (implies --interfaces; groups then only with --group)' },
      'exempt-tag': { type: 'string', value: 'KEY[=VALUE]', repeatable: true, description: 'keep what carries this tag (sg-strategy:keep always counts)' },
      'record-dir': { type: 'string', value: 'DIR|s3://BUCKET/PREFIX', description: 'where the record goes (default: sg-strategy-records)' },
      'apply': { type: 'boolean', description: 'delete; without it nothing is deleted' },
      'format': { type: 'string', choices: ['table', 'json'], description: 'a table or JSON' },
      'help': HELP_OPTION,
    },
    run: (_args, io, deps, argv) => accountCommands().runPrune(argv, io, { clients: deps.auditClients }),
  },
  restore: {
    synopsis: 'sg-strategy restore <record> [--group sg-... ...] [--region r] [--profile p] [--format table|json]',
    summary: 'recreate the groups a prune record holds, with their rules and tags',
    description: 'Makes each recorded group again in its VPC, with its name, description, tags and rules, points rules '
      + 'among them at the new ids, and lists what could not come back, such as rules in other groups that named '
      + 'the old id. Running it twice makes nothing twice.',
    parsesOwnFlags: true,
    options: {
      group: { type: 'string', value: 'ID', repeatable: true, description: 'only this group of the record' },
      region: { type: 'string', value: 'REGION', description: 'the region (default: the record\'s)' },
      profile: { type: 'string', value: 'NAME', description: 'a profile of ~/.aws/config' },
      format: { type: 'string', choices: ['table', 'json'], description: 'a table or JSON' },
      help: HELP_OPTION,
    },
    run: (_args, io, deps, argv) => accountCommands().runRestore(argv, io, { clients: deps.auditClients }),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map(n => n.length));
  return [
    'sg-strategy: security-group checks, graph and removal answers for CDK apps and AWS accounts',
    '',
    'Usage: sg-strategy <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  sg-strategy help <command> describes a command and its options`,
    '',
    'check, graph and explain read ./cdk.out when no path is given. <group> is a logical id, a construct path,',
    'a group name or a Name tag. audit reads a live account and never changes anything. prune deletes nothing',
    'without --apply, and writes a record first; restore recreates the groups a record holds.',
    '',
    EXIT_CODES,
  ].join('\n');
}

function commandHelp(name: string): string {
  const command = COMMANDS[name];
  const flags = Object.entries(command.options).map(([flag, spec]) => {
    const value = spec.type === 'boolean' ? '' : ` ${spec.choices ? spec.choices.join('|') : spec.value ?? 'VALUE'}`;
    return { flag: `${spec.short ? `-${spec.short}, ` : ''}--${flag}${value}`, spec };
  });
  const width = Math.max(...flags.map(f => f.flag.length));
  return [
    ...wrap(`Usage: ${command.synopsis}`, '').map((line, i) => (i === 0 ? line : `  ${line}`)),
    '',
    ...wrap(command.description, ''),
    '',
    'Options:',
    ...flags.flatMap(({ flag, spec }) => {
      const text = spec.choices ? `${spec.description} (default: ${spec.choices[0]})` : spec.description;
      return wrap(text, ' '.repeat(width + 4)).map((line, i) => (i === 0 ? `  ${flag.padEnd(width)}  ${line.trimStart()}` : line));
    }),
    '',
    EXIT_CODES,
  ].join('\n');
}

export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    out: text => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: text => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  };
}

function unknownCommand(name: string): CliError {
  const near = similarNames(name, Object.keys(COMMANDS), 1);
  const hint = near.length > 0 ? ` Did you mean "${near[0]}"?` : '';
  return new CliError(`unknown command "${name}".${hint} Commands: ${Object.keys(COMMANDS).join(', ')}; sg-strategy --help says more.`);
}

/** Runs one command line. Returns the exit code; never calls process.exit. */
export async function main(argv: readonly string[], io: CliIo = processIo(), deps: CliDependencies = {}): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      io.err(usage());
      return EXIT.FAILED;
    }
    if (name === '--help' || name === '-h') {
      io.out(usage());
      return EXIT.OK;
    }
    if (name === 'help') {
      // `help help` and `help --help` ask for the usage, like `help` alone.
      const topic = ['help', '--help', '-h'].includes(rest[0]) ? undefined : rest[0];
      if (topic !== undefined && !COMMANDS[topic]) throw unknownCommand(topic);
      io.out(topic ? commandHelp(topic) : usage());
      return EXIT.OK;
    }
    if (name === '--version' || name === '-v' || name === 'version') {
      io.out(packageVersion());
      return EXIT.OK;
    }
    const command = COMMANDS[name];
    if (!command) throw unknownCommand(name);
    // Help wins over whatever else is on the line, right or wrong.
    const flags = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
    if (flags.includes('--help') || flags.includes('-h')) {
      io.out(commandHelp(name));
      return EXIT.OK;
    }
    const args = command.parsesOwnFlags ? { positional: [], values: new Map(), switches: new Set<string>() } : parseArgs(name, rest, command.options);
    return await command.run(args, io, deps, rest);
  } catch (e) {
    if (isCliError(e)) {
      io.err(`sg-strategy: ${e.message}`);
      return EXIT.FAILED;
    }
    io.err(`sg-strategy: unexpected failure: ${(e as Error).stack ?? String(e)}`);
    return EXIT.FAILED;
  }
}

function read(paths: string[], io: CliIo): LoadedInputs {
  return loadInputs(paths.length > 0 ? paths : ['cdk.out'], io.cwd);
}

function check(args: ParsedArgs, io: CliIo): number {
  const format = choice(args, 'format', COMMANDS.check.options);
  const configFile = args.values.get('config')?.[0];
  const options: SecurityGroupStrategyOptions = configFile ? loadConfig(configFile, io.cwd) : {};
  const inputs = read(args.positional, io);
  const { findings } = analyse(inputs.templates, options, inputs.acknowledgements, inputs.language);
  if (format === 'json') {
    io.out(JSON.stringify(jsonReport(findings, packageVersion()), undefined, 2));
  } else if (format === 'sarif') {
    const sarif = sarifReport(findings, packageVersion(), {
      uriBase: { id: '%SRCROOT%', description: 'The directory sg-strategy check ran in.' },
      positions: inputs.positions,
      fallbackArtifact: inputs.assemblies[0] ? `${inputs.assemblies[0]}/manifest.json` : undefined,
    });
    io.out(JSON.stringify(sarif, undefined, 2));
  } else {
    io.out(`${findingsTable(findings, '', { verbose: args.switches.has('verbose') })}\n\n${findingsSummary(findings)}`);
  }
  return findings.some(f => f.level === 'error' && !f.acknowledged) ? EXIT.FINDINGS : EXIT.OK;
}

function graph(args: ParsedArgs, io: CliIo): number {
  const format = choice(args, 'format', COMMANDS.graph.options);
  const inputs = read(args.positional, io);
  const { model } = analyse(inputs.templates, {}, inputs.acknowledgements);
  io.out(format === 'dot' ? dotGraph(model) : mermaidGraph(model));
  return EXIT.OK;
}

/** Whether a command-line word names something on disk that explain reads: an assembly or a template. */
function isInputPath(word: string, cwd: string): boolean {
  const resolved = path.resolve(cwd, word);
  return fs.existsSync(resolved) && (fs.statSync(resolved).isDirectory() || /\.(json|ya?ml|template)$/i.test(word));
}

function explain(args: ParsedArgs, io: CliIo): number {
  const format = choice(args, 'format', COMMANDS.explain.options);
  const [query, ...paths] = args.positional;
  const howTo = 'sg-strategy explain <group> [cdk.out | template ...]';
  if (!query) throw new CliError(`explain: name a group, by logical id, construct path, group name or Name tag: ${howTo}`);
  // `explain cdk.out` forgets the group; `explain cdk.out Db` swaps the two.
  if (isInputPath(query, io.cwd) && !paths.some(p => isInputPath(p, io.cwd))) {
    const swapped = paths.length === 1 ? ` Did you mean: sg-strategy explain ${paths[0]} ${query}?` : '';
    throw new CliError(`explain: ${query} is where the groups are, not a group; name the group first: ${howTo}.${swapped}`);
  }
  const inputs = read(paths, io);
  const { model } = analyse(inputs.templates, {}, inputs.acknowledgements);
  const explanation = explainGroup(model, findGroup(model, query));
  io.out(format === 'json' ? JSON.stringify(explanation, undefined, 2) : explanationText(explanation));
  return EXIT.OK;
}

/**
 * The account commands. The AWS SDK is most of the command's code, so they load it from a file of their own,
 * and the other commands start as fast as Node does.
 */
function accountCommands(): typeof import('./audit/account') {
  // A require, not import(): esbuild leaves it to Node to load the file beside the bundle at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./audit/account') as typeof import('./audit/account');
}

async function audit(args: ParsedArgs, io: CliIo, deps: CliDependencies, argv: readonly string[]): Promise<number> {
  if (args.switches.has('interfaces')) return accountCommands().runInterfaces(argv, io, { clients: deps.auditClients });
  for (const flag of ['used', 'interface', 'vpc', 'no-history']) {
    if (args.switches.has(flag) || args.values.has(flag)) throw new CliError(`audit: --${flag} goes with --interfaces`);
  }
  if (args.positional.length > 0) throw new CliError(`audit reads a live account and takes no paths; got "${args.positional[0]}"`);
  return accountCommands().runAudit({
    region: args.values.get('region')?.[0],
    profile: args.values.get('profile')?.[0],
    groupIds: (args.values.get('group') ?? []).flatMap(g => g.split(',')).map(g => g.trim()).filter(g => g !== ''),
    unusedOnly: args.switches.has('unused'),
    format: choice(args, 'format', COMMANDS.audit.options) as 'table' | 'json',
  }, io, deps.auditClients);
}
