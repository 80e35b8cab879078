import { RawFinding, RuleDefinition, groupLabel, peerLabel, refLabel } from './rule';
import { describeTraffic } from '../model/ports';

export const egressRevokesDefaultOfExternalGroup: RuleDefinition = {
  id: 'EgressRevokesDefaultOfExternalGroup',
  defaultLevel: 'warning',
  title: 'A standalone egress rule on a group from outside the app; creating it removes that group\'s allow-all egress',
  rationale: 'When CloudFormation creates an AWS::EC2::SecurityGroupEgress, the target group loses AWS\'s default allow-all egress, from whichever stack the rule comes. '
    + 'On a group this app only imports (by id, Fn::ImportValue or a parameter), whoever else relies on that allow-all stops reaching anything but this rule\'s peer: '
    + 'load balancers shared between stacks broke this way (aws-cdk #14657, #15297, #24806). Deleting the stack does not put the allow-all back.',
  fix: 'Import the group with `allowAllOutbound: true`, so that CDK adds no egress to it, or add the egress in the stack that owns the group, after checking who else carries it.',
  example: "const shared = ec2.SecurityGroup.fromSecurityGroupId(this, 'Lb', 'sg-0123', { allowAllOutbound: false });\nshared.connections.allowTo(app, ec2.Port.tcp(8080)); // flagged: sg-0123 loses its allow-all egress",
  check(model) {
    const findings: RawFinding[] = [];
    for (const group of model.groups.values()) {
      if (group.ref || group.defaultOfVpc || !group.externalId) continue;
      for (const rule of group.rules) {
        if (rule.direction !== 'egress' || !rule.standalone) continue;
        const target = groupLabel(model, group.key);
        const traffic = rule.traffic ? describeTraffic(rule.traffic) : 'unknown traffic';
        findings.push({
          at: rule.origin,
          message: `${refLabel(rule.origin)} in stack ${rule.origin.stackName} adds egress (${traffic} to ${peerLabel(model, rule.peer)}) to ${target}, which is not defined in this app. `
            + `Creating it removes the default allow-all egress of ${target}, if it still has one, for everything that carries that group.`,
        });
      }
    }
    return findings;
  },
};
