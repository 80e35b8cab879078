import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testStack } from '../support/analyse-app';

const RULE = 'UnrestrictedEgress';

describe(RULE, () => {
  test("flags CDK's allowAllOutbound (L2)", () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('sends all traffic to 0.0.0.0/0');
  });

  test('allowAllOutbound: false is compliant (L2)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('flags a group whose only egress is a standalone resource: AWS keeps its allow-all (L1)', () => {
    const { app, stack, vpc } = testStack();
    const sg = new ec2.CfnSecurityGroup(stack, 'Sg', { groupDescription: 'x', vpcId: vpc.vpcId });
    new ec2.CfnSecurityGroupEgress(stack, 'Https', { groupId: sg.attrGroupId, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/16' });
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('states no egress rule');
  });

  test('flags -1 to ::/0 (L1)', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupEgress: [{ IpProtocol: '-1', CidrIpv6: '::/0' }] } },
    }), {}, []);
    expect(findingsOf(findings, RULE)).toHaveLength(1);
  });

  test('egress to all ports of one destination group is not "unrestricted"', () => {
    const { findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }] } },
    }), {}, []);
    expect(findingsOf(findings, RULE)).toEqual([]);
  });
});
