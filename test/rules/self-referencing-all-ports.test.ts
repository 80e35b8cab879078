import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyseApp, findingsOf, testStack } from '../support/analyse-app';

const RULE = 'SelfReferencingAllPorts';

describe(RULE, () => {
  test('flags a group that admits itself on all traffic (L2)', () => {
    const { app, stack, vpc } = testStack();
    const sg = new ec2.SecurityGroup(stack, 'Cluster', { vpc, allowAllOutbound: false });
    sg.connections.allowInternally(ec2.Port.allTraffic());
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('from itself');
    expect(findingsOf(analyseApp(app), 'AllPortsFromPeer')).toEqual([]);
  });

  test('a self reference on one port is compliant (L1)', () => {
    const { app, stack, vpc } = testStack();
    const sg = new ec2.CfnSecurityGroup(stack, 'Cluster', { groupDescription: 'x', vpcId: vpc.vpcId });
    new ec2.CfnSecurityGroupIngress(stack, 'Gossip', { groupId: sg.attrGroupId, sourceSecurityGroupId: sg.attrGroupId, ipProtocol: 'tcp', fromPort: 7000, toPort: 7000 });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });
});
