/**
 * Versions and release notes, as the release workflow makes them: projen's `bump` task from .projen/tasks.json,
 * run on repositories whose history is written here, with the MIN_MAJOR the `release` task gives it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const PROJEN = path.join(ROOT, 'node_modules', '.bin', 'projen');
const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf-8')).tasks;

jest.setTimeout(120_000);

const made: string[] = [];
afterAll(() => made.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

function git(dir: string, ...argv: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...argv], { cwd: dir, encoding: 'utf-8' });
  if (r.status !== 0) throw new Error(`git ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const commit = (dir: string, message: string) => git(dir, 'commit', '-q', '--allow-empty', '-m', message);

/** Land a branch whose commit says `message` on main by a merge commit, as branches land here. */
function merge(dir: string, message: string, mergeSubject = 'Merge topic'): void {
  git(dir, 'checkout', '-q', '-b', 'topic');
  commit(dir, message);
  git(dir, 'checkout', '-q', 'main');
  git(dir, 'merge', '-q', '--no-ff', 'topic', '-m', mergeSubject);
  git(dir, 'branch', '-q', '-D', 'topic');
}

/** A repository with this project's tasks and a package.json at 0.0.0, as the release workflow checks it out. */
function repo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'versions-'));
  made.push(dir);
  fs.mkdirSync(path.join(dir, '.projen'));
  fs.copyFileSync(path.join(ROOT, '.projen', 'tasks.json'), path.join(dir, '.projen', 'tasks.json'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'cdk-sg-strategy', version: '0.0.0' }, undefined, 2) + '\n');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\ndist\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  commit(dir, 'Model: the engine, before this project used conventional commits');
  return dir;
}

/** `bump` with the release task's environment; the version it chose and the release notes it wrote. */
function bump(dir: string): { version: string; notes: string } {
  fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
  const r = spawnSync(PROJEN, ['bump'], { cwd: dir, encoding: 'utf-8', env: { ...process.env, ...tasks.release.env } });
  if (r.status !== 0) throw new Error(`bump failed:\n${r.stdout}${r.stderr}`);
  const version = fs.readFileSync(path.join(dir, 'dist', 'version.txt'), 'utf-8').trim();
  const notes = fs.readFileSync(path.join(dir, 'dist', 'changelog.md'), 'utf-8');
  // The release task puts package.json back (unbump) once the build is done; so does each case here.
  git(dir, 'checkout', '-q', 'package.json');
  return { version, notes };
}

/** What the bump task's releasable-commits step lists since `tag`: a release happens when it lists any. */
function releasable(dir: string, tag: string): string[] {
  const r = spawnSync('bash', ['-c', tasks['bump:releasable-commits'].steps[0].exec], { cwd: dir, encoding: 'utf-8', env: { ...process.env, LATEST_TAG: tag } });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.split('\n').filter(Boolean).map(l => l.replace(/^\w+ /, ''));
}

test('the first release is 1.0.0, and its notes list the features merged before it', () => {
  const dir = repo();
  merge(dir, 'feat: constructs and synth-time checks for a security-group strategy');
  const first = bump(dir);
  expect(first.version).toBe('1.0.0');
  expect(first.notes).toMatch(/## 1\.0\.0[\s\S]*### Features[\s\S]*constructs and synth-time checks/);
});

describe('after 1.0.0', () => {
  function released(): string {
    const dir = repo();
    git(dir, 'tag', 'v1.0.0');
    return dir;
  }

  test('a merged feature is a minor release, listed under Features', () => {
    const dir = released();
    merge(dir, 'feat(rules): a rule for open egress to the world');
    expect(releasable(dir, 'v1.0.0')).toEqual(['feat(rules): a rule for open egress to the world']);
    const next = bump(dir);
    expect(next.version).toBe('1.1.0');
    expect(next.notes).toContain('a rule for open egress to the world');
  });

  test('a fix is a patch release', () => {
    const dir = released();
    commit(dir, 'fix(model): a group shared by two stacks is one group');
    expect(bump(dir).version).toBe('1.0.1');
  });

  test('a break, by `!` or by footer, is a major release whose notes say what breaks', () => {
    const bang = released();
    commit(bang, 'refactor(checks)!: FindingLevel.INFO is gone');
    expect(releasable(bang, 'v1.0.0')).toHaveLength(1);
    const major = bump(bang);
    expect(major.version).toBe('2.0.0');
    expect(major.notes).toContain('BREAKING CHANGES');

    const footer = released();
    commit(footer, 'feat(checks): errors and warnings only\n\nBREAKING CHANGE: FindingLevel.INFO is gone; INFO findings are warnings');
    const fromFooter = bump(footer);
    expect(fromFooter.version).toBe('2.0.0');
    expect(fromFooter.notes).toContain('FindingLevel.INFO is gone; INFO findings are warnings');
  });

  test('documentation, chores and subjects that are not conventional release nothing', () => {
    const dir = released();
    commit(dir, 'docs: the README\'s first screen');
    commit(dir, 'chore: tidy');
    merge(dir, 'Model: a subject in the old style');
    commit(dir, 'a message that mentions feat: in passing');
    // The version bump reads no merge commit, so a conventional merge subject over old-style commits is no release.
    merge(dir, 'Rules: another old-style subject', 'feat: a merge subject');
    expect(releasable(dir, 'v1.0.0')).toEqual([]);
  });
});
