/**
 * `npm run mutation [-- <folder>...] [-- --concurrency 2]`: Stryker over the engine and the handlers, one folder
 * at a time, then the score per folder (scripts/mutation-scores.ts).
 *
 * Each folder is its own run, with its own report (reports/mutation/<folder>.json) and incremental file, so a
 * run stays bounded, one folder can be measured again alone, and a second run tests only the mutants whose code
 * or covering tests changed. Arguments that start with `--` go to Stryker.
 */
import { spawnSync } from 'child_process';

const FOLDERS = ['src/model', 'src/rules', 'src/checks', 'src/core', 'src/server-client-pair', 'src/handlers'];

const args = process.argv.slice(2);
const strykerArgs: string[] = [];
const folders: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith('--')) {
    strykerArgs.push(args[i]);
    if (args[i + 1] !== undefined && !args[i + 1].startsWith('--') && !args[i].includes('=')) strykerArgs.push(args[++i]);
  } else {
    folders.push(args[i].replace(/\/+$/, '').replace(/^(?!src\/)/, 'src/'));
  }
}

let failed = false;
for (const folder of folders.length > 0 ? folders : FOLDERS) {
  console.log(`\n=== Mutation testing ${folder} ===`);
  const run = spawnSync('npx', ['stryker', 'run', ...strykerArgs], { stdio: 'inherit', env: { ...process.env, MUTATION_FOLDER: folder } });
  if (run.status !== 0) {
    console.error(`Stryker failed on ${folder} (exit ${run.status ?? run.signal}).`);
    failed = true;
  }
}
const scores = spawnSync('ts-node', ['--project', 'tsconfig.dev.json', 'scripts/mutation-scores.ts'], { stdio: 'inherit' });
process.exit(failed ? 1 : scores.status ?? 1);
