import { allPortsFromPeer } from './all-ports-from-peer';
import { crossStackSecurityGroupReference } from './cross-stack-security-group-reference';
import { defaultSecurityGroupOpen } from './default-security-group-open';
import { defaultSecurityGroupUsed } from './default-security-group-used';
import { duplicateSecurityGroup } from './duplicate-security-group';
import { egressRevokesDefaultOfExternalGroup } from './egress-revokes-default-of-external-group';
import { groupNameConvention } from './group-name-convention';
import { hardcodedGroupName } from './hardcoded-group-name';
import { invalidSecurityGroupRule } from './invalid-security-group-rule';
import { lambdaEniDeletionDelay } from './lambda-eni-deletion-delay';
import { networkLoadBalancerWithoutSecurityGroup } from './network-load-balancer-without-security-group';
import { privateLinkNlbOpenIngress } from './private-link-nlb-open-ingress';
import { RuleDefinition } from './rule';
import { selfReferencingAllPorts } from './self-referencing-all-ports';
import { tooManyRules } from './too-many-rules';
import { tooManySecurityGroupsPerInterface } from './too-many-security-groups-per-interface';
import { unattachedSecurityGroup } from './unattached-security-group';
import { unresolvedReference } from './unresolved-reference';
import { unresolvedRulePeer } from './unresolved-rule-peer';
import { unrestrictedEgress } from './unrestricted-egress';
import { wideCidrIngress } from './wide-cidr-ingress';
import { worldOpenAdminPort } from './world-open-admin-port';
import { worldOpenDataPort } from './world-open-data-port';
import { worldOpenIngress } from './world-open-ingress';

/** The rule catalog, in the order RULES.md lists it. */
export const RULES: RuleDefinition[] = [
  invalidSecurityGroupRule,
  worldOpenAdminPort,
  worldOpenDataPort,
  worldOpenIngress,
  unrestrictedEgress,
  egressRevokesDefaultOfExternalGroup,
  wideCidrIngress,
  allPortsFromPeer,
  selfReferencingAllPorts,
  defaultSecurityGroupUsed,
  defaultSecurityGroupOpen,
  networkLoadBalancerWithoutSecurityGroup,
  privateLinkNlbOpenIngress,
  tooManySecurityGroupsPerInterface,
  tooManyRules,
  unattachedSecurityGroup,
  duplicateSecurityGroup,
  crossStackSecurityGroupReference,
  lambdaEniDeletionDelay,
  hardcodedGroupName,
  unresolvedRulePeer,
  unresolvedReference,
  groupNameConvention,
];

/** Reported by the deliveries, not by a rule over the model. */
export const ACKNOWLEDGEMENT_WITHOUT_REASON: Omit<RuleDefinition, 'check'> = {
  id: 'AcknowledgementWithoutReason',
  defaultLevel: 'error',
  title: 'An acknowledgement of an sg-strategy rule without a reason',
  rationale: 'An acknowledgement is an audit record: it must say why the finding is accepted. One without a reason is refused and the finding stays.',
  fix: "Say why the finding is accepted: `FindingAcknowledgements.acknowledge(scope, 'WorldOpenIngress', 'public API behind CloudFront')`.",
  example: "Validations.of(sg).acknowledge({ id: 'sg-strategy::WorldOpenIngress', reason: '' }); // refused",
};

/** Reported when the security groups break a reachability policy the app (or a policy file) declares. */
export const REACHABILITY_VIOLATION: Omit<RuleDefinition, 'check'> = {
  id: 'ReachabilityViolation',
  defaultLevel: 'error',
  title: 'The security groups break a reachability policy: something reaches what it must not, or cannot reach what it must',
  rationale: 'A ReachabilityPolicy states who may reach whom (only from, never, not from the internet, must reach). The engine computes what '
    + 'the groups let through, both sides of every connection, and gives the path that breaks the policy in words: each resource, the groups '
    + 'it carries, and each rule with its stack and logical id. A "must reach" that fails says which side is missing and the smallest rule '
    + 'that fixes it. A violation that depends on something the app does not settle (an unresolved peer, a group defined outside the app, '
    + 'an address rule between two VPCs, an unsettled AWS behaviour) is a warning that says so. Security groups only: routes, network ACLs '
    + 'and public addresses are out of scope.',
  fix: 'Remove or narrow the rule the witness names (prefer a group reference to an address range), add the missing side for a "must reach", '
    + 'or change the policy if the access is intended.',
  example: [
    "const policy = new ReachabilityPolicy(this, 'Reachability');",
    "policy.onlyFrom(ReachabilityEndpoint.of(database), [ReachabilityEndpoint.tier('api')], { ports: [ec2.Port.tcp(5432)] });",
    'database.connections.allowDefaultPortFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock)); // flagged: the whole VPC reaches it',
    'database.connections.allowDefaultPortFrom(api); // compliant',
  ].join('\n'),
};

/** Rules the deliveries report, beside the catalog's rules over the model. */
export const DELIVERED_RULES = [ACKNOWLEDGEMENT_WITHOUT_REASON, REACHABILITY_VIOLATION];

export const RULE_IDS = [...RULES.map(r => r.id), ...DELIVERED_RULES.map(r => r.id)];
