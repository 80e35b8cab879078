import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct, IConstruct } from 'constructs';
import { collectAcknowledgements } from '../../src/checks/acknowledgements';
import { Finding, analyse } from '../../src/checks/engine';
import { SecurityGroupStrategyOptions } from '../../src/checks/options';
import { SecurityGroupStrategyPlugin } from '../../src/checks/security-group-strategy-plugin';
import { templatesFromFiles } from '../../src/checks/templates-from-assembly';
import { constructPathsByStack } from '../../src/checks/templates-from-tree';
import { buildModel } from '../../src/model/build-model';
import { SecurityGroupModel, StackTemplate } from '../../src/model/types';

export const ENV = { account: '111111111111', region: 'eu-west-1' };

/** An app without CDK's own template validation, so test output shows only what the test is about. */
export function testApp(props: AppProps = {}): App {
  return new App({ builtinCloudFormationValidation: false, ...props } as AppProps);
}

export function testStack(app = testApp(), id = 'Stack'): { app: App; stack: Stack; vpc: ec2.Vpc } {
  const stack = new Stack(app, id, { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  return { app, stack, vpc };
}

/** Synthesize the app and read its assembly the way the validation plugin and the CLI do. */
export function synthTemplates(app: App): StackTemplate[] {
  const assembly = app.synth();
  return templatesFromFiles(assembly.stacksRecursively.map(s => ({
    stackId: s.hierarchicalId,
    stackName: s.stackName,
    templatePath: s.templateFullPath,
    constructPath: s.hierarchicalId,
  })), { constructPaths: constructPathsByStack(app) });
}

export function analyseApp(app: App, options: SecurityGroupStrategyOptions = {}): Finding[] {
  return analyse(synthTemplates(app), options, collectAcknowledgements(app)).findings;
}

export function modelOf(app: App): SecurityGroupModel {
  return buildModel(synthTemplates(app));
}

/** Findings of one rule that are not acknowledged. */
export function findingsOf(findings: Finding[], ruleId: string): Finding[] {
  return findings.filter(f => f.ruleId === ruleId && !f.acknowledged);
}

/** A template of one stack, written by hand: what a user of the CLI might bring. */
export function handTemplate(resources: Record<string, unknown>, extra: Record<string, unknown> = {}): StackTemplate[] {
  return [{ stackId: 'Hand', stackName: 'Hand', template: { Resources: resources, ...extra } }];
}

/** A Postgres instance in the VPC's isolated subnets. */
export function postgres(stack: Stack, vpc: ec2.IVpc, id = 'Db', props: Partial<rds.DatabaseInstanceProps> = {}): rds.DatabaseInstance {
  return new rds.DatabaseInstance(stack, id, {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17_9 }),
    storageEncrypted: true,
    ...props,
  });
}

/** A function in the VPC's isolated subnets (the only subnets test VPCs need). */
export function vpcFunction(scope: Construct, id: string, vpc: ec2.IVpc, props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ...props,
  });
}

/**
 * A stack in an app that cdk-nag's AwsSolutions pack and our plugin check at synth; CDK writes their findings to
 * `validation-report.json` in a fresh `outdir` (read it with `validationViolations`).
 */
export function nagCheckedStack(prefix: string): { app: App; stack: Stack; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const app = testApp({ outdir });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new SecurityGroupStrategyPlugin({ writeReports: false }));
  return { app, stack: new Stack(app, 'Stack', { env: ENV }), outdir };
}

/** The violations in CDK's validation report (validation-report.json) of an app synthesized into `outdir`. */
export function validationViolations(outdir: string): Array<{ plugin: string; rule: string; paths: string[] }> {
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  return report.pluginReports.flatMap((r: any) => r.violations.map((v: any) => ({
    plugin: r.pluginName, rule: v.ruleName, paths: v.violatingConstructs.map((c: any) => c.constructPath),
  })));
}

/** The reasons of every acknowledgement (CDK's Validations.acknowledge) within a scope. */
export function acknowledgementReasons(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata)
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.values(m.data as Record<string, string>));
}
