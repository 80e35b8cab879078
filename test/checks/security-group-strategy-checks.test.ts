/**
 * The Aspect on small apps of hand-written L1 groups (cheap to synthesize): how each level reaches the user, which
 * scope it checks, what fails synth, and where the reports go.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AspectPriority, Aspects, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { SecurityGroupStrategyChecks, SecurityGroupStrategyChecksProps } from '../../src';
import { RULES } from '../../src/rules/catalog';
import { testApp } from '../support/analyse-app';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sg-aspect-'));

/** A group open to the world on `port`, attached to nothing, with no egress rule, at `<scope>/<id>`. */
function openGroup(scope: IConstruct, id: string, port = 22): ec2.CfnSecurityGroup {
  return new ec2.CfnSecurityGroup(scope, id, {
    groupDescription: id, vpcId: 'vpc-1', securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIp: '0.0.0.0/0' }],
  });
}

/** Annotations the Aspect left, by construct path: `<type> <text>`. */
function annotations(app: App): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const c of app.node.findAll()) {
    for (const m of c.node.metadata) {
      if (/^aws:cdk:(error|warning|info)$/.test(m.type) && String(m.data).includes('sg-strategy::')) (found[c.node.path] ??= []).push(`${m.type.slice(8)} ${m.data}`);
    }
  }
  return found;
}

/** What `run` writes to stderr. */
function printedBy(run: () => void): string {
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
    written.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return written.join('');
}

function checkedApp(props: SecurityGroupStrategyChecksProps = {}, add: (app: App, stack: Stack) => void = () => {}) {
  const app = testApp({ outdir: tempDir() });
  const stack = new Stack(app, 'S');
  openGroup(stack, 'Ssh');
  add(app, stack);
  Aspects.of(app).add(new SecurityGroupStrategyChecks(props), { priority: AspectPriority.READONLY });
  return { app, stack };
}

