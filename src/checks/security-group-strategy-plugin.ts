import * as path from 'path';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { collectAcknowledgements } from './acknowledgements';
import { analyse, resolveParameters } from './engine';
import { SecurityGroupStrategyOptions } from './options';
import { writeReports } from './reports/write-reports';
import { templatesFromFiles, withConstructPaths } from './templates-from-assembly';
import { constructPathsByStack } from './templates-from-tree';
import { packageVersion } from './version';
import { StackTemplate } from '../model/types';
import { collectDeclarations } from '../reachability/collect';
import { RULE_IDS } from '../rules/catalog';

function lacksPathMetadata(stack: StackTemplate): boolean {
  const resources = (stack.template as { Resources?: Record<string, { Metadata?: Record<string, unknown> }> })?.Resources ?? {};
  return Object.values(resources).some(r => typeof r?.Metadata?.['aws:cdk:path'] !== 'string');
}

/**
 * Properties of the SecurityGroupStrategyPlugin.
 */
export interface SecurityGroupStrategyPluginProps extends SecurityGroupStrategyOptions {}

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
  private readonly options: SecurityGroupStrategyOptions;

  constructor(props: SecurityGroupStrategyPluginProps = {}) {
    resolveParameters(props);
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
    let templates = templatesFromFiles(entries);
    if (app && templates.some(lacksPathMetadata)) {
      // Apps synthesized outside the CLI have no aws:cdk:path metadata; take the paths from the tree.
      templates = withConstructPaths(templates, constructPathsByStack(app, all));
    }
    // Reports name templates relative to the cloud assembly, as the Aspect does, never by a machine's path.
    const assembly = app && Stage.isStage(app) ? app.outdir : path.dirname(entries[0]?.templatePath ?? '.');
    templates = templates.map(t => (t.templatePath ? { ...t, templatePath: path.relative(assembly, path.resolve(t.templatePath)).split(path.sep).join('/') } : t));
    const { model, findings } = analyse(templates, this.options, acknowledgements, app ? collectDeclarations(app, all) : undefined);

    // An app built with confirmValidationPluginsDoNotMutate fails synth if a plugin rewrites a file, so leave reports to the Aspect.
    const mustNotWrite = (app as { _confirmValidationPluginsDoNotMutate?: boolean } | undefined)?._confirmValidationPluginsDoNotMutate === true;
    if ((this.options.writeReports ?? true) && !mustNotWrite) {
      writeReports(this.options.reportDirectory ?? assembly, model, findings, this.version ?? packageVersion(), { writtenAssembly: assembly });
    }

    // Info findings are in the reports; CDK's validation report gets what needs attention.
    const violations: PolicyViolation[] = findings.filter(f => f.level !== 'info').map(f => ({
      ruleName: f.ruleId,
      description: f.message,
      fix: f.fix,
      severity: f.level,
      violatingResources: [{
        resourceLogicalId: f.logicalId.startsWith('(') ? undefined : f.logicalId,
        // CDK's own report gets the path it gave us.
        templatePath: f.templatePath ? path.resolve(assembly, f.templatePath) : undefined,
        constructPath: f.constructPath,
        locations: [],
      }],
    }));
    return {
      success: !findings.some(f => f.level === 'error' && !f.acknowledged),
      violations,
    };
  }
}
