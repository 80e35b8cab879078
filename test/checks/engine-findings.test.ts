/**
 * What the engine makes of what rules and policies report, unit by unit: the level each finding gets, the fix in
 * the app's language, where a finding is placed, which acknowledgement covers it, and how a reachability
 * violation's certainty bounds its level.
 */
import { Acknowledgement, Finding, analyse, applyAcknowledgements, configuredLevel, reachabilityFindings, resolveParameters, runRules } from '../../src/checks/engine';
import { inLanguage } from '../../src/checks/language';
import { FindingLevel } from '../../src/checks/options';
import { buildModel } from '../../src/model/build-model';
import { ReachabilityDeclarations } from '../../src/reachability/declarations';
import { ACKNOWLEDGEMENT_WITHOUT_REASON, RULES } from '../../src/rules/catalog';
import { handTemplate } from '../support/analyse-app';

const sshTemplate = handTemplate({
  Sg: {
    Type: 'AWS::EC2::SecurityGroup',
    Properties: { GroupDescription: 'x', VpcId: 'vpc-1', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }] },
  },
});
const model = () => buildModel(sshTemplate);

describe('configuredLevel', () => {
  test('reads a FindingLevel or its value in any case, and nothing else', () => {
    expect(configuredLevel({ ruleLevels: { A: FindingLevel.INFO } }, 'A')).toBe('info');
    expect(configuredLevel({ ruleLevels: { A: 'Warning' } }, 'A')).toBe('warning');
    expect(configuredLevel({ ruleLevels: { A: 'ERROR' } }, 'A')).toBe('error');
    expect(configuredLevel({ ruleLevels: { A: 'fatal' } }, 'A')).toBeUndefined();
    expect(configuredLevel({ ruleLevels: { A: 1 } }, 'A')).toBeUndefined();
    expect(configuredLevel({ ruleLevels: { A: 'error' } }, 'B')).toBeUndefined();
    expect(configuredLevel({}, 'A')).toBeUndefined();
  });
});

describe('runRules', () => {
  afterEach(() => jest.restoreAllMocks());
  const rule = RULES.find(r => r.id === 'WorldOpenAdminPort')!;
  const at = { stackId: 'S', stackName: 's-prod', logicalId: 'Sg', type: 'AWS::EC2::SecurityGroup', constructPath: 'S/Sg/Resource', templatePath: 'S.template.json' };

  test('a finding gets the user\'s level, else the level the rule set on it, else the rule\'s default', () => {
    expect(rule.defaultLevel).toBe('error');
    jest.spyOn(rule, 'check').mockReturnValue([{ at, level: 'info', message: 'set' }, { at, message: 'unset' }]);
    const levels = (options = {}) => runRules(model(), resolveParameters(options), options).filter(f => f.ruleId === rule.id).map(f => `${f.message}: ${f.level}`);
    expect(levels()).toEqual(['set: info', 'unset: error']);
    expect(levels({ ruleLevels: { WorldOpenAdminPort: 'WARNING' } })).toEqual(['set: warning', 'unset: warning']);
  });

  test('a finding is placed where the rule put it, open, with the rule\'s fix', () => {
    jest.spyOn(rule, 'check').mockReturnValue([{ at, message: 'here' }]);
    const [finding] = runRules(model(), resolveParameters()).filter(f => f.ruleId === rule.id);
    expect(finding).toEqual({
      ruleId: 'WorldOpenAdminPort',
      level: 'error',
      message: 'here',
      fix: inLanguage(rule.fix, undefined),
      stackId: 'S',
      stackName: 's-prod',
      logicalId: 'Sg',
      resourceType: 'AWS::EC2::SecurityGroup',
      constructPath: 'S/Sg/Resource',
      templatePath: 'S.template.json',
      acknowledged: false,
    });
  });

  test('fix texts name code as the app\'s language does', () => {
    const withCode = RULES.find(r => inLanguage(r.fix, 'python') !== r.fix)!;
    jest.spyOn(withCode, 'check').mockReturnValue([{ at, message: 'm' }]);
    const fixIn = (language?: 'python' | 'java' | 'typescript') =>
      runRules(model(), resolveParameters(), {}, language).find(f => f.ruleId === withCode.id)!.fix;
    expect(fixIn('python')).toBe(inLanguage(withCode.fix, 'python'));
    expect(fixIn('java')).toBe(inLanguage(withCode.fix, 'java'));
    expect(fixIn('typescript')).toBe(withCode.fix);
    expect(fixIn('python')).not.toBe(withCode.fix);
  });
});

