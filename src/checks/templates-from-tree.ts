import { join, relative, sep } from 'path';
import { CfnElement, CfnResource, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Acknowledgement, analyse } from './engine';
import { Language } from './language';
import { SecurityGroupStrategyOptions } from './options';
import { unreadableNestedStack } from './templates-from-assembly';
import { readL1Property } from '../core/l1-fields';
import { SECURITY_GROUP_PROPERTIES } from '../model/attachment-properties';
import { DEFAULT_GROUP_FALLBACK } from '../model/aws-behaviours';
import { UNREADABLE_TYPE } from '../model/build-model';
import { SecurityGroupModel, StackTemplate } from '../model/types';
import { ReachabilityDeclarations } from '../reachability/declarations';

// Resource types that never carry a security group in a property the model reads (aws-cdk-lib's L1 typings say
// so: a test checks it). The Aspect does not render them at first, which is most of the cost of reading a large
// app. Where the model has something unresolved (a reference to one of them resolves to nothing), it writes an
// entry with only their type, in its place, so references to them resolve as they do in the synthesized
// template. They can still *name* a group (an IAM policy on its ARN, a state machine's definition), which is what
// keeps a group from being unused; `mayNeedSkippedResources` says when the model must see them, and the Aspect
// then renders them in place. Everything rendered is rendered exactly as synth renders it.
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
// Types in those namespaces whose properties do carry groups: an EventBridge rule's or schedule's ECS target, an
// API Gateway VPC link, a secret's hosted rotation function.
const CARRIERS_IN_UNRELATED_NAMESPACES = new Set([
  'AWS::Events::Rule', 'AWS::Scheduler::Schedule', 'AWS::ApiGatewayV2::VpcLink', 'AWS::SecretsManager::RotationSchedule',
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

/** Whether the first rendering skips resources of this type: they carry no group, though they may name one. */
export function skippedAtFirst(type: string): boolean {
  if (CARRIERS_IN_UNRELATED_NAMESPACES.has(type)) return false;
  return UNRELATED_TYPES.has(type) || UNRELATED_PREFIXES.some(p => type.startsWith(p));
}

/**
 * Whether a model built with the skipped resources as bare entries (their type, no properties), or without them
 * where nothing is unresolved, may differ from one built with them whole. A skipped resource carries no group,
 * and references to it resolve either way, so it can only *name* a group, which keeps that group from being
 * unused: a model where every group is attached, named or exported cannot change.
 */
export function mayNeedSkippedResources(model: SecurityGroupModel): boolean {
  for (const group of model.groups.values()) {
    if (group.ref && group.attachments.length === 0 && group.references.length === 0 && group.exports.length === 0) return true;
  }
  return false;
}

/**
 * The model and findings of the app below `root`, as the Aspect gets them at validation: from the resources the
 * model reads; where anything is unresolved, with entries for the skipped resources, so a reference to one
 * resolves as in the synthesized template (a model without anything unresolved has no reference to them: one
 * that resolves to nothing is always reported); and where a group looks unused, with the skipped resources
 * rendered, since they may name it.
 */
export function analyseTree(
  root: IConstruct, constructs: IConstruct[], options: SecurityGroupStrategyOptions, acknowledgements: Acknowledgement[], language?: Language,
  declarations?: ReachabilityDeclarations,
): ReturnType<typeof analyse> {
  const tree = renderTree(root, constructs, {});
  let result = analyse(tree.templates, options, acknowledgements, language, declarations);
  if (result.model.unresolved.length > 0 && tree.addSkippedEntries()) {
    result = analyse(tree.templates, options, acknowledgements, language, declarations);
  }
  if (!mayNeedSkippedResources(result.model)) return result;
  tree.renderSkipped();
  return analyse(tree.templates, options, acknowledgements, language, declarations);
}

/** How much of the tree to render. */
export interface TreeRendering {
  /**
   * Render resources of the types `skippedAtFirst` names too.
   *
   * @default false
   */
  readonly everything?: boolean;
  /**
   * Write an entry with only its type for each resource not rendered, in its place.
   *
   * @default false
   */
  readonly skippedEntries?: boolean;
}

/**
 * The templates of every stack below `root` (Stages and nested stacks included), as far as security groups
 * are concerned, rendered the way synth renders them so overrides and escape hatches are seen. Call it
 * after `prepare` (from a validation), when cross-stack references are already imports.
 */
export function templatesFromTree(root: IConstruct, constructs: IConstruct[] = root.node.findAll(), rendering: TreeRendering = {}): StackTemplate[] {
  const tree = renderTree(root, constructs, rendering);
  if (rendering.skippedEntries) tree.addSkippedEntries();
  return tree.templates;
}

/** Rendered templates, and ways to add the resources not rendered, in place: as entries with their type, or whole. */
interface RenderedTree {
  readonly templates: StackTemplate[];
  /** Whether there were any to add. */
  addSkippedEntries(): boolean;
  renderSkipped(): void;
}

function renderTree(root: IConstruct, constructs: IConstruct[], rendering: TreeRendering): RenderedTree {
  type Section = Record<string, unknown>;
  // `order`: the logical ids of the rendered resources and the skipped constructs, as a whole rendering orders them.
  type Sections = { resources: Section; parameters: Section; outputs: Section; paths: Record<string, string>; order: Array<string | CfnResource> };
  const byStack = new Map<Stack, Sections>();
  // AWS::CloudFormation::Stack resources whose template is not in the app (a CfnStack with a TemplateURL of its own).
  const external: Array<{ stack: Stack; logicalId: string; resource: unknown; path: string }> = [];
  // Resources not rendered, by stack, with their logical ids once they are needed (resolving one costs as much as
  // a small rendering).
  const notRendered: Array<{ stack: Stack; construct: CfnResource }> = [];
  const skippedIds = new Map<CfnResource, string>();
  // Built when the first AWS::CloudFormation::Stack is met: most apps have none.
  let nestedStackResources: Set<unknown> | undefined;
  const entry = (stack: Stack) => {
    let e = byStack.get(stack);
    if (!e) {
      e = { resources: {}, parameters: {}, outputs: {}, paths: {}, order: [] };
      byStack.set(stack, e);
    }
    return e;
  };
  // Each type's decision is made once: a large app has thousands of resources of a few dozen types.
  const skipType = new Map<string, boolean>();
  const skipped = (type: string) => {
    let skip = skipType.get(type);
    if (skip === undefined) skipType.set(type, skip = !rendering.everything && skippedAtFirst(type));
    return skip;
  };
  for (const construct of constructs) {
    if (!CfnElement.isCfnElement(construct)) {
      if (Stack.isStack(construct)) entry(construct);
      continue;
    }
    const resourceType = CfnResource.isCfnResource(construct) ? construct.cfnResourceType : undefined;
    const stack = construct.stack;
    if (resourceType !== undefined && skipped(resourceType)) {
      entry(stack).order.push(construct as CfnResource);
      notRendered.push({ stack, construct: construct as CfnResource });
      continue;
    }
    const logicalId = stack.resolve(construct.logicalId) as string;
    const e = entry(stack);
    e.paths[logicalId] = construct.node.path;
    const partial = resourceType !== undefined ? renderPartially(stack, construct as CfnResource, logicalId) : undefined;
    const rendered = partial ?? renderElement(stack, construct, logicalId);
    e.order.push(...Object.keys(rendered.Resources ?? {}));
    Object.assign(e.resources, rendered.Resources ?? {});
    Object.assign(e.parameters, rendered.Parameters ?? {});
    Object.assign(e.outputs, rendered.Outputs ?? {});
    if (resourceType === 'AWS::CloudFormation::Stack') {
      nestedStackResources ??= new Set(constructs.filter(NestedStack.isNestedStack).map(n => (n as NestedStack).nestedStackResource));
      if (!nestedStackResources.has(construct)) {
        external.push({ stack, logicalId, resource: rendered.Resources?.[logicalId], path: construct.node.path });
      }
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
  const addSkippedEntries = () => {
    if (notRendered.length === 0 || skippedIds.size > 0) return false;
    for (const { stack, construct } of notRendered) {
      const logicalId = stack.resolve(construct.logicalId) as string;
      skippedIds.set(construct, logicalId);
      byStack.get(stack)!.paths[logicalId] = construct.node.path;
    }
    // Each stack's resources again, in the order of a whole rendering: the model reads them in that order.
    for (const e of byStack.values()) {
      if (!e.order.some(slot => typeof slot !== 'string')) continue;
      const rendered = { ...e.resources };
      for (const key of Object.keys(e.resources)) delete e.resources[key];
      for (const slot of e.order) {
        if (typeof slot === 'string') e.resources[slot] = rendered[slot];
        else e.resources[skippedIds.get(slot)!] = { Type: slot.cfnResourceType };
      }
    }
    return true;
  };
  return {
    templates,
    addSkippedEntries,
    renderSkipped: () => {
      addSkippedEntries();
      // A skipped type is a CfnResource, whose rendering is its own resource and nothing else.
      for (const { stack, construct } of notRendered.splice(0)) {
        Object.assign(byStack.get(stack)!.resources, renderElement(stack, construct, skippedIds.get(construct)!).Resources ?? {});
      }
    },
  };
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
