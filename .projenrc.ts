import { awscdk, javascript } from 'projen';
import { configureRelease, releaseOptions } from './projenrc/release';

// The oldest aws-cdk-lib this library supports, tested by test/consumers/floor. 2.258.0 is the first that gives
// validation plugins the construct tree (for acknowledgements) and lets them add files to the cloud assembly
// (the reports). Before 2.269.0 Validations refuses the ids of cdk-nag's IAM5 findings (src/core/nag.ts
// records them itself), and before 2.271.0 its report applies an acknowledgement app-wide (the plugin reports
// errors it would hide as fatal). Maven Central has aws-cdk-lib for Java up to 2.263.0 only, so a higher floor
// would leave the Java package nothing to build against.
const MIN_CDK_VERSION = '2.258.0';
// What we develop and test against: the newest release.
const DEV_CDK_VERSION = '2.276.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-sg-strategy',
  author: 'cdk-sg-strategy contributors',
  authorAddress: 'maintainers@cdk-sg-strategy.invalid',
  repositoryUrl: 'https://github.com/cdk-sg-strategy/cdk-sg-strategy.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  tsconfigDevFile: 'tsconfig.dev.json',
  // test/consumers are apps of the packed library, built where it is installed (see its run.sh files).
  tsconfigDev: {
    compilerOptions: {},
    include: ['examples/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', '.projenrc.ts', 'projenrc/**/*.ts'],
    exclude: ['test/consumers'],
  },
  // Lint tests and examples with the dev tsconfig, which includes them; the jsii tsconfig covers only src/.
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'scripts', 'bench'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
    // The test task reports what eslint finds and changes no file, so CI fails on it; `npx projen eslint --fix` fixes.
    commandOptions: { fix: false },
  },

  cdkVersion: MIN_CDK_VERSION,
  peerDependencyOptions: { pinnedDevDependency: false },
  devDeps: [
    `aws-cdk-lib@${DEV_CDK_VERSION}`,
    'constructs@^10.5.1',
    'fast-check@^4',
    'cdk-nag@^3',
    // Handlers use the SDK v3 that the Lambda runtime provides; these are for types, tests and bundling only.
    // The sg-strategy command's bundle carries the clients it uses (ECS and Lambda are for `audit` alone;
    // CloudTrail tells `audit --interfaces` how long an interface has been detached; Auto Scaling lists the
    // launch configurations that name a group, which `prune` must not delete).
    '@aws-sdk/client-auto-scaling@^3',
    '@aws-sdk/client-cloudtrail@^3',
    '@aws-sdk/client-ec2@^3',
    '@aws-sdk/client-ecs@^3',
    '@aws-sdk/client-elastic-load-balancing@^3',
    '@aws-sdk/client-elastic-load-balancing-v2@^3',
    '@aws-sdk/client-lambda@^3',
    '@aws-sdk/client-kms@^3',
    '@aws-sdk/client-s3@^3',
    '@aws-sdk/client-sns@^3',
    'aws-sdk-client-mock@^4',
    // The sg-strategy command reads YAML templates with it; the bundle carries it, so users install nothing.
    'yaml@^2',
    // Ships the SARIF 2.1.0 JSON schema (OASIS) and a jest matcher that validates against it.
    '@microsoft/jest-sarif@1.0.0-beta.0',
  ],

  sampleCode: false,
  // Releases, workflows and the package's listing: projenrc/release.ts.
  ...releaseOptions,

  // Jest 30 and eslint-import-resolver-typescript 4 pull unrs-resolver, whose per-platform optional packages
  // are not all on the registry we install from, so `npm ci` rejects the lock file. These versions need none.
  jestOptions: {
    jestVersion: '^29',
    // `jest --ci`: a snapshot that does not match fails instead of being rewritten (`npx projen test:update` rewrites).
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumers/'],
      // Every source file counts, so one that no test loads shows as 0% instead of being left out.
      collectCoverageFrom: ['src/**/*.ts'],
      // Tests that drive moto server or synthesize several apps take seconds on a busy 2-core machine, and one
      // that times out leaves moto's state to the next; a hang still fails, after 30 s rather than 5.
      testTimeout: 30_000,
    },
  },

  gitignore: [
    'cdk.out/',
    '/examples/cdk.out/',
    '/examples/cdk.out.*/',
    '.venv/',
    'test/consumers/java/target/',
    '__pycache__/',
    '.pytest_cache/',
    'test/consumers/python/test-report.xml',
    'test/consumers/floor/.work/',
    '/.jsii.tabl.json',
  ],
});

