import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { validationError } from '../core/errors';
import { normaliseProtocol } from '../model/ports';

/**
 * Check the ports of a pair: one service, so named ports, never every protocol or every port.
 * Returns them without duplicates.
 */
export function validateServicePorts(scope: IConstruct, ports: ec2.Port[] | undefined, allowPortRanges: boolean): ec2.Port[] {
  if (!ports || ports.length === 0) {
    throw validationError(scope, 'ports must name at least one port, for example [ec2.Port.tcp(5432)].');
  }
  const seen = new Map<string, ec2.Port>();
  for (const port of ports) {
    const rule = port.toRuleJson() as { ipProtocol: string; fromPort?: number; toPort?: number };
    const label = port.toString();
    const protocol = normaliseProtocol(rule.ipProtocol);
    if (protocol === 'all') {
      throw validationError(scope, `${label} admits every protocol and port. A server/client pair is about one service: name its ports, for example ec2.Port.tcp(5432).`);
    }
    const from = rule.fromPort;
    const to = rule.toPort;
    if ((protocol === 'tcp' || protocol === 'udp') && !Token.isUnresolved(from) && !Token.isUnresolved(to)) {
      for (const value of [from, to]) {
        if (value === undefined || !Number.isInteger(value) || value < 0 || value > 65535) {
          throw validationError(scope, `${label}: port ${value} is out of range; ports are whole numbers from 0 to 65535.`);
        }
      }
      if (from! > to!) {
        throw validationError(scope, `${label}: the range starts at ${from} but ends at ${to}.`);
      }
      if (from === 0 && to === 65535) {
        throw validationError(scope, `${label} admits every ${protocol} port. A server/client pair is about one service: name its ports.`);
      }
      if (from !== to && !allowPortRanges) {
        throw validationError(scope, `${label} is a port range. Name single ports, or set allowPortRanges: true if the service really listens on a range.`);
      }
    }
    seen.set(label, port);
  }
  return [...seen.values()];
}
