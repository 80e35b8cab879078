import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, CfnResource, CfnStack, Duration, Fn, Lazy, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { addServiceStacks } from '../../bench/generated-app';
import { collectAcknowledgements } from '../../src/checks/acknowledgements';
import { Finding, analyse } from '../../src/checks/engine';
import { analyseTree, constructPathsByStack, mayNeedSkippedResources, skippedAtFirst, templatesFromTree } from '../../src/checks/templates-from-tree';
import { UNREADABLE_TYPE, buildModel } from '../../src/model/build-model';
import { ENV, synthTemplates, testApp } from '../support/analyse-app';

/**
 * The Aspect renders only what the model reads, straight from the construct tree; the plugin and the command
 * read whole synthesized templates. Both must give the same findings on an app whose groups are carried or
 * named by resources of every kind the Aspect might be tempted to skip.
 */

const key = (f: Finding) => `${f.level} ${f.ruleId} ${f.constructPath ?? `${f.stackName}/${f.logicalId}`}: ${f.message}`;

/** Findings from the tree, as the Aspect reads it, and from the synthesized assembly, as the plugin and the command read it. */
function bothWays(app: App): { fromTree: string[]; fromFiles: string[] } {
  const fromFiles = analyse(synthTemplates(app), {}, collectAcknowledgements(app)).findings.map(key).sort();
  // After synth the tree is prepared, as it is when the Aspect's validation runs.
  const fromTree = analyseTree(app, app.node.findAll(), {}, collectAcknowledgements(app)).findings.map(key).sort();
  return { fromTree, fromFiles };
}

function groupIn(stack: Stack, vpc: ec2.IVpc, id: string): ec2.SecurityGroup {
  return new ec2.SecurityGroup(stack, id, { vpc, allowAllOutbound: false });
}

/** Groups carried only by resources outside the attachment table, named only in policies and definitions. */
function appOfUnusualCarriers(options: { named?: boolean } = {}): App {
  const app = testApp();
  const stack = new Stack(app, 'Carriers', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true });

  // An EventBridge rule that runs a Fargate task: the group is in the rule's ECS target.
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const task = new ecs.FargateTaskDefinition(stack, 'Task');
  task.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:latest') });
  new ecsPatterns.ScheduledFargateTask(stack, 'Nightly', {
    cluster,
    scheduledFargateTaskDefinitionOptions: { taskDefinition: task },
    schedule: events.Schedule.rate(Duration.days(1)),
    subnetSelection: { subnetType: ec2.SubnetType.PUBLIC },
    securityGroups: [groupIn(stack, vpc, 'ScheduledTaskGroup')],
  });

  // An EventBridge Scheduler schedule that runs the same task.
  new scheduler.CfnSchedule(stack, 'Schedule', {
    scheduleExpression: 'rate(1 day)',
    flexibleTimeWindow: { mode: 'OFF' },
    target: {
      arn: cluster.clusterArn,
      roleArn: new iam.Role(stack, 'SchedulerRole', { assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com') }).roleArn,
      ecsParameters: {
        taskDefinitionArn: task.taskDefinitionArn,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: vpc.isolatedSubnets.concat(vpc.publicSubnets).map(s => s.subnetId),
            securityGroups: [groupIn(stack, vpc, 'SchedulerGroup').securityGroupId],
          },
        },
      },
    },
  });

  // An API Gateway VPC link, and a secret rotated by a hosted function in the VPC.
  new apigwv2.VpcLink(stack, 'Link', { vpc, subnets: { subnetType: ec2.SubnetType.PUBLIC }, securityGroups: [groupIn(stack, vpc, 'VpcLinkGroup')] });
  const secret = new secretsmanager.Secret(stack, 'Secret');
  secret.addRotationSchedule('Rotation', {
    hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser({
      vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, securityGroups: [groupIn(stack, vpc, 'RotationGroup')],
    }),
  });

  if (options.named === false) return app;
  // Named, not carried: in an IAM policy, a state machine's definition and an event source mapping's access configuration.
  const named = groupIn(stack, vpc, 'NamedInPolicy');
  new iam.Policy(stack, 'EditGroup', {
    roles: [new iam.Role(stack, 'Editor', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })],
    statements: [new iam.PolicyStatement({
      actions: ['ec2:AuthorizeSecurityGroupIngress'],
      resources: [stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: named.securityGroupId })],
    })],
  });
  new sfn.CfnStateMachine(stack, 'RunTask', {
    roleArn: new iam.Role(stack, 'MachineRole', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') }).roleArn,
    definitionString: Fn.join('', ['{"StartAt":"Run","States":{"Run":{"Type":"Task","End":true,',
      '"Resource":"arn:aws:states:::ecs:runTask","Parameters":{"NetworkConfiguration":{"AwsvpcConfiguration":{"SecurityGroups":["',
      groupIn(stack, vpc, 'NamedInDefinition').securityGroupId, '"]}}}}}}']),
  });
  const fn = new lambda.Function(stack, 'Consumer', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
  });
  new lambda.CfnEventSourceMapping(stack, 'Kafka', {
    functionName: fn.functionName,
    topics: ['orders'],
    selfManagedEventSource: { endpoints: { kafkaBootstrapServers: ['broker:9092'] } },
    sourceAccessConfigurations: [{ type: 'VPC_SECURITY_GROUP', uri: Fn.join('', ['security_group:', groupIn(stack, vpc, 'NamedInMapping').securityGroupId]) }],
  });
  // A group nothing carries or names: the one finding of UnattachedSecurityGroup this app deserves.
  groupIn(stack, vpc, 'Unused');
  return app;
}

