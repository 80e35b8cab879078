import { awscdk, javascript } from 'projen';

// The oldest aws-cdk-lib with Validations and IPolicyValidationPlugin; users may have anything newer.
const MIN_CDK_VERSION = '2.257.0';
// What we develop and test against: the newest release.
const DEV_CDK_VERSION = '2.276.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-sg-strategy',
  description: 'A security-group strategy as code: constructs that build the good patterns and synth-time checks that catch the bad ones.',
  author: 'cdk-sg-strategy contributors',
  authorAddress: 'maintainers@cdk-sg-strategy.invalid',
  repositoryUrl: 'https://github.com/cdk-sg-strategy/cdk-sg-strategy.git',
  keywords: ['cdk', 'aws-cdk', 'security-group', 'ec2', 'vpc', 'security', 'compliance'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: { compilerOptions: {}, include: ['examples/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', '.projenrc.ts', 'projenrc/**/*.ts'] },
  // Lint tests and examples with the dev tsconfig, which includes them; the jsii tsconfig covers only src/.
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'scripts', 'bench'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
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

  publishToPypi: {
    distName: 'cdk-sg-strategy',
    module: 'cdk_sg_strategy',
  },
  publishToMaven: {
    mavenGroupId: 'io.github.cdksgstrategy',
    mavenArtifactId: 'cdk-sg-strategy',
    javaPackage: 'io.github.cdksgstrategy',
  },

  // CI is `.ci/run`; there is no hosted workflow to generate.
  github: false,
  release: false,
  depsUpgrade: false,
  sampleCode: false,

  // Jest 30 and eslint-import-resolver-typescript 4 pull unrs-resolver, whose per-platform optional packages
  // are not all on the registry we install from, so `npm ci` rejects the lock file. These versions need none.
  jestOptions: {
    jestVersion: '^29',
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumers/'],
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
    '/.jsii.tabl.json',
  ],
});

// projen asks for eslint-import-resolver-typescript 4 (see jestOptions for why not).
project.deps.removeDependency('eslint-import-resolver-typescript');
project.addDevDeps('eslint-import-resolver-typescript@3.6.3');

// The Python tools' venv and rosetta's working files are not part of the package.
project.npmignore?.addPatterns('/examples/', '/.ci/', '/test/consumers/', '/bench/', '/scripts/', '/.venv/', '/rosetta/', '/.jsii.tabl.json');

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

// `npm run demo`: synthesize the example app and print what it built.
project.addTask('demo', {
  description: 'Synthesize the example app in examples/ and print what it built',
  exec: 'ts-node --project tsconfig.dev.json examples/demo.ts',
});

// `npm run bench`: synth time with and without the checks, side by side (not a test: timings are not asserted).
project.addTask('bench', {
  description: 'Measure synth time bare, with the sg-strategy Aspect and plugin, and with cdk-nag, on generated apps; then the command\'s check',
  exec: 'ts-node --project tsconfig.dev.json bench/synth-bench.ts',
});
// `sg-strategy check` over a ~12k-resource assembly, beside starting Node and reading the templates.
const checkBench = project.addTask('bench:check', {
  description: 'Measure the sg-strategy command\'s check on a ~12k-resource cloud assembly',
  exec: 'ts-node --project tsconfig.dev.json bench/check-bench.ts',
});
checkBench.prependSpawn(project.bundler.bundleTask);
project.tasks.tryFind('bench')!.spawn(checkBench);

// Consumer tests: the packaged wheel and jar, used from Python and Java as a user would.
const consumers = project.addTask('test:consumers', {
  description: 'Use the packaged Python wheel and Maven artifact from real Python and Java CDK apps',
});
consumers.exec('bash test/consumers/python/run.sh');
consumers.exec('bash test/consumers/java/run.sh');

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

project.synth();
