/**
 * The open-ingress remediator's clients, mocked by aws-sdk-client-mock for the paths moto server does not reach
 * well, and a handler wired to them. Jest gives each test file its own copy of this module, so each file's mocks
 * are its own.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GenerateMacCommand, KMSClient, VerifyMacCommand } from '@aws-sdk/client-kms';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { makeHandler, RemediatorSettings } from '../../src/handlers/open-ingress-remediator';

export const ec2 = mockClient(EC2Client);
export const s3 = mockClient(S3Client);
export const elbv2 = mockClient(ElasticLoadBalancingV2Client);
export const elb = mockClient(ElasticLoadBalancingClient);
export const sns = mockClient(SNSClient);
export const kms = mockClient(KMSClient);

/** The event EventBridge's schedule sends. */
export const SCHEDULED = { 'detail-type': 'Scheduled Event', 'detail': {} };

/**
 * The handler on the mocked clients, in eu-west-1, at a fixed time; the test says which ports it allows, and may
 * read the lines it logs.
 */
export function remediatorOnMocks(settings: Partial<RemediatorSettings> & Pick<RemediatorSettings, 'allowedPorts'>, log: (line: string) => void = () => undefined) {
  return makeHandler({
    ec2: new EC2Client({ region: 'eu-west-1' }),
    s3: new S3Client({ region: 'eu-west-1' }),
    elbv2: new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }),
    elb: new ElasticLoadBalancingClient({ region: 'eu-west-1' }),
    sns: new SNSClient({ region: 'eu-west-1' }),
    kms: new KMSClient({ region: 'eu-west-1' }),
    settings: {
      bucketName: 'records',
      macKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/mac',
      allowedPortsOnAnyGroup: false,
      exemptionTagKey: 'sg-strategy:exempt',
      dryRun: false,
      ...settings,
    },
    log,
    now: () => new Date('2026-11-22T10:00:00Z'),
  });
}

/** Every mock reset, then a MAC key that signs and verifies, and a bucket without earlier runs. */
export function resetRemediatorMocks(): void {
  [ec2, s3, elbv2, elb, sns, kms].forEach(m => m.reset());
  kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array([1, 2, 3]) });
  kms.on(VerifyMacCommand).resolves({ MacValid: true });
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
}