// esbuild's install script only swaps its JavaScript launcher for the native binary; the launcher finds the
// binary (@esbuild/<platform>) without it. Declining it here is what npm 12 will do to unreviewed scripts,
// and the fresh-clone demo in CI proves that bundling works without it.
project.package.addField('allowScripts', { esbuild: false });

// projen asks for eslint-import-resolver-typescript 4 (see jestOptions for why not).
project.deps.removeDependency('eslint-import-resolver-typescript');
project.addDevDeps('eslint-import-resolver-typescript@3.6.3');

project.eslint?.addIgnorePattern('test/consumers/');

// The Python tools' venv and rosetta's working files are not part of the package.
project.npmignore?.addPatterns('/examples/', '/.ci/', '/test/consumers/', '/bench/', '/scripts/', '/.venv/', '/rosetta/', '/.jsii.tabl.json', '/stryker.config.mjs', '/reports/');

// ts-jest transpiles without type checking; check tests, examples and scripts here.
project.testTask.prependExec('tsc --noEmit -p tsconfig.dev.json');

// Custom-resource handlers are bundled into assets/ (shipped in the package), leaving out the SDK v3 the
// Lambda runtime provides. They are not exported from src/index.ts.
for (const handler of ['lock-default-security-group', 'open-ingress-remediator', 'private-link-service-swap']) {
  project.bundler.addBundle(`src/handlers/${handler}.ts`, { platform: 'node', target: 'node22', externals: ['@aws-sdk/*'] });
}
// The sg-strategy command is bundled with everything it uses, so `npx sg-strategy` needs nothing beyond the
// library's peers. It never loads aws-cdk-lib. `audit`, `prune` and `restore` and the SDK v3 clients they use are a second file
// beside it, which only those commands load: parsing the SDK took most of check's start-up.
project.bundler.addBundle('src/cli/bin.ts', {
  platform: 'node',
  target: 'node18',
  externals: ['./audit/account'],
  minify: true,
  outfile: 'sg-strategy.js',
  executable: true,
  banner: '#!/usr/bin/env node',
});
project.bundler.bundleTask.exec('esbuild --bundle src/cli/audit/account.ts --target=node18 --platform=node --minify --log-level=warning --outfile=assets/cli/bin/audit/account.js');
project.addBins({ 'sg-strategy': 'assets/cli/bin/sg-strategy.js' });
// Handlers import the SDK v3 that the Lambda runtime provides, and the command bundles it: a dev dependency here, never a runtime one.
project.eslint?.addOverride({
  files: ['src/handlers/**/*.ts', 'src/cli/**/*.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true, optionalDependencies: false, peerDependencies: true }] },
});
// Template tests synthesize constructs whose code is the bundle, so bundle before testing.
project.testTask.prependSpawn(project.bundler.bundleTask);

// RULES.md is generated from the rule catalog in code.
const rulesDoc = project.addTask('docgen:rules', {
  description: 'Generate RULES.md from the rule catalog',
  exec: 'ts-node --project tsconfig.dev.json scripts/generate-rules-md.ts',
});
project.postCompileTask.spawn(rulesDoc);
// AWS-BEHAVIOURS.md is generated from the model's ground-truth table.
const behavioursDoc = project.addTask('docgen:behaviours', {
  description: 'Generate AWS-BEHAVIOURS.md from the model\'s table of AWS behaviours and their sources',
  exec: 'ts-node --project tsconfig.dev.json scripts/generate-behaviours-md.ts',
});
project.postCompileTask.spawn(behavioursDoc);

// Rosetta compiles every TypeScript snippet in the README against the fixture in rosetta/.
project.postCompileTask.exec('jsii-rosetta extract --strict');

// `npm run demo`: synthesize the example app and print what it built. Its constructs' handlers are assets, so
// it bundles them first; a fresh clone has no assets/.
const demo = project.addTask('demo', {
  description: 'Synthesize the example app in examples/ and print what it built',
  exec: 'ts-node --project tsconfig.dev.json examples/demo.ts',
});
demo.prependSpawn(project.bundler.bundleTask);

// `npm run sg-strategy -- check cdk.out`: the command in a clone, where `npx sg-strategy` finds no installed
// package. A plain script rather than a projen task, so the command's exit codes (1 findings, 2 could not run)
// reach the caller; the bundle is rebuilt quietly first, and its errors are shown if it fails.
project.setScript('sg-strategy', '(projen bundle:cli/bin >/dev/null 2>&1 || projen bundle:cli/bin) && node assets/cli/bin/sg-strategy.js');

// `npm run bench`: synth time with and without the checks, side by side (not a test: timings are not asserted).
project.addTask('bench', {
  description: 'Measure synth time and memory bare, with the sg-strategy Aspect and plugin, with CDK\'s built-in validation and with cdk-nag, on generated apps; then the command\'s check',
  exec: 'ts-node --project tsconfig.dev.json bench/synth-bench.ts',
});
// `sg-strategy check` over a ~12k-resource assembly, beside starting Node and reading the templates.
const checkBench = project.addTask('bench:check', {
  description: 'Measure the sg-strategy command\'s check on a ~12k-resource cloud assembly',
  exec: 'ts-node --project tsconfig.dev.json bench/check-bench.ts',
});
checkBench.prependSpawn(project.bundler.bundleTask);
project.tasks.tryFind('bench')!.spawn(checkBench);
// `npm run bench:reachability`: what reachability and policies add to synth beyond the checks (issue 18's budget).
const reachabilityBench = project.addTask('bench:reachability', {
  description: 'Synth time of the Aspect without reachability, with its matrix and report, and with policies, side by side',
  exec: 'ts-node --project tsconfig.dev.json bench/reachability-bench.ts',
});
project.tasks.tryFind('bench')!.spawn(reachabilityBench);

// `npm run mutation`: Stryker mutates the engine and the handlers one small edit at a time and runs the tests
// that cover each edit; a mutant no test kills is a behaviour no test checks. Too slow for the test command
// (see scripts/mutation.ts); `npm run mutation -- src/rules` measures one folder.
project.addDevDeps('@stryker-mutator/core@^9', '@stryker-mutator/jest-runner@^9', '@stryker-mutator/typescript-checker@^9');
const mutation = project.addTask('mutation', {
  description: 'Mutation testing of the engine and the handlers with Stryker, folder by folder; prints the score per folder',
});
mutation.spawn(project.bundler.bundleTask);
mutation.exec('ts-node --project tsconfig.dev.json scripts/mutation.ts', { receiveArgs: true });
project.gitignore.exclude('/.stryker-tmp/', '/reports/');

// Consumer tests: the packaged wheel and jar, used from Python and Java as a user would.
const consumers = project.addTask('test:consumers', {
  description: 'Use the packaged Python wheel and Maven artifact from real Python and Java CDK apps',
});
consumers.exec('bash test/consumers/python/run.sh');
consumers.exec('bash test/consumers/java/run.sh');
// The npm package with the oldest aws-cdk-lib it declares: every construct, the Aspect and the plugin.
const floor = project.addTask('test:floor', {
  description: `Install the packed library with aws-cdk-lib ${MIN_CDK_VERSION} (the declared floor) and synthesize every construct with the checks`,
  exec: 'bash test/consumers/floor/run.sh',
});
consumers.spawn(floor);

// cfn-lint over the demo's templates: what our constructs synthesize must be valid CloudFormation.
const lintTemplates = project.addTask('test:templates', {
  description: 'Synthesize the demo and lint its templates with cfn-lint',
});
lintTemplates.spawn(project.tasks.tryFind('demo')!);
lintTemplates.exec('.venv/bin/cfn-lint --non-zero-exit-code error examples/cdk.out/*.template.json');

// The one test command: build, unit tests, every jsii package, then the consumers.
const testAll = project.addTask('test:all', {
  description: 'Build, run the TypeScript tests, package for every language, and run the Python and Java consumer tests',
});
testAll.exec('bash .ci/python-tools.sh');
testAll.spawn(project.defaultTask!);
testAll.spawn(project.preCompileTask);
testAll.spawn(project.compileTask);
testAll.spawn(project.postCompileTask);
testAll.spawn(project.testTask);
testAll.spawn(project.tasks.tryFind('package-all')!);
testAll.spawn(consumers);
testAll.spawn(lintTemplates);

configureRelease(project);

project.synth();