/** Escape hatches, parameters, imports across stacks and nested stacks. */
function appOfIndirections(): App {
  const app = testApp();
  const shared = new Stack(app, 'Shared', { env: ENV });
  const vpc = new ec2.Vpc(shared, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true });
  const exported = groupIn(shared, vpc, 'Exported');
  exported.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));

  const user = new Stack(app, 'User', { env: ENV });
  const inline = lambda.Code.fromInline('exports.handler=async()=>{}');
  new lambda.Function(user, 'Imported', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: inline, vpc, securityGroups: [exported],
  });
  // An override replaces the groups the L2 set: only a whole render sees it.
  const overridden = new lambda.Function(user, 'Overridden', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: inline, vpc, securityGroups: [groupIn(user, vpc, 'Replaced')],
  });
  (overridden.node.defaultChild as lambda.CfnFunction).addPropertyOverride('VpcConfig.SecurityGroupIds', [
    groupIn(user, vpc, 'Override').securityGroupId,
  ]);
  const ids = new CfnParameter(user, 'GroupIds', { type: 'List<AWS::EC2::SecurityGroup::Id>', default: 'sg-0123456789abcdef0' });
  new ec2.CfnInstance(user, 'Box', { imageId: 'ami-12345678', subnetId: vpc.isolatedSubnets[0].subnetId, securityGroupIds: ids.valueAsList });

  const nested = new NestedStack(user, 'Inner');
  new ec2.CfnSecurityGroupIngress(nested, 'Rdp', { groupId: exported.securityGroupId, ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, cidrIp: '0.0.0.0/0' });
  groupIn(nested, vpc, 'NestedUnused');
  return app;
}

describe('the Aspect\'s rendering of the tree gives the findings of the synthesized templates', () => {
  test('groups carried by EventBridge rules and schedules, VPC links and rotation functions, or named in policies', () => {
    const { fromTree, fromFiles } = bothWays(appOfUnusualCarriers());
    expect(fromTree).toEqual(fromFiles);
    // The app is a real test of the skipping: each carrier keeps its group from being reported unused.
    const unused = fromFiles.filter(f => f.includes('UnattachedSecurityGroup'));
    expect(unused).toHaveLength(1);
    expect(unused[0]).toContain('Carriers/Unused');
  });

  test('escape hatches, parameters, cross-stack imports and nested stacks', () => {
    const { fromTree, fromFiles } = bothWays(appOfIndirections());
    expect(fromTree).toEqual(fromFiles);
    expect(fromFiles.some(f => f.includes('UnattachedSecurityGroup') && f.includes('User/Replaced'))).toBe(true);
    expect(fromFiles.some(f => f.includes('UnattachedSecurityGroup') && f.includes('NestedUnused'))).toBe(true);
  });
});

