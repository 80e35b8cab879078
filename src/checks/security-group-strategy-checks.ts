import { Annotations, IAspect, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { collectAcknowledgements } from './acknowledgements';
import { Finding, analyse, resolveParameters } from './engine';
import { hostLanguage } from './language';
import { SecurityGroupStrategyOptions, SynthOutputOptions } from './options';
import { printFindings } from './print-findings';
import { writeReports } from './reports/write-reports';
import { templatesFromTree } from './templates-from-tree';
import { packageVersion } from './version';

/**
 * Properties of the SecurityGroupStrategyChecks Aspect.
 */
export interface SecurityGroupStrategyChecksProps extends SecurityGroupStrategyOptions, SynthOutputOptions {}

/**
 * Checks every security group of the app against the rule catalog at `cdk synth`.
 *
 * Add it to the App with read-only priority:
 * `Aspects.of(app).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY })`.
 *
 * It models all stacks of the app at once (Stages and nested stacks included), after CDK has resolved
 * cross-stack references, so what it sees is what the templates say. Errors become error annotations (synth
 * fails), warnings become acknowledgeable warnings (`sg-strategy::<RuleId>`), info becomes info
 * annotations. Stacks inside a Stage are synthesized before the App's Aspects run, so their errors fail
 * synth through a validation error instead, and all their findings are in the reports.
 */
export class SecurityGroupStrategyChecks implements IAspect {
  private readonly options: SecurityGroupStrategyChecksProps;
  // Every node visited so far. Aspects visit parents before children, so a node whose parent is here is
  // inside a scope already being checked; that test is O(1) for each of the app's constructs.
  private readonly visited = new WeakSet<IConstruct>();

  constructor(props: SecurityGroupStrategyChecksProps = {}) {
    resolveParameters(props, hostLanguage());
    this.options = props;
  }

  /** @internal Whether it writes the reports into the cloud assembly directory, where the plugin would too. */
  public get _writesReportsToAssembly(): boolean {
    return (this.options.writeReports ?? true) && this.options.reportDirectory === undefined;
  }

  public visit(node: IConstruct): void {
    // The first node an Aspect visits is the scope it was added to; check once per scope, at validation,
    // when the whole app has been prepared.
    const parent = node.node.scope;
    const insideChecked = this.visited.has(node) || (parent !== undefined && this.visited.has(parent));
    this.visited.add(node);
    if (insideChecked) return;
    node.node.addValidation({ validate: () => this.check(node) });
  }

  private check(scope: IConstruct): string[] {
    const root = scope.node.root;
    const all = root.node.findAll();
    const { model, findings } = analyse(templatesFromTree(root, all), this.options, collectAcknowledgements(root, all), hostLanguage());

    const rootStage = Stage.isStage(root) ? root : undefined;
    const errors: string[] = [];
    for (const finding of findings) {
      if (finding.acknowledged || !isWithin(finding.constructPath, scope.node.path)) continue;
      const target = finding.constructPath !== undefined ? constructAt(root, finding.constructPath) : undefined;
      const synthesizedAlready = target !== undefined && Stage.of(target) !== undefined && Stage.of(target) !== rootStage;
      if (!target || synthesizedAlready) {
        if (finding.level === 'error') errors.push(`[sg-strategy::${finding.ruleId}] ${finding.constructPath ?? finding.stackName + '/' + finding.logicalId}: ${finding.message}`);
        continue;
      }
      annotate(target, finding);
    }
    let reports: string[] = [];
    if (this.options.writeReports ?? true) {
      const directory = this.options.reportDirectory ?? rootStage?.outdir;
      if (directory) reports = writeReports(directory, model, findings, packageVersion());
    }
    if (this.options.printFindings) printFindings(findings.filter(f => isWithin(f.constructPath, scope.node.path)), reports);
    return errors;
  }
}

const INFO_METADATA = 'aws:cdk:info';

/** The construct at a path, walking down from the root. */
function constructAt(root: IConstruct, path: string): IConstruct | undefined {
  let current: IConstruct | undefined = root;
  for (const id of path.split('/').filter(part => part !== '')) {
    current = current.node.tryFindChild(id);
    if (!current) return undefined;
  }
  return current;
}

function isWithin(path: string | undefined, scopePath: string): boolean {
  if (path === undefined || scopePath === '') return true;
  return path === scopePath || path.startsWith(`${scopePath}/`);
}

function annotate(target: IConstruct, finding: Finding) {
  const id = `sg-strategy::${finding.ruleId}`;
  const text = `[${id}] ${finding.message} Fix: ${finding.fix}`;
  if (finding.level === 'error') Annotations.of(target).addError(text);
  else if (finding.level === 'warning') Annotations.of(target).addWarningV2(id, text);
  // Info findings can be many (one per VPC function); they skip the stack trace CDK records for each
  // annotation, which costs more than the whole check.
  else target.node.addMetadata(INFO_METADATA, `${text} [ack: ${id}]`, { stackTrace: false });
}
