import { securityGroupPropertyOf } from '../../src/model/attachment-properties';
import { CDK_NO_TRAFFIC_RULE } from '../../src/model/cdk-placeholder';
import { parseCidr } from '../../src/model/cidr';
import { readTraffic } from '../../src/model/ports';
import { refLabel, resourceKey } from '../../src/model/types';

describe('how resources are keyed and named', () => {
  test('a key is the stack id and the logical id', () => {
    expect(resourceKey('Stack', 'Sg')).toBe('Stack|Sg');
  });

  test('a resource is named by its construct path without a trailing Resource or Default, else by stack and logical id', () => {
    const ref = { stackId: 'S', stackName: 'Prod', logicalId: 'SgABC', type: 'AWS::EC2::SecurityGroup' };
    expect(refLabel({ ...ref, constructPath: 'Prod/Web/Sg/Resource' })).toBe('Prod/Web/Sg');
    expect(refLabel({ ...ref, constructPath: 'Prod/Vpc/Default' })).toBe('Prod/Vpc');
    expect(refLabel({ ...ref, constructPath: 'Prod/Resource/Sg' })).toBe('Prod/Resource/Sg');
    expect(refLabel({ ...ref, constructPath: 'Prod/WebResource' })).toBe('Prod/WebResource');
    expect(refLabel(ref)).toBe('Prod/SgABC');
    expect(refLabel({ ...ref, constructPath: '' })).toBe('Prod/SgABC');
  });
});

describe('where a resource type carries its groups', () => {
  test.each([
    ['AWS::Lambda::Function', ['VpcConfig', 'SecurityGroupIds']],
    ['AWS::RDS::DBInstance', ['VPCSecurityGroups']],
    ['AWS::EC2::NetworkInterface', ['GroupSet']],
  ])('%s: %j', (type, path) => {
    expect(securityGroupPropertyOf(type)).toEqual({ resourceType: type, path });
  });

  test('a type without groups has no entry', () => {
    expect(securityGroupPropertyOf('AWS::S3::Bucket')).toBeUndefined();
  });
});

describe('CDK\'s "no traffic" egress rule', () => {
  test('matches no address a packet can come from and no ICMP message', () => {
    const traffic = readTraffic(CDK_NO_TRAFFIC_RULE.ipProtocol, CDK_NO_TRAFFIC_RULE.fromPort, CDK_NO_TRAFFIC_RULE.toPort).traffic;
    expect(traffic).toEqual({ protocol: 'icmp', icmp: { type: 252, code: 86 } });
    expect(parseCidr(CDK_NO_TRAFFIC_RULE.cidrIp)).toMatchObject({ family: 4, prefix: 32, network: 0xffffffffn });
  });
});
