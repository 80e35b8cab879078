import { awscdk, JsonPatch, ReleasableCommits } from 'projen';
import { ActionRefs } from 'projen/lib/github/actions.const';
import { JobStep } from 'projen/lib/github/workflows-model';

/*
 * Releases, the GitHub workflows and the package's listing on npm and Construct Hub. The pipeline is projen's own
 * for an AwsCdkConstructLibrary; what is here is only what this project needs on top of it. Kept apart from
 * .projenrc.ts (the build) so that the two change without touching each other.
 */

// The jest suite runs the handler tests against moto_server, which .ci/python-tools.sh installs into .venv: the
// build in each workflow needs it, as CI here does.
const PYTHON_TOOLS: JobStep[] = [
  { name: 'Set up Python', uses: ActionRefs.ACTIONS_SETUP_PYTHON, with: { 'python-version': '3.11' } },
  { name: 'Install the Python test tools', run: 'bash .ci/python-tools.sh' },
];
// As in .ci/run: jsii prints an 11-line banner on every step under a Node.js past its end of life.
const JSII_ENV = { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };

export const releaseOptions: Partial<awscdk.AwsCdkConstructLibraryOptions> = {
  // One line: what npm search and Construct Hub's cards show.
  description: 'Security groups as a strategy for the AWS CDK: constructs that build the good patterns, and synth-time checks over every group in the app that catch the bad ones.',
  // Construct Hub lists a jsii package from npm only when a keyword names its CDK (`awscdk`); the rest are what
  // people search for.
  keywords: ['awscdk', 'aws-cdk', 'cdk', 'security-group', 'security-groups', 'ec2', 'vpc', 'privatelink', 'network-security', 'least-privilege', 'compliance', 'sarif'],
  stability: 'stable',
  // engines.node: the oldest Node.js CI proves (here and in the workflows), which is also aws-cdk-lib's floor.
  minNodeVersion: '20.0.0',
  workflowNodeVersion: '20.x',

  // A build workflow for pull requests, and a release workflow on main that versions from conventional commits,
  // writes the changelog into the GitHub release, and publishes to npm, PyPI and Maven Central.
  github: true,
  buildWorkflowOptions: { preBuildSteps: PYTHON_TOOLS, env: JSII_ENV },
  release: true,
  releaseWorkflowSetupSteps: PYTHON_TOOLS,
  releaseWorkflowEnv: JSII_ENV,
  // A push to main releases when it brings a change users see: a feature, a fix, a performance change, a revert or
  // a break (projen's default releases on any commit, so a README edit would publish an empty patch). As in
  // projen's ofType, and as the version bump reads history, merge commits do not count: the conventional subjects
  // are on the commits a branch brings, and those are what the release notes list. Unlike ofType, a break of any
  // type (`refactor!:`, a `BREAKING CHANGE:` footer) releases too.
  releasableCommits: ReleasableCommits.exec([
    'git log --no-merges --oneline $LATEST_TAG..HEAD -E',
    "--grep '^(feat|fix|perf|revert)(\\([^()[:space:]]+\\))?!?:[[:blank:]]+.+'",
    "--grep '^[a-z]+(\\([^()[:space:]]+\\))?!:[[:blank:]]+.+'",
    "--grep '^BREAKING[ -]CHANGE:'",
  ].join(' ')),
  // The API is stable from the first release (1.0.0, where projen would otherwise start at 0.0.0); a breaking
  // commit then makes the next release a new major version.
  minMajorVersion: 1,
  // projen's default bump tool, commit-and-tag-version 13, and its conventional-changelog packages declare Node.js
  // 22 or newer, which is more than the Node.js the release workflow runs (and adds 17 engine warnings to every
  // npm ci). 12 declares 18 or newer, and makes the same versions and notes (test/release/versions.test.ts).
  bumpPackage: 'commit-and-tag-version@^12',
  releaseToNpm: true,
  // npm and PyPI take the workflow's OIDC identity: no token lives in the repository's secrets. Maven Central has
  // no such scheme; its job reads MAVEN_USERNAME, MAVEN_PASSWORD, MAVEN_GPG_PRIVATE_KEY(_PASSPHRASE).
  npmTrustedPublishing: true,
  publishToPypi: {
    distName: 'cdk-sg-strategy',
    module: 'cdk_sg_strategy',
    trustedPublishing: true,
  },
  publishToMaven: {
    mavenGroupId: 'io.github.cdksgstrategy',
    mavenArtifactId: 'cdk-sg-strategy',
    javaPackage: 'io.github.cdksgstrategy',
  },
  // jsii-diff after every compile (scripts/api-compat.ts): from the committed baseline and from the last release.
  compat: true,
  // Nothing upgrades dependencies behind a reviewer's back: the floor and dev versions of aws-cdk-lib are chosen
  // (see .projenrc.ts), and an upgrade PR would need the consumer tests that only .ci/run runs.
  depsUpgrade: false,
};

