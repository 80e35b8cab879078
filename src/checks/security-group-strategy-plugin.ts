import * as path from 'path';
import {
  Aspects, IPolicyValidationContext, IPolicyValidationPlugin, NestedStack, PolicyValidationPluginReport, PolicyViolation, Stack, Stage,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { collectAcknowledgements } from './acknowledgements';
import { PATH_SCOPED_ACKNOWLEDGEMENTS, PLUGINS_MAY_REWRITE_ASSEMBLY_FILES, cdkOlderThan, errorsMaskedAppWide } from './cdk-release';
import { Finding, analyse, resolveParameters } from './engine';
import { hostLanguage } from './language';
import { SecurityGroupStrategyOptions, SynthOutputOptions } from './options';
import { printFindings } from './print-findings';
import { writeReports } from './reports/write-reports';
import { SecurityGroupStrategyChecks } from './security-group-strategy-checks';
import { AssemblyHints, templatesFromFiles } from './templates-from-assembly';
import { constructPathsByStack } from './templates-from-tree';
import { packageVersion } from './version';
import { RULE_IDS } from '../rules/catalog';

/**
 * What the construct tree tells about the assembly: where each nested stack's template is, and (built only
 * if a template has no `aws:cdk:path` metadata) the construct path of each resource.
 */
function hintsFromTree(app: IConstruct, all: IConstruct[]): AssemblyHints {
  const nestedTemplateFiles = new Map<string, string>();
  for (const c of all) {
    const stage = NestedStack.isNestedStack(c) ? Stage.of(c) : undefined;
    if (stage) nestedTemplateFiles.set(c.node.path, path.join(stage.outdir, (c as NestedStack).templateFile));
  }
  let paths: Map<string, Record<string, string>> | undefined;
  return { nestedTemplateFiles, constructPaths: { get: stackPath => (paths ??= constructPathsByStack(app, all)).get(stackPath) } };
}

/** CDK's app mode, by context or environment: how a failed validation reaches the user. */
const APP_MODE_CONTEXT = '@aws-cdk/core:appMode';
const APP_MODE_ENV = 'CDK_APP_MODE';

/**
 * Outside the CDK CLI and test runners (`python app.py`, `node app.js`, a Java main), CDK prints the validation
 * report and then fails synth with only "Validation failed. A copy of this report can be found in: ...", which is
 * the line a Python or Java user reads at the end of the traceback. In its in-memory mode the error holds the
 * report: each finding with its rule, construct path and fix. Ask for that mode for this synth, when the report
 * fails and nothing chose a mode; the CLI (which sets CDK_OUTDIR) prints the report itself.
 */
function reportInFailureMessage(app: IConstruct): void {
  const chosen = process.env[APP_MODE_ENV] ?? app.node.tryGetContext(APP_MODE_CONTEXT);
  if (chosen !== undefined || process.env.CDK_OUTDIR !== undefined) return;
  process.env[APP_MODE_ENV] = 'inmemory';
  // CDK reads the mode right after the plugins run, in the same synchronous synth; later synths get their own.
  setImmediate(() => {
    if (process.env[APP_MODE_ENV] === 'inmemory') delete process.env[APP_MODE_ENV];
  });
}

/**
 * Properties of the SecurityGroupStrategyPlugin.
 */
export interface SecurityGroupStrategyPluginProps extends SecurityGroupStrategyOptions, SynthOutputOptions {}

/**
 * The same checks as a CDK validation plugin: `Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin())`.
 *
 * It reads the synthesized templates of every stack in the assembly (Stages and nested stacks included)
 * and reports errors and warnings in CDK's validation report; info findings are in the reports it writes
 * (sg-strategy-report.json and .sarif). Acknowledge a finding with
 * `Validations.of(scope).acknowledge({ id: 'sg-strategy::<RuleId>', reason })`.
 */
export class SecurityGroupStrategyPlugin implements IPolicyValidationPlugin {
  public readonly name = 'sg-strategy';
  public readonly version?: string;
  public readonly ruleIds?: string[];
  private readonly options: SecurityGroupStrategyPluginProps;

  constructor(props: SecurityGroupStrategyPluginProps = {}) {
    resolveParameters(props, hostLanguage());
    this.options = props;
    this.version = packageVersion();
    this.ruleIds = [...RULE_IDS];
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const app: IConstruct | undefined = context.appConstruct;
    const all = app?.node.findAll() ?? [];
    const stacksByPath = new Map<string, Stack>();
    for (const c of all) if (Stack.isStack(c)) stacksByPath.set(c.node.path, c);
    const entries = (context.stackTemplates ?? context.templatePaths.map(p => ({ stackConstructPath: path.basename(p, '.template.json'), templatePath: p })))
      .map(s => ({
        stackId: s.stackConstructPath,
        stackName: stacksByPath.get(s.stackConstructPath)?.stackName ?? path.basename(s.templatePath, '.template.json'),
        templatePath: s.templatePath,
        constructPath: s.stackConstructPath,
      }));
    const acknowledgements = app ? collectAcknowledgements(app, all) : [];
    let templates = templatesFromFiles(entries, app ? hintsFromTree(app, all) : {});
    // Reports name templates relative to the cloud assembly, as the Aspect does, never by a machine's path.
    const assembly = app && Stage.isStage(app) ? app.outdir : path.dirname(entries[0]?.templatePath ?? '.');
    templates = templates.map(t => (t.templatePath ? { ...t, templatePath: path.relative(assembly, path.resolve(t.templatePath)).split(path.sep).join('/') } : t));
    const { model, findings } = analyse(templates, this.options, acknowledgements, hostLanguage());

    // An app built with confirmValidationPluginsDoNotMutate fails synth if a plugin rewrites a file, and so do
    // releases before 2.268.0 when a plugin rewrites a file already in the assembly: there the Aspect writes the
    // reports into it, and the plugin only into a reportDirectory of its own. When the app's Aspect writes the
    // same reports there, the plugin leaves them to it.
    const intoAssembly = this.options.reportDirectory === undefined;
    const aspectWrites = app !== undefined && Aspects.of(app).all.some(a => a instanceof SecurityGroupStrategyChecks && a._writesReportsToAssembly);
    const mustNotWrite = (app as { _confirmValidationPluginsDoNotMutate?: boolean } | undefined)?._confirmValidationPluginsDoNotMutate === true
      || (intoAssembly && (aspectWrites || cdkOlderThan(PLUGINS_MAY_REWRITE_ASSEMBLY_FILES)));
    let reports: string[] = [];
    if ((this.options.writeReports ?? true) && !mustNotWrite) {
      const directory = this.options.reportDirectory ?? assembly;
      reports = writeReports(directory, model, findings, this.version ?? packageVersion(), { writtenAssembly: assembly });
    }
    if (this.options.printFindings) printFindings(findings, reports);

    // Info findings are in the reports; CDK's validation report gets what needs attention. An aws-cdk-lib that
    // applies acknowledgements app-wide would drop an open error whose rule is acknowledged elsewhere: those are
    // reported as fatal, which no release drops.
    const masked = cdkOlderThan(PATH_SCOPED_ACKNOWLEDGEMENTS) ? errorsMaskedAppWide(findings) : new Set<Finding>();
    const violations: PolicyViolation[] = findings.filter(f => f.level !== 'info').map(f => ({
      ruleName: f.ruleId,
      // CDK's report heads each violation with its description: the rule, then the path and what it admits.
      description: masked.has(f)
        ? `${f.ruleId}: ${f.message} (Fatal: this aws-cdk-lib, older than 2.271.0, would apply the acknowledgement of ${f.ruleId} elsewhere in the app to this finding too.)`
        : `${f.ruleId}: ${f.message}`,
      fix: f.fix,
      severity: masked.has(f) ? 'fatal' : f.level,
      violatingResources: [{
        resourceLogicalId: f.logicalId.startsWith('(') ? undefined : f.logicalId,
        // CDK's own report gets the path it gave us.
        templatePath: f.templatePath ? path.resolve(assembly, f.templatePath) : undefined,
        constructPath: f.constructPath,
        locations: [],
      }],
    }));
    const success = !findings.some(f => f.level === 'error' && !f.acknowledged);
    if (!success && app) reportInFailureMessage(app);
    return { success, violations };
  }
}
