/**
 * A stateful fake of what moto server does not do when a group or an interface is deleted: refuse. Moto
 * deletes a group that interfaces carry or other groups' rules name, and an interface that is attached. AWS
 * refuses, with these error names:
 * - DeleteSecurityGroup of a group carried by any interface, or named by another group's rule:
 *   `DependencyViolation` ("resource sg-... has a dependent object"); of a VPC's default group: `CannotDelete`;
 *   of a group that is not there: `InvalidGroup.NotFound`. (`InvalidGroup.InUse` is EC2-Classic's name for
 *   the first; the fake can be told to answer with it.)
 * - DeleteNetworkInterface of an interface in use: `InvalidParameterValue` with "Network interface '...' is
 *   currently in use." (what AWS answers, as cloud-nuke#1132 and amazon-vpc-cni-k8s#1399 record; EC2's error
 *   list also names `InvalidNetworkInterface.InUse`, which the fake can be told to answer with); of one that is
 *   not there: `InvalidNetworkInterfaceID.NotFound`.
 * - AuthorizeSecurityGroupIngress/Egress naming a managed prefix list that is not there:
 *   `InvalidPrefixListID.NotFound` (moto accepts any id).
 * - throttling: `RequestLimitExceeded`.
 *
 * It also answers DescribeSecurityGroupReferences, which moto lacks: the VPCs across a peering or transit
 * gateway whose rules name a group (another account's, so not in moto), as the test declares them; a group that
 * is not there is `InvalidGroup.NotFound`.
 *
 * The state is moto's: the fake asks moto, through the real client, what carries and names a group, just
 * before it lets the delete through. It also marks interfaces requester-managed (moto makes every interface
 * the account's own), and can run a step just before a delete, for races.
 */
import {
  AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, DeleteNetworkInterfaceCommand, DeleteSecurityGroupCommand,
  DescribeManagedPrefixListsCommand, DescribeNetworkInterfacesCommand, DescribeSecurityGroupReferencesCommand, DescribeSecurityGroupsCommand,
  EC2Client, NetworkInterface, SecurityGroupReference,
} from '@aws-sdk/client-ec2';
import { awsError } from './aws-errors';

type Send = (command: unknown) => Promise<any>;

export class FakeEc2DeleteRefusals {
  /** Every delete the fake answered, in order: "DeleteSecurityGroup sg-..." or "DeleteNetworkInterface eni-...". */
  readonly deletes: string[] = [];
  /** Every group DescribeSecurityGroupReferences was asked about, in order. */
  readonly referenceQueries: string[] = [];
  private readonly managed = new Map<string, Partial<NetworkInterface>>();
  private readonly references: SecurityGroupReference[] = [];
  private referencesError?: string;
  private readonly before: Array<{ matches: (command: any) => boolean; step: () => Promise<void> | void }> = [];
  private throttles = 0;
  private groupInUseError = 'DependencyViolation';
  private interfaceInUseError = 'InvalidParameterValue';

  constructor(private readonly real: Send) {}

  /** Describes the interface as AWS describes one a service manages: RequesterManaged, and the service's requester id and type. */
  manage(interfaceId: string, fields: Partial<NetworkInterface> = {}): this {
    this.managed.set(interfaceId, { RequesterManaged: true, RequesterId: 'AROAEXAMPLESERVICE', ...fields });
    return this;
  }

  /** A rule in a group of `referencingVpcId` (another account's, across `connection`) names `groupId`. */
  referenceAcross(groupId: string, referencingVpcId: string, connection: string): this {
    this.references.push({ GroupId: groupId, ReferencingVpcId: referencingVpcId, ...(connection.startsWith('tgw-') ? { TransitGatewayId: connection } : { VpcPeeringConnectionId: connection }) });
    return this;
  }

  /** DescribeSecurityGroupReferences fails with this error name (say, UnauthorizedOperation). */
  refuseReferences(errorName: string): this {
    this.referencesError = errorName;
    return this;
  }

  /** The next `times` deletes fail with RequestLimitExceeded. */
  throttle(times: number): this {
    this.throttles = times;
    return this;
  }

  /** Runs `step` just before the next delete reaches AWS's checks: what a concurrent user does in that window. A step that throws fails the delete. */
  beforeNextDelete(step: () => Promise<void> | void): this {
    return this.beforeNext(c => c instanceof DeleteSecurityGroupCommand || c instanceof DeleteNetworkInterfaceCommand, step);
  }

  /** Runs `step` just before the next call that `matches` (a describe, say) reaches moto. */
  beforeNext(matches: (command: any) => boolean, step: () => Promise<void> | void): this {
    this.before.push({ matches, step });
    return this;
  }

  /** Answer a group in use with EC2-Classic's InvalidGroup.InUse, or an interface in use with InvalidNetworkInterface.InUse. */
  answerInUseWith(group: 'DependencyViolation' | 'InvalidGroup.InUse', eni: 'InvalidParameterValue' | 'InvalidNetworkInterface.InUse' = 'InvalidParameterValue'): this {
    this.groupInUseError = group;
    this.interfaceInUseError = eni;
    return this;
  }

