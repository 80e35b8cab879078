import { Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ec2ApiCallPattern } from '../core/cloudtrail';
import { checkPorts, validationError } from '../core/errors';
import { handlerFunction } from '../core/handler-function';
import { acknowledgeNagFinding, acknowledgeWildcardResource } from '../core/nag';

/**
 * Properties of an OpenIngressRemediator.
 */
export interface OpenIngressRemediatorProps {
  /**
   * When to scan every security group of the account and region.
   *
   * @default - every hour
   */
  readonly schedule?: events.Schedule;

  /**
   * Also scan a group within a minute of a change to it, through an EventBridge rule on the CloudTrail
   * events `AuthorizeSecurityGroupIngress` and `ModifySecurityGroupRules`. Needs CloudTrail management
   * events in the region, which EventBridge receives by default.
   *
   * @default true
   */
  readonly reactToChanges?: boolean;

  /**
   * TCP ports that may stay open to the world on groups attached to internet-facing load balancers
   * (Application, Network and Classic).
   *
   * @default [80, 443]
   */
  readonly allowedPorts?: number[];

  /**
   * Leave `allowedPorts` open to the world on any group, not only on groups of internet-facing load
   * balancers.
   *
   * @default false
   */
  readonly allowedPortsOnAnyGroup?: boolean;

  /**
   * Groups carrying a tag with this key are never touched. The function's IAM policy enforces it too: it
   * may not revoke on a group with the tag.
   *
   * @default "sg-strategy:exempt"
   */
  readonly exemptionTagKey?: string;

  /**
   * Only record and report what would be closed. The function then gets no permission to revoke or to
   * authorize, so it cannot revert either.
   *
   * @default false
   */
  readonly dryRun?: boolean;

  /**
   * Where the records of closed rules go. Records are signed, so a revert restores only what the function
   * wrote, whoever else may write to the bucket; on a bucket you give, add the bucket policy that the created
   * bucket has (only the function's role may write, or delete versions, under `closed/`, `dry-run/`, `reverted/` and
   * `runs/`).
   *
   * @default - a bucket created for them: encrypted, versioned, public access blocked, SSL enforced, kept on
   * stack deletion, moved to Infrequent Access after 30 days, old versions expired after a year, and writable
   * under the record prefixes by the function's role alone
   */
  readonly bucket?: s3.IBucket;

  /**
   * Receives a summary of each run that closed something, with the revert payload.
   *
   * @default - no notification
   */
  readonly notificationTopic?: sns.ITopic;
}

const DEFAULT_EXEMPTION_TAG = 'sg-strategy:exempt';
/** Where the function writes: records, dry-run records, exemptions left by reverts, and run summaries. */
const RECORD_PREFIXES = ['closed/', 'dry-run/', 'reverted/', 'runs/'];
/** What writes or removes a version of an object: only the function may, under the record prefixes. */
const RECORD_WRITES = [
  's3:PutObject', 's3:PutObjectAcl', 's3:PutObjectVersionAcl', 's3:PutObjectTagging', 's3:PutObjectVersionTagging',
  's3:DeleteObjectVersion', 's3:ReplicateObject', 's3:ReplicateDelete',
];
const TAG_KEY = /^[\w .:/=+\-@]{1,128}$/;

/**
 * Closes security-group ingress open to the world (0.0.0.0/0, ::/0, or a prefix list holding either)
 * across an account and region, and remembers every rule it closed so it can be restored.
 *
 * A Lambda function runs on a schedule and within a minute of a change. For each rule to close it first
 * writes a JSON record to S3 (the whole rule, when and why), and only when every record of the run is
 * written does it revoke. If a write fails, nothing is revoked and the run fails. Rules that reference
 * other groups are never touched.
 *
 * To restore rules, invoke the function with `{ "action": "revert", "recordKeys": ["closed/…json"] }` or
 * `{ "action": "revert", "runKey": "runs/…json" }`; the keys are in each run's log and notification. A revert
 * is idempotent, restores only records the function signed (with a KMS HMAC key only its role may use), and
 * leaves an exemption so that later scans keep the restored rule open.
 */
