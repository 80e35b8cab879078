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
