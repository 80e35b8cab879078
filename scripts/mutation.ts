/**
 * `npm run mutation [-- <folder or file>...] [-- --concurrency 2]`: Stryker over the engine and the handlers, one
 * folder (or one file) at a time, then the score per folder (scripts/mutation-scores.ts).
 *
 * Each folder or file is its own run, with its own report (reports/mutation/<name>.json) and incremental file, so
 * a run stays bounded, one folder or file can be measured again alone, and a second run tests only the mutants
 * whose code or covering tests changed. The scores merge every report there. Arguments that start with `--` go
 * to Stryker.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const FOLDERS = ['src/model', 'src/rules', 'src/checks', 'src/core', 'src/server-client-pair', 'src/handlers'];

/**
 * The tests a folder's mutants run against by default (MUTATION_TESTS: comma-separated globs under the project,
 * `!glob` leaves files out). A set narrower than the whole suite lets a folder finish in an hour instead of many;
 * its score is a lower bound of the whole suite's (a mutant these tests miss may be killed by another test).
 * Set MUTATION_TESTS yourself to override. One line per folder.
 */
const DEFAULT_TESTS: Record<string, string> = {
  'src/model': 'test/model/**/*.test.ts,!**/never-throws*.test.ts',
  'src/rules': 'test/rules/**/*.test.ts',
  // The construct tests that reach src/core, without the engine, rule, CLI and moto suites.
  'src/core': 'test/core/**/*.test.ts,test/locked-default-security-group/**/*.test.ts,test/server-client-pair/server-client-pair.test.ts,'
    + 'test/secured-network-load-balancer/**/*.test.ts,test/private-link-service-swap/**/*.test.ts,test/open-ingress-remediator/**/*.test.ts,'
    + 'test/security-group-monitoring/**/*.test.ts',
  'src/server-client-pair': 'test/server-client-pair/**/*.test.ts',
  // The delivery tests alone: the rule, model and CLI suites run the engine too, but each of their synths would run for every engine mutant.
  'src/checks': 'test/checks/**/*.test.ts',
  'src/checks/reports': 'test/checks/reports/**/*.test.ts',
  // Mock and moto suites both: only moto reaches some paths (a revert's restore outcomes, the lock's own account).
  'src/handlers': 'test/handlers/**/*.test.ts',
};

/**
 * A file run alone (`src/rules/too-many-rules.ts`) is tested by its own test file where there is one
 * (test/rules/too-many-rules.test.ts), else by its folder's set: every rule runs in every analysis, so without
 * this each mutant of a rule would run every test that analyses an app. Also a lower bound.
 */
function testsFor(target: string): string | undefined {
  if (process.env.MUTATION_TESTS) return process.env.MUTATION_TESTS;
  if (target.endsWith('.ts')) {
    const own = target.replace(/^src\//, 'test/').replace(/\.ts$/, '.test.ts');
    if (fs.existsSync(own)) return own;
  }
  return DEFAULT_TESTS[target.endsWith('.ts') ? path.dirname(target) : target];
}

const args = process.argv.slice(2);
const strykerArgs: string[] = [];
const targets: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith('--')) {
    strykerArgs.push(args[i]);
    if (args[i + 1] !== undefined && !args[i + 1].startsWith('--') && !args[i].includes('=')) strykerArgs.push(args[++i]);
  } else {
    targets.push(args[i].replace(/\/+$/, '').replace(/^(?!src\/)/, 'src/'));
  }
}

let failed = false;
for (const target of targets.length > 0 ? targets : FOLDERS) {
  const tests = testsFor(target);
  console.log(`\n=== Mutation testing ${target}${tests ? ` against ${tests} (a lower bound of the whole suite's score)` : ''} ===`);
  // `--mutate` narrows a run to some files: its own report, so the folder's is not overwritten.
  const mutate = strykerArgs[strykerArgs.indexOf('--mutate') + 1];
  // A file's range (`--mutate src/model/build-model.ts:300-461`) is named model-build-model-300-461: a flat name,
  // as the scores read only the reports directly in reports/mutation.
  const base = target.replace(/^src\//, '').replace(/\.ts$/, '').replace(/[^A-Za-z0-9]+/g, '-');
  const name = strykerArgs.includes('--mutate') && mutate
    ? `${base}-${mutate.split(`${target}/`).join('').split(target).join('').replace(/\.ts\b/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`.slice(0, 80)
    : undefined;
  const env = { ...process.env, MUTATION_FOLDER: target, ...(tests ? { MUTATION_TESTS: tests } : {}), ...(name ? { MUTATION_NAME: name } : {}) };
  const run = spawnSync('npx', ['stryker', 'run', ...strykerArgs], { stdio: 'inherit', env });
  if (run.status !== 0) {
    console.error(`Stryker failed on ${target} (exit ${run.status ?? run.signal}).`);
    failed = true;
  }
}
const scores = spawnSync('ts-node', ['--project', 'tsconfig.dev.json', 'scripts/mutation-scores.ts'], { stdio: 'inherit' });
process.exit(failed ? 1 : scores.status ?? 1);
