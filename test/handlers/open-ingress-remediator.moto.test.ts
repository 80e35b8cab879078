/**
 * The open-ingress remediator against moto server (EC2, S3, ELBv2 and KMS on 127.0.0.1): groups, rules, a
 * prefix list, an internet-facing load balancer and the HMAC key are created through the API, and the rules
 * and the records are read back through the API after each run. Moto implements every call the handler makes
 * here, ModifySecurityGroupRules and KMS GenerateMac/VerifyMac included.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { CreateLoadBalancerCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { ClosedRuleRecord, makeHandler, RemediatorSettings, RunSummary, RevertSummary } from '../../src/handlers/open-ingress-remediator';
import { BudgetedRetryStrategy, MAX_ATTEMPTS, TimeBudget } from '../../src/handlers/shared/aws-calls';
import { describeRules } from '../../src/handlers/shared/security-group-rules';
import { MotoServer, startMotoServer } from '../support/moto-server';

const BUCKET = 'sg-remediation-records';
// Each test builds an account of groups, a load balancer and a KMS key in moto: seconds, more on a busy machine.
let moto: MotoServer;
let clients: { ec2: EC2Client; s3: S3Client; elbv2: ElasticLoadBalancingV2Client; elb: ElasticLoadBalancingClient; sns: SNSClient; kms: KMSClient };
let macKeyId: string;

beforeAll(async () => {
  moto = await startMotoServer();
  clients = {
    ec2: new EC2Client({ ...moto.clientConfig, maxAttempts: 1 }),
    s3: new S3Client({ ...moto.clientConfig, forcePathStyle: true, maxAttempts: 1 }),
    elbv2: new ElasticLoadBalancingV2Client({ ...moto.clientConfig, maxAttempts: 1 }),
    elb: new ElasticLoadBalancingClient({ ...moto.clientConfig, maxAttempts: 1 }),
    sns: new SNSClient({ ...moto.clientConfig, maxAttempts: 1 }),
    kms: new KMSClient({ ...moto.clientConfig, maxAttempts: 1 }),
  };
}, 60_000);

beforeEach(async () => {
  await moto.reset();
  await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  macKeyId = (await clients.kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!.Arn!;
});

afterAll(async () => {
  Object.values(clients ?? {}).forEach((c) => c.destroy());
  await moto?.stop();
});

function remediator(settings: Partial<RemediatorSettings> = {}, ec2 = clients.ec2) {
  return makeHandler({
    ...clients,
    ec2,
    log: () => undefined,
    now: () => new Date('2026-11-22T10:00:00Z'),
    settings: { bucketName: BUCKET, macKeyId, allowedPorts: [80, 443], allowedPortsOnAnyGroup: false, exemptionTagKey: 'sg-strategy:exempt', dryRun: false, ...settings },
  });
}

const scheduled = { 'detail-type': 'Scheduled Event', 'detail': {} };

/**
 * web: behind an internet-facing ALB, 443 and 22 from the world.
 * app: 443 and 8080 (IPv6) from the world, all traffic from a prefix list holding 0.0.0.0/0, and two
 *      rules that are not world-open (a group reference, a private range).
 * exempt: 22 from the world, tagged as exempt.
 */
