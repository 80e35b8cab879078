import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { App, Aspects, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RuleCatalog, SecurityGroupStrategyChecks, SecurityGroupStrategyPlugin } from '../../src';
import { hostLanguage, inLanguage, languageOfAgent, languageOfTemplates, memberName } from '../../src/checks/language';
import { rulesMarkdown } from '../../src/rules/rules-markdown';
import { ENV } from '../support/analyse-app';
import { runCli, tempDir } from '../support/cli';
import { withJsiiAgent } from '../support/jsii-agent';

describe('the app\'s language', () => {
  test.each([
    ['Python/3.11.7', 'python'],
    ['Java/17.0.9', 'java'],
    ['node.js/v20.20.2', 'typescript'],
    ['DotNet/8.0.1/.NETCoreApp,Version=v8.0/1.0.0.0', undefined],
    ['go1.22.1/linux/amd64', undefined],
  ])('JSII_AGENT=%s is %s', (agent, language) => {
    expect(languageOfAgent(agent)).toBe(language);
    expect(hostLanguage({ JSII_AGENT: agent })).toBe(language);
  });

  test('a Node app has no JSII_AGENT, and is TypeScript or JavaScript', () => {
    expect(hostLanguage({})).toBe('typescript');
  });

  /** Synthesizes a stack with version reporting, as the CDK CLI does, under the given JSII_AGENT. */
  function templatesSynthesizedBy(agent: string | undefined) {
    return withJsiiAgent(agent, () => {
      const outdir = tempDir('sg-language-');
      const app = new App({ outdir, analyticsReporting: true });
      new ec2.Vpc(new Stack(app, 'Stack', { env: ENV }), 'Vpc', { maxAzs: 1, natGateways: 0 });
      app.synth();
      return [{ template: JSON.parse(fs.readFileSync(path.join(outdir, 'Stack.template.json'), 'utf8')) }];
    });
  }

  test.each([
    ['Python/3.11.7', 'python'],
    ['Java/17.0.9', 'java'],
    [undefined, 'typescript'],
  ])('an assembly CDK synthesized under JSII_AGENT=%s says the app is %s, in its analytics', (agent, language) => {
    expect(languageOfTemplates(templatesSynthesizedBy(agent))).toBe(language);
  });

  test('without analytics, or with analytics that cannot be read, the language is not known', () => {
    expect(languageOfTemplates([{ template: { Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup' } } } }])).toBeUndefined();
    expect(languageOfTemplates([{ template: { Resources: { M: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:bm90IGd6aXA=' } } } } }])).toBeUndefined();
    expect(languageOfTemplates([{ template: null }])).toBeUndefined();
  });
});

describe('names and code in the app\'s language', () => {
  test('an option name', () => {
    expect(memberName('adminPorts', 'python')).toBe('admin_ports');
    expect(memberName('widestPrivateIpv4Prefix', 'python')).toBe('widest_private_ipv4_prefix');
    expect(memberName('adminPorts', 'java')).toBe('adminPorts');
    expect(memberName('adminPorts', 'typescript')).toBe('adminPorts');
    expect(memberName('adminPorts', undefined)).toBe('adminPorts (Python: admin_ports)');
    expect(memberName('name', undefined)).toBe('name');
  });

  const fix = 'Set `allowAllOutbound: false` on the group, admit `ec2.Peer.securityGroupId(\'sg-1\')`, or pair them with `ServerClientPair.addServer`.';

  test('TypeScript is as written', () => {
    expect(inLanguage(fix, 'typescript')).toBe(fix);
  });

  test('Python: snake_case names, keyword arguments, True and False', () => {
    expect(inLanguage(fix, 'python')).toBe('Set `allow_all_outbound=False` on the group, admit `ec2.Peer.security_group_id(\'sg-1\')`, or pair them with `ServerClientPair.add_server`.');
  });

  test('Java: builder calls, classes without module prefixes, strings in double quotes', () => {
    expect(inLanguage(fix, 'java')).toBe('Set `.allowAllOutbound(false)` on the group, admit `Peer.securityGroupId("sg-1")`, or pair them with `ServerClientPair.addServer`.');
  });

  test('a language that is not known gets the TypeScript and the Python forms, where they differ', () => {
    expect(inLanguage(fix, undefined)).toBe('Set `allowAllOutbound: false` (Python: `allow_all_outbound=False`) on the group, '
      + 'admit `ec2.Peer.securityGroupId(\'sg-1\')` (Python: `ec2.Peer.security_group_id(\'sg-1\')`), '
      + 'or pair them with `ServerClientPair.addServer` (Python: `ServerClientPair.add_server`).');
    expect(inLanguage('Admit only `ec2.Port.tcp(5432)`.', undefined)).toBe('Admit only `ec2.Port.tcp(5432)`.');
  });
});

describe('fix texts in findings, in the app\'s language', () => {
  const UNRESTRICTED = /Set `allowAllOutbound: false`|Set `allow_all_outbound=False`|Set `\.allowAllOutbound\(false\)`/;

  /** An app whose one group allows all egress (UnrestrictedEgress), synthesized under JSII_AGENT, as the CLI would. */
  function synth(agent: string | undefined, deliver?: (app: App) => void) {
    return withJsiiAgent(agent, () => {
      const outdir = tempDir('sg-language-fix-');
      const app = new App({ outdir, analyticsReporting: true });
      const stack = new Stack(app, 'Stack', { env: ENV });
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
      new ec2.SecurityGroup(stack, 'Open', { vpc });
      deliver?.(app);
      app.synth();
      return outdir;
    });
  }

  const fixOf = (findings: any[]) => findings.find((f: any) => f.ruleId === 'UnrestrictedEgress').fix.match(UNRESTRICTED)[0];
  const reported = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'sg-strategy-report.json'), 'utf8')).findings;

  test.each([
    ['Python/3.11.7', 'Set `allow_all_outbound=False`'],
    ['Java/17.0.9', 'Set `.allowAllOutbound(false)`'],
    [undefined, 'Set `allowAllOutbound: false`'],
  ])('under JSII_AGENT=%s the Aspect and the plugin write %s', (agent, expected) => {
    expect(fixOf(reported(synth(agent, app => Aspects.of(app).add(new SecurityGroupStrategyChecks()))))).toBe(expected);
    expect(fixOf(reported(synth(agent, app => Validations.of(app).addPlugins(new SecurityGroupStrategyPlugin()))))).toBe(expected);
  });

  test('check gives the fix in the language CDK recorded in the assembly, and both forms where it recorded none', async () => {
    const fromCheck = async (dir: string) => JSON.parse((await runCli(['check', dir, '--format', 'json'])).out).findings;
    expect(fixOf(await fromCheck(synth('Python/3.11.7')))).toBe('Set `allow_all_outbound=False`');
    expect(fixOf(await fromCheck(synth('Java/17.0.9')))).toBe('Set `.allowAllOutbound(false)`');
    const unknown = tempDir('sg-language-unknown-');
    const app = new App({ outdir: unknown, analyticsReporting: false });
    const stack = new Stack(app, 'Stack', { env: ENV });
    new ec2.SecurityGroup(stack, 'Open', { vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'] }) });
    app.synth();
    const both = (await fromCheck(unknown)).find((f: any) => f.ruleId === 'UnrestrictedEgress').fix;
    expect(both).toContain('Set `allowAllOutbound: false` (Python: `allow_all_outbound=False`)');
  });

  test('the catalog gives fixes in the host language; RULES.md in TypeScript and Python', () => {
    const python = withJsiiAgent('Python/3.11.7', () => RuleCatalog.rules().find(r => r.id === 'UnrestrictedEgress')!.fix);
    expect(python).toContain('`allow_all_outbound=False`');
    expect(rulesMarkdown()).toContain('Set `allowAllOutbound: false` (Python: `allow_all_outbound=False`)');
  });
});

describe('reading the language from analytics, on input CDK did not write', () => {
  /** An AWS::CDK::Metadata resource whose analytics list these entries, as CDK encodes them. */
  const metadata = (entries: string[], prefix = 'v2:deflate64:') => ({
    Type: 'AWS::CDK::Metadata', Properties: { Analytics: `${prefix}${zlib.gzipSync(entries.join(',')).toString('base64')}` },
  });
  const of = (...resources: Array<Record<string, unknown>>) => languageOfTemplates(resources.map(r => ({ template: { Resources: r } })));

  test('the runtime entry is read wherever it is in the list', () => {
    expect(of({ M: metadata(['Python/3.11.7!jsii-runtime.Runtime', '2.0.0!aws-cdk-lib.Stack']) })).toBe('python');
    expect(of({ M: metadata(['2.0.0!aws-cdk-lib.Stack', 'Java/17.0.9!jsii-runtime.Runtime']) })).toBe('java');
  });

  test('only an AWS::CDK::Metadata resource\'s analytics, and only in the v2 encoding, count', () => {
    const python = metadata(['Python/3.11.7!jsii-runtime.Runtime']);
    expect(of({ M: { ...python, Type: 'AWS::CloudFormation::WaitConditionHandle' } })).toBeUndefined();
    expect(of({ M: metadata(['Python/3.11.7!jsii-runtime.Runtime'], 'v3:v2:deflate64:') })).toBeUndefined();
    expect(of({ M: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v1:something' } } })).toBeUndefined();
  });

  test('a template whose runtime CDK does not publish for is passed over for the next', () => {
    expect(of({ M: metadata(['DotNet/8.0.1!jsii-runtime.Runtime']) }, { M: metadata(['Python/3.11.7!jsii-runtime.Runtime']) })).toBe('python');
  });

  test('resources that are missing, null or not objects say nothing and do not throw', () => {
    expect(languageOfTemplates([{ template: { Resources: null } }, { template: { Resources: 'x' } }, { template: {} }])).toBeUndefined();
    expect(of({ A: null as any, M: { Type: 'AWS::CDK::Metadata' } })).toBeUndefined();
  });

  test('an agent is read by its prefix only', () => {
    expect(languageOfAgent('cpython/3.11')).toBeUndefined();
    expect(languageOfAgent('DotNet/8.0.1/java/17')).toBeUndefined();
    expect(languageOfAgent('my-node.js/20')).toBeUndefined();
    expect(languageOfAgent('PYTHON/3.12')).toBe('python');
  });
});

describe('names with capitals in a row, and true in Python', () => {
  test('an acronym before a word is a word of its own', () => {
    expect(memberName('vpcIDList', 'python')).toBe('vpc_id_list');
  });

  test('true is True', () => {
    expect(inLanguage('Set `allowAllOutbound: true`.', 'python')).toBe('Set `allow_all_outbound=True`.');
    expect(inLanguage('Call `enable(true)`.', 'python')).toBe('Call `enable(True)`.');
  });
});