describe('applyAcknowledgements', () => {
  const finding: Finding = {
    ruleId: 'WorldOpenAdminPort',
    level: 'error',
    message: 'm',
    fix: 'f',
    stackId: 'S',
    stackName: 'S',
    logicalId: 'Sg',
    resourceType: 'AWS::EC2::SecurityGroup',
    constructPath: 'S/Web/Sg/Resource',
    acknowledged: false,
  };
  const ack = (path: string, reason = `at ${path}`, ruleId = 'WorldOpenAdminPort'): Acknowledgement => ({ ruleId, path, reason });
  const applied = (...acks: Acknowledgement[]) => {
    const [result] = applyAcknowledgements([finding], acks);
    return result.acknowledged ? `${result.reason} (${result.acknowledgedAt})` : 'open';
  };

  test('covers the finding\'s own path and the paths above it, in whole parts only', () => {
    expect(applied(ack('S/Web/Sg/Resource'))).toBe('at S/Web/Sg/Resource (S/Web/Sg/Resource)');
    expect(applied(ack('S/Web'))).toBe('at S/Web (S/Web)');
    expect(applied(ack(''))).toBe('at  (/)');
    expect(applied(ack('S/We'))).toBe('open');
    expect(applied(ack('S/Web/Sg/Resource/Deeper'))).toBe('open');
    expect(applied(ack('T/Web'))).toBe('open');
  });

  test('the nearest of several applies, in any order; one for another rule or without a reason applies to nothing', () => {
    expect(applied(ack('S'), ack('S/Web'), ack(''))).toBe('at S/Web (S/Web)');
    expect(applied(ack(''), ack('S/Web/Sg'), ack('S'))).toBe('at S/Web/Sg (S/Web/Sg)');
    expect(applied(ack('S/Web', 'x', 'WorldOpenDataPort'))).toBe('open');
    expect(applied(ack('S/Web/Sg', ' '), ack('S'))).toBe('at S (S)');
  });

  test('the findings come back in their order, the covered ones marked and the others as they were', () => {
    const other = { ...finding, constructPath: 'S/Db/Sg/Resource' };
    const result = applyAcknowledgements([finding, other], [ack('S/Web')]);
    expect(result).toEqual([{ ...finding, acknowledged: true, reason: 'at S/Web', acknowledgedAt: 'S/Web' }, other]);
    expect(result[1]).toBe(other);
  });

  test('an acknowledgement without a reason is reported where it was made, in the app\'s language, as the app placed it', () => {
    const [, refused] = applyAcknowledgements([finding], [ack('S/Web', '')], {}, 'python');
    expect(refused).toEqual({
      ruleId: 'AcknowledgementWithoutReason',
      level: 'error',
      message: 'The acknowledgement of sg-strategy::WorldOpenAdminPort at S/Web has no reason, so it is refused. Say why the finding is accepted.',
      fix: inLanguage(ACKNOWLEDGEMENT_WITHOUT_REASON.fix, 'python'),
      stackId: '(app)',
      stackName: '(app)',
      logicalId: '(acknowledgement)',
      resourceType: 'AWS::CDK::Acknowledgement',
      constructPath: 'S/Web',
      acknowledged: false,
    });
    expect(applyAcknowledgements([], [ack('S/Web', 'fine')])).toEqual([]);
  });
});

