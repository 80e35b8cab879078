import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AspectPriority, Aspects, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SecurityGroupStrategyChecks, SecurityGroupStrategyPlugin } from '../../src';
import { Finding } from '../../src/checks/engine';
import { printFindings } from '../../src/checks/print-findings';
import { findingsSummary, findingsTable } from '../../src/cli/findings-table';
import { ENV, testApp } from '../support/analyse-app';

/** An app with one SSH-from-the-world group (an error) and one acknowledged RDP-from-the-world group. */
function flawedApp(app: App) {
  const stack = new Stack(app, 'Stack', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
  new ec2.SecurityGroup(stack, 'Ssh', { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
  const rdp = new ec2.SecurityGroup(stack, 'Rdp', { vpc, allowAllOutbound: false });
  rdp.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(3389));
  Validations.of(rdp).acknowledge({ id: 'sg-strategy::WorldOpenAdminPort', reason: 'a honeypot' });
  return stack;
}

/** What the synth wrote to stderr. */
function stderrOf(synth: () => void): string {
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
    written.push(String(chunk));
    return true;
  });
  try {
    synth();
  } catch {
    // The plugin fails synth on the error; what it printed before is what the test reads.
  } finally {
    spy.mockRestore();
  }
  return written.join('');
}

const outdir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'print-findings-'));

describe('printFindings', () => {
  test('the Aspect prints the table, the summary and where the reports are', () => {
    const dir = outdir();
    const app = testApp({ outdir: dir });
    flawedApp(app);
    Aspects.of(app).add(new SecurityGroupStrategyChecks({ printFindings: true }), { priority: AspectPriority.READONLY });
    const printed = stderrOf(() => app.synth());
    expect(printed).toMatch(/^sg-strategy: 1 error, \d+ warnings?, \d+ info, 1 acknowledged$/m);
    expect(printed).toMatch(/^ {2}ERROR {3}WorldOpenAdminPort +Stack\/Ssh\n {10}Stack\/Ssh admits .*SSH 22/m);
    expect(printed).toMatch(/WorldOpenAdminPort at Stack\/Rdp: a honeypot/);
    expect(printed).toContain(`reports: ${path.join(dir, 'sg-strategy-report.json')}`);
    expect(printed).not.toMatch(/temporary directory/);
  });

  test('the plugin prints the same table', () => {
    const app = testApp({ outdir: outdir() });
    flawedApp(app);
    Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin({ printFindings: true }));
    const printed = stderrOf(() => app.synth());
    expect(printed).toMatch(/^sg-strategy: 1 error, /m);
    expect(printed).toMatch(/^ {2}ERROR {3}WorldOpenAdminPort +Stack\/Ssh$/m);
  });

  test('nothing is printed unless asked', () => {
    const app = testApp({ outdir: outdir() });
    flawedApp(app);
    Aspects.of(app).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY });
    expect(stderrOf(() => app.synth())).not.toMatch(/sg-strategy:|WorldOpenAdminPort/);
  });

  test('reports in the temporary directory of an app given no outdir come with a warning that they will be gone', () => {
    const saved = process.env.CDK_OUTDIR;
    delete process.env.CDK_OUTDIR;
    try {
      const app = testApp();
      flawedApp(app);
      Aspects.of(app).add(new SecurityGroupStrategyChecks({ printFindings: true }), { priority: AspectPriority.READONLY });
      const printed = stderrOf(() => app.synth());
      expect(printed).toContain(`reports: ${path.join(app.outdir, 'sg-strategy-report.json')}`);
      expect(printed).toMatch(/CDK removes this temporary directory when the app exits: give the App an outdir, or set reportDirectory/);
    } finally {
      if (saved !== undefined) process.env.CDK_OUTDIR = saved;
    }
  });
});

