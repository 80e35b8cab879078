import { Language, inLanguage, memberName } from './language';
import { FindingLevel, SecurityGroupStrategyOptions } from './options';
import { QUOTAS } from '../model/aws-behaviours';
import { buildModel } from '../model/build-model';
import { ResourceRef, SecurityGroupModel, StackTemplate } from '../model/types';
import { NO_DECLARATIONS, ReachabilityDeclarations } from '../reachability/declarations';
import { EffectiveAccess } from '../reachability/effective-access';
import { evaluatePolicies } from '../reachability/evaluate';
import { ACKNOWLEDGEMENT_WITHOUT_REASON, REACHABILITY_VIOLATION, RULES, RULE_IDS } from '../rules/catalog';
import { Level, RuleParameters } from '../rules/rule';

/** One finding, as every delivery and report sees it. */
export interface Finding {
  readonly ruleId: string;
  readonly level: Level;
  readonly message: string;
  readonly fix: string;
  readonly stackId: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly constructPath?: string;
  readonly templatePath?: string;
  readonly acknowledged: boolean;
  readonly reason?: string;
  /** Where the acknowledgement was made. */
  readonly acknowledgedAt?: string;
}

/** An acknowledgement read from CDK's `aws:cdk:acknowledged-rules` metadata. */
export interface Acknowledgement {
  readonly ruleId: string;
  readonly path: string;
  readonly reason: string;
}

export const DEFAULT_ADMIN_PORTS = [22, 23, 3389, 5900, 5985, 5986];
export const DEFAULT_DATA_PORTS = [
  3306, 5432, 1433, 1434, 1521, 6379, 6380, 11211, 27017, 27018, 9200, 9300, 5601, 9092, 2181,
  2049, 445, 9042, 7199, 7000, 7001, 9160, 5984, 8086, 5439,
];

/**
 * A rule's level as configured: a FindingLevel, or its value written as a string in any case ('error',
 * 'ERROR'), which is how the command's config file and a Python or Java map of strings give it.
 */
export function configuredLevel(options: SecurityGroupStrategyOptions, ruleId: string): Level | undefined {
  const level = options.ruleLevels?.[ruleId];
  if (typeof level !== 'string') return undefined;
  const lower = level.toLowerCase();
  return (Object.values(FindingLevel) as string[]).includes(lower) ? lower as Level : undefined;
}

/**
 * Check options and fill in defaults. Bad options are the user's input and get a clear error, which names each
 * option as the app's language spells it (`admin_ports` in Python); the command's config file spells them as
 * TypeScript does.
 */
export function resolveParameters(options: SecurityGroupStrategyOptions = {}, language: Language | undefined = 'typescript'): RuleParameters {
  const problems: string[] = [];
  const name = (option: string) => memberName(option, language);
  const knownIds = new Set(RULE_IDS);
  for (const id of [...Object.keys(options.ruleLevels ?? {}), ...(options.disabledRules ?? [])]) {
    if (!knownIds.has(id)) problems.push(`unknown rule id '${id}' (known: ${RULE_IDS.join(', ')})`);
  }
  for (const [id, level] of Object.entries(options.ruleLevels ?? {})) {
    if (configuredLevel(options, id) === undefined) {
      const shown = typeof level === 'string' ? `'${level}'` : JSON.stringify(level) ?? String(level);
      problems.push(`${name('ruleLevels')}: ${id} is ${shown}, which is not a level: use 'error', 'warning' or 'info', or FindingLevel.ERROR, WARNING or INFO`);
    }
  }
  const ports = (option: string, value: number[] | undefined, fallback: number[]) => {
    for (const port of value ?? []) {
      if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`${name(option)}: ${port} is not a port (0-65535)`);
    }
    return value ?? fallback;
  };
  const prefix = (option: string, value: number | undefined, fallback: number, max: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > max)) problems.push(`${name(option)}: ${value} is not a prefix length (0-${max})`);
    return value ?? fallback;
  };
  const positive = (option: string, value: number | undefined, fallback: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) problems.push(`${name(option)}: ${value} must be a whole number above 0`);
    return value ?? fallback;
  };
  let pattern: RegExp | undefined;
  if (options.groupNamePattern !== undefined) {
    try {
      pattern = new RegExp(options.groupNamePattern);
    } catch (e) {
      problems.push(`${name('groupNamePattern')}: ${(e as Error).message}`);
    }
  }
  const disabled = new Set(options.disabledRules ?? []);
  const params: RuleParameters = {
    adminPorts: ports('adminPorts', options.adminPorts, DEFAULT_ADMIN_PORTS),
    dataPorts: ports('dataPorts', options.dataPorts, DEFAULT_DATA_PORTS),
    allowedPublicPorts: ports('allowedPublicPorts', options.allowedPublicPorts, [80, 443]),
    widestPrivateIpv4Prefix: prefix('widestPrivateIpv4Prefix', options.widestPrivateIpv4Prefix, 16, 32),
    widestPublicIpv4Prefix: prefix('widestPublicIpv4Prefix', options.widestPublicIpv4Prefix, 24, 32),
    widestPrivateIpv6Prefix: prefix('widestPrivateIpv6Prefix', options.widestPrivateIpv6Prefix, 48, 128),
    widestPublicIpv6Prefix: prefix('widestPublicIpv6Prefix', options.widestPublicIpv6Prefix, 64, 128),
    securityGroupsPerInterfaceQuota: positive('securityGroupsPerInterfaceQuota', options.securityGroupsPerInterfaceQuota, QUOTAS.securityGroupsPerInterface),
    securityGroupsPerInterfaceHardLimit: QUOTAS.securityGroupsPerInterfaceHardLimit,
    rulesPerDirectionQuota: positive('rulesPerDirectionQuota', options.rulesPerDirectionQuota, QUOTAS.rulesPerDirection),
    groupNamePattern: pattern,
    isEnabled: (id: string) => !disabled.has(id),
  };
  if (problems.length > 0) {
    throw new Error(`Invalid sg-strategy options: ${problems.join('; ')}`);
  }
  return params;
}

