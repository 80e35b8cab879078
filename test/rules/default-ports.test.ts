/**
 * Every port of the default admin and data lists, written out here rather than imported, so that a port dropped
 * from (or moved between) the defaults fails a test: each one, open to the world on tcp, is an error of its own
 * rule and of no other world-open rule.
 */
import { analyse } from '../../src/checks/engine';
import { handTemplate } from '../support/analyse-app';

const ADMIN_PORTS: Array<[number, string]> = [
  [22, 'SSH 22'], [23, 'Telnet 23'], [3389, 'RDP 3389'], [5900, 'VNC 5900'], [5985, 'WinRM 5985'], [5986, 'WinRM over HTTPS 5986'],
];
const DATA_PORTS = [
  3306, 5432, 1433, 1434, 1521, 6379, 6380, 11211, 27017, 27018, 9200, 9300, 5601, 9092, 2181,
  2049, 445, 9042, 7199, 7000, 7001, 9160, 5984, 8086, 5439,
];

function worldOpenFindings(port: number) {
  return analyse(handTemplate({
    Sg: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, CidrIp: '0.0.0.0/0' }] },
    },
  }), {}, []).findings.filter(f => f.ruleId.startsWith('WorldOpen'));
}

describe('the default admin ports', () => {
  test.each(ADMIN_PORTS)('tcp %d from the world is WorldOpenAdminPort, named %s', (port, named) => {
    expect(worldOpenFindings(port).map(f => [f.ruleId, f.level, f.message]))
      .toEqual([['WorldOpenAdminPort', 'error', expect.stringContaining(`which reaches ${named}.`)]]);
  });
});

describe('the default data ports', () => {
  test.each(DATA_PORTS)('tcp %d from the world is WorldOpenDataPort', port => {
    expect(worldOpenFindings(port).map(f => [f.ruleId, f.level, f.message]))
      .toEqual([['WorldOpenDataPort', 'error', expect.stringContaining(`which reaches data port ${port}.`)]]);
  });
});

describe('ports in neither list', () => {
  test.each([21, 24, 3307, 5901, 8080, 65535])('tcp %d from the world is WorldOpenIngress only', port => {
    expect(worldOpenFindings(port).map(f => f.ruleId)).toEqual(['WorldOpenIngress']);
  });

  test('a range over every admin and data port reports each list in full, in ascending order', () => {
    const all = analyse(handTemplate({
      Sg: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 65535, CidrIp: '0.0.0.0/0' }] },
      },
    }), {}, []).findings.filter(f => f.ruleId.startsWith('WorldOpen'));
    expect(all.map(f => f.ruleId)).toEqual(['WorldOpenAdminPort', 'WorldOpenDataPort', 'WorldOpenIngress']);
    expect(all[0].message).toContain(`which reaches ${ADMIN_PORTS.map(([, named]) => named).join(', ')}.`);
    const ascending = [...DATA_PORTS].sort((a, b) => a - b);
    expect(all[1].message).toContain(`which reaches data ports ${ascending.join(', ')}.`);
  });
});
