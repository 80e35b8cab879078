/**
 * Which findings an acknowledgement covers (its construct and everything below it, nothing beside it), which
 * acknowledgement speaks for a finding that several cover (the nearest), and whose level a finding gets (the
 * user's ruleLevels over the level a rule sets itself).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { analyse } from '../../src/checks/engine';
import { analyseApp, handTemplate, testStack } from '../support/analyse-app';

const RULE = 'WorldOpenAdminPort';

/** A group open to the world on SSH at `<parent>/Sg`. */
function sshFromWorld(parent: Construct, vpc: ec2.IVpc): void {
  new ec2.SecurityGroup(parent, 'Sg', { vpc, allowAllOutbound: false }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
}

function acknowledge(scope: Construct, reason: string): void {
  Validations.of(scope).acknowledge({ id: `sg-strategy::${RULE}`, reason });
}

/** The WorldOpenAdminPort findings, by the construct that holds the group. */
function byOwner(findings: ReturnType<typeof analyseApp>) {
  return Object.fromEntries(findings.filter(f => f.ruleId === RULE)
    .map(f => [f.constructPath!.replace(/\/Sg\/Resource$/, ''), { acknowledged: f.acknowledged, reason: f.reason, at: f.acknowledgedAt }]));
}

describe('what an acknowledgement covers', () => {
  test('its construct and those below it, not a sibling whose name starts the same: Stack/Web does not cover Stack/WebServer', () => {
    const { app, stack, vpc } = testStack();
    const web = new Construct(stack, 'Web');
    sshFromWorld(web, vpc);
    sshFromWorld(new Construct(web, 'Inner'), vpc);
    sshFromWorld(new Construct(stack, 'WebServer'), vpc);
    acknowledge(web, 'bastion behind the VPN');
    expect(byOwner(analyseApp(app))).toEqual({
      'Stack/Web': { acknowledged: true, reason: 'bastion behind the VPN', at: 'Stack/Web' },
      'Stack/Web/Inner': { acknowledged: true, reason: 'bastion behind the VPN', at: 'Stack/Web' },
      'Stack/WebServer': { acknowledged: false, reason: undefined, at: undefined },
    });
  });

  test('where several cover a finding, the nearest one is recorded, with its reason and place', () => {
    const { app, stack, vpc } = testStack();
    const web = new Construct(stack, 'Web');
    sshFromWorld(web, vpc);
    sshFromWorld(new Construct(stack, 'Other'), vpc);
    acknowledge(stack, 'the whole stack is a lab');
    acknowledge(web, 'bastion behind the VPN');
    expect(byOwner(analyseApp(app))).toEqual({
      'Stack/Web': { acknowledged: true, reason: 'bastion behind the VPN', at: 'Stack/Web' },
      'Stack/Other': { acknowledged: true, reason: 'the whole stack is a lab', at: 'Stack' },
    });
  });

  test('the nearest wins whichever order the acknowledgements were made in', () => {
    const { app, stack, vpc } = testStack();
    const web = new Construct(stack, 'Web');
    sshFromWorld(web, vpc);
    acknowledge(web, 'bastion behind the VPN');
    acknowledge(stack, 'the whole stack is a lab');
    expect(byOwner(analyseApp(app))['Stack/Web']).toEqual({ acknowledged: true, reason: 'bastion behind the VPN', at: 'Stack/Web' });
  });

  test('one made on the app covers every stack, and is recorded as made at /', () => {
    const { app, stack, vpc } = testStack();
    sshFromWorld(stack, vpc);
    const other = new Stack(app, 'Other', { env: stack.env as any });
    sshFromWorld(other, new ec2.Vpc(other, 'Vpc', { maxAzs: 1, natGateways: 0 }));
    acknowledge(app, 'a training account');
    expect(byOwner(analyseApp(app))).toEqual({
      Stack: { acknowledged: true, reason: 'a training account', at: '/' },
      Other: { acknowledged: true, reason: 'a training account', at: '/' },
    });
  });

  test('one for another rule covers nothing', () => {
    const { app, stack, vpc } = testStack();
    sshFromWorld(stack, vpc);
    Validations.of(stack).acknowledge({ id: 'sg-strategy::WorldOpenDataPort', reason: 'not about SSH' });
    expect(byOwner(analyseApp(app))).toEqual({ Stack: { acknowledged: false, reason: undefined, at: undefined } });
  });
});

describe('whose level a finding gets', () => {
  // SSH from a source that is a parameter's default: the rule itself makes it a warning (the deployed value may differ).
  const fromParameterDefault = handTemplate({
    Sg: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { Ref: 'Source' } }] },
    },
  }, { Parameters: { Source: { Type: 'String', Default: '0.0.0.0/0' } } });
  const levelOf = (ruleLevels?: Record<string, string>) =>
    analyse(fromParameterDefault, { ruleLevels: ruleLevels as any }, []).findings.filter(f => f.ruleId === RULE).map(f => f.level);

  test('without ruleLevels, the level the rule set (a warning, under its default of error)', () => {
    expect(levelOf()).toEqual(['warning']);
  });

  test.each(['info', 'error'])('the user\'s ruleLevels (%s) beats the level the rule set', level => {
    expect(levelOf({ [RULE]: level })).toEqual([level]);
  });
});
