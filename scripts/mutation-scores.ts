/**
 * The mutation score per folder of src/, from the report Stryker writes (`npm run mutation` runs this after it).
 *
 *   ts-node --project tsconfig.dev.json scripts/mutation-scores.ts [--survivors] [--files] [report.json ...]
 *
 * A folder's score is Stryker's: mutants detected (killed, or timed out) over mutants that compiled and ran
 * (detected, survived, or run by no test). `--survivors` lists every mutant no test detected, file by file;
 * `--files` adds a row per file. Reports of single files (reports/mutation/rules-too-many-rules.json) merge in.
 * Exits 1 when a folder scores under MINIMUM_SCORE, so a run that lets the score slip says so.
 */
import * as fs from 'fs';
import * as path from 'path';

const MINIMUM_SCORE = 85;

interface Position {
  readonly line: number;
  readonly column: number;
}

interface Mutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: Position; readonly end?: Position };
}

interface Report {
  readonly files: Record<string, { readonly source: string; readonly mutants: Mutant[] }>;
}

interface Tally {
  detected: number;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  ignored: number;
  invalid: number;
}

const emptyTally = (): Tally => ({ detected: 0, killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, invalid: 0 });

const args = process.argv.slice(2);
const listSurvivors = args.includes('--survivors');
// `--files`: a row for each file as well as each folder.
const listFiles = args.includes('--files');
const REPORTS = path.join('reports', 'mutation');
// Without a report named, every folder's report that scripts/mutation.ts left (reports/mutation/<folder>.json).
const named = args.filter(a => !a.startsWith('--'));
const reportPaths = named.length > 0 ? named : fs.existsSync(REPORTS)
  ? fs.readdirSync(REPORTS).filter(f => f.endsWith('.json') && !f.endsWith('.incremental.json')).sort().map(f => path.join(REPORTS, f))
  : [];
const missing = reportPaths.filter(p => !fs.existsSync(p));
if (reportPaths.length === 0 || missing.length > 0) {
  console.error(`${missing.length > 0 ? missing.join(', ') : `No report in ${REPORTS}`}: run \`npm run mutation\` first.`);
  process.exit(2);
}
/**
 * A file measured in more than one report (its folder's, its own, or line ranges of it run one at a time with
 * `--mutate file:from-to`) counts each mutant once: the reports of one source are merged mutant by mutant (by
 * mutator, place and replacement), the newest report's status winning. A report of an older source of the file
 * is dropped, since its mutants sit at other places; the run says so, as those lines must be measured again.
 */
function mergeReports(paths: string[]): Report {
  const byAge = [...paths].sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
  const files: Record<string, { source: string; mutants: Map<string, Mutant> }> = {};
  for (const p of byAge) {
    for (const [file, { source, mutants }] of Object.entries((JSON.parse(fs.readFileSync(p, 'utf8')) as Report).files)) {
      const known = files[file];
      if (known && known.source !== source) {
        console.warn(`${file}: ${p} measured a newer source; the ${known.mutants.size} mutants of older reports are dropped.`);
      }
      const merged = known && known.source === source ? known : { source, mutants: new Map<string, Mutant>() };
      for (const mutant of mutants) {
        const { start, end } = mutant.location;
        merged.mutants.set(`${mutant.mutatorName} ${start.line}:${start.column}-${end?.line}:${end?.column} ${mutant.replacement ?? ''}`, mutant);
      }
      files[file] = merged;
    }
  }
  const merged = Object.entries(files).map(([file, { source, mutants }]) => [file, { source, mutants: [...mutants.values()] }]);
  return { files: Object.fromEntries(merged) };
}
const report = mergeReports(reportPaths);

/** src/handlers/shared/aws-calls.ts counts under src/handlers. */
function folderOf(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts.length > 2 ? parts.slice(0, 2).join('/') : path.dirname(file);
}

const byFolder = new Map<string, Tally>();
const byFile = new Map<string, Tally>();
const total = emptyTally();
const survivors: string[] = [];
for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const tally = byFolder.get(folderOf(file)) ?? emptyTally();
  byFolder.set(folderOf(file), tally);
  const fileTally = emptyTally();
  byFile.set(file, fileTally);
  const lines = source.split('\n');
  for (const mutant of mutants) {
    const keys: Array<keyof Tally> = mutant.status === 'Killed' ? ['detected', 'killed']
      : mutant.status === 'Timeout' ? ['detected', 'timeout']
        : mutant.status === 'Survived' ? ['survived']
          : mutant.status === 'NoCoverage' ? ['noCoverage']
            : mutant.status === 'Ignored' ? ['ignored'] : ['invalid'];
    for (const t of [tally, fileTally, total]) for (const key of keys) t[key]++;
    if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
      const { line } = mutant.location.start;
      const replacement = (mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 100);
      survivors.push(`${file}:${line} ${mutant.mutatorName}${mutant.status === 'NoCoverage' ? ' (no test runs it)' : ''}: ${replacement}\n    ${(lines[line - 1] ?? '').trim().slice(0, 140)}`);
    }
  }
}

const score = (t: Tally) => {
  const valid = t.detected + t.survived + t.noCoverage;
  return valid === 0 ? NaN : (100 * t.detected) / valid;
};
const COLUMNS: Array<[keyof Tally, string]> = [
  ['killed', 'killed'], ['timeout', 'timeout'], ['survived', 'survived'], ['noCoverage', 'no cover'], ['ignored', 'ignored'], ['invalid', 'invalid'],
];
const width = Math.max(28, ...[...byFile.keys()].map(f => f.length + 2));
const row = (name: string, t: Tally) => [
  name.padEnd(width),
  (Number.isNaN(score(t)) ? 'n/a' : `${score(t).toFixed(1)}%`).padStart(7),
  ...COLUMNS.map(([key]) => String(t[key]).padStart(9)),
].join(' ');
const header = (first: string) => [first.padEnd(width), 'score'.padStart(7), ...COLUMNS.map(([, title]) => title.padStart(9))].join(' ');

if (listSurvivors) {
  console.log('Mutants no test detected:');
  for (const s of survivors) console.log(`  ${s}`);
  console.log('');
}
console.log(`Mutation score per folder (${reportPaths.join(', ')})`);
console.log(header('folder'));
for (const [folder, tally] of [...byFolder].sort(([a], [b]) => a.localeCompare(b))) console.log(row(folder, tally));
console.log(row('all', total));
if (listFiles) {
  console.log(header('\nfile'));
  for (const [file, tally] of byFile) console.log(row(file, tally));
}
console.log('(score: killed and timed out over those plus survived and no cover; ignored: static code, see stryker.config.mjs;\n invalid: did not compile or failed to load; both left out of the score)');

const low = [...byFolder].filter(([, t]) => score(t) < MINIMUM_SCORE).map(([f]) => f);
if (low.length > 0) {
  console.error(`Under ${MINIMUM_SCORE}%: ${low.join(', ')}. \`npx ts-node --project tsconfig.dev.json scripts/mutation-scores.ts --survivors\` lists the mutants no test detected.`);
  process.exit(1);
}