describe('reachabilityFindings', () => {
  const open = buildModel(sshTemplate);
  const statement = { kind: 'notFromInternet' as const, target: { kind: 'name' as const, name: 'Sg' }, sources: [], declaredAt: 'policy.yaml#1' };
  const broken: ReachabilityDeclarations = { statements: [statement], tiers: [] };
  const unreadable: ReachabilityDeclarations = { statements: [], tiers: [], problems: [{ declaredAt: 'policy.yaml#2', message: 'no target' }] };
  const levels = (declarations: ReachabilityDeclarations, options = {}) => reachabilityFindings(open, declarations, options).map(f => f.level);

  test('a broken statement is a finding at its default level, on the resource the witness names', () => {
    const [finding] = reachabilityFindings(open, broken);
    expect(finding).toMatchObject({ ruleId: 'ReachabilityViolation', level: 'error', stackId: 'Hand', logicalId: 'Sg', acknowledged: false });
    expect(finding.message).toContain('nothing on the internet may reach Sg (declared at policy.yaml#1) is broken');
  });

  test('one that cannot be read checks nothing and says so, as a warning even where the user asks for errors', () => {
    expect(reachabilityFindings(open, unreadable)).toEqual([expect.objectContaining({
      ruleId: 'ReachabilityViolation', level: 'warning', constructPath: 'policy.yaml#2', message: expect.stringContaining('cannot be read: no target'),
    })]);
    expect(levels(unreadable, { ruleLevels: { ReachabilityViolation: 'error' } })).toEqual(['warning']);
  });

  test('ruleLevels sets the level of the certain ones, and lowers the uncertain ones too', () => {
    expect(levels(broken, { ruleLevels: { ReachabilityViolation: 'warning' } })).toEqual(['warning']);
    expect(levels(unreadable, { ruleLevels: { ReachabilityViolation: 'info' } })).toEqual(['info']);
  });

  test('nothing declared, or the rule disabled, is no finding', () => {
    expect(reachabilityFindings(open, { statements: [], tiers: [] })).toEqual([]);
    expect(reachabilityFindings(open, { statements: [], tiers: [], problems: [] })).toEqual([]);
    expect(reachabilityFindings(open, broken, { disabledRules: ['ReachabilityViolation'] })).toEqual([]);
  });

  test('analyse evaluates the declarations it is given, and acknowledges their findings too', () => {
    const { findings } = analyse(sshTemplate, {}, [], undefined, unreadable);
    expect(findings.filter(f => f.ruleId === 'ReachabilityViolation')).toHaveLength(1);
    const acknowledged = analyse(sshTemplate, {}, [{ ruleId: 'ReachabilityViolation', path: 'policy.yaml#2', reason: 'known' }], undefined, unreadable).findings;
    expect(acknowledged.find(f => f.ruleId === 'ReachabilityViolation')).toMatchObject({ acknowledged: true, reason: 'known' });
    expect(analyse(sshTemplate, {}, []).findings.filter(f => f.ruleId === 'ReachabilityViolation')).toEqual([]);
  });
});

describe('resolveParameters names each option as the app\'s language spells it', () => {
  test.each<[string | undefined, string]>([
    ['python', 'admin_ports: -1 is not a port'],
    ['java', 'adminPorts: -1 is not a port'],
    // The command's config file spells options as TypeScript does, and so does an app whose language is not known.
    [undefined, 'options: adminPorts: -1 is not a port'],
  ])('%s', (language, message) => {
    expect(() => resolveParameters({ adminPorts: [-1] }, language as any)).toThrow(message);
  });

  test('a level that is not one is shown as written', () => {
    expect(() => resolveParameters({ ruleLevels: { WorldOpenIngress: undefined } })).toThrow('WorldOpenIngress is undefined, which is not a level');
    expect(() => resolveParameters({ ruleLevels: { WorldOpenIngress: { level: 'error' } } })).toThrow('WorldOpenIngress is {"level":"error"}, which is not a level');
  });

  test('a pattern compiles to the regular expression the naming rule uses', () => {
    const { groupNamePattern } = resolveParameters({ groupNamePattern: '^app-[a-z]+$' });
    expect(groupNamePattern?.test('app-web')).toBe(true);
    expect(groupNamePattern?.test('web')).toBe(false);
    expect(resolveParameters().groupNamePattern).toBeUndefined();
  });

  test('the options given replace the defaults', () => {
    expect(resolveParameters({
      dataPorts: [1],
      allowedPublicPorts: [8443],
      widestPrivateIpv6Prefix: 56,
      securityGroupsPerInterfaceQuota: 3,
      rulesPerDirectionQuota: 100,
      widestPrivateIpv4Prefix: 20,
      widestPublicIpv4Prefix: 28,
      widestPublicIpv6Prefix: 60,
    })).toMatchObject({
      dataPorts: [1],
      allowedPublicPorts: [8443],
      widestPrivateIpv6Prefix: 56,
      securityGroupsPerInterfaceQuota: 3,
      rulesPerDirectionQuota: 100,
      widestPrivateIpv4Prefix: 20,
      widestPublicIpv4Prefix: 28,
      widestPublicIpv6Prefix: 60,
    });
  });
});
