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

export const RULE_IDS = [...RULES.map(r => r.id), ACKNOWLEDGEMENT_WITHOUT_REASON.id];
