/**
 * `npx projen compat`, run after every compile: is this build's public API (the `.jsii` jsii just wrote) compatible
 * with what users have?
 *
 * - Always against the committed API baseline (`.api-baseline/`), so a break fails the build even before the
 *   first release and without the network.
 * - Against the last release on npm, when there is one (jsii-diff installs it), so a baseline moved forward
 *   carelessly cannot hide a break from what users actually run.
 *
 * A break passes only when its key (jsii-diff prints it in brackets) is listed in `.compatignore`, projen's
 * allow-list, and a commit after the API it breaks is marked breaking (`feat!: ...` or a `BREAKING CHANGE:`
 * footer): that mark is what makes the release a new major version and puts the break in the changelog.
 *
 * `--update-baseline` copies this build's API into `.api-baseline/` (`npx projen compat:baseline`).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    'baseline': { type: 'string', default: '.api-baseline' },
    'current': { type: 'string', default: '.' },
    'ignore-file': { type: 'string', default: '.compatignore' },
    // Tests compare two local assemblies and must not ask the registry about the real package.
    'skip-npm': { type: 'boolean', default: false },
    'update-baseline': { type: 'boolean', default: false },
  },
});

const JSII_DIFF = require.resolve('jsii-diff/bin/jsii-diff');

/** One jsii-diff comparison, its findings split by what jsii-diff made of them. */
interface Diff {
  readonly errors: string[];
  /** Breaks that the ignore file allows. */
  readonly allowed: string[];
  readonly warnings: string[];
}

/** A commit whose message marks a breaking change, as conventional commits (and projen's bump) read it. */
interface BreakingCommit {
  readonly sha: string;
  readonly subject: string;
}

