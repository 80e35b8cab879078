import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, DependencyGroup, IDependable } from 'constructs';
import { ec2ApiCallPattern } from '../core/cloudtrail';
import { checkPorts, validationError } from '../core/errors';
import { acknowledgeNagFinding } from '../core/nag';

/**
 * Properties of SecurityGroupMonitoring.
 */
export interface SecurityGroupMonitoringProps {
  /**
   * Where notifications of security-group changes and the change-rate alarm go.
   *
   * @default - a topic created for them, encrypted with a KMS key of its own, SSL enforced
   */
  readonly topic?: sns.ITopic;

  /**
   * Ports the `restricted-common-ports` Config rule flags when open to the world (at most 5).
   *
   * @default [20, 21, 3389, 3306, 4333] (the rule's own defaults)
   */
  readonly restrictedPorts?: number[];

  /**
   * TCP ports the `vpc-sg-open-only-to-authorized-ports` Config rule accepts open to the world.
   *
   * @default [443]
   */
  readonly authorizedTcpPorts?: number[];

  /**
   * UDP ports the `vpc-sg-open-only-to-authorized-ports` Config rule accepts open to the world.
   *
   * @default - none
   */
  readonly authorizedUdpPorts?: number[];

  /**
   * AWS Config rules need a configuration recorder in the account and region. Set this to create one that
   * records security groups, network interfaces and VPCs, with its delivery channel and bucket. Leave it off
   * where a recorder already exists (only one per region is allowed).
   *
   * @default false
   */
  readonly createConfigRecorder?: boolean;

  /**
   * Alarm when security groups change unusually often: rules opened and closed again within a short window
   * are a known sign of someone probing.
   *
   * @default false
   */
  readonly changeRateAlarm?: boolean;

  /**
   * How many security-group API calls within `changeRatePeriod` raise the alarm.
   *
   * @default 10
   */
  readonly changeRateThreshold?: number;

  /**
   * The window of the change-rate alarm.
   *
   * @default Duration.minutes(5)
   */
  readonly changeRatePeriod?: Duration;
}

/** The CloudTrail events of security-group changes. */
const SECURITY_GROUP_CHANGE_EVENTS = [
  'CreateSecurityGroup',
  'DeleteSecurityGroup',
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
  'ModifySecurityGroupRules',
];

/**
 * Continuous checks of the security groups of an account and region:
 * - AWS Config managed rules `vpc-default-security-group-closed`, `restricted-ssh`, `restricted-common-ports`,
 *   `vpc-sg-open-only-to-authorized-ports` and `ec2-security-group-attached-to-eni-periodic`;
 * - a readable SNS notification for every security-group API call CloudTrail records;
 * - optionally, an alarm on the rate of those changes.
 *
 * Config rules need a configuration recorder; `createConfigRecorder` makes one.
 */
