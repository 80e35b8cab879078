import { PATH_SCOPED_ACKNOWLEDGEMENTS, PLUGINS_MAY_REWRITE_ASSEMBLY_FILES, cdkOlderThan, errorsMaskedAppWide } from '../../src/checks/cdk-release';
import { Finding } from '../../src/checks/engine';

function finding(ruleId: string, level: Finding['level'], constructPath: string, acknowledged = false): Finding {
  return {
    ruleId,
    level,
    constructPath,
    acknowledged,
    message: `${ruleId} at ${constructPath}`,
    fix: '',
    stackId: 'Stack',
    stackName: 'Stack',
    logicalId: constructPath,
    resourceType: 'AWS::EC2::SecurityGroup',
  };
}

describe('which aws-cdk-lib applies an acknowledgement app-wide', () => {
  test.each([
    ['2.257.0', true], ['2.258.0', true], ['2.270.0', true], ['2.270.9', true],
    ['2.271.0', false], ['2.271.1', false], ['2.276.0', false], ['3.0.0', false], ['10.0.0', false],
  ])('%s: %s', (version, appWide) => {
    expect(cdkOlderThan(PATH_SCOPED_ACKNOWLEDGEMENTS, version)).toBe(appWide);
  });

  test('plugins may rewrite assembly files from 2.268.0', () => {
    expect(cdkOlderThan(PLUGINS_MAY_REWRITE_ASSEMBLY_FILES, '2.267.0')).toBe(true);
    expect(cdkOlderThan(PLUGINS_MAY_REWRITE_ASSEMBLY_FILES, '2.268.0')).toBe(false);
  });

  test('a version that cannot be read counts as older, the cautious side', () => {
    expect(cdkOlderThan(PATH_SCOPED_ACKNOWLEDGEMENTS, '')).toBe(true);
    expect(cdkOlderThan(PATH_SCOPED_ACKNOWLEDGEMENTS, '2.x')).toBe(true);
    expect(cdkOlderThan(PATH_SCOPED_ACKNOWLEDGEMENTS, '2.300')).toBe(true);
    expect(cdkOlderThan(PATH_SCOPED_ACKNOWLEDGEMENTS, '2.300.x')).toBe(true);
    expect(cdkOlderThan(PATH_SCOPED_ACKNOWLEDGEMENTS, undefined as unknown as string)).toBe(false); // undefined: the installed one
  });

  test('the first part that differs decides, and a prerelease suffix on the last part is not a number', () => {
    expect(cdkOlderThan([2, 271, 0], '1.999.999')).toBe(true);
    expect(cdkOlderThan([2, 271, 0], '2.270.999')).toBe(true);
    expect(cdkOlderThan([2, 271, 5], '2.271.4')).toBe(true);
    expect(cdkOlderThan([2, 271, 5], '2.271.5')).toBe(false);
    expect(cdkOlderThan([2, 271, 5], '2.272.0')).toBe(false);
    expect(cdkOlderThan([2, 271, 0], '2.271.0-rc.1')).toBe(true);
  });

  test('the installed aws-cdk-lib is read', () => {
    expect(cdkOlderThan(PATH_SCOPED_ACKNOWLEDGEMENTS)).toBe(false); // the repository develops against the newest
  });
});

describe('errors an app-wide acknowledgement would hide', () => {
  test('an open error of a rule acknowledged elsewhere is masked; other open errors and warnings are not', () => {
    const masked = finding('WorldOpenAdminPort', 'error', 'Stack/Ssh');
    const findings = [
      finding('WorldOpenAdminPort', 'error', 'Stack/Rdp', true),
      masked,
      finding('WorldOpenDataPort', 'error', 'Stack/Db'),
      finding('WorldOpenAdminPort', 'warning', 'Stack/Other'),
    ];
    expect([...errorsMaskedAppWide(findings)]).toEqual([masked]);
  });

  test('nothing is masked when no finding is acknowledged', () => {
    expect(errorsMaskedAppWide([finding('WorldOpenAdminPort', 'error', 'Stack/Ssh')]).size).toBe(0);
  });
});