export class OpenIngressRemediator extends Construct {
  /** The function that scans, records, revokes and reverts. */
  public readonly remediationFunction: lambda.IFunction;
  /** The bucket the records are written to. */
  public readonly bucket: s3.IBucket;
  /** The KMS HMAC key that signs records; only the function's role may generate or verify with it. */
  public readonly recordSigningKey: kms.CfnKey;

  constructor(scope: Construct, id: string, props: OpenIngressRemediatorProps = {}) {
    super(scope, id);
    const allowedPorts = props.allowedPorts ?? [80, 443];
    checkPorts(this, 'allowedPorts', allowedPorts, 0);
    const exemptionTagKey = props.exemptionTagKey ?? DEFAULT_EXEMPTION_TAG;
    if (!TAG_KEY.test(exemptionTagKey) || exemptionTagKey.startsWith('aws:')) {
      throw validationError(this, `exemptionTagKey "${exemptionTagKey}" is not a tag key you can set (1-128 characters, not starting with "aws:").`);
    }
    const dryRun = props.dryRun ?? false;

    this.bucket = props.bucket ?? new s3.Bucket(this, 'Records', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{
        transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }],
        noncurrentVersionExpiration: Duration.days(365),
      }],
    });
    if (!props.bucket) {
      Validations.of(this.bucket).acknowledge({
        id: 'AwsSolutions::AwsSolutions-S1',
        reason: 'Only the remediator writes and reads this bucket, and every write is in its log; object access can be audited with CloudTrail data events without a second bucket for access logs.',
      });
    }

    const { fn, role } = handlerFunction(this, 'Function', {
      handler: 'open-ingress-remediator',
      description: 'Closes security-group ingress open to the world, recording each rule in S3 first (cdk-sg-strategy OpenIngressRemediator)',
      timeout: Duration.minutes(10),
      // One run at a time: a schedule and a change event must not close the same rule twice.
      reservedConcurrentExecutions: 1,
      environment: {
        RECORD_BUCKET: this.bucket.bucketName,
        RECORD_MAC_KEY: Lazy.string({ produce: () => this.recordSigningKey.attrArn }),
        ALLOWED_PORTS: allowedPorts.join(','),
        ALLOWED_PORTS_ON_ANY_GROUP: String(props.allowedPortsOnAnyGroup ?? false),
        EXEMPTION_TAG_KEY: exemptionTagKey,
        DRY_RUN: String(dryRun),
        ...(props.notificationTopic ? { TOPIC_ARN: props.notificationTopic.topicArn } : {}),
      },
    });
    this.remediationFunction = fn;
    this.recordSigningKey = this.signingKey(role);
    this.grantPermissions(role, exemptionTagKey, dryRun);
    // Records are written and read under their prefixes, nothing else; a bucket with a KMS key needs it too.
    const records = RECORD_PREFIXES.map((prefix) => this.bucket.arnForObjects(`${prefix}*`));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject'], resources: records }));
    // Scans list the exemptions that reverts leave, and nothing else of the bucket.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn], conditions: { StringLike: { 's3:prefix': ['reverted/*'] } },
    }));
    this.bucket.encryptionKey?.grantEncryptDecrypt(role);
    for (const resource of records) {
      acknowledgeWildcardResource(role, resource, 'Each record is one object under this prefix, named by date, group and rule id (or run time).');
    }
    if (!props.bucket) {
      // Only the function's role may write records; a revert also verifies each record's signature. A signature
      // cannot tell an older version of the same object from the current one, so nobody else may remove a version
      // either: deleting the version that marks a record "not revoked" would make its signed predecessor current.
      const notTheRole = { ArnNotEquals: { 'aws:PrincipalArn': role.roleArn } };
      this.bucket.addToResourcePolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: RECORD_WRITES,
        resources: records,
        conditions: notTheRole,
      }));
      // Deleting an exemption (a delete marker) only lets scans close that rule again; records stay.
      this.bucket.addToResourcePolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:DeleteObject'],
        resources: RECORD_PREFIXES.filter((prefix) => prefix !== 'reverted/').map((prefix) => this.bucket.arnForObjects(`${prefix}*`)),
        conditions: notTheRole,
      }));
    }
    props.notificationTopic?.grantPublish(role);
    if (props.notificationTopic?.masterKey) {
      // grantPublish adds the key's actions that SNS needs to encrypt a message, on that one key.
      acknowledgeNagFinding(role, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        'Publishing to an encrypted topic needs a data key of the topic\'s KMS key; CDK\'s grantPublish grants kms:GenerateDataKey* on that one key only.');
    }

    new events.Rule(this, 'Schedule', {
      description: 'Scans every security group for ingress open to the world',
      schedule: props.schedule ?? events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
    });
    if (props.reactToChanges ?? true) {
      new events.Rule(this, 'OnChange', {
        description: 'Scans a security group when ingress is added to it',
        eventPattern: ec2ApiCallPattern(['AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules']),
        targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
      });
    }
  }

  /**
   * An HMAC key in KMS: its material never leaves KMS, and its key policy lets the function's role alone
   * generate and verify MACs. The account keeps administration (it can change the policy, which CloudTrail
   * records) but not the use of the key. Kept when the stack is deleted, like the records it verifies.
   */
  private signingKey(role: iam.Role): kms.CfnKey {
    const key = new kms.CfnKey(this, 'RecordSigningKey', {
      description: 'Signs the records of rules closed by cdk-sg-strategy OpenIngressRemediator',
      keySpec: 'HMAC_256',
      keyUsage: 'GENERATE_VERIFY_MAC',
      keyPolicy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'AccountAdministersButDoesNotUse',
            principals: [new iam.AccountRootPrincipal()],
            actions: [
              // No kms:CreateGrant: a grant would let any principal with that common IAM permission use the key.
              'kms:CreateAlias', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*',
              'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion',
            ],
            resources: ['*'],
          }),
          new iam.PolicyStatement({
            sid: 'RemediatorSignsAndVerifies',
            principals: [new iam.ArnPrincipal(role.roleArn)],
            actions: ['kms:GenerateMac', 'kms:VerifyMac'],
            resources: ['*'],
          }),
        ],
      }),
    });
    // Kept, except when the stack's first deploy rolls back: a key per failed attempt would cost a dollar a month.
    key.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateMac', 'kms:VerifyMac'], resources: [key.attrArn] }));
    return key;
  }

  private grantPermissions(role: iam.Role, exemptionTagKey: string, dryRun: boolean): void {
    const stack = Stack.of(this);
    // Reading groups, rules and load balancers supports no resource-level permissions.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules', 'elasticloadbalancing:DescribeLoadBalancers'],
      resources: ['*'],
    }));
    const prefixLists = stack.formatArn({ service: 'ec2', resource: 'prefix-list', resourceName: '*', account: '*' });
    const anyGroup = stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: '*' });
    // Prefix lists: its own account's and AWS-managed ones (owned by the account "aws").
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ec2:GetManagedPrefixListEntries'],
      resources: [prefixLists],
    }));
    // It works on every group of the account, so the changing actions name any group, but never one that
    // carries the exemption tag: IAM refuses what the handler would also skip. A dry run changes nothing.
    if (!dryRun) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['ec2:RevokeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupIngress'],
        resources: [anyGroup],
        conditions: { Null: { [`aws:ResourceTag/${exemptionTagKey}`]: 'true' } },
      }));
    }
    acknowledgeWildcardResource(role, '*',
      'DescribeSecurityGroups, DescribeSecurityGroupRules and elasticloadbalancing:DescribeLoadBalancers support no resource-level permissions.');
    acknowledgeWildcardResource(role, prefixLists,
      'A world-open rule may name any prefix list, including AWS-managed ones owned by the account "aws"; reading entries changes nothing.');
    if (!dryRun) {
      acknowledgeWildcardResource(role, anyGroup,
        'The remediator watches every group of the account; groups with the exemption tag are excluded by an IAM condition.');
    }
  }
}