describe('what the Aspect renders first', () => {
  test('resources that carry groups in types it otherwise skips: their groups are attached without a second rendering', () => {
    const app = appOfUnusualCarriers({ named: false });
    app.synth();
    const model = buildModel(templatesFromTree(app));
    const attached = (id: string) => [...model.groups.values()].find(g => g.ref?.constructPath === `Carriers/${id}/Resource`)!.attachments.length;
    for (const id of ['ScheduledTaskGroup', 'SchedulerGroup', 'VpcLinkGroup', 'RotationGroup']) expect(attached(id)).toBeGreaterThan(0);
  });

  test('an app whose groups are all carried is read once, without IAM, S3 or SQS resources', () => {
    const app = testApp();
    addServiceStacks(app, 1, 3);
    app.synth();
    const templates = templatesFromTree(app);
    const types = new Set(templates.flatMap(t => Object.values((t.template as any).Resources).map((r: any) => r.Type)));
    expect(types).toContain('AWS::EC2::SecurityGroup');
    expect(types).toContain('AWS::Lambda::Function');
    for (const skipped of ['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::S3::Bucket', 'AWS::SQS::Queue']) expect(types).not.toContain(skipped);
    expect(mayNeedSkippedResources(buildModel(templates))).toBe(false);
  });

  test('entries for the skipped resources carry only their type, in the order of the synthesized template', () => {
    const app = testApp();
    addServiceStacks(app, 1, 3);
    const synthesized = synthTemplates(app);
    const withEntries = templatesFromTree(app, app.node.findAll(), { skippedEntries: true });
    const everything = templatesFromTree(app, app.node.findAll(), { everything: true });
    for (const [i, t] of withEntries.entries()) {
      const resources = (t.template as any).Resources;
      const whole = (synthesized.find(s => s.stackId === t.stackId)!.template as any).Resources;
      const logicalIds = (all: Record<string, unknown>) => Object.keys(all).filter(id => (whole[id] as any).Type !== 'AWS::CDK::Metadata');
      expect(logicalIds(resources)).toEqual(logicalIds(whole));
      expect(Object.keys(resources)).toEqual(Object.keys((everything[i].template as any).Resources));
      for (const [id, r] of Object.entries(resources) as Array<[string, any]>) {
        if (skippedAtFirst(r.Type)) expect(r).toEqual({ Type: whole[id].Type });
      }
    }
  });

  test('a reference to a skipped resource, or one the model cannot follow, is read as from the assembly without rendering the skipped resources', () => {
    const app = testApp();
    const stack = new Stack(app, 'Refs', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const missing = new CfnParameter(stack, 'NoDefault', { type: 'String' });
    // Groups from a role's id (a skipped resource: "not a security group") and from a parameter without a default.
    new ec2.CfnInstance(stack, 'Box', {
      imageId: 'ami-12345678',
      subnetId: vpc.isolatedSubnets[0].subnetId,
      securityGroupIds: [groupIn(stack, vpc, 'Carried').securityGroupId, role.roleId, missing.valueAsString],
    });
    app.synth();
    const roleResource = role.node.defaultChild as iam.CfnRole;
    const render = jest.spyOn(roleResource as any, '_toCloudFormation');
    const { fromTree, fromFiles } = bothWays(app);
    expect(fromTree).toEqual(fromFiles);
    expect(render).not.toHaveBeenCalled();
    // Both are reported, and they would have asked for a second rendering before.
    expect(fromFiles.filter(f => f.includes('UnresolvedReference') && f.includes('Refs/Box'))).toHaveLength(1);
    const model = buildModel(templatesFromTree(app, app.node.findAll(), { skippedEntries: true }));
    expect(model.unresolved.map(u => u.what).join('\n')).toMatch(/not a security group|AWS::IAM::Role/);
    expect(model.unresolved.map(u => u.what).join('\n')).toContain('NoDefault');
    expect(mayNeedSkippedResources(model)).toBe(false);
  });

  test('a group named only by a skipped resource asks for everything', () => {
    const app = testApp();
    const stack = new Stack(app, 'Named', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
    const group = groupIn(stack, vpc, 'Group');
    new iam.Role(stack, 'Editor', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(new iam.PolicyStatement({
      actions: ['ec2:AuthorizeSecurityGroupIngress'],
      resources: [stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: group.securityGroupId })],
    }));
    app.synth();
    expect(mayNeedSkippedResources(buildModel(templatesFromTree(app)))).toBe(true);
    const everything = buildModel(templatesFromTree(app, app.node.findAll(), { everything: true }));
    expect([...everything.groups.values()].find(g => g.ref?.logicalId.startsWith('Group'))!.references.length).toBe(1);
    expect(mayNeedSkippedResources(everything)).toBe(false);
  });

  test('no type it skips has a property that carries groups, by aws-cdk-lib\'s own L1 typings', () => {
    // Every L1 of the namespaces it skips from, and each property (at any depth) named as the model's carriers are.
    const carrierField = /^\s*readonly (securityGroupIds|securityGroups|vpcSecurityGroupIds|vpcSecurityGroups|groupSet|securityGroupIdList)\??:/;
    const modules = ['aws-iam', 'aws-logs', 'aws-s3', 'aws-sns', 'aws-sqs', 'aws-kms', 'aws-cloudwatch', 'aws-events', 'aws-dynamodb',
      'aws-apigateway', 'aws-apigatewayv2', 'aws-stepfunctions', 'aws-cloudfront', 'aws-cognito', 'aws-wafv2', 'aws-certificatemanager',
      'aws-ecr', 'aws-kinesis', 'aws-secretsmanager', 'aws-backup', 'aws-scheduler', 'aws-lambda', 'aws-ecs', 'aws-ec2'];
    const carriers = new Set<string>();
    let skippedSeen = 0;
    for (const name of modules) {
      const dir = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')), name, 'lib');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = require(`aws-cdk-lib/${name}`);
      for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.generated.d.ts'))) {
        let owner: string | undefined;
        for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
          const declared = /^export (?:declare )?(?:class|namespace|interface) (Cfn[A-Za-z0-9]+?)(?:Props)?\b/.exec(line);
          if (declared) owner = declared[1];
          const type = owner ? exported[owner]?.CFN_RESOURCE_TYPE_NAME : undefined;
          if (declared && typeof type === 'string' && skippedAtFirst(type)) skippedSeen++;
          if (carrierField.test(line) && typeof type === 'string') carriers.add(type);
        }
      }
    }
    expect(skippedSeen).toBeGreaterThan(50);
    expect(carriers).toContain('AWS::Events::Rule');
    expect([...carriers].filter(skippedAtFirst)).toEqual([]);
  });
});