async function account() {
  const { ec2 } = clients;
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16', AmazonProvidedIpv6CidrBlock: true }))).Vpc!.VpcId!;
  const group = async (name: string) =>
    (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId }))).GroupId!;
  const web = await group('web');
  const app = await group('app');
  const exempt = await group('exempt');
  await ec2.send(new CreateTagsCommand({ Resources: [exempt], Tags: [{ Key: 'sg-strategy:exempt', Value: 'break-glass' }] }));
  const anywhere = (await ec2.send(new CreateManagedPrefixListCommand({
    PrefixListName: 'anywhere', MaxEntries: 2, AddressFamily: 'IPv4', Entries: [{ Cidr: '0.0.0.0/0' }],
  }))).PrefixList!.PrefixListId!;
  const open = (port: number, description: string) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: description }] });
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: web, IpPermissions: [open(443, 'https'), open(22, 'debug ssh')] }));
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: app,
    IpPermissions: [
      open(443, 'https straight to the app'),
      { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, Ipv6Ranges: [{ CidrIpv6: '::/0', Description: 'test' }] },
      { IpProtocol: '-1', PrefixListIds: [{ PrefixListId: anywhere }] },
      { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: web }] },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
    ],
  }));
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: exempt, IpPermissions: [open(22, 'break-glass')] }));
  const subnets = await Promise.all(['a', 'b'].map(async (az, i) => (await ec2.send(new CreateSubnetCommand({
    VpcId: vpcId, CidrBlock: `10.30.${i}.0/24`, AvailabilityZone: `us-east-1${az}`,
  }))).Subnet!.SubnetId!));
  await clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'public', Scheme: 'internet-facing', Subnets: subnets, SecurityGroups: [web], Type: 'application' }));
  return { web, app, exempt };
}

/** Ingress rules of a group as comparable text. */
async function ingressOf(groupId: string): Promise<string[]> {
  const rules = await describeRules(clients.ec2, [groupId]);
  return rules.filter((r) => !r.IsEgress)
    .map((r) => [r.IpProtocol, r.FromPort, r.ToPort, r.CidrIpv4 ?? r.CidrIpv6 ?? r.PrefixListId ?? r.ReferencedGroupInfo?.GroupId, r.Description ?? ''].join(' '))
    .sort();
}

