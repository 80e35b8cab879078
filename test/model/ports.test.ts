import { carriesPort, describeTraffic, hasPorts, isAllPorts, normaliseProtocol, portsCarried, readTraffic } from '../../src/model/ports';

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

describe('reading protocols and ports as templates write them', () => {
  test.each([
    [' tcp ', 'tcp'], ['icmp6', 'icmpv6'], ['ICMPv6', 'icmpv6'], ['255', '255'], [0, '0'], ['all', 'all'],
  ])('protocol %j is %s', (value, expected) => {
    expect(normaliseProtocol(value)).toBe(expected);
  });

  test.each([['1000'], [true], [undefined], ['6x'], [1.5]])('%j is not a protocol', value => {
    expect(normaliseProtocol(value)).toBeUndefined();
  });

  test('all traffic ignores ports; ICMP without type and code is every type', () => {
    expect(readTraffic(-1, 22, 22)).toEqual({ traffic: { protocol: 'all' } });
    expect(readTraffic('icmp', undefined, undefined)).toEqual({ traffic: { protocol: 'icmp', icmp: { type: -1, code: -1 } } });
    expect(readTraffic('icmpv6', '128', '0')).toEqual({ traffic: { protocol: 'icmpv6', icmp: { type: 128, code: 0 } } });
    expect(readTraffic('icmp', { Ref: 'T' }, 0).problem).toContain('ICMP type/code');
    expect(readTraffic('icmp', 8, 'x').problem).toContain('ICMP type/code');
  });

  test('tcp and udp: no ports is every port; a FromPort alone is one port; strings and spaces are read', () => {
    expect(readTraffic('tcp', undefined, undefined)).toEqual({ traffic: { protocol: 'tcp', ports: { from: 0, to: 65535 } }, unsettledBy: 'tcp-udp-ports-minus-one-or-none' });
    expect(readTraffic('udp', 53, undefined)).toEqual({ traffic: { protocol: 'udp', ports: { from: 53, to: 53 } } });
    expect(readTraffic('tcp', ' 22 ', '23')).toEqual({ traffic: { protocol: 'tcp', ports: { from: 22, to: 23 } } });
    expect(readTraffic('tcp', 0, 65535)).toEqual({ traffic: { protocol: 'tcp', ports: { from: 0, to: 65535 } } });
    expect(readTraffic('tcp', 443, 443)).toEqual({ traffic: { protocol: 'tcp', ports: { from: 443, to: 443 } } });
  });

  test.each([
    [-2, 5, 'not valid'], [1, 65536, 'not valid'], [6, 5, 'not valid'], [1.5, 2, 'cannot be read'], ['22a', 22, 'cannot be read'], [22, 'x', 'cannot be read'],
  ])('tcp %j-%j: %s', (from, to, problem) => {
    const read = readTraffic('tcp', from, to);
    expect(read.traffic).toBeUndefined();
    expect(read.problem).toContain(problem);
  });

  test('another IP protocol has no ports: the whole protocol passes', () => {
    expect(readTraffic(47, 1, 2)).toEqual({ traffic: { protocol: '47' } });
  });
});

describe('what traffic carries, and how findings name it', () => {
  const tcp = (from: number, to: number) => ({ protocol: 'tcp', ports: { from, to } });

  test('a range carries its ends and nothing outside; only tcp, udp and all carry ports', () => {
    expect([19, 20, 25, 26].map(p => carriesPort(tcp(20, 25), p))).toEqual([false, true, true, false]);
    expect(carriesPort({ protocol: 'udp', ports: { from: 53, to: 53 } }, 53)).toBe(true);
    expect(carriesPort({ protocol: 'all' }, 5432)).toBe(true);
    expect(carriesPort({ protocol: '47' }, 22)).toBe(false);
    expect(carriesPort({ protocol: 'tcp' }, 22)).toBe(false);
    expect(portsCarried(tcp(20, 25), [19, 22, 25, 80])).toEqual([22, 25]);
  });

  test('all ports means the whole range of tcp or udp, or all traffic', () => {
    expect(isAllPorts(tcp(0, 65535))).toBe(true);
    expect(isAllPorts({ protocol: 'udp', ports: { from: 0, to: 65535 } })).toBe(true);
    expect(isAllPorts(tcp(1, 65535))).toBe(false);
    expect(isAllPorts(tcp(0, 65534))).toBe(false);
    expect(isAllPorts({ protocol: 'icmp', icmp: { type: -1, code: -1 } })).toBe(false);
    expect(isAllPorts({ protocol: '47' })).toBe(false);
    expect(isAllPorts({ protocol: 'tcp' })).toBe(false);
  });

  test('hasPorts', () => {
    expect(['all', 'tcp', 'udp', 'icmp', '47'].map(protocol => hasPorts({ protocol }))).toEqual([true, true, true, false, false]);
  });

  test.each([
    [{ protocol: 'all' }, 'all traffic'],
    [{ protocol: 'icmp', icmp: { type: -1, code: -1 } }, 'all icmp'],
    [{ protocol: 'icmpv6', icmp: { type: 128, code: 0 } }, 'icmpv6 type 128 code 0'],
    [{ protocol: 'icmp', icmp: { type: 3, code: -1 } }, 'icmp type 3'],
    [{ protocol: 'udp', ports: { from: 0, to: 65535 } }, 'all udp ports'],
    [{ protocol: 'tcp', ports: { from: 1, to: 65535 } }, 'tcp 1-65535'],
    [{ protocol: 'tcp', ports: { from: 0, to: 65534 } }, 'tcp 0-65534'],
    [{ protocol: 'tcp', ports: { from: 22, to: 22 } }, 'tcp 22'],
    [{ protocol: '47' }, 'protocol 47'],
  ])('%j reads as %j', (traffic, text) => {
    expect(describeTraffic(traffic)).toBe(text);
  });
});

describe('what cannot be read says what it was', () => {
  test('a list or an object is not a protocol, even one that prints as one', () => {
    expect(normaliseProtocol([6])).toBeUndefined();
    expect(normaliseProtocol(['tcp'])).toBeUndefined();
  });

  test('a ToPort without a FromPort, or digits after other text, cannot be read', () => {
    expect(readTraffic('tcp', undefined, 22)).toEqual({ problem: 'ports [null,22] cannot be read' });
    expect(readTraffic('tcp', 'x22', 22)).toEqual({ problem: 'ports ["x22",22] cannot be read' });
    expect(readTraffic('icmp', 'echo', 0)).toEqual({ problem: 'ICMP type/code ["echo",0] cannot be read' });
  });
});