export class SecurityGroupMonitoring extends Construct {
  /** The topic notifications and alarms go to. */
  public readonly topic: sns.ITopic;
  /** The Config rules, by their AWS names. */
  public readonly configRules: config.ManagedRule[];
  /** The change-rate alarm, when asked for. */
  public readonly changeRateAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SecurityGroupMonitoringProps = {}) {
    super(scope, id);
    const restrictedPorts = props.restrictedPorts ?? [20, 21, 3389, 3306, 4333];
    if (restrictedPorts.length === 0 || restrictedPorts.length > 5) {
      throw validationError(this, `restrictedPorts holds ${restrictedPorts.length} ports; restricted-common-ports takes 1 to 5.`);
    }
    const authorizedTcpPorts = props.authorizedTcpPorts ?? [443];
    const authorizedUdpPorts = props.authorizedUdpPorts ?? [];
    checkPorts(this, 'restrictedPorts', restrictedPorts, 1);
    checkPorts(this, 'authorizedTcpPorts', authorizedTcpPorts, 1);
    checkPorts(this, 'authorizedUdpPorts', authorizedUdpPorts, 1);
    const threshold = props.changeRateThreshold ?? 10;
    if (!Number.isInteger(threshold) || threshold < 1) {
      throw validationError(this, `changeRateThreshold must be a whole number of calls, at least 1 (got ${threshold}).`);
    }

    this.topic = props.topic ?? this.createTopic();

    const recorder = props.createConfigRecorder ? this.createRecorder() : undefined;
    const rule = (ruleId: string, name: string, identifier: string, inputParameters?: Record<string, string>) => {
      const managed = new config.ManagedRule(this, ruleId, {
        identifier,
        inputParameters,
        description: `cdk-sg-strategy SecurityGroupMonitoring: ${name}`,
        maximumExecutionFrequency: identifier.endsWith('_PERIODIC') ? config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS : undefined,
      });
      if (recorder) managed.node.addDependency(recorder);
      return managed;
    };
    const blocked: Record<string, string> = {};
    restrictedPorts.forEach((port, i) => { blocked[`blockedPort${i + 1}`] = String(port); });
    this.configRules = [
      rule('DefaultSecurityGroupClosed', 'vpc-default-security-group-closed', config.ManagedRuleIdentifiers.VPC_DEFAULT_SECURITY_GROUP_CLOSED),
      rule('RestrictedSsh', 'restricted-ssh', config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED),
      rule('RestrictedCommonPorts', 'restricted-common-ports', config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_RESTRICTED_INCOMING_TRAFFIC, blocked),
      rule('OpenOnlyToAuthorizedPorts', 'vpc-sg-open-only-to-authorized-ports', config.ManagedRuleIdentifiers.VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS, {
        authorizedTcpPorts: authorizedTcpPorts.join(','),
        ...(authorizedUdpPorts.length ? { authorizedUdpPorts: authorizedUdpPorts.join(',') } : {}),
      }),
      rule('AttachedToEni', 'ec2-security-group-attached-to-eni-periodic', config.ManagedRuleIdentifiers.EC2_SECURITY_GROUP_ATTACHED_TO_ENI_PERIODIC),
    ];

    const field = (path: string) => events.EventField.fromPath(path);
    const changes = new events.Rule(this, 'Changes', {
      description: 'Notifies of every security-group change recorded by CloudTrail',
      eventPattern: ec2ApiCallPattern(SECURITY_GROUP_CHANGE_EVENTS),
      targets: [new targets.SnsTopic(this.topic, {
        message: events.RuleTargetInput.fromText(
          `Security group change: ${field('$.detail.userIdentity.arn')} called ${field('$.detail.eventName')} `
          + `in account ${events.EventField.account}, ${events.EventField.region}, at ${events.EventField.time}. `
          + `Request: ${field('$.detail.requestParameters')}. Error, if any: ${field('$.detail.errorCode')}.`,
        ),
      })],
    });

    if (props.changeRateAlarm) {
      const period = props.changeRatePeriod ?? Duration.minutes(5);
      this.changeRateAlarm = new cloudwatch.Alarm(this, 'ChangeRate', {
        alarmDescription: `More than ${threshold - 1} security-group changes within ${period.toHumanString()}: someone may be probing by opening and closing rules.`,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/Events',
          metricName: 'TriggeredRules',
          dimensionsMap: { RuleName: changes.ruleName },
          statistic: cloudwatch.Stats.SUM,
          period,
        }),
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.changeRateAlarm.addAlarmAction(new cwActions.SnsAction(this.topic));
    }
  }

  /** An encrypted topic that EventBridge and CloudWatch may publish to. */
  private createTopic(): sns.ITopic {
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the security-group monitoring topic',
      enableKeyRotation: true,
    });
    // AWS-managed SNS keys do not let EventBridge or CloudWatch publish; this key does.
    for (const service of ['events.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      key.grant(new iam.ServicePrincipal(service), 'kms:Decrypt', 'kms:GenerateDataKey*');
    }
    return new sns.Topic(this, 'Topic', { displayName: 'Security-group changes', masterKey: key, enforceSSL: true });
  }

  /** A configuration recorder for security groups, interfaces and VPCs, and its delivery channel. */
  private createRecorder(): IDependable {
    const bucket = new s3.Bucket(this, 'ConfigBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(365) }],
    });
    acknowledgeNagFinding(bucket, 'AwsSolutions-S1', 'Only AWS Config writes this bucket; its deliveries are recorded by Config itself.');
    const account = Stack.of(this).account;
    const configService = new iam.ServicePrincipal('config.amazonaws.com');
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      principals: [configService],
      actions: ['s3:GetBucketAcl', 's3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringEquals: { 'AWS:SourceAccount': account } },
    }));
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      principals: [configService],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`AWSLogs/${account}/Config/*`)],
      conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'AWS:SourceAccount': account } },
    }));

    const role = new iam.Role(this, 'ConfigRole', {
      assumedBy: configService,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWS_ConfigRole')],
    });
    acknowledgeNagFinding(role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]',
      'AWS_ConfigRole is the policy AWS maintains for the Config recorder, and follows the resource types Config supports.');
    const recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
      roleArn: role.roleArn,
      recordingGroup: {
        allSupported: false,
        resourceTypes: ['AWS::EC2::SecurityGroup', 'AWS::EC2::NetworkInterface', 'AWS::EC2::VPC'],
      },
    });
    const channel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', { s3BucketName: bucket.bucketName });
    channel.node.addDependency(bucket);
    return new DependencyGroup(recorder, channel);
  }
}
