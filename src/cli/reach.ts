import * as fs from 'fs';
import * as path from 'path';
import { choice, OptionSpecs, ParsedArgs } from './args';
import { CliError } from './cli-error';
import { findingsSummary, findingsTable } from './findings-table';
import { LoadedInputs, loadInputs } from './inputs';
import { wrap } from './layout';
import { applyAcknowledgements, reachabilityFindings } from '../checks/engine';
import { jsonReport } from '../checks/reports/json';
import { packageVersion } from '../checks/version';
import { buildModel } from '../model/build-model';
import { ReachabilityDeclarations } from '../reachability/declarations';
import { EffectiveAccess, OUT_OF_SCOPE } from '../reachability/effective-access';
import { trafficOfPorts } from '../reachability/evaluate';
import { PolicyFileError, readPolicyDocument, readPort } from '../reachability/policy-file';
import { ReachQueryError, answerReach } from '../reachability/reach';
import { TrafficSet } from '../reachability/traffic-set';

/** The exit code of a broken policy: main's EXIT.FINDINGS. */
const VIOLATED = 1;
const OK = 0;

const HELP_OPTION = { type: 'boolean', short: 'h', description: 'print this help' } as const;

export const REACH_OPTIONS: OptionSpecs = {
  port: { type: 'string', value: 'PROTO:PORT', repeatable: true, description: 'only this traffic, and say which side refuses what is missing: tcp:5432, udp:53, icmp:8, all' },
  format: { type: 'string', choices: ['text', 'json'], description: 'text or JSON' },
  help: HELP_OPTION,
};

export const VERIFY_OPTIONS: OptionSpecs = {
  policy: { type: 'string', value: 'FILE', description: 'the policies, in YAML or JSON (see the README)' },
  format: { type: 'string', choices: ['table', 'json'], description: 'a table, or the JSON report of the violations' },
  verbose: { type: 'boolean', description: 'the table gives each finding\'s fix' },
  help: HELP_OPTION,
};

function read(paths: string[], cwd: string): LoadedInputs {
  return loadInputs(paths.length > 0 ? paths : ['cdk.out'], cwd);
}

/** `sg-strategy reach <from> <to> [cdk.out | template ...]`: can A reach B, on what, through which rules. */
export function reach(args: ParsedArgs, io: { cwd: string; out(text: string): void }): number {
  const [from, to, ...paths] = args.positional;
  const howTo = 'sg-strategy reach <from> <to> [cdk.out | template ...]';
  if (!from || !to) throw new CliError(`reach: name both ends, by construct path, logical id, group name, Name tag, tier:NAME, a CIDR or internet: ${howTo}`);
  let ports: TrafficSet | undefined;
  try {
    const given = args.values.get('port') ?? [];
    if (given.length > 0) ports = trafficOfPorts(given.flatMap(p => p.split(',')).map((p, i) => readPort(p, `--port ${i + 1}`)));
  } catch (e) {
    throw new CliError(`reach: ${(e as Error).message}`);
  }
  const inputs = read(paths, io.cwd);
  const access = new EffectiveAccess(buildModel(inputs.templates));
  let answer;
  try {
    answer = answerReach(access, inputs.declarations, from, to, ports);
  } catch (e) {
    if (e instanceof ReachQueryError) throw new CliError(`reach: ${e.message}`);
    throw e;
  }
  if (choice(args, 'format', REACH_OPTIONS) === 'json') {
    io.out(JSON.stringify(answer, undefined, 2));
    return OK;
  }
  const lines: string[] = [];
  const sender = answer.from.charAt(0).toUpperCase() + answer.from.slice(1);
  if (!answer.reaches) {
    lines.push(`${sender} does not reach ${answer.to}${ports ? ` on ${ports}` : ''}.`);
  } else {
    const uncertain = answer.traffic.filter(t => !answer.certain.includes(t));
    const certainText = answer.certain.length > 0 ? answer.certain.join(', ') : '';
    const possibleText = uncertain.length > 0 ? `${certainText ? '; and possibly ' : 'possibly '}${uncertain.join(', ')}` : '';
    lines.push(`${sender} reaches ${answer.to} on ${certainText}${possibleText}.`);
    for (const p of answer.paths) lines.push('', ...wrap(p.text, '  '));
    if (answer.caveats.length > 0) lines.push('', ...wrap(`Not certain: ${answer.caveats.join('; ')}.`, ''));
  }
  if (answer.blocked.length > 0) lines.push('', ...answer.blocked.flatMap(b => wrap(`${b}.`, '  ')));
  lines.push('', ...wrap(answer.scope, ''));
  io.out(lines.join('\n'));
  return OK;
}

/** `sg-strategy verify --policy FILE [cdk.out | template ...]`: the file's policies, against the app. Exit 1 on a violation. */
export function verify(args: ParsedArgs, io: { cwd: string; out(text: string): void }): number {
  const file = args.values.get('policy')?.[0];
  if (!file) throw new CliError('verify: --policy FILE is required: sg-strategy verify --policy policy.yaml [cdk.out | template ...]');
  const declared = readPolicyFile(file, io.cwd);
  const inputs = read(args.positional, io.cwd);
  // The file's statements, over the tiers the app assigns (Tier.assign, tags) unless the file defines its own.
  const declarations: ReachabilityDeclarations = {
    statements: declared.statements,
    tiers: inputs.declarations.tiers,
    tierTagKey: declared.tierTagKey,
  };
  const model = buildModel(inputs.templates);
  const findings = applyAcknowledgements(reachabilityFindings(model, declarations), inputs.acknowledgements);
  if (choice(args, 'format', VERIFY_OPTIONS) === 'json') {
    io.out(JSON.stringify(jsonReport(findings, packageVersion()), undefined, 2));
  } else {
    const open = findings.filter(f => !f.acknowledged);
    const statements = declarations.statements.length;
    const headline = open.length === 0
      ? `All ${statements} ${statements === 1 ? 'policy' : 'policies'} of ${file} hold.`
      : `${file}: ${findingsSummary(findings)}.`;
    io.out([findingsTable(findings, '', { verbose: args.switches.has('verbose') }), '', headline, ...wrap(OUT_OF_SCOPE, '')].join('\n'));
  }
  return findings.some(f => f.level === 'error' && !f.acknowledged) ? VIOLATED : OK;
}

function readPolicyFile(file: string, cwd: string): ReachabilityDeclarations {
  const resolved = path.resolve(cwd, file);
  if (!fs.existsSync(resolved) || fs.statSync(resolved).isDirectory()) throw new CliError(`verify: ${file}: no such file; --policy takes a YAML or JSON policy file`);
  let document: unknown;
  try {
    // JSON is YAML, so one parser reads both. A require, not an import: the yaml package is a third of the
    // command's code, and only verify needs it here (see yamlReader in inputs.ts).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parse } = require('yaml') as typeof import('yaml');
    document = parse(fs.readFileSync(resolved, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new CliError(`verify: ${file} cannot be read as YAML or JSON (${(e as Error).message})`);
  }
  try {
    return readPolicyDocument(document, file);
  } catch (e) {
    if (e instanceof PolicyFileError) throw new CliError(`verify: ${e.message}`);
    throw e;
  }
}
