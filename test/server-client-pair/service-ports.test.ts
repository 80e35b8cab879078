/**
 * The port checks of a pair, called directly (server-client-pair.test.ts shows them through the construct):
 * the edges of each range, the protocols the checks do not apply to, and tokens, which are known only at deploy.
 */
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { validateServicePorts } from '../../src/server-client-pair/service-ports';

function scope(): Construct {
  return new Construct(new Stack(new App(), 'Stack'), 'Pair');
}

const labels = (ports: ec2.Port[]) => ports.map(p => p.toString());
const custom = (protocol: string, fromPort?: number, toPort?: number) =>
  new ec2.Port({ protocol: protocol as ec2.Protocol, fromPort, toPort, stringRepresentation: `${protocol} ${fromPort}-${toPort}` });

describe('validateServicePorts', () => {
  test('missing or empty ports are refused, naming the pair', () => {
    expect(() => validateServicePorts(scope(), undefined, false)).toThrow('Stack/Pair: ports must name at least one port');
    expect(() => validateServicePorts(scope(), [], true)).toThrow('Stack/Pair: ports must name at least one port');
  });

  test('the lowest and highest ports are single ports, and ranges that touch them are accepted with allowPortRanges', () => {
    expect(labels(validateServicePorts(scope(), [ec2.Port.tcp(0), ec2.Port.tcp(65535), ec2.Port.udp(65535)], false)))
      .toEqual(['0', '65535', 'UDP 65535']);
    expect(labels(validateServicePorts(scope(), [ec2.Port.tcpRange(0, 10), ec2.Port.udpRange(65000, 65535)], true)))
      .toEqual(['0-10', 'UDP 65000-65535']);
  });

  test.each([
    ['tcp 65536', ec2.Port.tcp(65536), 'port 65536 is out of range'],
    ['udp -1', ec2.Port.udp(-1), 'port -1 is out of range'],
    ['a fractional port', ec2.Port.tcp(22.5), 'port 22.5 is out of range'],
    ['a range ending above 65535', ec2.Port.tcpRange(1000, 70000), 'port 70000 is out of range'],
    ['tcp written as protocol 6, every port', custom('6', 0, 65535), 'admits every tcp port'],
    ['udp written as protocol 17, a range', custom('17', 5000, 5001), 'is a port range'],
    ['protocol -1', custom('-1'), 'admits every protocol and port'],
  ])('%s is refused', (_label, port, message) => {
    expect(() => validateServicePorts(scope(), [ec2.Port.tcp(5432), port], false)).toThrow(message);
  });

  test('every udp port is refused even with allowPortRanges, and a reversed range names both ends', () => {
    expect(() => validateServicePorts(scope(), [ec2.Port.allUdp()], true)).toThrow('Stack/Pair: UDP ALL PORTS admits every udp port');
    expect(() => validateServicePorts(scope(), [ec2.Port.udpRange(53, 52)], true)).toThrow('the range starts at 53 but ends at 52');
  });

  test('ICMP and other protocols have no port range to check; a port given by a token is known only at deploy', () => {
    const stack = new Stack();
    const port = new CfnParameter(stack, 'Port', { type: 'Number' }).valueAsNumber;
    const accepted = validateServicePorts(scope(), [ec2.Port.icmpPing(), custom('47'), ec2.Port.tcp(port), ec2.Port.tcpRange(port, 9000)], false);
    expect(accepted).toHaveLength(4);
  });

  test('each port is kept once, in the order first given', () => {
    const ports = [ec2.Port.tcp(5432), ec2.Port.udp(53), ec2.Port.tcp(5432), ec2.Port.udp(53), ec2.Port.tcp(6432)];
    expect(labels(validateServicePorts(scope(), ports, false))).toEqual(['5432', 'UDP 53', '6432']);
  });
});