function run(cmd: string, argv: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, argv, { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(argv: string[]): string | undefined {
  const r = run('git', argv);
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function jsiiDiff(original: string, updated: string): Diff {
  const r = run(process.execPath, [JSII_DIFF, '--keys', '--ignore-file', args['ignore-file']!, original, updated]);
  // 0: compatible, 1: breaking changes; anything else is jsii-diff failing to load an assembly.
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`jsii-diff ${original} ${updated} failed (exit ${r.status}):\n${r.stderr}`);
  }
  const lines = r.stderr.split('\n');
  if (lines.some(l => l.startsWith('Could not load'))) {
    throw new Error(`jsii-diff could not load an assembly:\n${r.stderr}`);
  }
  return {
    errors: lines.filter(l => l.startsWith('err ')),
    allowed: lines.filter(l => l.startsWith('skip ')),
    warnings: lines.filter(l => l.startsWith('warn ')),
  };
}

/** Commits after `since` (all of history when undefined) that mark a breaking change. */
function breakingCommitsSince(since: string | undefined): BreakingCommit[] {
  const log = git(['log', '--format=%H%x00%B%x1e', since ? `${since}..HEAD` : 'HEAD']) ?? '';
  const out: BreakingCommit[] = [];
  for (const entry of log.split('\x1e')) {
    const [sha, message] = entry.trim().split('\0');
    if (!sha || message === undefined) continue;
    const subject = message.split('\n')[0];
    if (/^\w+(\([^()]*\))?!:/.test(subject) || /^BREAKING[ -]CHANGE:/m.test(message)) {
      out.push({ sha: sha.slice(0, 7), subject });
    }
  }
  return out;
}

/** The latest release on npm, or undefined when the package has never been published. */
function latestRelease(name: string, repositoryUrl: string | undefined): string | undefined {
  const r = run('npm', ['view', `${name}@latest`, 'version', 'repository.url', '--json']);
  if (r.status !== 0) {
    if (/"code":\s*"E404"/.test(r.stdout) || /E404/.test(r.stderr)) return undefined;
    throw new Error(`could not ask npm for the latest release of ${name}:\n${r.stdout}${r.stderr}`);
  }
  const view = JSON.parse(r.stdout);
  const repo = view['repository.url'];
  // A package of that name that is not this project would make the comparison meaningless.
  if (repositoryUrl && repo && normalizeRepo(repo) !== normalizeRepo(repositoryUrl)) {
    throw new Error(`${name} on npm comes from ${repo}, not ${repositoryUrl}: not our release to compare with`);
  }
  return view.version;
}

function normalizeRepo(url: string): string {
  return url.replace(/^git\+/, '').replace(/\.git$/, '').replace(/^git:/, 'https:').toLowerCase();
}

/**
 * Allowed breaks need a breaking commit after the API they break. `since` is the commit (or tag) that API is
 * from; null means that point is not in this clone's history.
 */
function checkMarked(diff: Diff, what: string, since: string | undefined | null): string[] {
  if (diff.allowed.length === 0) return [];
  const listed = `${diff.allowed.length} break(s) of ${what} allowed by ${args['ignore-file']}`;
  if (since === null) {
    console.log(`  ${listed}; this clone lacks the history to find the commit that marks them (shallow clone or tag not fetched): not checked here`);
    return [];
  }
  const marked = breakingCommitsSince(since);
  if (marked.length > 0) {
    console.log(`  ${listed}, marked breaking by ${marked.map(c => `${c.sha} "${c.subject}"`).join(', ')}`);
    return [];
  }
  // Editing the allow-list before committing is normal; the commit that lands it must carry the mark.
  const uncommitted = git(['status', '--porcelain', '--', args['ignore-file']!]);
  if (uncommitted) {
    console.log(`  ${listed}; ${args['ignore-file']} is not committed yet: commit it as a breaking change (\`feat!: ...\` or a \`BREAKING CHANGE:\` footer)`);
    return [];
  }
  return [
    `${listed}, but no commit ${since ? `after ${since}` : 'in this history'} is marked breaking, so the next release would ship them in a minor version.`,
    'Mark the commit that makes the change: `feat!: ...`, or a `BREAKING CHANGE: <what users must do>` footer.',
  ];
}

function updateBaseline(): void {
  const assembly = JSON.parse(fs.readFileSync(path.join(args.current!, '.jsii'), 'utf-8'));
  const pkg = JSON.parse(fs.readFileSync(path.join(args.current!, 'package.json'), 'utf-8'));
  // jsii-diff compares types; the README, fingerprint and the dependencies' own metadata only make the file churn.
  delete assembly.readme;
  delete assembly.fingerprint;
  delete assembly.dependencyClosure;
  fs.mkdirSync(args.baseline!, { recursive: true });
  fs.writeFileSync(path.join(args.baseline!, '.jsii'), JSON.stringify(assembly, undefined, 2) + '\n');
  // A package directory, so jsii-diff loads the baseline with its dependencies (aws-cdk-lib, constructs).
  const baselinePkg = {
    name: pkg.name,
    version: pkg.version,
    private: true,
    description: 'The public API that `npx projen compat` compares each build with. Written by `npx projen compat:baseline`; never edit it by hand.',
    jsii: { outdir: 'dist', targets: {} },
    peerDependencies: pkg.peerDependencies,
  };
  fs.writeFileSync(path.join(args.baseline!, 'package.json'), JSON.stringify(baselinePkg, undefined, 2) + '\n');
  console.log(`API baseline written to ${args.baseline}/ from this build's .jsii.`);
  const allowList = fs.existsSync(args['ignore-file']!) ? fs.readFileSync(args['ignore-file']!, 'utf-8') : '';
  if (allowList.split('\n').some(l => l.trim() && !l.trim().startsWith('#'))) {
    console.log(`${args['ignore-file']} still allows breaks: once they are released, empty it.`);
  }
}

function main(): number {
  if (args['update-baseline']) {
    updateBaseline();
    return 0;
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(args.current!, 'package.json'), 'utf-8'));
  const shallow = git(['rev-parse', '--is-shallow-repository']) === 'true';
  const problems: string[] = [];

  const report = (diff: Diff, what: string) => {
    for (const line of [...diff.errors, ...diff.allowed, ...diff.warnings]) console.log(`  ${line}`);
    if (diff.errors.length > 0) {
      problems.push(`${diff.errors.length} unannounced break(s) of ${what} (the "err" lines above).`);
    }
  };

  // 1. The committed baseline.
  const baselineCommit = git(['log', '-1', '--format=%h', '--', path.join(args.baseline!, '.jsii')]);
  console.log(`API compatibility with the baseline in ${args.baseline}/${baselineCommit ? ` (as of ${baselineCommit})` : ''}:`);
  const fromBaseline = jsiiDiff(args.baseline!, args.current!);
  report(fromBaseline, 'the API baseline');
  problems.push(...checkMarked(fromBaseline, 'the API baseline', baselineCommit ?? (shallow ? null : undefined)));
  if (fromBaseline.errors.length + fromBaseline.allowed.length + fromBaseline.warnings.length === 0) console.log('  compatible');

  // 2. The last release, when there is one.
  if (args['skip-npm']) {
    console.log('API compatibility with the last release on npm: skipped (--skip-npm).');
  } else {
    const released = latestRelease(pkg.name, pkg.repository?.url);
    if (released === undefined) {
      console.log(`API compatibility with the last release on npm: ${pkg.name} has no release on npm yet; the baseline is the reference.`);
    } else {
      console.log(`API compatibility with ${pkg.name}@${released}, the last release on npm:`);
      const fromRelease = jsiiDiff(`npm:${pkg.name}@${released}`, args.current!);
      report(fromRelease, `${pkg.name}@${released}`);
      const tag = git(['rev-parse', '-q', '--verify', `refs/tags/v${released}`]) ? `v${released}` : null;
      problems.push(...checkMarked(fromRelease, `${pkg.name}@${released}`, tag));
      if (fromRelease.errors.length + fromRelease.allowed.length + fromRelease.warnings.length === 0) console.log('  compatible');
    }
  }

  if (problems.length > 0) {
    console.error(['', 'API compatibility check failed:', ...problems.map(p => `  ${p}`), '',
      'Users of a release keep compiling against the next one within its major version. If the break is deliberate,',
      `add each key shown in [brackets] to ${args['ignore-file']}, and mark the commit breaking (\`feat!: ...\` or a`,
      '`BREAKING CHANGE:` footer) so the release is a new major version. If it is not, keep the old API (deprecate',
      'it rather than remove it).'].join('\n'));
    return 1;
  }
  return 0;
}

process.exitCode = main();
