import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { OpenIngressRemediator } from '../../src';
import { ENV, acknowledgementReasons, nagCheckedStack, testApp, validationViolations } from '../support/analyse-app';

function stack(): Stack {
  return new Stack(testApp(), 'Stack', { env: ENV });
}

/** Every statement of the remediator function's role. */
function statements(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^RemFunctionRole') }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}
const actionsOf = (s: any): string[] => [s.Action].flat();

describe('OpenIngressRemediator', () => {
  test('creates a records bucket: encrypted, versioned, public access blocked, SSL enforced, with a lifecycle rule, kept on delete', () => {
    const s = stack();
    new OpenIngressRemediator(s, 'Rem');
    const template = Template.fromStack(s);
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: {
          Rules: [Match.objectLike({
            Status: 'Enabled',
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
            NoncurrentVersionExpiration: { NoncurrentDays: 365 },
          })],
        },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('runs hourly and on CloudTrail ingress changes, one run at a time, with its settings in the environment', () => {
    const s = stack();
    const topic = new sns.Topic(s, 'Alerts');
    new OpenIngressRemediator(s, 'Rem', { allowedPorts: [443], exemptionTagKey: 'security:exempt', notificationTopic: topic });
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.ec2'],
        'detail-type': ['AWS API Call via CloudTrail'],
        'detail': { eventSource: ['ec2.amazonaws.com'], eventName: ['AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules'] },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: {
          RECORD_BUCKET: { Ref: Match.stringLikeRegexp('^RemRecords') },
          RECORD_MAC_KEY: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RemRecordSigningKey'), 'Arn'] },
          ALLOWED_PORTS: '443',
          ALLOWED_PORTS_ON_ANY_GROUP: 'false',
          EXEMPTION_TAG_KEY: 'security:exempt',
          DRY_RUN: 'false',
          TOPIC_ARN: { Ref: Match.stringLikeRegexp('^Alerts') },
        },
      },
    });
  });

  test('a custom schedule, no change rule, and a bucket of your own', () => {
    const s = stack();
    const bucket = new s3.Bucket(s, 'Mine');
    const rem = new OpenIngressRemediator(s, 'Rem', { schedule: events.Schedule.rate(Duration.minutes(15)), reactToChanges: false, bucket });
    const template = Template.fromStack(s);
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    template.resourceCountIs('AWS::S3::Bucket', 1);
    expect(rem.bucket).toBe(bucket);
  });

  test('IAM: revoke and authorize on groups without the exemption tag; records only under their prefixes', () => {
    const s = stack();
    new OpenIngressRemediator(s, 'Rem');
    const all = statements(Template.fromStack(s));
    const changing = all.find((st) => actionsOf(st).includes('ec2:RevokeSecurityGroupIngress'));
    expect(actionsOf(changing).sort()).toEqual(['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress']);
    expect(changing.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:eu-west-1:111111111111:security-group/*']] });
    expect(changing.Condition).toEqual({ Null: { 'aws:ResourceTag/sg-strategy:exempt': 'true' } });

    const s3Statement = all.find((st) => actionsOf(st).includes('s3:PutObject'));
    expect(actionsOf(s3Statement).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(JSON.stringify(s3Statement.Resource)).toMatch(/\/closed\/\*.*\/dry-run\/\*.*\/reverted\/\*.*\/runs\/\*/);
    const list = all.find((st) => actionsOf(st).includes('s3:ListBucket'));
    expect(list.Condition).toEqual({ StringLike: { 's3:prefix': ['reverted/*'] } });
    const mac = all.find((st) => actionsOf(st).includes('kms:GenerateMac'));
    expect(mac.Resource['Fn::GetAtt'][0]).toMatch(/^RemRecordSigningKey/);

    const wildcard = all.filter((st) => st.Resource === '*').flatMap(actionsOf).sort();
    expect(wildcard).toEqual(['ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', 'elasticloadbalancing:DescribeLoadBalancers']);
  });

  test('records are signed by an HMAC key that only the role may use, and only the role may write them to the bucket', () => {
    const s = stack();
    const rem = new OpenIngressRemediator(s, 'Rem');
    const template = Template.fromStack(s);
    const roleRef = { 'Fn::GetAtt': [s.getLogicalId(rem.remediationFunction.role!.node.defaultChild as any), 'Arn'] };
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0] as any;
    expect(key.Properties).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    const keyStatements = key.Properties.KeyPolicy.Statement;
    const users = keyStatements.filter((st: any) => actionsOf(st).some((a: string) => a === 'kms:GenerateMac' || a === 'kms:*' || a === 'kms:Generate*'));
    expect(users).toEqual([expect.objectContaining({ Principal: { AWS: roleRef }, Action: ['kms:GenerateMac', 'kms:VerifyMac'] })]);
    // Nobody may hand out the use of the key by a grant: an IAM kms:CreateGrant on "*" is common.
    const allows = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/\*/g, '.*')}$`).test(action);
    const granting = keyStatements.filter((st: any) => st.Effect === 'Allow' && actionsOf(st).some((a) => allows(a, 'kms:CreateGrant')));
    expect(granting).toEqual([]);
    // The account keeps administering it: changing the policy, scheduling deletion.
    const admin = keyStatements.find((st: any) => JSON.stringify(st.Principal).includes(':root'));
    for (const action of ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DescribeKey', 'kms:TagResource']) {
      expect(actionsOf(admin).some((a) => allows(a, action))).toBe(true);
    }
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny', Principal: { AWS: '*' }, Action: Match.arrayWith(['s3:PutObject']), Condition: { ArnNotEquals: { 'aws:PrincipalArn': roleRef } },
        })]),
      },
    });
  });

  test('the bucket policy: nobody but the role writes or removes a version under the record prefixes; exemptions may be deleted', () => {
    const s = stack();
    const rem = new OpenIngressRemediator(s, 'Rem');
    const roleRef = { 'Fn::GetAtt': [s.getLogicalId(rem.remediationFunction.role!.node.defaultChild as any), 'Arn'] };
    const policy = Object.values(Template.fromStack(s).findResources('AWS::S3::BucketPolicy'))[0] as any;
    const denies = policy.Properties.PolicyDocument.Statement.filter((st: any) => st.Effect === 'Deny' && st.Condition?.ArnNotEquals);
    for (const st of denies) expect(st.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': roleRef } });
    const prefixesDenied = (action: string) => denies.filter((st: any) => actionsOf(st).includes(action))
      .flatMap((st: any) => [st.Resource].flat().map((r: any) => JSON.stringify(r).match(/\/([a-z-]+)\/\*/)![1])).sort();
    const all = ['closed', 'dry-run', 'reverted', 'runs'];
    // Deleting a version could make an older signed version current (a record before it was marked "not revoked").
    for (const action of ['s3:PutObject', 's3:PutObjectAcl', 's3:PutObjectTagging', 's3:DeleteObjectVersion', 's3:PutObjectVersionAcl', 's3:ReplicateObject']) {
      expect([action, prefixesDenied(action)]).toEqual([action, all]);
    }
    // The README tells people to delete an exemption to let scans close a rule again: only a delete marker.
    expect(prefixesDenied('s3:DeleteObject')).toEqual(['closed', 'dry-run', 'runs']);
  });

  test('dryRun gets no permission to revoke, nor to authorize', () => {
    const s = stack();
    new OpenIngressRemediator(s, 'Rem', { dryRun: true });
    const all = statements(Template.fromStack(s));
    expect(all.flatMap(actionsOf)).not.toContain('ec2:RevokeSecurityGroupIngress');
    expect(all.flatMap(actionsOf)).not.toContain('ec2:AuthorizeSecurityGroupIngress');
    Template.fromStack(s).hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ DRY_RUN: 'true' }) } });
  });

  test('bad input is an error naming the construct', () => {
    expect(() => new OpenIngressRemediator(stack(), 'Rem', { allowedPorts: [443, 70000] }))
      .toThrow(/^Stack\/Rem: allowedPorts holds 70000, which is not a port/);
    expect(() => new OpenIngressRemediator(stack(), 'Rem', { exemptionTagKey: 'aws:exempt' }))
      .toThrow(/^Stack\/Rem: exemptionTagKey "aws:exempt" is not a tag key you can set/);
    expect(() => new OpenIngressRemediator(stack(), 'Rem', { exemptionTagKey: '' })).toThrow(/exemptionTagKey "" is not a tag key/);
  });

  test("cdk-nag's AwsSolutions pack and our plugin find nothing, with each acknowledgement justified", () => {
    const { app, stack: s, outdir } = nagCheckedStack('rem-nag-');
    new OpenIngressRemediator(s, 'Rem', { notificationTopic: new sns.Topic(s, 'Alerts', { enforceSSL: true }) });
    // Beside it, a VPC without a flow log and with its default group open, which each pack flags: proof that both
    // ran over this stack, and found nothing else.
    new ec2.Vpc(s, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: false });
    expect(() => app.synth()).toThrow(/AwsSolutions-VPC7/);
    expect(validationViolations(outdir).sort((a, b) => a.rule.localeCompare(b.rule))).toEqual([
      { plugin: 'AwsSolutions', rule: 'AwsSolutions-VPC7', paths: ['Stack/Vpc/Resource'] },
      { plugin: 'sg-strategy', rule: 'DefaultSecurityGroupOpen', paths: ['Stack/Vpc/Resource'] },
    ]);
    const reasons = acknowledgementReasons(s);
    expect(reasons.length).toBeGreaterThanOrEqual(4);
    for (const reason of reasons) expect(reason.length).toBeGreaterThan(40);
  });

  test("with a KMS-encrypted topic (SecurityGroupMonitoring's), cdk-nag still finds nothing: the key's wildcard action is acknowledged", () => {
    const { app, stack: s, outdir } = nagCheckedStack('rem-nag-kms-');
    const key = new kms.Key(s, 'TopicKey', { enableKeyRotation: true });
    new OpenIngressRemediator(s, 'Rem', { notificationTopic: new sns.Topic(s, 'Alerts', { enforceSSL: true, masterKey: key }) });
    expect(() => app.synth()).not.toThrow();
    expect(validationViolations(outdir)).toEqual([]);
    const policies = Template.fromStack(s).findResources('AWS::IAM::Policy');
    const kmsActions = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((st: any) => [st.Action].flat().some((a: string) => a.startsWith('kms:GenerateDataKey')));
    // The acknowledgement covers one key: the topic's.
    expect(kmsActions.map((st: any) => st.Resource)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^TopicKey/), 'Arn'] }]);
  });

  test('with an unencrypted topic nothing about KMS is acknowledged', () => {
    const { stack: s } = nagCheckedStack('rem-nag-plain-');
    new OpenIngressRemediator(s, 'Rem', { notificationTopic: new sns.Topic(s, 'Alerts', { enforceSSL: true }) });
    const acknowledged = s.node.findAll().flatMap(c => c.node.metadata)
      .filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap(m => Object.keys(m.data));
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.filter(id => id.includes('kms:'))).toEqual([]);
  });
});