  handles(command: unknown): boolean {
    return command instanceof DeleteSecurityGroupCommand || command instanceof DeleteNetworkInterfaceCommand
      || command instanceof DescribeNetworkInterfacesCommand || command instanceof DescribeSecurityGroupsCommand
      || command instanceof AuthorizeSecurityGroupIngressCommand || command instanceof AuthorizeSecurityGroupEgressCommand
      || command instanceof DescribeSecurityGroupReferencesCommand;
  }

  async send(command: unknown): Promise<any> {
    const hook = this.before.findIndex(b => b.matches(command));
    if (hook >= 0) await this.before.splice(hook, 1)[0].step();
    if (command instanceof DescribeSecurityGroupsCommand) return this.real(command);
    if (command instanceof DescribeSecurityGroupReferencesCommand) {
      const ids = command.input.GroupId ?? [];
      this.referenceQueries.push(...ids);
      if (this.referencesError) throw awsError(this.referencesError, 'You are not authorized to perform this operation.');
      const described = await this.real(new DescribeSecurityGroupsCommand({ GroupIds: ids })).catch(() => undefined);
      if ((described?.SecurityGroups ?? []).length !== ids.length) throw awsError('InvalidGroup.NotFound', `The security group '${ids.join(',')}' does not exist`);
      return { SecurityGroupReferenceSet: this.references.filter(r => ids.includes(r.GroupId!)) };
    }
    if (command instanceof AuthorizeSecurityGroupIngressCommand || command instanceof AuthorizeSecurityGroupEgressCommand) {
      const named = (command.input.IpPermissions ?? []).flatMap(p => (p.PrefixListIds ?? []).map(l => l.PrefixListId!));
      if (named.length > 0) {
        const lists = await this.real(new DescribeManagedPrefixListsCommand({}));
        const missing = named.find(id => !(lists.PrefixLists ?? []).some((l: any) => l.PrefixListId === id && l.State !== 'delete-complete'));
        if (missing) throw awsError('InvalidPrefixListID.NotFound', `The prefix list ID '${missing}' does not exist`);
      }
      return this.real(command);
    }
    if (command instanceof DescribeNetworkInterfacesCommand) {
      const result = await this.real(command);
      for (const eni of result.NetworkInterfaces ?? []) Object.assign(eni, this.managed.get(eni.NetworkInterfaceId) ?? {});
      return result;
    }
    const what = command instanceof DeleteSecurityGroupCommand ? `DeleteSecurityGroup ${command.input.GroupId}` : `DeleteNetworkInterface ${(command as DeleteNetworkInterfaceCommand).input.NetworkInterfaceId}`;
    this.deletes.push(what);
    if (this.throttles > 0) {
      this.throttles--;
      throw awsError('RequestLimitExceeded', 'Request limit exceeded.');
    }
    if (command instanceof DeleteSecurityGroupCommand) await this.refuseGroup(command.input.GroupId!);
    else await this.refuseInterface((command as DeleteNetworkInterfaceCommand).input.NetworkInterfaceId!);
    return this.real(command);
  }

  private async refuseGroup(groupId: string): Promise<void> {
    const described = await this.real(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })).catch(() => undefined);
    const group = described?.SecurityGroups?.[0];
    if (!group) throw awsError('InvalidGroup.NotFound', `The security group '${groupId}' does not exist`);
    if (group.GroupName === 'default') throw awsError('CannotDelete', `the specified group: "${groupId}" name: "default" cannot be deleted by a user`);
    const carriers = await this.real(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
    let dependent = (carriers.NetworkInterfaces ?? []).length > 0;
    for (const filter of ['ip-permission.group-id', 'egress.ip-permission.group-id']) {
      const naming = await this.real(new DescribeSecurityGroupsCommand({ Filters: [{ Name: filter, Values: [groupId] }] }));
      dependent ||= (naming.SecurityGroups ?? []).some((g: any) => g.GroupId !== groupId);
    }
    if (dependent) {
      throw this.groupInUseError === 'DependencyViolation'
        ? awsError('DependencyViolation', `resource ${groupId} has a dependent object`)
        : awsError('InvalidGroup.InUse', `Group ${groupId} is used by another group or an instance`);
    }
  }

  private async refuseInterface(interfaceId: string): Promise<void> {
    const described = await this.real(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [interfaceId] })).catch(() => undefined);
    const eni = described?.NetworkInterfaces?.[0];
    if (!eni) throw awsError('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${interfaceId}' does not exist`);
    if (eni.Status !== 'available' || eni.Attachment) {
      throw this.interfaceInUseError === 'InvalidParameterValue'
        ? awsError('InvalidParameterValue', `Network interface '${interfaceId}' is currently in use.`)
        : awsError('InvalidNetworkInterface.InUse', `Interface: [${interfaceId}] in use.`);
    }
  }
}

/** An EC2 client whose deletes (and interface describes) go through the fake, and everything else to `client` (moto). */
export function routeDeleteRefusals(client: EC2Client): { client: EC2Client; fake: FakeEc2DeleteRefusals } {
  const real = client.send.bind(client) as Send;
  const fake = new FakeEc2DeleteRefusals(real);
  (client as { send: unknown }).send = (command: unknown) => (fake.handles(command) ? fake.send(command) : real(command));
  return { client, fake };
}
