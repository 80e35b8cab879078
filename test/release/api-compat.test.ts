/**
 * `npx projen compat` (scripts/api-compat.ts) on real assemblies: the committed API baseline, and a copy of it
 * changed the way a careless edit to src/ would change the built .jsii. Each case is a git repository of its own,
 * because whether a break is allowed depends on the commits after the baseline.
 *
 * Loading the baseline loads aws-cdk-lib's assembly too (seconds each time), so only the first cases use all of
 * it; the cases about allow-lists, commits and npm use its types that name no dependency (loaded in milliseconds).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'api-compat.ts');
const TS_NODE = path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
const BASELINE = path.join(ROOT, '.api-baseline');

const REMOVED_METHOD = 'removed:cdk-sg-strategy.ServerClientPair.addClient';
const NOW_REQUIRED = 'strengthened:cdk-sg-strategy.ServerClientPairProps';
const REMOVED_LEVEL = 'removed:cdk-sg-strategy.FindingLevel.INFO';

jest.setTimeout(120_000);

const made: string[] = [];
afterAll(() => made.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

type Assembly = { types: Record<string, any> };

/** The baseline's types that name neither aws-cdk-lib nor constructs, as an assembly with no dependencies. */
function standalone(assembly: Assembly & Record<string, any>): void {
  assembly.types = Object.fromEntries(Object.entries(assembly.types)
    .filter(([, type]) => !/aws-cdk-lib|"constructs\./.test(JSON.stringify(type))));
  delete assembly.dependencies;
}

/**
 * A repository with .api-baseline/ (the committed baseline, or its standalone slice) and current/, a build whose
 * .jsii `change` edits.
 */
function repoWith(change: (assembly: Assembly) => void, opts: { whole?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-compat-'));
  made.push(dir);
  // The whole baseline names aws-cdk-lib and constructs; jsii-diff finds them here, as it does in the repository.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const baseline = JSON.parse(fs.readFileSync(path.join(BASELINE, '.jsii'), 'utf-8'));
  const pkg = JSON.parse(fs.readFileSync(path.join(BASELINE, 'package.json'), 'utf-8'));
  if (!opts.whole) {
    standalone(baseline);
    delete pkg.peerDependencies;
  }
  const current = JSON.parse(JSON.stringify(baseline));
  change(current);
  for (const [sub, assembly] of [['.api-baseline', baseline], ['current', current]]) {
    fs.mkdirSync(path.join(dir, sub));
    fs.writeFileSync(path.join(dir, sub, '.jsii'), JSON.stringify(assembly));
    fs.writeFileSync(path.join(dir, sub, 'package.json'), JSON.stringify(pkg));
  }
  git(dir, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
  commit(dir, 'chore: the API baseline');
  return dir;
}

function git(dir: string, ...argv: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...argv], { cwd: dir, encoding: 'utf-8' });
  if (r.status !== 0) throw new Error(`git ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function commit(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
}

function allow(dir: string, ...keys: string[]): void {
  fs.writeFileSync(path.join(dir, '.compatignore'), ['# deliberate breaks', ...keys, ''].join('\n'));
}

/** A stand-in `npm` on PATH, so no case asks the registry about the real package. */
function fakeNpm(dir: string, stdout: object, status: number): string {
  const bin = path.join(dir, 'fake-bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\necho '${JSON.stringify(stdout)}'\nexit ${status}\n`, { mode: 0o755 });
  return bin;
}

function compat(dir: string, opts: { npmBin?: string } = {}): { status: number | null; out: string } {
  const argv = [TS_NODE, '--transpile-only', '--project', path.join(ROOT, 'tsconfig.dev.json'), SCRIPT, '--current', 'current'];
  if (!opts.npmBin) argv.push('--skip-npm');
  const env: NodeJS.ProcessEnv = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] };
  if (opts.npmBin) env.PATH = `${opts.npmBin}${path.delimiter}${env.PATH}`;
  const r = spawnSync(process.execPath, argv, { cwd: dir, encoding: 'utf-8', env });
  return { status: r.status, out: r.stdout + r.stderr };
}

const removeAddClient = (a: Assembly) => {
  const pair = a.types['cdk-sg-strategy.ServerClientPair'];
  pair.methods = pair.methods.filter((m: any) => m.name !== 'addClient');
};
const requireAnOptionalProp = (a: Assembly) => {
  const prop = a.types['cdk-sg-strategy.ServerClientPairProps'].properties.find((p: any) => p.name === 'allowClientsToReachEachOther');
  delete prop.optional;
};
const removeInfoLevel = (a: Assembly) => {
  const level = a.types['cdk-sg-strategy.FindingLevel'];
  level.members = level.members.filter((m: any) => m.name !== 'INFO');
};

test('the baseline is an assembly of this package that jsii-diff can load', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(BASELINE, 'package.json'), 'utf-8'));
  const assembly = JSON.parse(fs.readFileSync(path.join(BASELINE, '.jsii'), 'utf-8'));
  expect(pkg.name).toBe('cdk-sg-strategy');
  expect(assembly.name).toBe('cdk-sg-strategy');
  expect(pkg.jsii).toBeDefined();
  expect(Object.keys(assembly.types)).toContain('cdk-sg-strategy.ServerClientPair');
});