describe('how each level reaches the user', () => {
  test('an error is an error annotation, a warning one acknowledgeable by its rule id, an info finding info metadata; each with its fix', () => {
    const { app } = checkedApp({ ruleLevels: { UnattachedSecurityGroup: 'info' }, disabledRules: ['UnrestrictedEgress'] });
    app.synth();
    const fix = (id: string) => RULES.find(r => r.id === id)!.fix;
    // Info findings can be many: CDK records no stack trace for them.
    const info = app.node.findChild('S').node.findChild('Ssh').node.metadata.find(m => m.type === 'aws:cdk:info')!;
    expect(info.trace).toBeUndefined();
    expect(annotations(app)).toEqual({
      'S/Ssh': [
        `error [sg-strategy::WorldOpenAdminPort] S/Ssh admits tcp 22 from 0.0.0.0/0, which reaches SSH 22. Fix: ${fix('WorldOpenAdminPort')}`,
        `info [sg-strategy::UnattachedSecurityGroup] S/Ssh is attached to nothing. Fix: ${fix('UnattachedSecurityGroup').replace(/`([^`]+)`/g, '`$1`')} [ack: sg-strategy::UnattachedSecurityGroup]`,
      ],
    });
  });

  test('a warning names the rule to acknowledge', () => {
    const { app } = checkedApp({ disabledRules: ['UnattachedSecurityGroup', 'UnrestrictedEgress'], ruleLevels: { WorldOpenAdminPort: 'warning' } });
    app.synth();
    expect(annotations(app)['S/Ssh']).toEqual([expect.stringMatching(/^warning \[sg-strategy::WorldOpenAdminPort\] S\/Ssh admits .* Fix: .* \[ack: sg-strategy::WorldOpenAdminPort\]$/)]);
  });
});

describe('which scope it checks', () => {
  test('added to the app and again to a stack, it checks once', () => {
    const checks = new SecurityGroupStrategyChecks({ printFindings: true, writeReports: false });
    const app = testApp({ outdir: tempDir() });
    const stack = new Stack(app, 'S');
    openGroup(stack, 'Ssh');
    Aspects.of(app).add(checks);
    Aspects.of(stack).add(checks);
    expect(printedBy(() => app.synth()).match(/^sg-strategy: /gm)).toHaveLength(1);
  });

  test('added to one construct, it annotates that construct and those below it, not a sibling whose name starts the same', () => {
    const app = testApp({ outdir: tempDir() });
    const stack = new Stack(app, 'S');
    const team = new Construct(stack, 'Team');
    openGroup(team, 'Web');
    openGroup(new Construct(stack, 'TeamB'), 'Web');
    Aspects.of(team).add(new SecurityGroupStrategyChecks({ disabledRules: ['UnattachedSecurityGroup', 'UnrestrictedEgress'], writeReports: false }));
    app.synth();
    expect(Object.keys(annotations(app))).toEqual(['S/Team/Web']);
  });

  test('an acknowledgement without a reason made on the app is annotated on the app', () => {
    const { app } = checkedApp({ disabledRules: ['UnattachedSecurityGroup', 'UnrestrictedEgress', 'WorldOpenAdminPort'] });
    Validations.of(app).acknowledge({ id: 'sg-strategy::WorldOpenIngress', reason: '' });
    expect(() => app.synth()).not.toThrow();
    expect(annotations(app)['']).toEqual([expect.stringMatching(/^error \[sg-strategy::AcknowledgementWithoutReason\] The acknowledgement of sg-strategy::WorldOpenIngress at \/ has no reason/)]);
  });
});

describe('what fails synth', () => {
  afterEach(() => jest.restoreAllMocks());

  test('an error finding with no construct to annotate fails synth, named by its stack and resource', () => {
    const rule = RULES.find(r => r.id === 'TooManyRules')!;
    jest.spyOn(rule, 'check').mockImplementation(() => { throw new Error('broken'); });
    const { app } = checkedApp({ ruleLevels: { TooManyRules: 'error' } });
    expect(() => app.synth()).toThrow('[sg-strategy::TooManyRules] S/(app): rule TooManyRules failed on this app and checked nothing: broken');
  });

  test('so does one of an Aspect added to a stack: a finding placed nowhere is inside every scope', () => {
    const rule = RULES.find(r => r.id === 'TooManyRules')!;
    jest.spyOn(rule, 'check').mockImplementation(() => { throw new Error('broken'); });
    const app = testApp({ outdir: tempDir() });
    const stack = new Stack(app, 'S');
    openGroup(stack, 'Ssh');
    Aspects.of(stack).add(new SecurityGroupStrategyChecks({ ruleLevels: { TooManyRules: 'error' }, writeReports: false }));
    expect(() => app.synth()).toThrow('[sg-strategy::TooManyRules] S/(app)');
  });

  test('a warning with no construct to annotate does not', () => {
    const rule = RULES.find(r => r.id === 'TooManyRules')!;
    jest.spyOn(rule, 'check').mockImplementation(() => { throw new Error('broken'); });
    const { app } = checkedApp();
    expect(() => app.synth()).not.toThrow();
    expect(JSON.stringify(annotations(app))).not.toContain('TooManyRules');
  });

  test('an error in a stack of a Stage, synthesized before the app\'s Aspects run, fails synth with its path', () => {
    const { app } = checkedApp({ disabledRules: ['UnattachedSecurityGroup', 'UnrestrictedEgress'] }, a => openGroup(new Stack(new Stage(a, 'Prod'), 'Inner'), 'Rdp', 3389));
    expect(() => app.synth()).toThrow(/\[sg-strategy::WorldOpenAdminPort\] Prod\/Inner\/Rdp: Prod\/Inner\/Rdp admits tcp 3389/);
  });
});

describe('where the reports go', () => {
  const files = (dir: string) => fs.readdirSync(dir).filter(f => f.startsWith('sg-strategy')).sort();
  const REPORTS = ['sg-strategy-graph.md', 'sg-strategy-reachability.json', 'sg-strategy-report.json', 'sg-strategy-report.sarif'];

  test('into the cloud assembly, by default, with nothing printed', () => {
    const { app } = checkedApp();
    expect(printedBy(() => app.synth())).not.toContain('sg-strategy');
    expect(files(app.outdir)).toEqual(REPORTS);
    expect(new SecurityGroupStrategyChecks()._writesReportsToAssembly).toBe(true);
  });

  test('into reportDirectory, when given', () => {
    const reportDirectory = path.join(tempDir(), 'reports');
    const { app } = checkedApp({ reportDirectory });
    app.synth();
    expect(files(reportDirectory)).toEqual(REPORTS);
    expect(files(app.outdir)).toEqual([]);
    expect(new SecurityGroupStrategyChecks({ reportDirectory })._writesReportsToAssembly).toBe(false);
  });

  test('nowhere, with writeReports: false', () => {
    const { app } = checkedApp({ writeReports: false });
    app.synth();
    expect(files(app.outdir)).toEqual([]);
    expect(new SecurityGroupStrategyChecks({ writeReports: false })._writesReportsToAssembly).toBe(false);
    expect(new SecurityGroupStrategyChecks({ writeReports: true })._writesReportsToAssembly).toBe(true);
  });

  test('the printed table lists only the scope\'s findings', () => {
    const app = testApp({ outdir: tempDir() });
    const stack = new Stack(app, 'S');
    const web = openGroup(stack, 'Web');
    openGroup(stack, 'Other', 3389);
    Aspects.of(web).add(new SecurityGroupStrategyChecks({ printFindings: true, writeReports: false }));
    const printed = printedBy(() => app.synth());
    expect(printed).toContain('S/Web');
    expect(printed).not.toContain('S/Other');
    expect(printed).not.toContain('reports:');
  });
});
