import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SecurityGroupMonitoring } from '../../src';
import { ENV, nagCheckedStack, testApp, validationViolations } from '../support/analyse-app';

function stack(): Stack {
  return new Stack(testApp(), 'Stack', { env: ENV });
}

function configRules(template: Template): Record<string, any> {
  const rules: Record<string, any> = {};
  for (const r of Object.values(template.findResources('AWS::Config::ConfigRule'))) rules[r.Properties.Source.SourceIdentifier] = r;
  return rules;
}

describe('SecurityGroupMonitoring', () => {
  test('switches on the five Config managed rules with their parameters', () => {
    const s = stack();
    new SecurityGroupMonitoring(s, 'Mon', { restrictedPorts: [3389, 5432], authorizedTcpPorts: [443, 80], authorizedUdpPorts: [53] });
    const rules = configRules(Template.fromStack(s));
    expect(Object.keys(rules).sort()).toEqual([
      'EC2_SECURITY_GROUP_ATTACHED_TO_ENI_PERIODIC', 'INCOMING_SSH_DISABLED', 'RESTRICTED_INCOMING_TRAFFIC',
      'VPC_DEFAULT_SECURITY_GROUP_CLOSED', 'VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS',
    ]);
    expect(rules.RESTRICTED_INCOMING_TRAFFIC.Properties.InputParameters).toEqual({ blockedPort1: '3389', blockedPort2: '5432' });
    expect(rules.VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS.Properties.InputParameters).toEqual({ authorizedTcpPorts: '443,80', authorizedUdpPorts: '53' });
    expect(rules.EC2_SECURITY_GROUP_ATTACHED_TO_ENI_PERIODIC.Properties.MaximumExecutionFrequency).toBe('TwentyFour_Hours');
  });

  test("defaults: restricted-common-ports keeps AWS's five ports, authorized ports are 443/tcp", () => {
    const s = stack();
    new SecurityGroupMonitoring(s, 'Mon');
    const rules = configRules(Template.fromStack(s));
    expect(rules.RESTRICTED_INCOMING_TRAFFIC.Properties.InputParameters).toEqual({
      blockedPort1: '20', blockedPort2: '21', blockedPort3: '3389', blockedPort4: '3306', blockedPort5: '4333',
    });
    expect(rules.VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS.Properties.InputParameters).toEqual({ authorizedTcpPorts: '443' });
  });

  test('notifies a created, encrypted topic of every security-group API call, in readable text', () => {
    const s = stack();
    new SecurityGroupMonitoring(s, 'Mon');
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.ec2'],
        'detail-type': ['AWS API Call via CloudTrail'],
        'detail': {
          eventSource: ['ec2.amazonaws.com'],
          eventName: ['CreateSecurityGroup', 'DeleteSecurityGroup', 'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress',
            'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'ModifySecurityGroupRules'],
        },
      },
      Targets: [Match.objectLike({
        Arn: { Ref: Match.stringLikeRegexp('^MonTopic') },
        InputTransformer: Match.objectLike({
          InputPathsMap: Match.objectLike({ 'detail-eventName': '$.detail.eventName', 'detail-userIdentity-arn': '$.detail.userIdentity.arn' }),
          InputTemplate: Match.stringLikeRegexp('Security group change: <detail-userIdentity-arn> called <detail-eventName>'),
        }),
      })],
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonTopicKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
  });

  test('uses a topic you give it, and creates no key', () => {
    const s = stack();
    const topic = new sns.Topic(s, 'Mine');
    const monitoring = new SecurityGroupMonitoring(s, 'Mon', { topic });
    expect(monitoring.topic).toBe(topic);
    Template.fromStack(s).resourceCountIs('AWS::KMS::Key', 0);
  });

  test('no recorder by default; createConfigRecorder makes one for groups, interfaces and VPCs, before the rules', () => {
    const without = stack();
    new SecurityGroupMonitoring(without, 'Mon');
    Template.fromStack(without).resourceCountIs('AWS::Config::ConfigurationRecorder', 0);

    const s = stack();
    new SecurityGroupMonitoring(s, 'Mon', { createConfigRecorder: true });
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: false, ResourceTypes: ['AWS::EC2::SecurityGroup', 'AWS::EC2::NetworkInterface', 'AWS::EC2::VPC'] },
    });
    template.resourceCountIs('AWS::Config::DeliveryChannel', 1);
    const [recorder] = Object.keys(template.findResources('AWS::Config::ConfigurationRecorder'));
    const [channel] = Object.keys(template.findResources('AWS::Config::DeliveryChannel'));
    for (const rule of Object.values(template.findResources('AWS::Config::ConfigRule'))) {
      expect(rule.DependsOn).toEqual(expect.arrayContaining([recorder, channel]));
    }
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'config.amazonaws.com' },
          Action: 's3:PutObject',
          Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'AWS:SourceAccount': '111111111111' } },
        })]),
      },
    });
  });

  test('the change-rate alarm counts the change rule\'s triggers and notifies the topic', () => {
    const s = stack();
    new SecurityGroupMonitoring(s, 'Mon', { changeRateAlarm: true, changeRateThreshold: 6, changeRatePeriod: Duration.minutes(10) });
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'TriggeredRules',
      Dimensions: [{ Name: 'RuleName', Value: { Ref: Match.stringLikeRegexp('^MonChanges') } }],
      Statistic: 'Sum',
      Period: 600,
      Threshold: 6,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonTopic') }],
    });
  });

  test('bad input is an error naming the construct', () => {
    expect(() => new SecurityGroupMonitoring(stack(), 'Mon', { restrictedPorts: [1, 2, 3, 4, 5, 6] }))
      .toThrow(/^Stack\/Mon: restrictedPorts holds 6 ports; restricted-common-ports takes 1 to 5/);
    expect(() => new SecurityGroupMonitoring(stack(), 'Mon', { authorizedTcpPorts: [0] }))
      .toThrow(/^Stack\/Mon: authorizedTcpPorts holds 0, which is not a port/);
    expect(() => new SecurityGroupMonitoring(stack(), 'Mon', { changeRateThreshold: 0 }))
      .toThrow(/^Stack\/Mon: changeRateThreshold must be a whole number/);
  });

  test("cdk-nag's AwsSolutions pack and our plugin find nothing, recorder included", () => {
    const { app, stack: s, outdir } = nagCheckedStack('mon-nag-');
    new SecurityGroupMonitoring(s, 'Mon', { createConfigRecorder: true, changeRateAlarm: true });
    // Beside it, a VPC without a flow log and with its default group open, which each pack flags: proof that both
    // ran over this stack, and found nothing else.
    new ec2.Vpc(s, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: false });
    expect(() => app.synth()).toThrow(/AwsSolutions-VPC7/);
    expect(validationViolations(outdir).sort((a, b) => a.rule.localeCompare(b.rule))).toEqual([
      { plugin: 'AwsSolutions', rule: 'AwsSolutions-VPC7', paths: ['Stack/Vpc/Resource'] },
      { plugin: 'sg-strategy', rule: 'DefaultSecurityGroupOpen', paths: ['Stack/Vpc/Resource'] },
    ]);
  });
});
