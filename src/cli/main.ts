import { choice, parseArgs } from './args';
import { INTERFACES_USAGE, runInterfaces } from './audit/interfaces-command';
import { PRUNE_USAGE, runPrune } from './audit/prune';
import { RESTORE_USAGE, runRestore } from './audit/restore';
import { AuditClientFactory, runAudit } from './audit/run-audit';
import { loadConfig } from './config';
import { explainGroup, explanationText, findGroup } from './explain';
import { findingsSummary, findingsTable } from './findings-table';
import { CliError, loadInputs } from './inputs';
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

const USAGE = `sg-strategy: security-group checks, graph and removal answers for CDK apps and AWS accounts

Usage:
  sg-strategy check   [cdk.out | template.json | template.yaml ...] [--format table|json|sarif] [--config options.json]
  sg-strategy graph   [cdk.out | template ...] [--format mermaid|dot]
  sg-strategy explain <group> [cdk.out | template ...] [--format text|json]
  sg-strategy audit   [--region r] [--profile p] [--group sg-... ...] [--unused] [--format table|json]
  ${INTERFACES_USAGE}
  ${PRUNE_USAGE}
  ${RESTORE_USAGE}

check, graph and explain read ./cdk.out when no path is given. <group> is a logical id, a construct path
or a group name. audit reads a live account and never changes anything. prune deletes nothing without
--apply, and writes a record first; restore recreates the groups a record holds.

Exit codes: 0 fine; 1 check found an unacknowledged error, or prune or restore left something undone; 2 the
command could not run.`;

export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    out: text => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: text => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  };
}

/** Runs one command line. Returns the exit code; never calls process.exit. */
export async function main(argv: readonly string[], io: CliIo = processIo(), deps: CliDependencies = {}): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check': return check(rest, io);
      case 'graph': return graph(rest, io);
      case 'explain': return explain(rest, io);
      case 'audit': return rest.includes('--interfaces') ? await runInterfaces(rest, io, { clients: deps.auditClients }) : await audit(rest, io, deps);
      case 'prune': return await runPrune(rest, io, { clients: deps.auditClients });
      case 'restore': return await runRestore(rest, io, { clients: deps.auditClients });
      case '--version': case 'version':
        io.out(packageVersion());
        return EXIT.OK;
      case undefined: case '--help': case '-h': case 'help':
        io.out(USAGE);
        return command === undefined ? EXIT.FAILED : EXIT.OK;
      default:
        throw new CliError(`unknown command "${command}". Commands: check, graph, explain, audit, prune, restore.`);
    }
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`sg-strategy: ${e.message}`);
      return EXIT.FAILED;
    }
    io.err(`sg-strategy: unexpected failure: ${(e as Error).stack ?? String(e)}`);
    return EXIT.FAILED;
  }
}

function analysed(paths: string[], io: CliIo, options: SecurityGroupStrategyOptions = {}) {
  const inputs = loadInputs(paths.length > 0 ? paths : ['cdk.out'], io.cwd);
  return analyse(inputs.templates, options, inputs.acknowledgements);
}

function check(argv: readonly string[], io: CliIo): number {
  const args = parseArgs('check', argv, { values: ['format', 'config'] });
  const format = choice('check', args, 'format', ['table', 'json', 'sarif']);
  const configFile = args.values.get('config')?.[0];
  const options = configFile ? loadConfig(configFile, io.cwd) : {};
  const { findings } = analysed(args.positional, io, options);
  if (format === 'json') io.out(JSON.stringify(jsonReport(findings, packageVersion()), undefined, 2));
  else if (format === 'sarif') io.out(JSON.stringify(sarifReport(findings, packageVersion()), undefined, 2));
  else io.out(`${findingsTable(findings)}\n\n${findingsSummary(findings)}`);
  return findings.some(f => f.level === 'error' && !f.acknowledged) ? EXIT.FINDINGS : EXIT.OK;
}

function graph(argv: readonly string[], io: CliIo): number {
  const args = parseArgs('graph', argv, { values: ['format'] });
  const format = choice('graph', args, 'format', ['mermaid', 'dot']);
  const { model } = analysed(args.positional, io);
  io.out(format === 'dot' ? dotGraph(model) : mermaidGraph(model));
  return EXIT.OK;
}

function explain(argv: readonly string[], io: CliIo): number {
  const args = parseArgs('explain', argv, { values: ['format'] });
  const format = choice('explain', args, 'format', ['text', 'json']);
  const [query, ...paths] = args.positional;
  if (!query) throw new CliError('explain: name a group, by logical id, construct path or group name: sg-strategy explain <group> [cdk.out]');
  const { model } = analysed(paths, io);
  const explanation = explainGroup(model, findGroup(model, query));
  io.out(format === 'json' ? JSON.stringify(explanation, undefined, 2) : explanationText(explanation));
  return EXIT.OK;
}

async function audit(argv: readonly string[], io: CliIo, deps: CliDependencies): Promise<number> {
  const args = parseArgs('audit', argv, { values: ['region', 'profile', 'group', 'format'], switches: ['unused'], repeatable: ['group'] });
  const format = choice('audit', args, 'format', ['table', 'json']);
  if (args.positional.length > 0) throw new CliError(`audit reads a live account and takes no paths; got "${args.positional[0]}"`);
  return runAudit({
    region: args.values.get('region')?.[0],
    profile: args.values.get('profile')?.[0],
    groupIds: (args.values.get('group') ?? []).flatMap(g => g.split(',')).map(g => g.trim()).filter(g => g !== ''),
    unusedOnly: args.switches.has('unused'),
    format: format as 'table' | 'json',
  }, io, deps.auditClients);
}