/** Run every enabled rule over the model. A rule that throws becomes a finding, never a silent pass. */
export function runRules(
  model: SecurityGroupModel, params: RuleParameters, options: SecurityGroupStrategyOptions = {}, language?: Language,
): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) {
    if (!params.isEnabled(rule.id)) continue;
    const configured = configuredLevel(options, rule.id);
    let raw;
    try {
      raw = rule.check(model, params);
    } catch (e) {
      raw = [{ at: anyResource(model), level: 'warning' as Level, message: `rule ${rule.id} failed on this app and checked nothing: ${(e as Error).message}` }];
    }
    for (const f of raw) {
      findings.push(toFinding(rule.id, configured ?? f.level ?? rule.defaultLevel, f.message, inLanguage(rule.fix, language), f.at));
    }
  }
  return findings;
}

function anyResource(model: SecurityGroupModel): ResourceRef {
  const stack = model.stacks[0];
  return { stackId: stack?.stackId ?? '(app)', stackName: stack?.stackName ?? '(app)', logicalId: '(app)', type: 'AWS::CloudFormation::Stack' };
}

function toFinding(ruleId: string, level: Level, message: string, fix: string, at: ResourceRef): Finding {
  return {
    ruleId,
    level,
    message,
    fix,
    stackId: at.stackId,
    stackName: at.stackName,
    logicalId: at.logicalId,
    resourceType: at.type,
    constructPath: at.constructPath,
    templatePath: at.templatePath,
    acknowledged: false,
  };
}

/**
 * Mark findings that an acknowledgement covers: one for the same rule at the finding's construct path or
 * above it. Acknowledgements without a reason are refused and reported.
 */
export function applyAcknowledgements(
  findings: Finding[],
  acknowledgements: Acknowledgement[],
  options: SecurityGroupStrategyOptions = {},
  language?: Language,
): Finding[] {
  const result: Finding[] = [];
  for (const finding of findings) {
    const path = finding.constructPath;
    const ack = path === undefined ? undefined : acknowledgements
      .filter(a => a.ruleId === finding.ruleId && a.reason.trim() !== '' && covers(a.path, path))
      .sort((a, b) => b.path.length - a.path.length)[0];
    result.push(ack ? { ...finding, acknowledged: true, reason: ack.reason, acknowledgedAt: ack.path || '/' } : finding);
  }
  const level = configuredLevel(options, ACKNOWLEDGEMENT_WITHOUT_REASON.id) ?? ACKNOWLEDGEMENT_WITHOUT_REASON.defaultLevel;
  if (!(options.disabledRules ?? []).includes(ACKNOWLEDGEMENT_WITHOUT_REASON.id)) {
    for (const ack of acknowledgements.filter(a => a.reason.trim() === '')) {
      result.push({
        ruleId: ACKNOWLEDGEMENT_WITHOUT_REASON.id,
        level,
        message: `The acknowledgement of sg-strategy::${ack.ruleId} at ${ack.path || '/'} has no reason, so it is refused. Say why the finding is accepted.`,
        fix: inLanguage(ACKNOWLEDGEMENT_WITHOUT_REASON.fix, language),
        stackId: '(app)',
        stackName: '(app)',
        logicalId: '(acknowledgement)',
        resourceType: 'AWS::CDK::Acknowledgement',
        constructPath: ack.path,
        acknowledged: false,
      });
    }
  }
  return result;
}

function covers(ackPath: string, findingPath: string): boolean {
  return ackPath === '' || findingPath === ackPath || findingPath.startsWith(`${ackPath}/`);
}

/**
 * The reachability policies the app declares, evaluated over the model: a ReachabilityViolation for each
 * place a statement is broken. One that depends on something the app does not settle is at most a warning.
 */
export function reachabilityFindings(
  model: SecurityGroupModel, declarations: ReachabilityDeclarations, options: SecurityGroupStrategyOptions = {}, language?: Language,
): Finding[] {
  const id = REACHABILITY_VIOLATION.id;
  if ((options.disabledRules ?? []).includes(id)) return [];
  if (declarations.statements.length === 0 && (declarations.problems ?? []).length === 0) return [];
  const configured = configuredLevel(options, id) ?? REACHABILITY_VIOLATION.defaultLevel;
  const fix = inLanguage(REACHABILITY_VIOLATION.fix, language);
  return evaluatePolicies(EffectiveAccess.of(model), declarations).map(v =>
    toFinding(id, !v.certain && configured === 'error' ? 'warning' : configured, v.message, fix, v.at));
}

/**
 * Build the model, run the catalog and evaluate the app's reachability policies: what every delivery does.
 * Fix texts name code as the app's language does, and in TypeScript and Python where `language` is not known.
 */
export function analyse(
  stacks: StackTemplate[],
  options: SecurityGroupStrategyOptions,
  acknowledgements: Acknowledgement[],
  language?: Language,
  declarations: ReachabilityDeclarations = NO_DECLARATIONS,
): { model: SecurityGroupModel; findings: Finding[] } {
  const params = resolveParameters(options, language);
  const model = buildModel(stacks);
  const raw = [...runRules(model, params, options, language), ...reachabilityFindings(model, declarations, options, language)];
  const findings = applyAcknowledgements(raw, acknowledgements, options, language);
  return { model, findings };
}
