import { carriesPort, describeTraffic, isAllPorts, normaliseProtocol, readTraffic } from '../../src/model/ports';

describe('protocols and ports', () => {
  test.each([
    ['tcp', 'tcp'], ['TCP', 'tcp'], [6, 'tcp'], ['6', 'tcp'], ['udp', 'udp'], [17, 'udp'],
    ['icmp', 'icmp'], [1, 'icmp'], ['icmpv6', 'icmpv6'], [58, 'icmpv6'], ['-1', 'all'], [-1, 'all'], ['all', 'all'], [47, '47'],
  ])('protocol %j is %s', (value, expected) => {
    expect(normaliseProtocol(value)).toBe(expected);
  });

  test.each([['foo'], [256], [null], [{}]])('%j is not a protocol', value => {
    expect(normaliseProtocol(value)).toBeUndefined();
  });

  test('ICMP type and code are not ports', () => {
    const { traffic } = readTraffic('icmp', 8, -1);
    expect(traffic).toEqual({ protocol: 'icmp', icmp: { type: 8, code: -1 } });
    expect(carriesPort(traffic!, 8)).toBe(false);
    expect(describeTraffic(traffic!)).toBe('icmp type 8');
  });

  test('-1 carries every port of every protocol', () => {
    const { traffic } = readTraffic('-1', undefined, undefined);
    expect(isAllPorts(traffic!)).toBe(true);
    expect(carriesPort(traffic!, 22)).toBe(true);
  });

  test('ranges', () => {
    const { traffic } = readTraffic('tcp', '20', 25);
    expect(carriesPort(traffic!, 22)).toBe(true);
    expect(carriesPort(traffic!, 26)).toBe(false);
    expect(isAllPorts(readTraffic('udp', 0, 65535).traffic!)).toBe(true);
  });

  test.each([
    ['tcp', -1, 22], ['tcp', '-1', 80], ['udp', -1, 53], ['tcp', 22, -1], ['tcp', -1, undefined],
  ])('%s with FromPort %j and ToPort %j means every port, the widest reading, never an invalid range', (protocol, from, to) => {
    expect(readTraffic(protocol, from, to)).toEqual({ traffic: { protocol, ports: { from: 0, to: 65535 } }, unsettledBy: 'tcp-udp-ports-minus-one-or-none' });
  });

  test('only -1 or missing ports are the unsettled reading: a written range, 0-65535 included, is not', () => {
    expect(readTraffic('udp', undefined, undefined).unsettledBy).toBe('tcp-udp-ports-minus-one-or-none');
    expect(readTraffic('tcp', 0, 65535)).toEqual({ traffic: { protocol: 'tcp', ports: { from: 0, to: 65535 } } });
    expect(readTraffic('tcp', 22, undefined)).toEqual({ traffic: { protocol: 'tcp', ports: { from: 22, to: 22 } } });
    expect(readTraffic('icmp', -1, -1).unsettledBy).toBeUndefined();
    expect(readTraffic('-1', -1, -1).unsettledBy).toBeUndefined();
  });

  test('unreadable ports are a problem, never a narrow rule', () => {
    expect(readTraffic('tcp', { 'Fn::GetAtt': ['X', 'Port'] }, 5).problem).toContain('cannot be read');
    expect(readTraffic('tcp', 10, 5).problem).toContain('not valid');
    expect(readTraffic('bogus', 1, 1).problem).toContain('protocol');
  });
});