describe('the templates the Aspect renders, stack by stack', () => {
  /** Top (deployed as top-prod) with a nested stack, a CfnStack of its own template, and a Stage with one stack. */
  function smallApp() {
    const app = testApp();
    const top = new Stack(app, 'Top', { env: ENV, stackName: 'top-prod' });
    new ec2.CfnSecurityGroup(top, 'Sg', { groupDescription: 'g', vpcId: 'vpc-1' });
    const child = new NestedStack(top, 'Child');
    new ec2.CfnSecurityGroup(child, 'Inner', { groupDescription: 'i', vpcId: 'vpc-1' });
    new CfnStack(top, 'External', { templateUrl: 'https://bucket/external.json' });
    const prod = new Stage(app, 'Prod', { env: ENV });
    new ec2.CfnSecurityGroup(new Stack(prod, 'Inner'), 'Sg', { groupDescription: 'g', vpcId: 'vpc-1' });
    return { app, top, child, prod };
  }

  test('a top-level stack is named as it deploys, its template as synth writes it', () => {
    const { app } = smallApp();
    const [top] = templatesFromTree(app);
    expect(top).toMatchObject({ stackId: 'Top', stackName: 'top-prod', stackNameIsDeployed: true, constructPath: 'Top', templatePath: 'Top.template.json', parent: undefined });
    expect(top.constructPaths).toMatchObject({ Sg: 'Top/Sg', External: 'Top/External' });
  });

  test('a nested stack is named by its top stack and path, with its parent\'s resource, and no deployed name', () => {
    const { app, top, child } = smallApp();
    const nested = templatesFromTree(app).find(t => t.stackId === 'Top/Child')!;
    expect(nested).toMatchObject({
      stackName: 'top-prod/Child',
      constructPath: 'Top/Child',
      templatePath: child.templateFile,
      parent: { stackId: 'Top', logicalId: top.resolve(child.nestedStackResource!.logicalId) },
    });
    expect(nested).not.toHaveProperty('stackNameIsDeployed');
    expect(Object.keys((nested.template as any).Resources)).toEqual(['Inner']);
  });

  test('a CfnStack whose template is not in the app is an unreadable stack, named as the parent\'s resource', () => {
    const { app } = smallApp();
    const external = templatesFromTree(app).find(t => t.stackId === 'Top/External')!;
    expect(external).toMatchObject({ stackName: 'top-prod', templatePath: 'Top.template.json', constructPath: 'Top/External' });
    expect((external.template as any).Resources.External.Properties.Error).toContain('https://bucket/external.json');
    expect(templatesFromTree(app).filter(t => t.stackId.startsWith('Top/'))).toHaveLength(2);
  });

  test('a Stage\'s stacks are in its nested assembly, relative to the root the Aspect checks', () => {
    const { app, prod } = smallApp();
    const inner = prod.node.findChild('Inner') as Stack;
    expect(templatesFromTree(app).find(t => t.stackId === 'Prod/Inner')!.templatePath).toBe(`assembly-Prod/${inner.templateFile}`);
    expect(templatesFromTree(prod).map(t => t.templatePath)).toEqual([inner.templateFile]);
  });

  test('construct paths by stack and logical id, each nested stack apart', () => {
    const { app, top, child } = smallApp();
    const paths = constructPathsByStack(app);
    expect([...paths.keys()]).toEqual(['Top', 'Top/Child', 'Prod/Inner']);
    expect(paths.get('Top')).toMatchObject({ Sg: 'Top/Sg', [top.resolve(child.nestedStackResource!.logicalId)]: 'Top/Child.NestedStack/Child.NestedStackResource' });
    expect(paths.get('Top/Child')).toEqual({ Inner: 'Top/Child/Inner' });
  });
});