test('an unchanged API passes, and no release on npm is said, not taken for a pass against it', () => {
  const dir = repoWith(() => {}, { whole: true });
  const r = compat(dir, { npmBin: fakeNpm(dir, { error: { code: 'E404', summary: 'Not Found' } }, 1) });
  expect(r.out).toMatch(/baseline[^\n]*\n\s+compatible/);
  expect(r.out).toContain('has no release on npm yet');
  expect(r.status).toBe(0);
});

test('new API is not a break', () => {
  const dir = repoWith(a => {
    const catalog = a.types['cdk-sg-strategy.RuleCatalog'];
    catalog.methods.push({ ...catalog.methods.find((m: any) => m.name === 'rules'), name: 'errorRules' });
    a.types['cdk-sg-strategy.FindingLevel'].members.push({ name: 'NOTE' });
  });
  const r = compat(dir);
  expect(r.out).toContain('compatible');
  expect(r.status).toBe(0);
});

test('a removed method and a newly required property fail the build, each with the key that would allow it', () => {
  const dir = repoWith(a => { removeAddClient(a); requireAnOptionalProp(a); }, { whole: true });
  const r = compat(dir);
  expect(r.status).toBe(1);
  expect(r.out).toContain(`[${REMOVED_METHOD}]`);
  expect(r.out).toContain(`[${NOW_REQUIRED}]`);
  expect(r.out).toContain('2 unannounced break(s) of the API baseline');
});

test('an allowed break still fails when no commit after the baseline marks it breaking', () => {
  const dir = repoWith(removeInfoLevel);
  allow(dir, REMOVED_LEVEL);
  commit(dir, 'feat(checks): findings are errors or warnings');
  const r = compat(dir);
  expect(r.out).toMatch(/^\s*skip .*\[removed:cdk-sg-strategy\.FindingLevel\.INFO\]/m);
  expect(r.out).toContain('no commit after');
  expect(r.status).toBe(1);
});

test('an allowed break passes once a commit marks it breaking, by `!` or by a BREAKING CHANGE footer', () => {
  const bang = repoWith(removeInfoLevel);
  allow(bang, REMOVED_LEVEL);
  commit(bang, 'feat(checks)!: FindingLevel.INFO is gone, INFO findings are warnings');
  const r1 = compat(bang);
  expect(r1.out).toContain('marked breaking by');
  expect(r1.status).toBe(0);

  const footer = repoWith(removeInfoLevel);
  allow(footer, REMOVED_LEVEL);
  commit(footer, 'feat(checks): findings are errors or warnings\n\nBREAKING CHANGE: FindingLevel.INFO is gone, INFO findings are warnings');
  expect(compat(footer).status).toBe(0);
});

test('a breaking commit from before the baseline does not cover a later break', () => {
  const dir = repoWith(removeInfoLevel);
  commit(dir, 'feat!: an old break, released long ago');
  // The baseline moves on after that release (the same API, committed again).
  fs.appendFileSync(path.join(dir, '.api-baseline', '.jsii'), '\n');
  commit(dir, 'chore: API baseline after the release');
  allow(dir, REMOVED_LEVEL);
  commit(dir, 'feat: findings are errors or warnings');
  const r = compat(dir);
  expect(r.out).toContain('no commit after');
  expect(r.status).toBe(1);
});

test('an allow-list edited but not committed yet is reported, not failed, so a build before the commit runs', () => {
  const dir = repoWith(removeInfoLevel);
  allow(dir, REMOVED_LEVEL);
  const r = compat(dir);
  expect(r.out).toContain('is not committed yet');
  expect(r.status).toBe(0);
});

test('a package of our name on npm from another repository is refused, not compared with', () => {
  const dir = repoWith(() => {});
  const npmBin = fakeNpm(dir, { 'version': '1.0.0', 'repository.url': 'git+https://github.com/someone-else/cdk-sg-strategy.git' }, 0);
  // The stand-in package.json names no repository; give it ours.
  const pkgFile = path.join(dir, 'current', 'package.json');
  fs.writeFileSync(pkgFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(pkgFile, 'utf-8')), repository: { url: 'https://github.com/cdk-sg-strategy/cdk-sg-strategy.git' } }));
  const r = compat(dir, { npmBin });
  expect(r.out).toContain('not our release to compare with');
  expect(r.status).not.toBe(0);
});

test('npm failing for any other reason fails the check rather than skipping the comparison', () => {
  const dir = repoWith(() => {});
  const r = compat(dir, { npmBin: fakeNpm(dir, { error: { code: 'ENOTFOUND', summary: 'getaddrinfo ENOTFOUND registry.npmjs.org' } }, 1) });
  expect(r.out).toContain('could not ask npm');
  expect(r.status).not.toBe(0);
});
