import * as fs from 'fs';
import * as path from 'path';
import { App, CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ordersFixture } from './fixture';
import { explanationText } from '../../src/cli/explain';
import { ENV } from '../support/analyse-app';
import { runCli, synthToDirectory, tempDir } from '../support/cli';

describe('sg-strategy explain', () => {
  let cdkOut: string;
  beforeAll(() => {
    cdkOut = synthToDirectory(app => ordersFixture(app));
  });
  const explain = async (group: string, ...rest: string[]) => runCli(['explain', group, cdkOut, ...rest]);
  /** The text with each wrapped bullet joined back into one line. */
  const unwrapped = (text: string) => text.replace(/\n {4}(?!aws )/g, ' ');

  test('a group nothing uses can be removed', async () => {
    const run = await explain('Data/SpareSg');
    expect(run.code).toBe(0);
    expect(run.out).toBe('Data/SpareSg (SpareSg0D4AB8FA in stack Data)\nCan be removed: yes\n  Nothing in this app carries it, refers to it or imports it.');
  });

  test('the database group: the instance that carries it, the rule in the other stack, and the import', async () => {
    const run = await explain('orders-db', '--format', 'json');
    const e = JSON.parse(run.out);
    expect(e).toMatchObject({ group: 'Data/DbSg', stackName: 'Data', groupName: 'orders-db', canBeRemoved: false });
    expect(e.blockers).toEqual([
      'AWS::RDS::DBInstance Data/Db carries it.',
      expect.stringMatching(/^A rule in Api\/ApiSg \(stack Api\) sends to it on tcp 5432, stated by AWS::EC2::SecurityGroupEgress Api\/ApiSg\//),
      expect.stringMatching(/^Stack Api imports it through export Data:ExportsOutputFnGetAttDbSg\w+, in AWS::EC2::SecurityGroupEgress .*, AWS::EC2::SecurityGroupIngress .*; CloudFormation keeps an export/),
    ]);
    expect(e.notes).toEqual([expect.stringMatching(/^It is exported as "Data:ExportsOutput\S+"\. .*this lists them:\naws cloudformation list-imports --export-name Data:ExportsOutput\S+$/)]);
  });

  test('the text fits 120 columns, and the command to list importers stays whole on its own line', async () => {
    const run = await explain('orders-db');
    expect(Math.max(...run.out.split('\n').map(l => l.length))).toBeLessThanOrEqual(120);
    expect(run.out).toMatch(/^ {4}aws cloudformation list-imports --export-name Data:ExportsOutput\w+$/m);
    expect(run.out).toMatch(/^ {2}- A rule in Api\/ApiSg \(stack Api\) sends to it on tcp 5432, stated by AWS::EC2::SecurityGroupEgress Api\/ApiSg\/to\n {4}\S/m);
  });

  test('a command too long for a line is continued before its option, so it still pastes into a shell', () => {
    const name = `Data:ExportsOutput${'X'.repeat(100)}`;
    const text = explanationText({ group: 'Data/Sg', canBeRemoved: true, exported: true, blockers: [], notes: [`Listed by:\naws cloudformation list-imports --export-name ${name}`] });
    expect(text.split('\n').slice(-3)).toEqual(['  - Listed by:', '    aws cloudformation list-imports \\', `      --export-name ${name}`]);
  });

  test('the function group: the function, the rule that admits it, and the 45-minute wait', async () => {
    const run = await explain('orders-api');
    const text = unwrapped(run.out);
    expect(text).toContain('Can be removed: no');
    expect(text).toContain('  - AWS::Lambda::Function Api/Handler carries it.');
    expect(text).toMatch(/ {2}- A rule in Data\/DbSg \(stack Data\) admits it on tcp 5432/);
    expect(text).toContain('which takes up to 45 minutes');
  });

  test.each([
    ['a logical id', 'ApiSg8419ACD7'],
    ['Stack/LogicalId', 'Api/ApiSg8419ACD7'],
    ['a construct path', 'Api/ApiSg'],
    ['the L1 construct path', 'Api/ApiSg/Resource'],
    ['the group name, in another case', 'ORDERS-API'],
    ['its Name tag', 'orders-db-clients'],
  ])('finds a group by %s', async (_, name) => {
    const run = await explain(name, '--format', 'json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out).group).toBe('Api/ApiSg');
  });

  test('a VPC names its default group, which only goes with the VPC', async () => {
    const e = JSON.parse((await explain('Data/Vpc', '--format', 'json')).out);
    expect(e.group).toBe('the default security group of Data/Vpc');
    expect(e.canBeRemoved).toBe(false);
    expect(e.blockers[0]).toMatch(/default security group: AWS creates it with the VPC and deletes it only with the VPC/);
  });

  test.each([
    ['DbSgg', 'Did you mean "Data/DbSg"?'],
    ['orders-apx', 'Did you mean "orders-api"'],
    ['Spare', 'Did you mean "Data/SpareSg"'],
    ['orders-db-client', 'Did you mean "orders-db-clients"'],
  ])('"%s" is not found, and similar names are suggested', async (name, suggestion) => {
    const run = await explain(name);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`No security group "${name}" among the 4 groups in this app.`);
    expect(run.err).toContain(suggestion);
  });

  test('a path where the group should be says that the group is missing, not that ./cdk.out is', async () => {
    const forgotten = await runCli(['explain', path.basename(cdkOut)], path.dirname(cdkOut));
    expect(forgotten.code).toBe(2);
    expect(forgotten.err).toBe(`sg-strategy: explain: ${path.basename(cdkOut)} is where the groups are, not a group; name the group first: sg-strategy explain <group> [cdk.out | template ...].`);
    const swapped = await runCli(['explain', cdkOut, 'orders-db']);
    expect(swapped.code).toBe(2);
    expect(swapped.err).toContain(`Did you mean: sg-strategy explain orders-db ${cdkOut}?`);
  });

  describe('a group exported under a name computed at deploy time (Fn::Sub of ${AWS::StackName})', () => {
    const exported = (stack: Stack) => {
      const sg = new ec2.CfnSecurityGroup(stack, 'Shared', { groupDescription: 'x' });
      new CfnOutput(stack, 'SharedId', { value: sg.attrGroupId, exportName: Fn.sub('${AWS::StackName}-SharedSg') });
    };

    test('in a cloud assembly, the stack\'s name is known: the command names the export as deployed', async () => {
      const out = synthToDirectory(app => exported(new Stack(app, 'Network', { env: ENV })));
      const e = JSON.parse((await runCli(['explain', 'Shared', out, '--format', 'json'])).out);
      expect(e.notes).toEqual([expect.stringMatching(/^It is exported as "Network-SharedSg"\. .*\naws cloudformation list-imports --export-name Network-SharedSg$/)]);
    });

    test('in a template file, the name is not known: it says so, and the command takes the deployed name from STACK_NAME', async () => {
      const file = path.join(tempDir('sg-explain-'), 'network.json');
      const app = new App();
      const stack = new Stack(app, 'Network');
      exported(stack);
      fs.writeFileSync(file, JSON.stringify(app.synth().getStackByName('Network').template));
      const text = (await runCli(['explain', 'Shared', file])).out;
      expect(text).toContain('\nCan be removed: yes, unless a stack outside this assembly imports it (see below)\n');
      const e = JSON.parse((await runCli(['explain', 'Shared', file, '--format', 'json'])).out);
      expect(e).toMatchObject({ canBeRemoved: true, exported: true });
      expect(e.notes).toEqual([
        'It is exported under a name computed at deploy time, "${AWS::StackName}-SharedSg", with the name the stack is deployed under in place of ${AWS::StackName}. '
          + 'Stacks outside this assembly may import it; with that name in STACK_NAME, this lists them:\naws cloudformation list-imports --export-name "${STACK_NAME}-SharedSg"',
      ]);
    });
  });

  test('an export name from a parameter\'s default may differ when deployed; one with other unknown parts gets no command to paste', async () => {
    const file = path.join(tempDir('sg-explain-'), 'shared.json');
    fs.writeFileSync(file, JSON.stringify({
      Parameters: { ExportName: { Type: 'String', Default: 'shared-sg' }, Env: { Type: 'String' } },
      Resources: { ByDefault: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } }, ByEnv: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } } },
      Outputs: {
        A: { Value: { 'Fn::GetAtt': ['ByDefault', 'GroupId'] }, Export: { Name: { Ref: 'ExportName' } } },
        B: { Value: { 'Fn::GetAtt': ['ByEnv', 'GroupId'] }, Export: { Name: { 'Fn::Sub': '${Env}-${AWS::StackName}-sg' } } },
      },
    }));
    const byDefault = JSON.parse((await runCli(['explain', 'ByDefault', file, '--format', 'json'])).out);
    expect(byDefault.notes).toEqual([expect.stringMatching(/^It is exported as "shared-sg" \(the default of parameter ExportName; the name deployed may differ\)\. .*\naws cloudformation list-imports --export-name shared-sg$/)]);
    const byEnv = JSON.parse((await runCli(['explain', 'ByEnv', file, '--format', 'json'])).out);
    expect(byEnv.notes).toEqual([
      'It is exported under a name computed at deploy time, "${Env}-${AWS::StackName}-sg". Stacks outside this assembly may import it; '
        + 'aws cloudformation list-exports shows the name it got, and list-imports with that name lists them.',
    ]);
  });

  test('a self-reference alone does not block, in a hand-written template', async () => {
    const template = path.join(__dirname, 'fixtures', 'hand-written.yaml');
    const web = JSON.parse((await runCli(['explain', 'WebSg', template, '--format', 'json'])).out);
    expect(web.canBeRemoved).toBe(false);
    expect(web.blockers).toEqual([
      'AWS::ElasticLoadBalancingV2::LoadBalancer hand-written/PublicAlb carries it.',
      'A rule in hand-written/AppSg (stack hand-written) admits it on tcp 8080, stated by AWS::EC2::SecurityGroupIngress hand-written/AppFromWeb.',
    ]);
    const peers = JSON.parse((await runCli(['explain', 'PeersSg', template, '--format', 'json'])).out);
    expect(peers.canBeRemoved).toBe(true);
    expect(peers.blockers).toEqual([]);
    expect(peers.notes).toEqual(['Its 2 rule(s) naming itself go with it and do not block its removal.']);
  });
});
