import { TabulatedFinding, findingsTable } from '../../src/cli/findings-table';
import { readablePath, wrap } from '../../src/cli/layout';

function finding(overrides: Partial<TabulatedFinding>): TabulatedFinding {
  return {
    ruleId: 'WorldOpenIngress',
    level: 'warning',
    message: 'Stack/Sg admits tcp 8080 from 0.0.0.0/0.',
    fix: 'Narrow the source.',
    stackName: 'Stack',
    logicalId: 'Sg1234',
    resourceType: 'AWS::EC2::SecurityGroup',
    constructPath: 'Stack/Sg/Resource',
    acknowledged: false,
    ...overrides,
  };
}

describe('the findings table', () => {
  test('errors come first, then warnings, then info, each in the order found', () => {
    const table = findingsTable([
      finding({ level: 'info', ruleId: 'LambdaEniDeletionDelay' }),
      finding({ level: 'warning', ruleId: 'UnattachedSecurityGroup' }),
      finding({ level: 'error', ruleId: 'WorldOpenAdminPort' }),
      finding({ level: 'warning', ruleId: 'HardcodedGroupName' }),
      finding({ level: 'error', ruleId: 'WorldOpenDataPort' }),
    ]);
    expect(table.split('\n').filter(l => /^[A-Z]/.test(l)).map(l => l.split(/ +/).slice(0, 2).join(' '))).toEqual([
      'ERROR WorldOpenAdminPort', 'ERROR WorldOpenDataPort', 'WARNING UnattachedSecurityGroup', 'WARNING HardcodedGroupName', 'INFO LambdaEniDeletionDelay',
    ]);
  });

  test('every line fits 120 columns: long messages wrap under the finding, long places get a line of their own', () => {
    const long = finding({
      ruleId: 'NetworkLoadBalancerWithoutSecurityGroup',
      message: `${'A message that goes on and on about what is open to whom. '.repeat(6)}Export ${'X'.repeat(150)} is one word.`,
      constructPath: `Stack/${'VeryLongConstructName/'.repeat(4)}Resource`,
    });
    const lines = findingsTable([long], '  ').split('\n');
    expect(Math.max(...lines.map(l => l.length))).toBeLessThanOrEqual(120);
    expect(lines[0]).toBe('  WARNING NetworkLoadBalancerWithoutSecurityGroup');
    expect(lines[1]).toBe(`          Stack/${'VeryLongConstructName/'.repeat(3)}VeryLongConstructName`);
    expect(lines.slice(2).every(l => l.startsWith('          '))).toBe(true);
    expect(lines.slice(2).join('').replace(/ {10}/g, ' ')).toContain('X'.repeat(100));
  });

  test('paths never show the {IndirectPeer} and {IndirectPort} placeholders of CDK rule ids', () => {
    const table = findingsTable([finding({
      resourceType: 'AWS::EC2::SecurityGroupIngress',
      logicalId: 'DbSgfromIndirectPeerIndirectPort9404B872',
      constructPath: 'Data/Db/SecurityGroup/from {IndirectPeer}:{IndirectPort}',
    })]);
    expect(table).not.toMatch(/\{Indirect/);
    expect(table).toMatch(/^WARNING WorldOpenIngress {2}Data\/Db\/SecurityGroup \(ingress rule DbSgfromIndirectPeerIndirectPort9404B872\)$/m);
  });

  test('verbose adds the fix under each message', () => {
    const findings = [finding({}), finding({ level: 'error', ruleId: 'WorldOpenAdminPort', fix: 'Use SSM Session Manager.' })];
    expect(findingsTable(findings)).not.toContain('Fix:');
    expect(findingsTable(findings, '', { verbose: true }).split('\n').filter(l => l.trimStart().startsWith('Fix:'))).toEqual([
      '        Fix: Use SSM Session Manager.', '        Fix: Narrow the source.',
    ]);
  });

  test('acknowledged findings are listed apart, with their reasons', () => {
    const table = findingsTable([finding({ acknowledged: true, reason: 'public API' })]);
    expect(table).toBe('(no open findings)\n\nacknowledged:\n  WorldOpenIngress at Stack/Sg: public API');
  });
});

describe('layout', () => {
  test('wrap breaks at spaces within the width and cuts only words longer than a line', () => {
    expect(wrap('aaa bbb ccc', '  ', 9)).toEqual(['  aaa bbb', '  ccc']);
    expect(wrap('a bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb c', '', 20)).toEqual(['a', 'bbbbbbbbbbbbbbbbbbbb', 'bbbbbbbbbbbbbbbbbbbb', 'bb c']);
    expect(wrap('one\ntwo', '')).toEqual(['one', 'two']);
  });

  test('readablePath drops the L1 id and names placeholder rules by group and logical id', () => {
    expect(readablePath('Data/Bastion/Resource', 'B1', 'AWS::EC2::SecurityGroup')).toBe('Data/Bastion');
    expect(readablePath('Api/ApiSg/to {IndirectPeer}:5432', 'E1', 'AWS::EC2::SecurityGroupEgress')).toBe('Api/ApiSg (egress rule E1)');
    expect(readablePath('Data/DbSg/from Api:{IndirectPort}', 'I1', 'AWS::EC2::SecurityGroupIngress')).toBe('Data/DbSg (ingress rule I1)');
  });
});
