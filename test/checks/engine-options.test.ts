/**
 * The engine's contract with its options and its rules: every bad option is named in one error, the edges of
 * each range are accepted, the defaults are the documented ones, a rule that throws is a finding (never a
 * silent pass), and AcknowledgementWithoutReason obeys ruleLevels and disabledRules like any rule.
 */
import { Acknowledgement, Finding, analyse, applyAcknowledgements, resolveParameters, runRules } from '../../src/checks/engine';
import { SecurityGroupStrategyOptions } from '../../src/checks/options';
import { buildModel } from '../../src/model/build-model';
import { RULES } from '../../src/rules/catalog';
import { handTemplate } from '../support/analyse-app';

const ssh = handTemplate({
  Sg: {
    Type: 'AWS::EC2::SecurityGroup',
    Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }] },
  },
});

describe('options', () => {
  test('the defaults', () => {
    const params = resolveParameters();
    expect({ ...params, isEnabled: undefined, groupNamePattern: undefined }).toEqual({
      adminPorts: [22, 23, 3389, 5900, 5985, 5986],
      dataPorts: expect.arrayContaining([3306, 5432, 6379, 27017]),
      allowedPublicPorts: [80, 443],
      widestPrivateIpv4Prefix: 16,
      widestPublicIpv4Prefix: 24,
      widestPrivateIpv6Prefix: 48,
      widestPublicIpv6Prefix: 64,
      securityGroupsPerInterfaceQuota: 5,
      securityGroupsPerInterfaceHardLimit: 16,
      rulesPerDirectionQuota: 60,
      isEnabled: undefined,
      groupNamePattern: undefined,
    });
    expect(RULES.every(r => params.isEnabled(r.id))).toBe(true);
  });

  test.each<[string, SecurityGroupStrategyOptions, string]>([
    ['a negative port', { adminPorts: [-1] }, 'adminPorts: -1 is not a port (0-65535)'],
    ['a port past 65535', { dataPorts: [65536] }, 'dataPorts: 65536 is not a port (0-65535)'],
    ['a fractional port', { allowedPublicPorts: [443.5] }, 'allowedPublicPorts: 443.5 is not a port (0-65535)'],
    ['an IPv4 prefix past 32', { widestPrivateIpv4Prefix: 33 }, 'widestPrivateIpv4Prefix: 33 is not a prefix length (0-32)'],
    ['a negative prefix', { widestPublicIpv4Prefix: -1 }, 'widestPublicIpv4Prefix: -1 is not a prefix length (0-32)'],
    ['a fractional prefix', { widestPrivateIpv6Prefix: 47.5 }, 'widestPrivateIpv6Prefix: 47.5 is not a prefix length (0-128)'],
    ['an IPv6 prefix past 128', { widestPublicIpv6Prefix: 129 }, 'widestPublicIpv6Prefix: 129 is not a prefix length (0-128)'],
    ['a quota of 0', { securityGroupsPerInterfaceQuota: 0 }, 'securityGroupsPerInterfaceQuota: 0 must be a whole number above 0'],
    ['a fractional quota', { rulesPerDirectionQuota: 1.5 }, 'rulesPerDirectionQuota: 1.5 must be a whole number above 0'],
    ['an unknown rule in ruleLevels', { ruleLevels: { WorldOpen: 'error' } }, "unknown rule id 'WorldOpen' (known: InvalidSecurityGroupRule, "],
    ['an unknown rule in disabledRules', { disabledRules: ['Nope'] }, "unknown rule id 'Nope'"],
    ['a level that is not one', { ruleLevels: { WorldOpenIngress: 'fatal' } }, "ruleLevels: WorldOpenIngress is 'fatal', which is not a level"],
    ['a level that is not a string', { ruleLevels: { WorldOpenIngress: 2 as any } }, 'ruleLevels: WorldOpenIngress is 2, which is not a level'],
    ['a pattern that does not compile', { groupNamePattern: '(' }, 'groupNamePattern: Invalid regular expression'],
  ])('%s is refused, named', (_label, options, message) => {
    expect(() => resolveParameters(options)).toThrow(`Invalid sg-strategy options: ${message}`);
  });

  test('every problem is named in the one error', () => {
    expect(() => resolveParameters({ adminPorts: [-1], widestPublicIpv4Prefix: 40, rulesPerDirectionQuota: 0 }))
      .toThrow('Invalid sg-strategy options: adminPorts: -1 is not a port (0-65535); widestPublicIpv4Prefix: 40 is not a prefix length (0-32); '
        + 'rulesPerDirectionQuota: 0 must be a whole number above 0');
  });

  test('the edges of each range are accepted', () => {
    const params = resolveParameters({
      adminPorts: [0, 65535],
      widestPrivateIpv4Prefix: 0,
      widestPublicIpv4Prefix: 32,
      widestPublicIpv6Prefix: 128,
      securityGroupsPerInterfaceQuota: 1,
      rulesPerDirectionQuota: 1,
      ruleLevels: { WorldOpenIngress: 'ERROR' },
      disabledRules: ['TooManyRules'],
    });
    expect(params).toMatchObject({ adminPorts: [0, 65535], widestPrivateIpv4Prefix: 0, widestPublicIpv4Prefix: 32, widestPublicIpv6Prefix: 128 });
    expect(params.isEnabled('TooManyRules')).toBe(false);
    expect(params.isEnabled('WorldOpenIngress')).toBe(true);
  });
});