export function configureRelease(project: awscdk.AwsCdkConstructLibrary): void {
  // projen's compat task compares with the latest npm release only, and passes when there is none. Ours also
  // compares with .api-baseline/, and allows a break listed in .compatignore only when a commit marks it breaking.
  const compat = project.tasks.tryFind('compat')!;
  compat.reset('ts-node --project tsconfig.dev.json scripts/api-compat.ts');
  compat.description = 'Check the public API (jsii-diff) against .api-baseline/ and the last release on npm';
  project.addTask('compat:baseline', {
    description: 'Make this build\'s public API (.jsii) the baseline that `compat` compares with (after a major release)',
    exec: 'ts-node --project tsconfig.dev.json scripts/api-compat.ts --update-baseline',
  });
  // The baseline is a .jsii file, which the generated .gitignore leaves out everywhere else.
  // A dot-directory: jsii-docgen looks for every .jsii below the project, and would document this older
  // assembly of the same name and version instead of the build's (fast-glob skips dot-directories).
  project.gitignore.include('/.api-baseline/.jsii');
  project.npmignore?.addPatterns('/.api-baseline/', '/.compatignore');

  // The workflows cannot run here: actionlint (with shellcheck) checks what projen generated. .ci/run runs it.
  project.addTask('lint:workflows', {
    description: 'Lint the generated GitHub workflows with actionlint and shellcheck (needs Go; builds actionlint once)',
    exec: 'bash .ci/actionlint.sh',
  });
  project.gitignore.addPatterns('/.tools/');
  project.npmignore?.addPatterns('/.tools/');

  // What the package carries (test/release/packages.test.ts checks it after packaging). The handlers and the
  // sg-strategy command run from their bundles in assets/; their compiled modules in lib/ are never loaded, except
  // the three the checks share with the command's output. Nor are the generators of RULES.md and AWS-BEHAVIOURS.md.
  project.npmignore?.addPatterns(
    '/lib/handlers/',
    '/lib/cli/*', '!/lib/cli/findings-table.*', '!/lib/cli/counted.*', '!/lib/cli/layout.*',
    '/lib/rules/rules-markdown.*', '/lib/model/aws-behaviours-markdown.*',
    // Only the command's `reach` and `verify` use these, from its bundle.
    '/lib/reachability/reach.*', '/lib/reachability/policy-file.*',
  );

  // The packages' contents, versions and sizes, read from dist/ once package-all has written it: a jest file of its
  // own, which the main run (where there is no dist/) leaves out. The test command runs it last.
  project.jest?.addIgnorePattern('<rootDir>/test/release/packages.test.ts');
  const testPackage = project.addTask('test:package', {
    description: 'Check what the npm tarball, the wheel and the jar in dist/ carry, their versions and sizes (after package-all)',
    // Its JUnit report sits beside the main run's, which it must not overwrite.
    env: { JEST_JUNIT_OUTPUT_NAME: 'packages.xml' },
    exec: 'jest --ci --coverage=false --testPathIgnorePatterns /node_modules/ -- test/release/packages.test.ts',
  });
  project.tasks.tryFind('test:all')!.spawn(testPackage);

  // npm trusted publishing needs npm 11.5.1 or newer; Node 20 comes with npm 10, and projen leaves the upgrade to
  // the project. Right after the job sets up Node.js, before anything else runs npm.
  project.github!.tryFindWorkflow('release')!.file!.patch(JsonPatch.add('/jobs/release_npm/steps/1', {
    name: 'Use npm 11 (trusted publishing)',
    run: 'npm install -g npm@^11.5.1',
  }));
}