describe('acknowledgements in the validation plugin are scoped to where they were made', () => {
  test('an acknowledged finding does not hide an unacknowledged one of the same rule elsewhere', () => {
    const dir = outdir();
    const app = testApp({ outdir: dir });
    flawedApp(app);
    Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin({ writeReports: false }));
    expect(() => app.synth()).toThrow(/WorldOpenAdminPort/);
    const cdkReport = JSON.parse(fs.readFileSync(path.join(dir, 'validation-report.json'), 'utf8'));
    const ours = cdkReport.pluginReports.find((r: any) => r.pluginName === 'sg-strategy');
    expect(ours.conclusion).toBe('failure');
    const open = ours.violations.filter((v: any) => v.ruleName === 'WorldOpenAdminPort').flatMap((v: any) => v.violatingConstructs.map((c: any) => c.constructPath));
    expect(open).toEqual(['Stack/Ssh/Resource']);
  });
});

describe('an app with both the Aspect and the plugin', () => {
  test('gets its reports from the Aspect alone: CDK fails synth when a plugin changes a file already in the assembly', () => {
    const dir = outdir();
    const app = testApp({ outdir: dir });
    flawedApp(app);
    Aspects.of(app).add(new SecurityGroupStrategyChecks({ printFindings: true }), { priority: AspectPriority.READONLY });
    Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin({ printFindings: true }));
    const printed = stderrOf(() => app.synth());
    // Both print their table; only the one that wrote reports lists them.
    expect(printed.match(/^sg-strategy: 1 error/gm)).toHaveLength(2);
    expect(printed.match(/reports: /g)).toHaveLength(1);
    expect(fs.existsSync(path.join(dir, 'sg-strategy-report.json'))).toBe(true);
  });
});

describe('printFindings on its own', () => {
  const ssh: Finding = {
    ruleId: 'WorldOpenAdminPort',
    level: 'error',
    message: 'Stack/Ssh admits SSH 22 from the world',
    fix: 'Narrow it.',
    stackId: 'Stack',
    stackName: 'Stack',
    logicalId: 'Ssh',
    resourceType: 'AWS::EC2::SecurityGroup',
    constructPath: 'Stack/Ssh/Resource',
    acknowledged: false,
  };
  const TEMPORARY = 'CDK removes this temporary directory';

  /** What printFindings writes, with CDK_OUTDIR set as given (undefined: unset), as one write. */
  function printed(reports: string[], cdkOutdir?: string): string[] {
    const saved = process.env.CDK_OUTDIR;
    if (cdkOutdir === undefined) delete process.env.CDK_OUTDIR;
    else process.env.CDK_OUTDIR = cdkOutdir;
    const writes: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      printFindings([ssh], reports);
    } finally {
      spy.mockRestore();
      if (saved === undefined) delete process.env.CDK_OUTDIR;
      else process.env.CDK_OUTDIR = saved;
    }
    return writes;
  }

  test('the summary, then the table, indented, in one write that ends the line', () => {
    expect(printed([])).toEqual([`sg-strategy: ${findingsSummary([ssh])}\n${findingsTable([ssh], '  ')}\n`]);
  });

  test('the reports follow after a blank line, all of them on one line', () => {
    const [text] = printed(['/out/a.json', '/out/b.sarif'], '/out');
    expect(text.endsWith(`${findingsTable([ssh], '  ')}\n\n  reports: /out/a.json, /out/b.sarif\n`)).toBe(true);
  });

  test('reports in <tmpdir>/cdk.out* outside the CDK CLI come with the warning; under the CLI, or elsewhere, they do not', () => {
    const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk.out'));
    const report = path.join(temporary, 'sg-strategy-report.json');
    expect(printed([report]).join('')).toContain(`${TEMPORARY} when the app exits: give the App an outdir, or set reportDirectory, to keep them)\n`);
    expect(printed([report], temporary).join('')).not.toContain(TEMPORARY);
    const kept = fs.mkdtempSync(path.join(os.tmpdir(), 'kept-'));
    expect(printed([path.join(kept, 'sg-strategy-report.json')]).join('')).not.toContain(TEMPORARY);
    // A cdk.out that is not directly in the temporary directory is the app's own.
    expect(printed([path.join(kept, 'cdk.out', 'sg-strategy-report.json')]).join('')).not.toContain(TEMPORARY);
    // A directory that cannot be resolved is not called temporary.
    expect(printed([path.join(os.tmpdir(), 'no-such-dir', 'cdk.out1', 'x.json')]).join('')).not.toContain(TEMPORARY);
  });
});
