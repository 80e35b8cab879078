// Mutation testing: `npm run mutation` (scripts/mutation.ts runs Stryker once per folder with this config).
// Stryker makes one small edit (a mutant) at a time, runs the tests that cover it, and counts the mutants no
// test kills: each is a behaviour no test checks.
// MUTATION_FOLDER is a folder (src/rules) or one file (src/rules/too-many-rules.ts); each has its own report
// (MUTATION_NAME, set by scripts/mutation.ts for a run narrowed by `--mutate`).
const folder = process.env.MUTATION_FOLDER;
const name = process.env.MUTATION_NAME
  ?? (folder ? folder.replace(/^src\//, '').replace(/\.ts$/, '').replace(/[\\/]/g, '-') : 'all');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // One folder at a time keeps a run bounded; without MUTATION_FOLDER, every folder the issue scopes in.
  mutate: [
    ...(folder ? [folder.endsWith('.ts') ? folder : `${folder}/**/*.ts`] : [
      'src/model/**/*.ts',
      'src/rules/**/*.ts',
      'src/checks/**/*.ts',
      'src/core/**/*.ts',
      'src/server-client-pair/**/*.ts',
      'src/handlers/**/*.ts',
    ]),
    '!src/**/index.ts',
  ],
  testRunner: 'jest',
  jest: {
    enableFindRelatedTests: true,
    config: {
      // Jest's 5 s default fails a synth in a beforeAll on instrumented code on a busy machine.
      testTimeout: 60_000,
      // MUTATION_TESTS=test/rules/**/*.test.ts bounds a run to those tests: a lower bound on the score, in minutes.
      // A `!glob` entry leaves files out (jest matches negations only without <rootDir>).
      ...(process.env.MUTATION_TESTS ? {
        testMatch: process.env.MUTATION_TESTS.split(',').map(glob => glob.startsWith('!') ? glob : `<rootDir>/${glob}`),
      } : {}),
    },
  },
  // Each mutant runs only the tests that executed its code in the first, instrumented run.
  coverageAnalysis: 'perTest',
  // A mutant in code that runs when a module loads (a rule's title, a table of ports) is covered by no one test,
  // so Stryker would run every test for it. Such mutants are reported as Ignored and left out of the score;
  // the texts are checked by the RULES.md test, the tables by behaviour tests.
  ignoreStatic: true,
  // A mutant that does not compile is dropped before any test runs (tsconfig.json covers src/ only). On a loaded
  // machine the checker takes most of the time of a run narrowed to a few files (it measured 9 CPU seconds of 10);
  // MUTATION_CHECKER=off skips it: a mutant that would not compile then runs as JavaScript (Stryker disables type
  // checks in the files it instruments), so it counts as killed or survived instead of invalid.
  checkers: process.env.MUTATION_CHECKER === 'off' ? [] : ['typescript'],
  tsconfigFile: 'tsconfig.json',
  // The machine is shared: one test runner, one checker. Raise with `-- --concurrency 4`.
  concurrency: 1,
  // Only mutants whose code or covering tests changed since the folder's last run are tested again.
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  // Handler tests against moto and synth tests are slow to start; a busy machine must not turn them into timeouts.
  timeoutMS: 30_000,
  dryRunTimeoutMinutes: 30,
  reporters: ['clear-text', 'html', 'json', 'progress-append-only'],
  clearTextReporter: { reportMutants: false, allowEmojis: false },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  // Not needed to run the tests, and large: the Python venv (moto is found from the project, see
  // test/support/moto-server.ts), build output, reports, and the consumer apps.
  ignorePatterns: [
    '/.venv', '/lib', '/dist', '/coverage', '/test-reports', '/.jsii', '/cdk.out', '/examples/cdk.out*',
    '/test/consumers', '/API.md', '/tsconfig.tsbuildinfo', '/reports',
  ],
};
