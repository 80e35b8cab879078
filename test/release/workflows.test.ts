/**
 * The GitHub workflows projen generates from projenrc/release.ts cannot run here; actionlint checks that they are
 * valid (.ci/actionlint.sh). These tests check that they do what this project needs, which a valid workflow may not.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '..', '..');
const workflow = (name: string) => parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', `${name}.yml`), 'utf-8'));
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf-8')).tasks;

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
const stepIndex = (steps: Step[], match: (s: Step) => boolean) => {
  const i = steps.findIndex(match);
  if (i < 0) throw new Error(`no such step in ${JSON.stringify(steps.map(s => s.name ?? s.uses))}`);
  return i;
};

test('pull requests get the build workflow and main gets the release workflow', () => {
  expect(Object.keys(workflow('build').on)).toContain('pull_request');
  expect(workflow('release').on.push.branches).toEqual(['main']);
});

test('the release publishes to GitHub, npm, PyPI and Maven Central, each after the release build', () => {
  const jobs = workflow('release').jobs;
  for (const job of ['release_github', 'release_npm', 'release_pypi', 'release_maven']) {
    expect([jobs[job].needs].flat()).toContain('release');
  }
  expect(jobs.release_maven.steps.at(-1).env.MAVEN_SERVER_ID).toBe('central-ossrh');
});

test('npm and PyPI publish by trusted publishing, and npm is new enough for it before anything publishes', () => {
  const npm = workflow('release').jobs.release_npm;
  expect(npm.permissions['id-token']).toBe('write');
  const publish = stepIndex(npm.steps, s => s.name === 'Release');
  expect(npm.steps[publish].env.NPM_TRUSTED_PUBLISHER).toBe('true');
  // Trusted publishing needs npm 11.5.1; Node 20 ships npm 10.
  const upgrade = stepIndex(npm.steps, s => /npm install -g npm@\^11\.5\.1/.test(s.run ?? ''));
  const setupNode = stepIndex(npm.steps, s => (s.uses ?? '').startsWith('actions/setup-node'));
  expect(setupNode).toBeLessThan(upgrade);
  expect(upgrade).toBeLessThan(publish);

  const pypi = workflow('release').jobs.release_pypi;
  expect(pypi.permissions['id-token']).toBe('write');
  expect(pypi.steps.at(-1).env.PYPI_TRUSTED_PUBLISHER).toBe('true');
});

test.each([
  ['build', 'build', 'npx projen build'],
  ['release', 'release', 'npx projen release'],
])('the %s workflow installs the Python test tools (moto for the handler tests) before it builds', (file, job, command) => {
  const steps: Step[] = workflow(file).jobs[job].steps;
  const tools = stepIndex(steps, s => s.run === 'bash .ci/python-tools.sh');
  const python = stepIndex(steps, s => (s.uses ?? '').startsWith('actions/setup-python'));
  expect(steps[python].with?.['python-version']).toBe('3.11');
  expect(python).toBeLessThan(tools);
  expect(tools).toBeLessThan(stepIndex(steps, s => s.run === command));
});

test('every workflow runs the oldest Node.js that package.json declares, as CI does here', () => {
  const floorMajor = /^>=\s*(\d+)\./.exec(pkg.engines.node)![1];
  const versions = new Set<string>();
  for (const name of ['build', 'release']) {
    for (const job of Object.values<any>(workflow(name).jobs)) {
      for (const step of job.steps as Step[]) {
        if ((step.uses ?? '').startsWith('actions/setup-node')) versions.add(String(step.with!['node-version']));
      }
    }
  }
  expect([...versions]).toEqual([`${floorMajor}.x`]);
});

test('the release build has the whole history and its tags, which versions and the API check read', () => {
  const checkout = workflow('release').jobs.release.steps.find((s: Step) => (s.uses ?? '').startsWith('actions/checkout'));
  expect(checkout.with['fetch-depth']).toBe(0);
});

test('the first release is 1.0.0: the API is declared stable, and breaks then need a new major version', () => {
  expect(pkg.stability).toBe('stable');
  // projen's bump raises a version below MIN_MAJOR to MIN_MAJOR.0.0, and otherwise follows the commits.
  expect(tasks.release.env.MIN_MAJOR).toBe('1');
  expect(tasks.release.steps.map((s: any) => s.spawn ?? s.exec ?? s.execArgs?.join(' '))).toEqual(
    ['rm -fr dist', 'bump', 'build', 'unbump', 'git diff --ignore-space-at-eol --exit-code']);
});