async function recordKeys(prefix: string): Promise<string[]> {
  const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

async function record(key: string): Promise<ClosedRuleRecord> {
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return JSON.parse(await object.Body!.transformToString()).content;
}

const cloudTrail = (eventName: string, requestParameters: Record<string, unknown>) => ({
  'detail-type': 'AWS API Call via CloudTrail', 'detail': { eventName, requestParameters },
});

describe('open-ingress remediator against moto server', () => {
  test('records, then revokes, world-open IPv4, IPv6 and prefix-list rules; leaves allowlisted, exempt and private ones', async () => {
    const { web, app, exempt } = await account();
    const before = { web: await ingressOf(web), app: await ingressOf(app), exempt: await ingressOf(exempt) };

    const summary = await remediator()(scheduled) as RunSummary;

    expect(summary).toMatchObject({ dryRun: false, closed: 4, skipped: { exempt: 1, allowedPort: 1 } });
    // 443 stays only on the load balancer's group; the app's own 443 is closed.
    expect(await ingressOf(web)).toEqual(['tcp 443 443 0.0.0.0/0 https']);
    expect(await ingressOf(app)).toEqual(before.app.filter((r) => / (10\.0\.0\.0\/8|sg-)/.test(r)));
    expect(await ingressOf(exempt)).toEqual(before.exempt);

    // One record per closed rule, each holding the rule in full.
    const keys = await recordKeys('closed/');
    expect(keys).toEqual([...summary.recordKeys].sort());
    const records = await Promise.all(keys.map(record));
    expect(records.map((r) => `${r.rule.groupName} ${r.rule.ipProtocol} ${r.rule.fromPort} ${r.rule.cidrIpv4 ?? r.rule.cidrIpv6 ?? r.rule.prefixListId}`).sort())
      .toEqual(['app -1 -1 ' + records.find((r) => r.rule.prefixListId)!.rule.prefixListId, 'app tcp 443 0.0.0.0/0', 'app tcp 8080 ::/0', 'web tcp 22 0.0.0.0/0'].sort());
    for (const r of records) {
      expect(r).toMatchObject({ schemaVersion: '2', closedAt: '2026-11-22T10:00:00.000Z', dryRun: false, reason: expect.stringContaining('scheduled scan') });
      expect(r.rule.securityGroupRuleId).toMatch(/^sgr-/);
    }

    // A second run finds nothing and writes nothing.
    expect(await remediator()(scheduled)).toMatchObject({ closed: 0, recordKeys: [] });
    expect(await recordKeys('closed/')).toEqual(keys);
  });

  test('dryRun records and reports but changes no rule', async () => {
    const { web, app } = await account();
    const before = [await ingressOf(web), await ingressOf(app)];
    const summary = await remediator({ dryRun: true })(scheduled) as RunSummary;
    expect(summary).toMatchObject({ dryRun: true, closed: 4 });
    expect([await ingressOf(web), await ingressOf(app)]).toEqual(before);
    expect(await recordKeys('dry-run/')).toHaveLength(4);
    expect(await recordKeys('closed/')).toEqual([]);
  });

  test('revert restores exactly what was closed, descriptions included, and a second revert changes nothing', async () => {
    const { web, app } = await account();
    const before = [await ingressOf(web), await ingressOf(app)];
    const { recordKeys: keys } = await remediator()(scheduled) as RunSummary;
    expect([await ingressOf(web), await ingressOf(app)]).not.toEqual(before);

    const empty = { nothingToRestore: 0, groupGone: [], failed: [] };
    expect(await remediator()({ action: 'revert', recordKeys: keys })).toEqual({ restored: 4, alreadyPresent: 0, ...empty } satisfies RevertSummary);
    expect([await ingressOf(web), await ingressOf(app)]).toEqual(before);

    expect(await remediator()({ action: 'revert', recordKeys: keys })).toEqual({ restored: 0, alreadyPresent: 4, ...empty });
    expect([await ingressOf(web), await ingressOf(app)]).toEqual(before);
  });

  test('a reverted rule stays open: the revert\'s own CloudTrail event, replayed, and the next scan both leave it', async () => {
    const { web, app } = await account();
    const { runKey } = await remediator()(scheduled) as RunSummary;
    await remediator()({ action: 'revert', runKey });
    const reopened = [await ingressOf(web), await ingressOf(app)];
    expect(reopened[0]).toContain('tcp 22 22 0.0.0.0/0 debug ssh');

    // The event EventBridge delivers for the revert's AuthorizeSecurityGroupIngress on web.
    const replay = await remediator()(cloudTrail('AuthorizeSecurityGroupIngress', { groupId: web })) as RunSummary;
    expect(replay).toMatchObject({ closed: 0, skipped: { reverted: 1, allowedPort: 1 } });
    expect(await remediator()(scheduled)).toMatchObject({ closed: 0, skipped: { reverted: 4 } });
    expect([await ingressOf(web), await ingressOf(app)]).toEqual(reopened);
    expect(await recordKeys('reverted/')).toHaveLength(4);
  });

  test('an exemption covers the restored rule as it was: widened later by ModifySecurityGroupRules, it is closed again', async () => {
    const { web } = await account();
    const { runKey } = await remediator()(cloudTrail('AuthorizeSecurityGroupIngress', { groupId: web })) as RunSummary;
    await remediator()({ action: 'revert', runKey });
    const [ssh] = (await describeRules(clients.ec2, [web])).filter((r) => !r.IsEgress && r.FromPort === 22);
    // The rule keeps its id (and its exemption key), but now opens every TCP port to the world.
    await clients.ec2.send(new ModifySecurityGroupRulesCommand({
      GroupId: web,
      SecurityGroupRules: [{ SecurityGroupRuleId: ssh.SecurityGroupRuleId, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIpv4: '0.0.0.0/0', Description: 'debug ssh' } }],
    }));
    const summary = await remediator()(scheduled) as RunSummary;
    expect(summary.recordKeys).toContainEqual(expect.stringContaining(ssh.SecurityGroupRuleId!));
    expect(await ingressOf(web)).toEqual(['tcp 443 443 0.0.0.0/0 https']);
  });

  test('a forged record opens nothing: unsigned, signed for another key, or with a signature of its own making', async () => {
    const { web, app } = await account();
    const { recordKeys: keys } = await remediator()(scheduled) as RunSummary;
    const before = [await ingressOf(web), await ingressOf(app)];
    const put = (key: string, body: unknown) => clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify(body) }));
    const content = {
      schemaVersion: '2',
      closedAt: '2026-11-22T10:00:00.000Z',
      reason: 'forged',
      dryRun: false,
      rule: { groupId: app, securityGroupRuleId: 'sgr-0f0f0f0f0f0f0f0f0', ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' },
    };
    const forged = `closed/2026-11-22/${app}/sgr-0f0f0f0f0f0f0f0f0.json`;
    await put(forged, content);
    await expect(remediator()({ action: 'revert', recordKeys: [forged] })).rejects.toThrow(/carries no signature/);
    await put(forged, { content, mac: Buffer.from('not a mac').toString('base64') });
    await expect(remediator()({ action: 'revert', recordKeys: [forged] })).rejects.toThrow(/signature that does not verify/);
    // A genuine record copied under another key does not verify either: the HMAC covers the key.
    const genuine = JSON.parse(await (await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: keys[0] }))).Body!.transformToString());
    await put(forged, { content: { ...genuine.content, rule: content.rule }, mac: genuine.mac });
    await expect(remediator()({ action: 'revert', recordKeys: [forged] })).rejects.toThrow(/signature that does not verify/);
    expect([await ingressOf(web), await ingressOf(app)]).toEqual(before);
    expect(await recordKeys('reverted/')).toEqual([]);
  });

  test('race: a rule changed by ModifySecurityGroupRules between describe and revoke is not removed, is reported, and its record restores nothing', async () => {
    const { web } = await account();
    const [ssh] = (await describeRules(clients.ec2, [web])).filter((r) => r.FromPort === 22);
    // The EC2 client the remediator uses: just before its first revoke, someone narrows the rule.
    const racing = new EC2Client({ ...moto.clientConfig, maxAttempts: 1 });
    const send = racing.send.bind(racing) as (command: unknown) => Promise<unknown>;
    let raced = false;
    (racing as { send: unknown }).send = async (command: unknown) => {
      if (command instanceof RevokeSecurityGroupIngressCommand && !raced) {
        raced = true;
        await clients.ec2.send(new ModifySecurityGroupRulesCommand({
          GroupId: web,
          SecurityGroupRules: [{ SecurityGroupRuleId: ssh.SecurityGroupRuleId, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '198.51.100.0/24', Description: 'office' } }],
        }));
      }
      return send(command);
    };
    const summary = await remediator({}, racing)({ ...cloudTrail('AuthorizeSecurityGroupIngress', { groupId: web }) }) as RunSummary;
    racing.destroy();
    expect(summary).toMatchObject({ closed: 0, changedMeanwhile: [ssh.SecurityGroupRuleId] });
    expect(await ingressOf(web)).toContain('tcp 22 22 198.51.100.0/24 office');
    const key = summary.recordKeys[0];
    expect((await record(key)).notRevoked).toMatch(/had changed since it was described/);
    expect(await remediator()({ action: 'revert', recordKeys: [key] })).toMatchObject({ restored: 0, nothingToRestore: 1 });
    expect(await ingressOf(web)).not.toContain('tcp 22 22 0.0.0.0/0 debug ssh');
  });

  test('a revoke that AWS applied but whose answer was lost, retried by the SDK, still counts as closed and stays restorable', async () => {
    const { web } = await account();
    // The handlers' own retry strategy in a client whose connection drops right after AWS applied the first
    // revoke: the SDK retries it (ECONNRESET is transient), and the retry finds nothing left to revoke.
    const flaky = new EC2Client({ ...moto.clientConfig, retryStrategy: new BudgetedRetryStrategy(new TimeBudget(), MAX_ATTEMPTS, () => 0) });
    const http = flaky.config.requestHandler as unknown as { handle: (request: { body?: unknown }, options?: unknown) => Promise<unknown> };
    const handle = http.handle.bind(http);
    let dropped = 0;
    http.handle = async (request, options) => {
      const response = await handle(request, options);
      if (dropped === 0 && String(request.body).includes('Action=RevokeSecurityGroupIngress')) {
        dropped++;
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return response;
    };
    const summary = await remediator({}, flaky)(cloudTrail('AuthorizeSecurityGroupIngress', { groupId: web })) as RunSummary;
    flaky.destroy();
    expect(dropped).toBe(1);
    expect(summary).toMatchObject({ closed: 1, changedMeanwhile: [], failed: [] });
    expect(await ingressOf(web)).not.toContain('tcp 22 22 0.0.0.0/0 debug ssh');
    // The record still says the rule was closed, so a revert puts it back: nothing is lost.
    expect((await record(summary.recordKeys[0])).notRevoked).toBeUndefined();
    expect(await remediator()({ action: 'revert', recordKeys: summary.recordKeys })).toMatchObject({ restored: 1 });
    expect(await ingressOf(web)).toContain('tcp 22 22 0.0.0.0/0 debug ssh');
  });

  test('a revert handles each record on its own: a deleted group is reported and skipped, the others are restored', async () => {
    const { web, app } = await account();
    const { recordKeys: keys } = await remediator()(scheduled) as RunSummary;
    const appKeys = keys.filter((k) => k.includes(app));
    // The app group's records go first, then the group is deleted.
    await clients.ec2.send(new DeleteSecurityGroupCommand({ GroupId: app }));
    const webBefore = await ingressOf(web);
    const summary = await remediator()({ action: 'revert', recordKeys: [...appKeys, ...keys.filter((k) => !appKeys.includes(k))] }) as RevertSummary;
    expect(summary).toMatchObject({ restored: 1, groupGone: appKeys, failed: [] });
    expect(await ingressOf(web)).toEqual([...webBefore, 'tcp 22 22 0.0.0.0/0 debug ssh'].sort());
  });

  test('an event that names the default VPC\'s group only by name scans that group', async () => {
    const defaultGroup = (await clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }))).SecurityGroups![0].GroupId!;
    await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupName: 'default', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }));
    const summary = await remediator()(cloudTrail('AuthorizeSecurityGroupIngress', { groupName: 'default' })) as RunSummary;
    expect(summary).toMatchObject({ closed: 1 });
    expect(summary.recordKeys[0]).toContain(defaultGroup);
    expect((await ingressOf(defaultGroup)).some((r) => r.includes('3389'))).toBe(false);
  });

  test('when the record cannot be written, nothing is revoked and the run fails loudly', async () => {
    const { web, app } = await account();
    const before = [await ingressOf(web), await ingressOf(app)];
    const run = remediator({ bucketName: 'no-such-bucket' });
    // The bucket is read first (for exemptions) and fails before anything is written or revoked; the unit test
    // shows a record write that fails after reading.
    await expect(run(scheduled)).rejects.toThrow(/NoSuchBucket/);
    expect([await ingressOf(web), await ingressOf(app)]).toEqual(before);
  });

  test('a CloudTrail event scans only the group that changed', async () => {
    const { web, app } = await account();
    const appBefore = await ingressOf(app);
    const summary = await remediator()({
      'detail-type': 'AWS API Call via CloudTrail',
      'detail': { eventName: 'AuthorizeSecurityGroupIngress', requestParameters: { groupId: web } },
    }) as RunSummary;
    expect(summary).toMatchObject({ closed: 1, skipped: { allowedPort: 1 } });
    expect(await ingressOf(app)).toEqual(appBefore);
  });

  test('allowedPortsOnAnyGroup leaves allowlisted ports open on groups without a load balancer', async () => {
    const { app } = await account();
    await remediator({ allowedPortsOnAnyGroup: true })(scheduled);
    expect((await ingressOf(app)).some((r) => r.startsWith('tcp 443 443 0.0.0.0/0'))).toBe(true);
  });
});