describe('rules', () => {
  afterEach(() => jest.restoreAllMocks());

  test('a rule that throws is a warning that names it, placed on the first stack, and the other rules still run', () => {
    const rule = RULES.find(r => r.id === 'WideCidrIngress')!;
    jest.spyOn(rule, 'check').mockImplementation(() => { throw new Error('cannot read this'); });
    const findings = runRules(buildModel(ssh), resolveParameters());
    expect(findings.filter(f => f.ruleId === 'WideCidrIngress')).toEqual([expect.objectContaining({
      level: 'warning',
      message: 'rule WideCidrIngress failed on this app and checked nothing: cannot read this',
      stackId: 'Hand',
      stackName: 'Hand',
      logicalId: '(app)',
      resourceType: 'AWS::CloudFormation::Stack',
    })]);
    expect(findings.map(f => f.ruleId)).toContain('WorldOpenAdminPort');
  });

  test('a rule that throws on an app without stacks is placed on the app', () => {
    jest.spyOn(RULES[0], 'check').mockImplementation(() => { throw new Error('x'); });
    expect(runRules(buildModel([]), resolveParameters())).toEqual([expect.objectContaining({ stackId: '(app)', stackName: '(app)' })]);
  });

  test('a disabled rule does not run at all', () => {
    const rule = RULES.find(r => r.id === 'WorldOpenAdminPort')!;
    const check = jest.spyOn(rule, 'check');
    const findings = analyse(ssh, { disabledRules: ['WorldOpenAdminPort'] }, []).findings;
    expect(check).not.toHaveBeenCalled();
    expect(findings.map(f => f.ruleId)).not.toContain('WorldOpenAdminPort');
  });
});

describe('AcknowledgementWithoutReason', () => {
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
  const blank: Acknowledgement = { ruleId: 'WorldOpenAdminPort', path: 'S/Web', reason: ' \t' };

  test('a blank reason covers nothing and is an error at the place it was made', () => {
    expect(applyAcknowledgements([finding], [blank])).toEqual([finding, expect.objectContaining({
      ruleId: 'AcknowledgementWithoutReason',
      level: 'error',
      constructPath: 'S/Web',
      acknowledged: false,
      message: 'The acknowledgement of sg-strategy::WorldOpenAdminPort at S/Web has no reason, so it is refused. Say why the finding is accepted.',
    })]);
  });

  test('one made on the app is reported at /', () => {
    expect(applyAcknowledgements([], [{ ...blank, path: '' }])[0].message).toContain('at / has no reason');
  });

  test('its level follows ruleLevels, and disabledRules switches it off', () => {
    expect(applyAcknowledgements([], [blank], { ruleLevels: { AcknowledgementWithoutReason: 'warning' } }).map(f => f.level)).toEqual(['warning']);
    expect(applyAcknowledgements([finding], [blank], { disabledRules: ['AcknowledgementWithoutReason'] })).toEqual([finding]);
  });

  test('a finding without a construct path (a hand-written template) is never acknowledged', () => {
    const { constructPath: _, ...withoutPath } = finding;
    expect(applyAcknowledgements([withoutPath], [{ ...blank, path: '', reason: 'all of it' }])).toEqual([withoutPath]);
  });
});
