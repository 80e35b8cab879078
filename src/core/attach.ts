import { CfnResource, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { validationError } from './errors';
import { readL1Property } from './l1-fields';
import { securityGroupPropertyOf } from '../model/attachment-properties';

// Groups this library attached to a resource, kept on the resource itself so that several pairs (or a
// server and a client role on one resource) share one property override instead of overwriting each other.
const ATTACHED = Symbol.for('cdk-sg-strategy.attachedSecurityGroups');

interface AttachmentState {
  readonly groups: ec2.ISecurityGroup[];
  /** Groups the resource made for itself that were taken off it; they are no longer in the construct tree. */
  readonly dropped: ec2.ISecurityGroup[];
}

/** How a group is put on a resource. */
export interface AttachOptions {
  /** Take the security group that the resource created for itself (because none was given) off it, and out of the app. */
  readonly dropAutomaticGroup?: boolean;
}

/**
 * Put `group` on the network interfaces of `resource`, an L2 construct that is IConnectable.
 *
 * Many L2s (RDS instances and clusters, Lambda functions, ECS services, VPC endpoints) render their group list
 * once, at construction, so `connections.addSecurityGroup` afterwards never reaches the template. Worse,
 * `Connections` replays every rule ever given to the resource onto a group added to it, which would widen the
 * group we hand over. So where the resource type is known we override its CloudFormation property with the
 * resource's own groups plus ours, and leave `connections` alone.
 */
export function attachToConnectable(
  resource: ec2.IConnectable, group: ec2.ISecurityGroup, errorScope: IConstruct, options: AttachOptions = {},
): void {
  const cfn = defaultCfnChild(resource);
  const property = cfn ? securityGroupPropertyOf(cfn.cfnResourceType) : undefined;
  if (!cfn || !property) {
    const automatic = options.dropAutomaticGroup ? automaticGroups(resource) : [];
    if (automatic.length > 0) {
      throw validationError(errorScope, `cannot take ${automatic.map(g => g.node.path).join(', ')} off ${(resource as Partial<IConstruct>).node?.path ?? 'the resource'}: this library does not write that resource's group list. Give it the pair's group when you create it (securityGroup or securityGroups).`);
    }
    // An unknown IConnectable (an Auto Scaling group, a user's own construct): CDK renders their lists lazily.
    resource.connections.addSecurityGroup(group);
    return;
  }
  const state = attachToCfn(cfn, property.path, group, () => resource.connections.securityGroups
    .filter(sg => !state.dropped.includes(sg))
    .map(sg => sg.securityGroupId), errorScope);
  if (options.dropAutomaticGroup) {
    for (const automatic of automaticGroups(resource).filter(g => !state.dropped.includes(g))) {
      dropGroup(resource as ec2.IConnectable & IConstruct, automatic);
      state.dropped.push(automatic);
    }
  }
}

/** The groups an L2 made for itself because it was given none: RDS, Lambda, ECS services and EC2 instances do. */
function automaticGroups(resource: ec2.IConnectable): Array<ec2.SecurityGroup> {
  const owner = (resource as Partial<IConstruct>).node;
  return resource.connections.securityGroups
    .filter((sg): sg is ec2.SecurityGroup => sg instanceof ec2.SecurityGroup && owner !== undefined && sg.node.scope?.node === owner);
}

/**
 * Remove the group from the app. The resource's `connections` still holds it, so a rule given through them
 * later would land on a group that is not deployed; synth fails then, naming the resource, instead of
 * deploying a rule that reaches nothing (or a reference to a group that does not exist).
 */
function dropGroup(resource: ec2.IConnectable & IConstruct, group: ec2.SecurityGroup) {
  const cfn = group.node.defaultChild as ec2.CfnSecurityGroup;
  const stack = Stack.of(group);
  const rules = () => JSON.stringify([stack.resolve(cfn.securityGroupIngress), stack.resolve(cfn.securityGroupEgress), group.node.children.length]);
  const before = rules();
  resource.node.tryRemoveChild(group.node.id);
  resource.node.addValidation({
    validate: () => (rules() === before ? [] : [
      `rules were given to ${group.node.path} after it was taken off ${resource.node.path} (dropAutomaticSecurityGroup), so they would reach nothing. `
      + 'Give them to the pair\'s groups instead, or keep the automatic group.',
    ]),
  });
}

/**
 * Put `group` on an L1 resource whose type has a known security-group property (ElastiCache, MemoryDB, ...).
 */
export function attachToCfnResource(cfn: CfnResource, group: ec2.ISecurityGroup, errorScope: IConstruct): void {
  const property = securityGroupPropertyOf(cfn.cfnResourceType);
  if (!property) {
    throw validationError(errorScope, `cannot attach a security group to ${cfn.node.path}: ${cfn.cfnResourceType} has no security-group property this library knows. Pass the group when you create the resource.`);
  }
  const own = () => {
    // A typed L1 keeps its properties in typed fields; a plain CfnResource only in the bag it was given.
    const current = readL1Property(isTypedL1(cfn) ? cfn : untypedProperties(cfn), property.path);
    if (current === undefined) return [];
    if (!Array.isArray(current) || Token.isUnresolved(current)) {
      throw validationError(errorScope, `cannot add to the security groups of ${cfn.node.path}: its ${property.path.join('.')} is not a plain list.`);
    }
    return current as string[];
  };
  attachToCfn(cfn, property.path, group, own, errorScope);
}

function attachToCfn(cfn: CfnResource, path: string[], group: ec2.ISecurityGroup, own: () => string[], errorScope: IConstruct): AttachmentState {
  // A nested path needs its parent object (a Lambda function's VpcConfig); a token may hold it, so only a
  // parent that is plainly absent is an error.
  if (path.length > 1 && isTypedL1(cfn) && readL1Property(cfn, path.slice(0, -1)) === undefined) {
    throw validationError(errorScope, `${cfn.node.path} has no ${path.slice(0, -1).join('.')}, so it has no network interfaces to attach a security group to (is it in a VPC?).`);
  }
  const holder = cfn as unknown as { [ATTACHED]?: AttachmentState };
  if (!holder[ATTACHED]) {
    const state: AttachmentState = { groups: [], dropped: [] };
    holder[ATTACHED] = state;
    cfn.addPropertyOverride(path.join('.'), Lazy.list({
      produce: () => unique([...own(), ...state.groups.map(g => g.securityGroupId)]),
    }));
  }
  const state = holder[ATTACHED]!;
  if (!state.groups.includes(group)) {
    state.groups.push(group);
  }
  return state;
}

function defaultCfnChild(resource: ec2.IConnectable): CfnResource | undefined {
  const node = (resource as Partial<IConstruct>).node;
  const child = node?.defaultChild;
  return child && CfnResource.isCfnResource(child) ? child : undefined;
}

function isTypedL1(cfn: CfnResource): boolean {
  return cfn.constructor !== CfnResource;
}

/** The properties a plain CfnResource was given (protected in CfnResource, where it has long been kept). */
function untypedProperties(cfn: CfnResource): object {
  return (cfn as unknown as { _cfnProperties?: object })._cfnProperties ?? {};
}


function unique(ids: string[]): string[] {
  return ids.filter((id, i) => ids.indexOf(id) === i);
}
