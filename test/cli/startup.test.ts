/**
 * What the command loads to start: `check`, `graph` and `explain` over JSON need neither the YAML reader nor
 * the AWS SDK, so loading either is a failure here. (bin.test.ts checks that the bundle leaves the SDK to
 * audit's file; this checks that the source loads the YAML reader only for a YAML template.)
 */
import * as fs from 'fs';
import * as path from 'path';
import { runCli, tempDir } from '../support/cli';

jest.mock('yaml', () => {
  throw new Error('the yaml package was loaded');
});
// Every client the account commands use.
jest.mock('@aws-sdk/client-cloudtrail', () => {
  throw new Error('the AWS SDK was loaded');
});
jest.mock('@aws-sdk/client-ec2', () => {
  throw new Error('the AWS SDK was loaded');
});
jest.mock('@aws-sdk/client-ecs', () => {
  throw new Error('the AWS SDK was loaded');
});
jest.mock('@aws-sdk/client-elastic-load-balancing', () => {
  throw new Error('the AWS SDK was loaded');
});
jest.mock('@aws-sdk/client-elastic-load-balancing-v2', () => {
  throw new Error('the AWS SDK was loaded');
});
jest.mock('@aws-sdk/client-lambda', () => {
  throw new Error('the AWS SDK was loaded');
});
jest.mock('@aws-sdk/client-s3', () => {
  throw new Error('the AWS SDK was loaded');
});
jest.mock('@aws-sdk/client-sns', () => {
  throw new Error('the AWS SDK was loaded');
});

const TEMPLATE = {
  Resources: {
    Sg: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'x', VpcId: 'vpc-1', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }] },
    },
  },
};

test('check, graph and explain over a JSON template load neither the YAML reader nor the AWS SDK', async () => {
  const dir = tempDir('sg-cli-startup-');
  fs.writeFileSync(path.join(dir, 'one.json'), JSON.stringify(TEMPLATE));
  const check = await runCli(['check', 'one.json', '--format', 'json'], dir);
  expect(check.err).toBe('');
  expect(JSON.parse(check.out).findings.map((f: any) => f.ruleId)).toContain('WorldOpenAdminPort');
  expect((await runCli(['graph', 'one.json'], dir)).err).toBe('');
  expect((await runCli(['explain', 'Sg', 'one.json'], dir)).err).toBe('');
});

test('a YAML template loads the YAML reader (so the test above would see it)', async () => {
  const dir = tempDir('sg-cli-startup-');
  fs.writeFileSync(path.join(dir, 'one.yaml'), 'Resources: {}\n');
  const run = await runCli(['check', 'one.yaml'], dir);
  expect(run.code).toBe(2);
  expect(run.err).toContain('the yaml package was loaded');
});
