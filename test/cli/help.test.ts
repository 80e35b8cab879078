import { runCli } from '../support/cli';

const COMMANDS = ['check', 'graph', 'explain', 'audit', 'prune', 'restore'];

describe('sg-strategy help', () => {
  test.each([['--help'], ['-h'], ['help']])('%s lists every command and exits 0', async flag => {
    const run = await runCli([flag]);
    expect(run.code).toBe(0);
    expect(run.err).toBe('');
    expect(run.out).toMatch(/^Usage: sg-strategy <command> \[options\]$/m);
    for (const command of [...COMMANDS, 'help']) expect(run.out).toMatch(new RegExp(`^ {2}${command} +\\S`, 'm'));
  });

  test.each([['help', 'help'], ['help', '--help'], ['help', '-h']])('%s %s prints the usage too', async (...argv) => {
    const run = await runCli(argv);
    expect(run.code).toBe(0);
    expect(run.err).toBe('');
    expect(run.out).toBe((await runCli(['--help'])).out);
  });

  test('no command at all prints the usage as an error', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toContain('Usage: sg-strategy <command>');
  });

  test.each(COMMANDS)('%s: --help, -h and help <command> print the command\'s help and exit 0, whatever else is given', async command => {
    const runs = await Promise.all([[command, '--help'], [command, '-h'], ['help', command], [command, 'cdk.out', '--format', 'json', '--help']].map(argv => runCli(argv)));
    for (const run of runs) {
      expect(run.code).toBe(0);
      expect(run.err).toBe('');
      expect(run.out).toBe(runs[0].out);
    }
    const help = runs[0].out;
    expect(help).toMatch(new RegExp(`^Usage: sg-strategy ${command} `));
    expect(help).toMatch(/^ {2}-h, --help +print this help$/m);
    expect(help).toMatch(/^Exit codes: 0 fine; 1 check found/m);
    expect(Math.max(...help.split('\n').map(l => l.length))).toBeLessThanOrEqual(120);
  });

  test('the help of check names every option and its choices', async () => {
    const help = (await runCli(['help', 'check'])).out;
    expect(help).toMatch(/^ {2}--format table\|json\|sarif +.*\(default: table\)$/m);
    expect(help).toMatch(/^ {2}--config FILE +/m);
    expect(help).toMatch(/^ {2}--verbose +the table gives each finding's fix$/m);
  });

  test('help for a command that does not exist suggests the nearest', async () => {
    const run = await runCli(['help', 'explian']);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/unknown command "explian"\. Did you mean "explain"\?/);
  });
});

describe('audit\'s interface flags', () => {
  test.each([['--used'], ['--interface', 'eni-0a'], ['--vpc', 'vpc-0a'], ['--no-history']])('%s without --interfaces is refused, naming --interfaces', async (...flag) => {
    const run = await runCli(['audit', ...flag]);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`audit: ${flag[0]} goes with --interfaces`);
  });
});

describe('the account commands read their flags as every command does', () => {
  test.each([
    [['prune', '--aply'], /^sg-strategy: prune: unknown option --aply \(options: --region, .*--apply.*\)\. Did you mean --apply\?$/m],
    [['restore', 'record.json', '--gruop', 'sg-0a'], /^sg-strategy: restore: unknown option --gruop .*Did you mean --group\?$/m],
    [['audit', '--interfaces', '--vcp', 'vpc-0a'], /^sg-strategy: audit: unknown option --vcp .*Did you mean --vpc\?$/m],
    [['prune', '--format', 'yaml'], /^sg-strategy: prune: --format must be table, json; got "yaml"$/m],
    [['prune', '--record-dir'], /^sg-strategy: prune: --record-dir needs a value$/m],
    [['prune', '--apply=yes'], /^sg-strategy: prune: --apply takes no value$/m],
    [['restore', 'a.json', '--format', 'json', '--format', 'table'], /^sg-strategy: restore: --format is given twice$/m],
  ])('%j is refused before any AWS call, with the same message as check\'s', async (argv, message) => {
    const run = await runCli(argv, undefined, { auditClients: () => { throw new Error('no AWS call expected'); } });
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toMatch(message);
  });

  test.each([['prune', 'cdk.out'], ['audit', '--interfaces', 'cdk.out']])('%s %s: a path is refused, since the command reads a live account', async (...argv) => {
    const run = await runCli(argv, undefined, { auditClients: () => { throw new Error('no AWS call expected'); } });
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/reads a live account and takes no paths; got "cdk\.out"/);
  });
});
