import { join, relative, sep } from 'path';
import { CfnElement, CfnResource, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { unreadableNestedStack } from './templates-from-assembly';
import { readL1Property } from '../core/l1-fields';
import { SECURITY_GROUP_PROPERTIES } from '../model/attachment-properties';
import { DEFAULT_GROUP_FALLBACK } from '../model/aws-behaviours';
import { UNREADABLE_TYPE } from '../model/build-model';
import { StackTemplate } from '../model/types';

// Resource types that never carry, reference or define a security group. The Aspect skips rendering them,
// which is most of the cost of reading a large app; everything else is rendered exactly as synth renders it.
const UNRELATED_PREFIXES = [
  'AWS::IAM::', 'AWS::Logs::', 'AWS::S3::', 'AWS::SNS::', 'AWS::SQS::', 'AWS::KMS::', 'AWS::CloudWatch::',
  'AWS::Events::', 'AWS::DynamoDB::', 'AWS::ApiGateway::', 'AWS::ApiGatewayV2::', 'AWS::StepFunctions::',
  'AWS::CDK::', 'AWS::CloudFront::', 'AWS::Cognito::', 'AWS::WAFv2::', 'AWS::CertificateManager::',
  'AWS::ECR::', 'AWS::Kinesis::', 'AWS::SecretsManager::', 'AWS::Backup::', 'AWS::Scheduler::',
];
const UNRELATED_TYPES = new Set([
  'AWS::Lambda::Permission', 'AWS::Lambda::Version', 'AWS::Lambda::Alias', 'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::LayerVersion', 'AWS::Lambda::Url', 'AWS::ECS::TaskDefinition', 'AWS::ECS::Cluster',
  'AWS::EC2::Route', 'AWS::EC2::RouteTable', 'AWS::EC2::SubnetRouteTableAssociation',
]);

// Types the model reads only for their security groups (and, for functions, environment variables that may
// name a group). Rendering just those properties avoids resolving the rest of every function in the app.
// Types whose other properties matter (fallback to the default group, endpoint ports, load-balancer scheme)
// are rendered whole.
const RENDERED_WHOLE = new Set([
  'AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate', 'AWS::EC2::VPCEndpoint', 'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster',
  'AWS::DocDB::DBCluster', 'AWS::Neptune::DBCluster', 'AWS::Redshift::Cluster', 'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancing::LoadBalancer',
]);
// Whether a resource falls back to the default group depends on properties beside its groups (subnets, VPC options).
const PARTIAL_PATHS = new Map<string, string[][]>(SECURITY_GROUP_PROPERTIES
  .filter(p => !RENDERED_WHOLE.has(p.resourceType) && !(p.resourceType in DEFAULT_GROUP_FALLBACK))
  .map(p => [p.resourceType, p.resourceType === 'AWS::Lambda::Function' ? [p.path, ['Environment']] : [p.path]]));

function isUnrelated(type: string): boolean {
  return UNRELATED_TYPES.has(type) || UNRELATED_PREFIXES.some(p => type.startsWith(p));
}

/**
 * The templates of every stack below `root` (Stages and nested stacks included), as far as security groups
 * are concerned, rendered the way synth renders them so overrides and escape hatches are seen. Call it
 * after `prepare` (from a validation), when cross-stack references are already imports.
 */
export function templatesFromTree(root: IConstruct, constructs: IConstruct[] = root.node.findAll()): StackTemplate[] {
  type Section = Record<string, unknown>;
  type Sections = { resources: Section; parameters: Section; outputs: Section; paths: Record<string, string> };
  const byStack = new Map<Stack, Sections>();
  // AWS::CloudFormation::Stack resources whose template is not in the app (a CfnStack with a TemplateURL of its own).
  const external: Array<{ stack: Stack; logicalId: string; resource: unknown; path: string }> = [];
  const nestedStackResources = new Set(constructs.filter(NestedStack.isNestedStack).map(n => (n as NestedStack).nestedStackResource));
  const entry = (stack: Stack) => {
    let e = byStack.get(stack);
    if (!e) {
      e = { resources: {}, parameters: {}, outputs: {}, paths: {} };
      byStack.set(stack, e);
    }
    return e;
  };
  for (const construct of constructs) {
    if (Stack.isStack(construct)) entry(construct);
    if (!CfnElement.isCfnElement(construct)) continue;
    if (CfnResource.isCfnResource(construct) && isUnrelated(construct.cfnResourceType)) continue;
    const stack = construct.stack;
    const logicalId = stack.resolve(construct.logicalId) as string;
    const partial = CfnResource.isCfnResource(construct) ? renderPartially(stack, construct, logicalId) : undefined;
    const rendered = partial ?? renderElement(stack, construct, logicalId);
    const e = entry(stack);
    e.paths[logicalId] = construct.node.path;
    Object.assign(e.resources, rendered.Resources ?? {});
    Object.assign(e.parameters, rendered.Parameters ?? {});
    Object.assign(e.outputs, rendered.Outputs ?? {});
    if (CfnResource.isCfnResource(construct) && construct.cfnResourceType === 'AWS::CloudFormation::Stack' && !nestedStackResources.has(construct)) {
      external.push({ stack, logicalId, resource: rendered.Resources?.[logicalId], path: construct.node.path });
    }
  }
  const templates: StackTemplate[] = [];
  for (const [stack, e] of byStack) {
    const parent = NestedStack.isNestedStack(stack) && stack.nestedStackParent && stack.nestedStackResource
      ? { stackId: stack.nestedStackParent.node.path, logicalId: stack.nestedStackParent.resolve(stack.nestedStackResource.logicalId) as string }
      : undefined;
    templates.push({
      stackId: stack.node.path,
      stackName: stackNameOf(stack),
      ...(NestedStack.isNestedStack(stack) ? {} : { stackNameIsDeployed: true }),
      constructPath: stack.node.path,
      templatePath: templatePathIn(root, stack),
      template: { Resources: e.resources, Parameters: e.parameters, Outputs: e.outputs },
      constructPaths: e.paths,
      parent,
    });
  }
  for (const { stack, logicalId, resource, path } of external) {
    const parent = { stackId: stack.node.path, stackName: stackNameOf(stack), templatePath: templatePathIn(root, stack) };
    templates.push(unreadableNestedStack(parent, logicalId, resource, path));
  }
  return templates;
}

/**
 * A nested stack's name is only known at deploy time (its stackName is a token); name it as the readers of a
 * synthesized assembly do, by its top-level stack and its construct path below that stack (`Api/Database`).
 */
function stackNameOf(stack: Stack): string {
  let top = stack;
  while (top.nestedStackParent) top = top.nestedStackParent;
  return top === stack ? stack.stackName : `${top.stackName}/${stack.node.path.slice(top.node.path.length + 1)}`;
}

/**
 * Where synth writes the stack's template, relative to the root's cloud assembly (a Stage's stacks are in a
 * nested assembly below it), with `/` between parts.
 */
function templatePathIn(root: IConstruct, stack: Stack): string {
  const stage = Stage.of(stack);
  const base = Stage.isStage(root) && stage ? relative(root.outdir, stage.outdir) : '';
  return join(base, stack.templateFile).split(sep).join('/');
}

/**
 * Render only the properties the model reads, through the L1's typed fields. Undefined when that is not
 * safe: a generic CfnResource, or one with raw overrides (escape hatches), which only a whole render applies.
 */
function renderPartially(stack: Stack, cfn: CfnResource, logicalId: string): Record<string, Record<string, unknown>> | undefined {
  const paths = PARTIAL_PATHS.get(cfn.cfnResourceType);
  const overrides = (cfn as unknown as { rawOverrides?: object }).rawOverrides;
  if (!paths || cfn.constructor === CfnResource || overrides === undefined || Object.keys(overrides).length > 0) return undefined;
  const properties: Record<string, unknown> = {};
  try {
    for (const path of paths) {
      const value = readL1Property(cfn, path, token => stack.resolve(token));
      if (value === undefined) continue;
      let target = properties;
      for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
      target[path[path.length - 1]] = stack.resolve(value);
    }
  } catch {
    return undefined;
  }
  return { Resources: { [logicalId]: { Type: cfn.cfnResourceType, Properties: properties } } };
}


function renderElement(stack: Stack, element: CfnElement, logicalId: string): Record<string, Record<string, unknown>> {
  // `_toCloudFormation` is how a Stack renders each element into its template. It is marked internal, so a
  // CDK without it gets a template fragment that says so, which the model reports rather than passes.
  const render = (element as unknown as { _toCloudFormation?: () => unknown })._toCloudFormation;
  const unreadable = (why: string) => ({ Resources: { [logicalId]: { Type: UNREADABLE_TYPE, Properties: { Error: why } } } });
  if (typeof render !== 'function') return unreadable('this aws-cdk-lib cannot render an element on its own');
  try {
    return stack.resolve(render.call(element)) as Record<string, Record<string, unknown>>;
  } catch (e) {
    return unreadable((e as Error).message);
  }
}

/**
 * Construct paths by stack path and logical id, for templates synthesized without `aws:cdk:path` metadata.
 */
export function constructPathsByStack(root: IConstruct, constructs: IConstruct[] = root.node.findAll()): Map<string, Record<string, string>> {
  const byStack = new Map<string, Record<string, string>>();
  for (const construct of constructs) {
    if (!CfnElement.isCfnElement(construct)) continue;
    const stack = construct.stack;
    let paths = byStack.get(stack.node.path);
    if (!paths) {
      paths = {};
      byStack.set(stack.node.path, paths);
    }
    paths[stack.resolve(construct.logicalId) as string] = construct.node.path;
  }
  return byStack;
}