describe('how much of a resource the Aspect renders', () => {
  const resourcesOf = (stack: Stack) => (templatesFromTree(stack.node.root).find(t => t.stackId === stack.node.path)!.template as any).Resources;

  test('a typed function only its groups and environment; a generic CfnResource or one with an override, whole', () => {
    const stack = new Stack(testApp(), 'S', { env: ENV });
    const vpcConfig = { securityGroupIds: ['sg-11111111'], subnetIds: ['subnet-1'] };
    new lambda.CfnFunction(stack, 'Typed', { role: 'arn:role', code: { zipFile: 'x' }, vpcConfig });
    new CfnResource(stack, 'Generic', { type: 'AWS::Lambda::Function', properties: { Role: 'arn:role', VpcConfig: { SecurityGroupIds: ['sg-11111111'] } } });
    new lambda.CfnFunction(stack, 'Overridden', { role: 'arn:role', code: { zipFile: 'x' }, vpcConfig }).addPropertyOverride('Timeout', 30);
    const resources = resourcesOf(stack);
    expect(resources.Typed).toEqual({ Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SecurityGroupIds: ['sg-11111111'] } } });
    expect(resources.Generic.Properties.Role).toBe('arn:role');
    expect(resources.Overridden.Properties).toMatchObject({ Role: 'arn:role', Timeout: 30 });
  });

  test('a typed field that is itself a token is resolved on the way to the groups', () => {
    const stack = new Stack(testApp(), 'S', { env: ENV });
    new lambda.CfnFunction(stack, 'Lazy', {
      role: 'arn:role', code: { zipFile: 'x' }, vpcConfig: Lazy.any({ produce: () => ({ SecurityGroupIds: ['sg-22222222'], SubnetIds: ['subnet-1'] }) }),
    });
    expect(resourcesOf(stack).Lazy).toEqual({ Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SecurityGroupIds: ['sg-22222222'] } } });
  });

  test('an element that cannot be rendered is an unreadable resource that says why, not a missing one', () => {
    const stack = new Stack(testApp(), 'S', { env: ENV });
    new ec2.CfnSecurityGroup(stack, 'Broken', { groupDescription: Lazy.string({ produce: () => { throw new Error('cannot produce'); } }), vpcId: 'vpc-1' });
    const renderless = new ec2.CfnSecurityGroup(stack, 'Renderless', { groupDescription: 'g', vpcId: 'vpc-1' });
    (renderless as any)._toCloudFormation = undefined;
    const resources = resourcesOf(stack);
    expect(resources.Broken).toEqual({ Type: UNREADABLE_TYPE, Properties: { Error: expect.stringContaining('cannot produce') } });
    expect(resources.Renderless).toEqual({ Type: UNREADABLE_TYPE, Properties: { Error: 'this aws-cdk-lib cannot render an element on its own' } });
  });
});
