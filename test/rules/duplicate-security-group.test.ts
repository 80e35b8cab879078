import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyseApp, findingsOf, testStack, vpcFunction } from '../support/analyse-app';

const RULE = 'DuplicateSecurityGroup';

describe(RULE, () => {
  test('flags two groups in one VPC with the same rules (L2)', () => {
    const { app, stack, vpc } = testStack();
    for (const id of ['A', 'B']) {
      new ec2.SecurityGroup(stack, id, { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.ipv4('10.0.5.0/24'), ec2.Port.tcp(443));
    }
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(2);
    expect(found[0].message).toContain('has the same rules as');
  });

  test('different ports are not duplicates, and empty identity groups are not counted (L2)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.SecurityGroup(stack, 'A', { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.ipv4('10.0.5.0/24'), ec2.Port.tcp(443));
    new ec2.SecurityGroup(stack, 'B', { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.ipv4('10.0.5.0/24'), ec2.Port.tcp(8443));
    new ec2.SecurityGroup(stack, 'C', { vpc, allowAllOutbound: false });
    new ec2.SecurityGroup(stack, 'D', { vpc, allowAllOutbound: false });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('groups in different VPCs are not duplicates (L1)', () => {
    const { app, stack, vpc } = testStack();
    const other = new ec2.CfnVPC(stack, 'Other', { cidrBlock: '10.9.0.0/16' });
    for (const [id, vpcId] of [['A', vpc.vpcId], ['B', other.ref]]) {
      new ec2.CfnSecurityGroup(stack, id, { groupDescription: 'x', vpcId, securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.5.0/24' }] });
    }
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('groups that admit nothing, like the one CDK makes for each Lambda function, are identities, not copies (L2)', () => {
    const { app, stack, vpc } = testStack();
    vpcFunction(stack, 'One', vpc);
    vpcFunction(stack, 'Two', vpc);
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });
});
