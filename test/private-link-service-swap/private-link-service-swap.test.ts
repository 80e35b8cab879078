import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PrivateLinkServiceSwap, SecuredNetworkLoadBalancer } from '../../src';
import { SWAP_TAG_KEY } from '../../src/private-link-service-swap/types';
import { acknowledgementReasons, analyseApp, findingsOf, nagCheckedStack, testStack, validationViolations } from '../support/analyse-app';

const REJECT = 'Custom::SgStrategyPrivateLinkReject';
const ACCEPT = 'Custom::SgStrategyPrivateLinkAccept';
const CLIENT = 'vpce-0123456789abcdef0';

/** An NLB with a listener that forwards to an IP target, so the stack synthesizes. */
function nlb(stack: Stack, vpc: ec2.IVpc, id: string, secured = true): elbv2.NetworkLoadBalancer {
  const lb = secured
    ? new SecuredNetworkLoadBalancer(stack, id, { vpc, forPrivateLink: true })
    : new elbv2.NetworkLoadBalancer(stack, id, { vpc, disableSecurityGroups: true });
  lb.addListener('Tcp', { port: 443 }).addTargets('Ip', { port: 443, targets: [new targets.IpTarget('10.0.1.10')] });
  return lb;
}

/** The stack's resource graph: for each logical id, the logical ids it depends on (DependsOn, Ref, GetAtt, Sub). */
function dependencies(template: any): Map<string, Set<string>> {
  const ids = new Set(Object.keys(template.Resources));
  const graph = new Map<string, Set<string>>();
  const collect = (value: any, into: Set<string>): void => {
    if (Array.isArray(value)) { value.forEach((v) => collect(v, into)); return; }
    if (!value || typeof value !== 'object') return;
    if (typeof value.Ref === 'string' && ids.has(value.Ref)) into.add(value.Ref);
    if (Array.isArray(value['Fn::GetAtt']) && ids.has(value['Fn::GetAtt'][0])) into.add(value['Fn::GetAtt'][0]);
    if (value['Fn::Sub']) for (const m of JSON.stringify(value['Fn::Sub']).matchAll(/\$\{([A-Za-z0-9]+)/g)) if (ids.has(m[1])) into.add(m[1]);
    Object.values(value).forEach((v) => collect(v, into));
  };
  for (const [id, resource] of Object.entries<any>(template.Resources)) {
    const edges = new Set<string>([resource.DependsOn ?? []].flat());
    collect(resource.Properties, edges);
    graph.set(id, edges);
  }
  return graph;
}

function dependsOnTransitively(graph: Map<string, Set<string>>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    for (const next of graph.get(id) ?? []) {
      if (next === to) return true;
      if (!seen.has(next)) { seen.add(next); stack.push(next); }
    }
  }
  return false;
}

function only(template: Template, type: string): [string, any] {
  const found = Object.entries(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0];
}

function swapStack(props: { lbs?: 'legacy' | 'secured' | 'both'; clients?: string[] } = {}) {
  const { app, stack, vpc } = testStack();
  const legacy = nlb(stack, vpc, 'Legacy', false);
  const secured = nlb(stack, vpc, 'Secured');
  const loadBalancers = { legacy: [legacy], secured: [secured], both: [legacy, secured] }[props.lbs ?? 'secured'];
  const swap = new PrivateLinkServiceSwap(stack, 'Swap', {
    loadBalancers,
    clientEndpointIds: props.clients ?? [CLIENT],
    allowedPrincipals: [new iam.ArnPrincipal('arn:aws:iam::222222222222:root')],
  });
  return { app, stack, vpc, swap, template: Template.fromStack(stack) };
}

