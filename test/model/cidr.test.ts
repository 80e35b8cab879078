import { cidrContains, cidrEquals, isPrivate, isWorld, parseCidr } from '../../src/model/cidr';

describe('parseCidr', () => {
  test.each([
    ['10.0.0.0/16', 4, 16],
    ['0.0.0.0/0', 4, 0],
    ['192.168.1.7/32', 4, 32],
    ['::/0', 6, 0],
    ['::0/0', 6, 0],
    ['2001:db8::/32', 6, 32],
    ['fd00:1:2::/48', 6, 48],
    ['::ffff:10.0.0.1/128', 6, 128],
  ])('%s', (text, family, prefix) => {
    expect(parseCidr(text)).toMatchObject({ family, prefix });
  });

  test.each(['10.0.0.0/33', '10.0.0/8', '256.0.0.0/8', 'abc', '', '1::2::3/64', '10.0.0.0/-1', '2001:db8::/129', '10.0.0.0/8x'])('rejects %j', text => {
    expect(parseCidr(text)).toBeUndefined();
  });

  test('clears host bits, so 10.0.5.9/16 equals 10.0.0.0/16', () => {
    expect(cidrEquals(parseCidr('10.0.5.9/16')!, parseCidr('10.0.0.0/16')!)).toBe(true);
  });
});

describe('containment and ranges', () => {
  test('containment', () => {
    expect(cidrContains(parseCidr('10.0.0.0/8')!, parseCidr('10.1.2.0/24')!)).toBe(true);
    expect(cidrContains(parseCidr('10.1.2.0/24')!, parseCidr('10.0.0.0/8')!)).toBe(false);
    expect(cidrContains(parseCidr('::/0')!, parseCidr('10.0.0.0/8')!)).toBe(false);
  });

  test('a block contains itself and an equal-prefix block written with host bits, but not its equal-prefix neighbour', () => {
    expect(cidrContains(parseCidr('10.0.0.0/8')!, parseCidr('10.0.0.0/8')!)).toBe(true);
    expect(cidrContains(parseCidr('10.0.0.0/8')!, parseCidr('10.9.9.9/8')!)).toBe(true);
    expect(cidrContains(parseCidr('10.0.0.0/8')!, parseCidr('11.0.0.0/8')!)).toBe(false);
    expect(cidrContains(parseCidr('fd00::/8')!, parseCidr('fd00::/8')!)).toBe(true);
  });

  // Each private range is private as a whole, not only its subnets: 10.0.0.0/8 is the usual way to write "our network".
  test.each(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', 'fc00::/7', 'fe80::/10', '::1/128'])(
    '%s is private as a whole', text => {
      expect(isPrivate(parseCidr(text)!)).toBe(true);
    });

  test.each(['11.0.0.0/8', '172.16.0.0/11', '192.168.0.0/15', '100.64.0.0/9', 'fc00::/6', '::2/128'])('%s reaches past private space', text => {
    expect(isPrivate(parseCidr(text)!)).toBe(false);
  });

  test('world and private', () => {
    expect(isWorld(parseCidr('0.0.0.0/0')!)).toBe(true);
    expect(isWorld(parseCidr('0.0.0.0/1')!)).toBe(false);
    expect(isPrivate(parseCidr('172.31.0.0/16')!)).toBe(true);
    expect(isPrivate(parseCidr('172.32.0.0/16')!)).toBe(false);
    expect(isPrivate(parseCidr('100.64.1.0/24')!)).toBe(true);
    expect(isPrivate(parseCidr('fd12::/16')!)).toBe(true);
    expect(isPrivate(parseCidr('2600::/16')!)).toBe(false);
  });
});

describe('parseCidr reads what templates write, and nothing else', () => {
  test('the network address is the block with host bits cleared, in either family', () => {
    expect(parseCidr('10.1.2.3/16')).toEqual({ family: 4, network: 0x0a010000n, prefix: 16, text: '10.1.2.3/16' });
    expect(parseCidr('192.168.1.7/32')!.network).toBe(0xc0a80107n);
    expect(parseCidr('2001:db8:1:2::/32')!.network).toBe(0x20010db8000000000000000000000000n);
    expect(parseCidr('1:2:3:4:5:6:7:8/128')!.network).toBe(0x00010002000300040005000600070008n);
    expect(parseCidr('1:2::7:8/128')!.network).toBe(0x00010002000000000000000000070008n);
    expect(parseCidr('::ffff:10.0.0.1/128')!.network).toBe(0xffff0a000001n);
  });

  test('an address without a prefix is a single host; surrounding spaces are dropped', () => {
    expect(parseCidr('10.0.0.1')).toMatchObject({ family: 4, prefix: 32, text: '10.0.0.1' });
    expect(parseCidr('::1')).toMatchObject({ family: 6, prefix: 128 });
    expect(parseCidr(' 10.0.0.0/8 ')).toMatchObject({ prefix: 8, text: '10.0.0.0/8' });
  });

  test.each([
    '10.0.0.0/', '10.0.0.0/1234', '1.2.3.4.5/32', '1.2.3.x/32', '1.2..3/32', '1.2.3.1000/32',
    '1:2:3:4:5:6:7/128', '1:2:3:4:5:6:7:8:9/128', '1:2:3:4::5:6:7:8/128', 'g::/16', ':::/0',
    '::ffff:10.0.0.256/128', '12345::/16', '10.0.0.1:1::/64',
  ])('rejects %j', text => {
    expect(parseCidr(text)).toBeUndefined();
  });

  test('a value that is not a string is not a block', () => {
    expect(parseCidr(42 as unknown as string)).toBeUndefined();
    expect(parseCidr({ Ref: 'Cidr' } as unknown as string)).toBeUndefined();
  });
});

describe('equality, world and containment across families', () => {
  test('equal only in family, prefix and network together', () => {
    const a = parseCidr('10.0.0.0/16')!;
    expect(cidrEquals(a, parseCidr('10.0.0.0/16')!)).toBe(true);
    expect(cidrEquals(a, parseCidr('10.0.0.0/17')!)).toBe(false);
    expect(cidrEquals(a, parseCidr('10.1.0.0/16')!)).toBe(false);
    expect(cidrEquals(parseCidr('::/0')!, parseCidr('0.0.0.0/0')!)).toBe(false);
  });

  test('::/0 is the world too, and contains every IPv6 block but no IPv4 one', () => {
    expect(isWorld(parseCidr('::/0')!)).toBe(true);
    expect(isWorld(parseCidr('::/1')!)).toBe(false);
    expect(cidrContains(parseCidr('::/0')!, parseCidr('2001:db8::/32')!)).toBe(true);
    expect(cidrContains(parseCidr('0.0.0.0/0')!, parseCidr('::/128')!)).toBe(false);
    expect(cidrContains(parseCidr('2001:db8::/32')!, parseCidr('2001:db9::/32')!)).toBe(false);
  });

  test.each(['169.254.0.0/15', '127.0.0.0/7', 'fe80::/9', 'fc00::/6', '::/127'])('%s is wider than its private range', text => {
    expect(isPrivate(parseCidr(text)!)).toBe(false);
  });
});

describe('digits only, where digits are meant', () => {
  test.each(['10.0.0.0/ 8', '10.0.0.0/1e1', '10.0.0.0/0x8', '10.0.0.1e1/32', '10. 0.0.0/8', '10.0.0.0x1/32'])('rejects %j', text => {
    expect(parseCidr(text)).toBeUndefined();
  });

  test('"::" may stand for a single zero group', () => {
    expect(parseCidr('1:2:3:4:5:6::8/128')!.network).toBe(0x00010002000300040005000600000008n);
  });
});
