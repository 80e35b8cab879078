/**
 * What a release publishes, read from the packages `npx projen package-all` wrote to dist/: the npm tarball, the
 * Python wheel and sdist, and the Maven jar. Each carries only what a user needs, nothing is missing that the
 * code loads, the three languages carry the same JavaScript at the same version, and each stays within its size.
 *
 * It needs dist/, so the main jest run leaves it out; `npx projen test:package` runs it after package-all (the
 * test command does), and prints what each package holds.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
const version: string = pkg.version;

// Limits with room for the library to grow; a bundled node_modules, .venv or cdk.out breaks any of them.
const MB = 1024 * 1024;
const LIMITS = { tarball: 2 * MB, unpacked: 7 * MB, wheel: 2.5 * MB, jar: 2.5 * MB };

interface Entry { readonly name: string; readonly size: number; readonly executable?: boolean }

/** The files of a .tgz, .whl or .jar, with their sizes, by asking Python's tarfile/zipfile (no parsing here). */
function list(archive: string): Entry[] {
  const script = `
import json, sys, tarfile, zipfile
p = sys.argv[1]
if p.endswith(('.tgz', '.tar.gz')):
    with tarfile.open(p) as t:
        print(json.dumps([{'name': m.name, 'size': m.size, 'executable': bool(m.mode & 0o111)} for m in t.getmembers() if m.isfile()]))
else:
    with zipfile.ZipFile(p) as z:
        print(json.dumps([{'name': i.filename, 'size': i.file_size} for i in z.infolist() if not i.is_dir()]))
`;
  const r = spawnSync('python3', ['-c', script, archive], { encoding: 'utf-8', maxBuffer: 64 * MB });
  if (r.status !== 0) throw new Error(`cannot list ${archive}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** One member of an archive, as bytes. */
function read(archive: string, member: string): Buffer {
  const script = `
import sys, tarfile, zipfile
p, m = sys.argv[1], sys.argv[2]
if p.endswith(('.tgz', '.tar.gz')):
    with tarfile.open(p) as t:
        sys.stdout.buffer.write(t.extractfile(m).read())
else:
    with zipfile.ZipFile(p) as z:
        sys.stdout.buffer.write(z.read(m))
`;
  const r = spawnSync('python3', ['-c', script, archive, member], { maxBuffer: 64 * MB });
  if (r.status !== 0) throw new Error(`cannot read ${member} from ${archive}: ${r.stderr}`);
  return r.stdout;
}

/** Whether x.y.z is within a caret range ^a.b.c (a >= 1): at least a.b.c, below a+1. */
function withinCaret(candidate: string, range: string): boolean {
  const [v, floor] = [candidate, range.replace(/^\^/, '')].map(x => x.split('.').map(Number));
  const atLeastFloor = v[0] === floor[0] && (v[1] > floor[1] || (v[1] === floor[1] && v[2] >= floor[2]));
  return /^\^\d+\.\d+\.\d+$/.test(range) && /^\d+\.\d+\.\d+$/.test(candidate) && atLeastFloor;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

const tarball = path.join(DIST, 'js', `${pkg.name}@${version}.jsii.tgz`);
const wheel = path.join(DIST, 'python', `cdk_sg_strategy-${version}-py3-none-any.whl`);
const sdist = path.join(DIST, 'python', `cdk_sg_strategy-${version}.tar.gz`);
const mavenDir = path.join(DIST, 'java', 'io', 'github', 'cdksgstrategy', 'cdk-sg-strategy', version);
const jar = path.join(mavenDir, `cdk-sg-strategy-${version}.jar`);
const pom = path.join(mavenDir, `cdk-sg-strategy-${version}.pom`);

const report: string[] = [];
afterAll(() => {
  // Printed, not logged: this is the package report .ci/run shows (and the closing note of a release quotes).
  if (report.length > 0) process.stdout.write(`\nWhat a release of ${pkg.name} ${version} publishes:\n${report.join('\n')}\n\n`);
});

test('package-all wrote every package, all at the version in package.json', () => {
  for (const file of [tarball, wheel, sdist, jar, pom]) {
    expect(fs.existsSync(file) ? path.relative(DIST, file) : `missing: ${path.relative(DIST, file)}`).toBe(path.relative(DIST, file));
  }
  expect(fs.readdirSync(path.join(DIST, 'js'))).toEqual([path.basename(tarball)]);
  expect(fs.readdirSync(path.join(DIST, 'python')).sort()).toEqual([path.basename(sdist), path.basename(wheel)].sort());
});

describe('the npm tarball', () => {
  const entries = () => list(tarball).map(e => ({ ...e, name: e.name.replace(/^package\//, '') }));
  // Unpacked once, as npm unpacks it into node_modules, for the tests that read many of its files.
  let unpacked: string;
  beforeAll(() => {
    unpacked = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-package-'));
    const r = spawnSync('tar', ['xzf', tarball, '-C', unpacked]);
    if (r.status !== 0) throw new Error(`cannot unpack ${tarball}: ${r.stderr}`);
  });
  afterAll(() => fs.rmSync(unpacked, { recursive: true, force: true }));
  const source = (file: string) => fs.readFileSync(path.join(unpacked, 'package', file), 'utf-8');

  test('holds the library, its bundles, its docs and nothing else', () => {
    const allowed = [
      /^(package\.json|README\.md|LICENSE|API\.md|RULES\.md|AWS-BEHAVIOURS\.md|\.jsii)$/,
      /^lib\/.+\.(js|d\.ts)$/,
      /^assets\/handlers\/[a-z-]+\/index\.js$/,
      /^assets\/cli\/bin\/(sg-strategy\.js|audit\/account\.js)$/,
    ];
    const unexpected = entries().map(e => e.name).filter(n => !allowed.some(re => re.test(n)));
    expect(unexpected).toEqual([]);
  });

  test('carries no tests, sources, tools, examples, benchmarks, scripts or build output of ours', () => {
    const names = entries().map(e => e.name);
    const forbidden = /^(test|src|examples|bench|scripts|rosetta|\.api-baseline|coverage|test-reports|\.venv|\.tools|\.projen|\.github|\.ci|projenrc|dist)\/|cdk\.out|node_modules|\.tsbuildinfo$|\.map$|^tsconfig|^\.projenrc|^\.compatignore$|^\.jsii\.tabl\.json$/;
    expect(names.filter(n => forbidden.test(n))).toEqual([]);
    expect(names.filter(n => n.endsWith('.ts') && !n.endsWith('.d.ts'))).toEqual([]);
  });

  test('every module the library loads is in it, and every module in it is loaded', () => {
    // From lib/index.js, follow every relative require; a bare one must name a peer dependency or a Node built-in.
    const files = new Map(entries().map(e => [e.name, e]));
    const peers = Object.keys(pkg.peerDependencies ?? {});
    const reached = new Set<string>();
    const missing: string[] = [];
    const undeclared: string[] = [];
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const [, spec] of source(file).matchAll(/require\("([^"]+)"\)/g)) {
        if (spec.startsWith('.')) {
          const base = path.posix.join(path.posix.dirname(file), spec);
          const found = [`${base}.js`, base, `${base}/index.js`].find(f => files.has(f) && f.endsWith('.js'));
          if (found) visit(found); else missing.push(`${file} requires ${spec}`);
        } else {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
          if (!peers.includes(name) && !builtinModules.includes(spec.replace(/^node:/, ''))) undeclared.push(`${file} requires ${spec}`);
        }
      }
    };
    visit('lib/index.js');
    expect(missing).toEqual([]);
    expect(undeclared).toEqual([]);
    const unused = [...files.keys()].filter(n => n.startsWith('lib/') && n.endsWith('.js') && !reached.has(n));
    // An unused module is weight users download for nothing: leave it out in projenrc/release.ts (npmignore).
    expect(unused).toEqual([]);
    // Each module ships with its declarations, for TypeScript users.
    expect([...reached].filter(f => !files.has(f.replace(/\.js$/, '.d.ts')))).toEqual([]);
  });

  test('the bundles load only what the Lambda runtime or Node.js provides', () => {
    const builtins = (spec: string) => builtinModules.includes(spec.replace(/^node:/, ''));
    for (const { name } of entries().filter(e => e.name.startsWith('assets/'))) {
      const requires = [...source(name).matchAll(/require\("([^"]+)"\)/g)].map(m => m[1]);
      const allowed = name.startsWith('assets/handlers/')
        // The SDK v3 the Lambda runtime provides.
        ? (s: string) => builtins(s) || s.startsWith('@aws-sdk/client-')
        : name.endsWith('sg-strategy.js')
          // The command loads the audit bundle beside it, for audit, prune and restore only.
          ? (s: string) => builtins(s) || s === './audit/account'
          // The SDK looks for its optional CRT signer and does without it.
          : (s: string) => builtins(s) || s === '@aws-sdk/signature-v4-crt';
      expect({ name, unexpected: requires.filter(s => !allowed(s)) }).toEqual({ name, unexpected: [] });
    }
  });

  test('`sg-strategy` is an executable with a Node.js shebang', () => {
    const bin = entries().find(e => e.name === pkg.bin['sg-strategy'])!;
    expect(bin).toBeDefined();
    expect(bin.executable).toBe(true);
    expect(source(bin.name)).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  test('its package.json is what Construct Hub and npm show', () => {
    const shipped = JSON.parse(source('package.json'));
    expect(shipped.version).toBe(version);
    expect(shipped.keywords).toEqual(expect.arrayContaining(['awscdk', 'aws-cdk', 'cdk', 'security-group']));
    expect(shipped.stability).toBe('stable');
    expect(shipped.engines.node).toBe('>= 20.0.0');
    expect(shipped.description).not.toMatch(/\n/);
    expect(shipped.license).toBe('Apache-2.0');
    // The library needs nothing at run time beyond its peers.
    expect(shipped.dependencies ?? {}).toEqual({});
    expect(Object.keys(shipped.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
    // Construct Hub reads the assembly from the package.
    expect(JSON.parse(source('.jsii')).version).toBe(version);
  });

  test('stays within its size', () => {
    const packed = fs.statSync(tarball).size;
    const all = entries();
    const unpackedSize = all.reduce((n, e) => n + e.size, 0);
    const largest = [...all].sort((a, b) => b.size - a.size).slice(0, 5);
    report.push(`npm   ${pkg.name}@${version}  ${path.basename(tarball)}: ${kb(packed)} packed, ${kb(unpackedSize)} unpacked, ${all.length} files`,
      `      lib/: ${all.filter(e => e.name.startsWith('lib/')).length} files, ${kb(all.filter(e => e.name.startsWith('lib/')).reduce((n, e) => n + e.size, 0))}; `
      + `largest: ${largest.map(e => `${e.name} ${kb(e.size)}`).join(', ')}`);
    expect(packed).toBeLessThan(LIMITS.tarball);
    expect(unpackedSize).toBeLessThan(LIMITS.unpacked);
  });
});

describe('the Python packages', () => {
  test('the wheel holds the bindings, the npm tarball, the command and its metadata, and nothing else', () => {
    const names = list(wheel).map(e => e.name).sort();
    const info = `cdk_sg_strategy-${version}.dist-info`;
    expect(names).toEqual([
      `cdk_sg_strategy-${version}.data/scripts/sg-strategy`,
      `${info}/LICENSE`, `${info}/METADATA`, `${info}/RECORD`, `${info}/WHEEL`, `${info}/top_level.txt`,
      'cdk_sg_strategy/__init__.py',
      'cdk_sg_strategy/_jsii/__init__.py',
      `cdk_sg_strategy/_jsii/${pkg.name}@${version}.jsii.tgz`,
      'cdk_sg_strategy/py.typed',
    ].sort());
  });

  test('the wheel carries the npm tarball itself, and asks for the same aws-cdk-lib and constructs', () => {
    const embedded = read(wheel, `cdk_sg_strategy/_jsii/${pkg.name}@${version}.jsii.tgz`);
    expect(sha256(embedded)).toBe(sha256(fs.readFileSync(tarball)));
    const metadata = read(wheel, `cdk_sg_strategy-${version}.dist-info/METADATA`).toString('utf-8');
    expect(metadata).toMatch(new RegExp(`^Version: ${version.replace(/\./g, '\\.')}$`, 'm'));
    const floor = pkg.peerDependencies['aws-cdk-lib'].replace(/^\^/, '');
    expect(metadata).toMatch(new RegExp(`^Requires-Dist: aws-cdk-lib ?<3\\.0\\.0,>=${floor.replace(/\./g, '\\.')}$`, 'm'));
    expect(metadata).toMatch(/^Requires-Dist: constructs ?<11\.0\.0,>=10\.5\.1$/m);
    // PyPI renders the README from here.
    expect(metadata).toMatch(/^Description-Content-Type: text\/markdown$/m);
    const requires = metadata.match(/^Requires-Python: .*$/m)?.[0];
    report.push(`PyPI  cdk-sg-strategy==${version}  ${path.basename(wheel)}: ${kb(fs.statSync(wheel).size)}; `
      + `${path.basename(sdist)}: ${kb(fs.statSync(sdist).size)}; ${requires}`);
    expect(fs.statSync(wheel).size).toBeLessThan(LIMITS.wheel);
  });

  test('the sdist holds the same sources and no tests or caches', () => {
    const names = list(sdist).map(e => e.name.replace(/^[^/]+\//, ''));
    expect(names.filter(n => /(^|\/)(tests?|__pycache__|\.venv|\.pytest_cache)\//.test(n))).toEqual([]);
    expect(names).toContain(`src/cdk_sg_strategy/_jsii/${pkg.name}@${version}.jsii.tgz`);
  });
});

describe('the Maven artifact', () => {
  test('the jar holds the bindings, the npm tarball and its Maven metadata, and nothing else', () => {
    const names = list(jar).map(e => e.name);
    const unexpected = names.filter(n => !/^io\/github\/cdksgstrategy\/[A-Za-z0-9$-]+\.class$/.test(n)
      && !/^META-INF\/(MANIFEST\.MF|INDEX\.LIST|maven\/io\.github\.cdksgstrategy\/cdk-sg-strategy\/pom\.(xml|properties))$/.test(n)
      && n !== 'io/github/cdksgstrategy/$Module.txt'
      && n !== `io/github/cdksgstrategy/${pkg.name}@${version}.jsii.tgz`);
    expect(unexpected).toEqual([]);
    expect(sha256(read(jar, `io/github/cdksgstrategy/${pkg.name}@${version}.jsii.tgz`))).toBe(sha256(fs.readFileSync(tarball)));
  });

  test('the pom names this version, and an aws-cdk-lib and constructs within the npm peer ranges', () => {
    const xml = fs.readFileSync(pom, 'utf-8');
    expect(xml).toContain(`<version>${version}</version>`);
    // jsii-pacmak resolves the ranges to the newest release Maven Central has within them when it packages.
    const dependency = (artifact: string) => xml.match(new RegExp(`<artifactId>${artifact}</artifactId>\\s*<version>([^<]+)</version>`))?.[1];
    const cdk = dependency('aws-cdk-lib')!;
    const constructs = dependency('constructs')!;
    expect([cdk, withinCaret(cdk, pkg.peerDependencies['aws-cdk-lib'])]).toEqual([cdk, true]);
    expect([constructs, withinCaret(constructs, pkg.peerDependencies.constructs)]).toEqual([constructs, true]);
    // Maven Central refuses a pom without these.
    for (const tag of ['name', 'description', 'url', 'licenses', 'developers', 'scm']) expect(xml).toContain(`<${tag}>`);
    const classes = list(jar).filter(e => e.name.endsWith('.class')).length;
    const sources = path.join(mavenDir, `cdk-sg-strategy-${version}-sources.jar`);
    const javadoc = path.join(mavenDir, `cdk-sg-strategy-${version}-javadoc.jar`);
    report.push(`Maven io.github.cdksgstrategy:cdk-sg-strategy:${version}  ${path.basename(jar)}: ${kb(fs.statSync(jar).size)}, ${classes} classes, `
      + `aws-cdk-lib ${cdk}, constructs ${constructs}; sources ${kb(fs.statSync(sources).size)}, javadoc ${kb(fs.statSync(javadoc).size)}, pom ${kb(fs.statSync(pom).size)}`);
    expect(fs.statSync(jar).size).toBeLessThan(LIMITS.jar);
  });
});
