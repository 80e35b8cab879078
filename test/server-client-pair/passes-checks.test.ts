import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { buildFixedApp } from '../../examples/app';
import { ServerClientPair } from '../../src';
import { nagCheckedStack, postgres, validationViolations, vpcFunction } from '../support/analyse-app';

describe('ServerClientPair passes the checks', () => {
  test("this library's checks find no error or warning in the example app built with it", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pair-'));
    buildFixedApp(outdir).synth();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'sg-strategy-report.json'), 'utf8'));
    expect(report.findings.filter((f: any) => f.level !== 'info')).toEqual([]);
    expect(report.summary).toMatchObject({ error: 0, warning: 0 });
  });

  test("cdk-nag's AwsSolutions pack finds nothing on the pair's groups", () => {
    const { app, stack, outdir } = nagCheckedStack('nag-');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true });
    const pair = new ServerClientPair(stack, 'Pair', { vpc, name: 'db', ports: [ec2.Port.tcp(5432)], allowClientsToReachEachOther: true });
    pair.addServer(postgres(stack, vpc, 'Db', { securityGroups: [] }));
    pair.addClient(vpcFunction(stack, 'Fn', vpc, { allowAllOutbound: false }));
    try {
      app.synth();
    } catch {
      // Other constructs in the stack (the database, the function's role) have nag findings; we read the report.
    }
    const violations = validationViolations(outdir);
    const onPair = violations.filter((v) => v.paths.some((p) => p.startsWith('Stack/Pair/')));
    expect(onPair).toEqual([]);
    // The report is real: nag did run and flag something elsewhere in the stack.
    expect(violations.some((v) => v.plugin !== 'sg-strategy')).toBe(true);
  });
});