describe('PrivateLinkServiceSwap', () => {
  test('orders the steps reject → service → accept, with no dependency cycle', () => {
    const { stack, swap, template } = swapStack();
    const graph = dependencies(template.toJSON());
    const [reject] = only(template, REJECT);
    const [accept] = only(template, ACCEPT);
    const service = stack.getLogicalId(swap.cfnEndpointService);

    expect(template.toJSON().Resources[service].DependsOn).toContain(reject);
    // The accept step references the service (its ServiceId), which orders it after the service.
    expect(graph.get(accept)).toContain(service);
    // The reject step must not wait for the service in any way, or CloudFormation has a cycle.
    expect(dependsOnTransitively(graph, reject, service)).toBe(false);
    for (const id of graph.keys()) expect(dependsOnTransitively(graph, id, id)).toBe(false);
    // Template.fromStack has already checked for cycles as CloudFormation would; this states the one that matters.
  });

  test('the reject step finds the service by a tag that needs no reference to it', () => {
    const { stack, swap, template } = swapStack();
    const [, reject] = only(template, REJECT);
    const tag = { 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '/Stack/Swap']] };
    expect(reject.Properties).toEqual(expect.objectContaining({ Step: 'reject', ServiceTag: tag }));
    // The accept step carries the same tag, which its rollback checks before rejecting anyone.
    expect(only(template, ACCEPT)[1].Properties).toEqual(expect.objectContaining({ Step: 'accept', ServiceTag: tag }));
    template.hasResourceProperties('AWS::EC2::VPCEndpointService', { Tags: Match.arrayWith([{ Key: SWAP_TAG_KEY, Value: tag }]) });
    expect(stack.resolve(swap.serviceId)).toEqual({ Ref: stack.getLogicalId(swap.cfnEndpointService) });
  });

  test('steps carry no nonce: they re-run only when the set of load balancers (or, for accept, the allowlist) changes', () => {
    const propertiesOf = (props: Parameters<typeof swapStack>[0]) => {
      const { template } = swapStack(props);
      return { reject: only(template, REJECT)[1].Properties, accept: only(template, ACCEPT)[1].Properties };
    };
    const first = propertiesOf({ lbs: 'legacy' });
    expect(propertiesOf({ lbs: 'legacy' })).toEqual(first);
    const swapped = propertiesOf({ lbs: 'secured' });
    expect(swapped.reject).not.toEqual(first.reject);
    expect(swapped.accept).not.toEqual(first.accept);
    const newClient = propertiesOf({ lbs: 'legacy', clients: [CLIENT, 'vpce-0fedcba9876543210'] });
    // The reject step carries the allowlist too, for a rollback; with the same load balancers it rejects nobody.
    expect(newClient.reject.LoadBalancerArns).toEqual(first.reject.LoadBalancerArns);
    expect(newClient.reject.ClientEndpointIds).toEqual([CLIENT, 'vpce-0fedcba9876543210']);
    expect(newClient.accept.ClientEndpointIds).toEqual([CLIENT, 'vpce-0fedcba9876543210']);
  });

  test('exposes acceptance, principals and the allowlist, and passes them to the service', () => {
    const { swap, template } = swapStack();
    expect(swap.acceptanceRequired).toBe(true);
    expect(swap.allowedPrincipals.map((p) => p.arn)).toEqual(['arn:aws:iam::222222222222:root']);
    expect(swap.clientEndpointIds).toEqual([CLIENT]);
    template.hasResourceProperties('AWS::EC2::VPCEndpointService', { AcceptanceRequired: true });
    template.hasResourceProperties('AWS::EC2::VPCEndpointServicePermissions', { AllowedPrincipals: ['arn:aws:iam::222222222222:root'] });
    template.hasResourceProperties(ACCEPT, { Step: 'accept', ClientEndpointIds: [CLIENT] });
  });

  test('IAM: accept on the service ARN, reject (and accept on a rollback) only on the tagged service, describes on * only', () => {
    const { stack, swap, template } = swapStack();
    const service = stack.getLogicalId(swap.cfnEndpointService);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => [s.Action].flat().some((a: string) => a.includes('VpcEndpoint')));
    const byAction = (action: string) => statements.filter((s: any) => [s.Action].flat().includes(action));
    const tagCondition = { StringEquals: { [`aws:ResourceTag/${SWAP_TAG_KEY}`]: { 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '/Stack/Swap']] } } };
    const tagged = expect.objectContaining({
      Action: ['ec2:RejectVpcEndpointConnections', 'ec2:AcceptVpcEndpointConnections'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:eu-west-1:111111111111:vpc-endpoint-service/*']] },
      Condition: tagCondition,
    });
    expect(byAction('ec2:AcceptVpcEndpointConnections')).toHaveLength(2);
    expect(byAction('ec2:AcceptVpcEndpointConnections')).toEqual(expect.arrayContaining([tagged, expect.objectContaining({
      Action: 'ec2:AcceptVpcEndpointConnections',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:eu-west-1:111111111111:vpc-endpoint-service/', { Ref: service }]] },
    })]));
    // The accept step may reject on its own service only, and only while it carries the tag (its rollback).
    expect(byAction('ec2:RejectVpcEndpointConnections')).toHaveLength(2);
    expect(byAction('ec2:RejectVpcEndpointConnections')).toEqual(expect.arrayContaining([tagged, expect.objectContaining({
      Action: 'ec2:RejectVpcEndpointConnections',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:eu-west-1:111111111111:vpc-endpoint-service/', { Ref: service }]] },
      Condition: tagCondition,
    })]));
    for (const s of statements.filter((x: any) => x.Resource === '*')) {
      expect([s.Action].flat().every((a: string) => a.startsWith('ec2:Describe'))).toBe(true);
    }
  });

  test('two swaps in a stack share one handler, each with its own tag and accept policy', () => {
    const { stack, vpc } = testStack();
    const lb = nlb(stack, vpc, 'Nlb');
    new PrivateLinkServiceSwap(stack, 'A', { loadBalancers: [lb], clientEndpointIds: [CLIENT] });
    new PrivateLinkServiceSwap(stack, 'B', { loadBalancers: [lb], clientEndpointIds: [CLIENT] });
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('PrivateLinkServiceSwap') } }))).toHaveLength(1);
    expect(Object.keys(template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('AcceptPolicy') } }))).toHaveLength(2);
    Template.fromStack(stack); // and no cycle between them
  });

  test.each([
    [{ clientEndpointIds: ['vpce-svc-0123456789abcdef0'] }, /Stack\/Swap: clientEndpointIds holds "vpce-svc-0123456789abcdef0", which is not a VPC endpoint id/],
    [{ clientEndpointIds: ['endpoint-1'] }, /Stack\/Swap: clientEndpointIds holds "endpoint-1"/],
    [{ loadBalancers: [] }, /Stack\/Swap: loadBalancers is empty/],
  ])('bad input %p is an error naming the construct', (props, message) => {
    const { stack, vpc } = testStack();
    const lb = nlb(stack, vpc, 'Nlb');
    expect(() => new PrivateLinkServiceSwap(stack, 'Swap', { loadBalancers: [lb], ...props })).toThrow(message);
  });

  test('an empty allowlist is a warning saying everyone stays rejected', () => {
    const { stack, vpc } = testStack();
    const lb = nlb(stack, vpc, 'Nlb');
    new PrivateLinkServiceSwap(stack, 'Required', { loadBalancers: [lb] });
    new PrivateLinkServiceSwap(stack, 'Open', { loadBalancers: [lb], acceptanceRequired: false });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Stack/Required', Match.stringLikeRegexp('every endpoint will stay pending or rejected'));
    annotations.hasWarning('/Stack/Open', Match.stringLikeRegexp('rejected by a swap will stay rejected'));
  });

  test('our NLB rules pass on a secured PrivateLink NLB and fire on the legacy shapes', () => {
    const secured = swapStack({ lbs: 'secured' });
    const findings = analyseApp(secured.app);
    expect(findingsOf(findings, 'PrivateLinkNlbOpenIngress')).toEqual([]);
    expect(findingsOf(findings, 'NetworkLoadBalancerWithoutSecurityGroup').map((f) => f.constructPath)).toEqual(['Stack/Legacy/Resource']);

    // The other legacy shape: an NLB with a group that admits the world to let PrivateLink clients in.
    const { app, stack, vpc } = testStack();
    const open = new elbv2.NetworkLoadBalancer(stack, 'Open', { vpc, securityGroups: [new ec2.SecurityGroup(stack, 'OpenSg', { vpc })] });
    open.addListener('Tcp', { port: 443 }).addTargets('Ip', { port: 443, targets: [new targets.IpTarget('10.0.1.10')] });
    open.connections.allowFromAnyIpv4(ec2.Port.tcp(443));
    new PrivateLinkServiceSwap(stack, 'Swap', { loadBalancers: [open], clientEndpointIds: [CLIENT] });
    expect(findingsOf(analyseApp(app), 'PrivateLinkNlbOpenIngress').map((f) => f.constructPath)).toEqual(['Stack/Open/Resource']);
  });

  test("cdk-nag's AwsSolutions pack and our plugin find nothing in the swap or the secured NLB, with acknowledgements justified", () => {
    const { app, stack, outdir } = nagCheckedStack('swap-nag-');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true });
    const lb = nlb(stack, vpc, 'Nlb');
    new PrivateLinkServiceSwap(stack, 'Swap', { loadBalancers: [lb], clientEndpointIds: [CLIENT] });
    expect(() => app.synth()).toThrow();
    const violations = validationViolations(outdir);
    // Only the user's choices are flagged (no flow log on the VPC, no access logs on the NLB); nothing of ours.
    expect(violations.map((v) => v.rule).sort()).toEqual(['AwsSolutions-ELB2', 'AwsSolutions-VPC7']);
    expect(violations.flatMap((v) => v.paths).filter((p) => p.startsWith('Stack/Swap') || p.includes('SgStrategyPrivateLinkSwap'))).toEqual([]);
    const acknowledged = acknowledgementReasons(stack);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const reason of acknowledged) expect(reason.length).toBeGreaterThan(40);
  });
});
