/**
 * The published command: the bundle in assets/cli (built by the test task before jest runs) run as a
 * separate process, the way `npx sg-strategy` runs it, from a directory with no node_modules at all.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CreateSecurityGroupCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ordersFixture } from './fixture';
import { runCli, synthToDirectory, tempDir } from '../support/cli';
import { MotoServer, startMotoServer } from '../support/moto-server';

const BUNDLE_DIRECTORY = path.join(__dirname, '..', '..', 'assets', 'cli', 'bin');
const BUNDLE = path.join(BUNDLE_DIRECTORY, 'sg-strategy.js');
const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

let isolated: string;
beforeAll(() => {
  // Alone in a directory, the bundle (the command, and audit beside it) cannot lean on this repository's node_modules.
  const directory = tempDir('sg-cli-bin-');
  fs.cpSync(BUNDLE_DIRECTORY, directory, { recursive: true });
  isolated = path.join(directory, 'sg-strategy.js');
});

function run(args: string[], env: Record<string, string> = {}) {
  const home = tempDir('sg-cli-home-');
  const result = spawnSync(process.execPath, [isolated, ...args], {
    cwd: path.dirname(isolated),
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'), ...env },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

test('the package names the bundle as its sg-strategy executable, with a shebang', () => {
  expect(pkg.bin).toEqual({ 'sg-strategy': 'assets/cli/bin/sg-strategy.js' });
  expect(fs.readFileSync(BUNDLE, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
});

test('the command\'s own file leaves the AWS SDK to audit\'s file, which only audit loads', () => {
  const command = fs.readFileSync(BUNDLE, 'utf8');
  expect(command).not.toMatch(/DescribeSecurityGroupsCommand|EC2Client/);
  expect(command).toContain('require("./audit/account")');
  expect(fs.readFileSync(path.join(BUNDLE_DIRECTORY, 'audit', 'account.js'), 'utf8')).toContain('DescribeSecurityGroups');
  expect(fs.statSync(BUNDLE).size).toBeLessThan(fs.statSync(path.join(BUNDLE_DIRECTORY, 'audit', 'account.js')).size / 5);
});

test('check prints what the in-process command prints, and exits the same', async () => {
  const cdkOut = synthToDirectory(app => ordersFixture(app));
  const separate = run(['check', cdkOut]);
  const inProcess = await runCli(['check', cdkOut]);
  expect(separate.code).toBe(1);
  expect(separate.out.trimEnd()).toBe(inProcess.out);
  expect(run(['--help']).out).toContain('Usage:');
  expect(run(['check', '--help']).code).toBe(0);
});

test('audit without a region says how to give one', () => {
  const result = run(['audit']);
  expect(result.code).toBe(2);
  expect(result.err.trim()).toBe('sg-strategy: No AWS region. Pass --region, or set AWS_REGION, or give the profile a region in ~/.aws/config.');
});

test('audit without credentials says where credentials come from', () => {
  const result = run(['audit', '--region', 'eu-west-1']);
  expect(result.code).toBe(2);
  expect(result.err).toMatch(/^sg-strategy: No AWS credentials were found \(.*\)\. Pass --profile NAME, or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/m);
});

test('audit with a profile that does not exist names it', () => {
  const result = run(['audit', '--region', 'eu-west-1', '--profile', 'nosuch']);
  expect(result.code).toBe(2);
  expect(result.err).toMatch(/^sg-strategy: No AWS credentials for profile "nosuch" \(.*\)\. Check that ~\/\.aws\/config or ~\/\.aws\/credentials defines it/m);
});

describe('against moto server, through AWS_ENDPOINT_URL', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMotoServer();
  }, 60_000);
  afterAll(() => moto?.stop());

  test('the bundled SDK clients read a live API', async () => {
    const ec2 = new EC2Client(moto.clientConfig);
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc!.VpcId!;
    const groupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'leftover', Description: 'leftover', VpcId: vpcId }))).GroupId!;
    ec2.destroy();
    const result = run(['audit', '--group', groupId, '--format', 'json'], {
      AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing',
    });
    expect(result.err).not.toMatch(/warning|Could not/i);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).groups).toEqual([expect.objectContaining({ groupId, groupName: 'leftover', canBeRemoved: true })]);
  }, 60_000);
});
