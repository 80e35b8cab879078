// Mutation testing: `npm run mutation` (see .projenrc.ts). Stryker makes one small edit (a mutant) at a time in
// the engine and the handlers, runs the tests that cover it, and counts the mutants no test kills.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'src/model/**/*.ts',
    'src/rules/**/*.ts',
    'src/checks/**/*.ts',
    'src/core/**/*.ts',
    'src/server-client-pair/**/*.ts',
    'src/handlers/**/*.ts',
    '!src/**/index.ts',
  ],
  testRunner: 'jest',
  jest: { enableFindRelatedTests: true },
  // Each mutant runs only the tests that executed its code in the first, instrumented run.
  coverageAnalysis: 'perTest',
  // A mutant that does not compile is dropped before any test runs (tsconfig.json covers src/ only).
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  // The machine is shared: one test runner, one checker. Raise with `-- --concurrency 2`.
  concurrency: 1,
  // Handler tests against moto and synth tests are slow to start; a busy machine must not turn them into timeouts.
  timeoutMS: 30_000,
  dryRunTimeoutMinutes: 30,
  reporters: ['clear-text', 'html', 'json', 'progress-append-only'],
  clearTextReporter: { reportMutants: false, allowEmojis: false },
  // Not needed to run the tests, and large: the Python venv (moto is found from the project, see
  // test/support/moto-server.ts), build output, reports, and the consumer apps.
  ignorePatterns: [
    '/.venv', '/lib', '/dist', '/coverage', '/test-reports', '/.jsii', '/cdk.out', '/examples/cdk.out*',
    '/test/consumers', '/API.md', '/tsconfig.tsbuildinfo',
  ],
};
