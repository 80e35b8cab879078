import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AspectPriority, Aspects, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fc from 'fast-check';
import { ReachabilityEndpoint, ReachabilityPolicy, SecurityGroupStrategyChecks, Tier } from '../../src';
import { analyse } from '../../src/checks/engine';
import { buildModel } from '../../src/model/build-model';
import { collectDeclarations } from '../../src/reachability/collect';
import { REACHABILITY_POLICY_METADATA, TIER_METADATA, TierMark, declarationsAt } from '../../src/reachability/declarations';
import { EffectiveAccess } from '../../src/reachability/effective-access';
import { EndpointResolver } from '../../src/reachability/endpoints';
import { reachabilityReport } from '../../src/reachability/report';
import { ENV, postgres, synthTemplates, testApp, vpcFunction } from '../support/analyse-app';

// What the synth-time shortcuts of reachability must not change: a resource's tier, the tags read from the
// construct tree, and the effective access the policies and the reports share.

/** A resource's tier as the nearest mark gives it, one mark at a time: the rule the resolver's lookups keep. */
function nearestMark(marks: readonly TierMark[], at: string | undefined, stackId: string, logicalId: string): string | undefined {
  let best: TierMark | undefined;
  for (const mark of marks) {
    if (mark.stackId !== undefined) {
      if (mark.stackId === stackId && mark.logicalId === logicalId) return mark.tier;
      continue;
    }
    if (at === undefined || mark.path === undefined) continue;
    if ((at === mark.path || at.startsWith(`${mark.path}/`) || mark.path === '') && (!best || mark.path.length >= best.path!.length)) best = mark;
  }
  return best?.tier;
}

const TAG = Tier.TAG_KEY;
// Few names, so that paths nest, repeat and share prefixes that are not scopes ("a" and "ab").
const segment = fc.constantFrom('a', 'ab', 'Resource', 'S');
const pathArb = fc.array(segment, { maxLength: 3 }).map(parts => parts.join('/'));
const tierArb = fc.constantFrom('web', 'api', 'data');
const stackMark = fc.record({ tier: tierArb, stackId: fc.constantFrom('S', 'T'), logicalId: fc.constantFrom('R0', 'R1', 'R2') });

describe('a resource\'s tier', () => {
  test('the resolver\'s lookups give the nearest mark, as a pass over every mark does: declared, tree tags, template tags', () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(fc.record({ tier: tierArb, path: pathArb }), stackMark), { maxLength: 6 }),
      fc.array(fc.tuple(pathArb, tierArb), { maxLength: 4 }),
      fc.array(fc.record({ tier: tierArb, path: fc.option(pathArb, { nil: undefined }) }), { maxLength: 3 }),
      fc.array(fc.tuple(fc.option(pathArb, { nil: undefined }), fc.constantFrom('S', 'T'), fc.constantFrom('R0', 'R1', 'R2')), { minLength: 1, maxLength: 8 }),
      (declared, treeTags, templateTags, asked) => {
        // Template tags: resources R0.. of stack S, tagged, with a construct path where one is given.
        const resources: Record<string, unknown> = {};
        templateTags.forEach((t, i) => {
          resources[`R${i}`] = { Type: 'AWS::SQS::Queue', Properties: { Tags: [{ Key: TAG, Value: t.tier }] }, ...(t.path !== undefined ? { Metadata: { 'aws:cdk:path': t.path } } : {}) };
        });
        const model = buildModel([{ stackId: 'S', stackName: 'S', template: { Resources: resources } }]);
        const tree = new Map<string, string>();
        for (const [p, tier] of treeTags) tree.set(p, tier);
        const treeMarks: TierMark[] = [...tree].map(([p, tier]) => ({ tier, path: p }));
        const resolver = new EndpointResolver(new EffectiveAccess(model), {
          statements: [],
          tiers: declared,
          tierTags: { at: p => tree.get(p), all: () => treeMarks },
        });
        const templateMarks: TierMark[] = templateTags.map((t, i) => (t.path !== undefined ? { tier: t.tier, path: t.path } : { tier: t.tier, stackId: 'S', logicalId: `R${i}` }));
        const all = [...declared, ...treeMarks, ...templateMarks];
        for (const [p, stackId, logicalId] of asked) {
          expect(resolver.tierOf(p, stackId, logicalId)).toBe(nearestMark(all, p, stackId, logicalId));
        }
      },
    ), { numRuns: 400, seed: 18 });
  });

  test('the Aspect reads a tier tag from the construct tree, where it renders a function without its tags', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-reach-tags-'));
    const app = testApp({ outdir: dir });
    const stack = new Stack(app, 'Orders', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true });
    const db = postgres(stack, vpc);
    const batch = vpcFunction(stack, 'Batch', vpc);
    db.connections.allowDefaultPortFrom(batch);
    // The function's resource only: its group would otherwise carry the tag too, and be rendered with it.
    Tags.of(batch.node.defaultChild!).add(TAG, 'batch');
    Tier.assign(stack, 'orders');
    new ReachabilityPolicy(stack, 'Reachability').never(ReachabilityEndpoint.tier('batch'), ReachabilityEndpoint.of(db));
    Aspects.of(app).add(new SecurityGroupStrategyChecks(), { priority: AspectPriority.READONLY });
    app.synth();
    Annotations.fromStack(stack).hasError('/Orders/Db/Resource', Match.stringLikeRegexp('tier batch must never reach Orders/Db.*`Orders/Batch` \\(carries `Orders/Batch/SecurityGroup`\\) reaches `Orders/Db`'));
  });
});

describe('one effective access per model', () => {
  test('the policies and the report share it, and what the policies suppose does not reach the report', () => {
    const app = testApp();
    const stack = new Stack(app, 'Orders', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true });
    const db = postgres(stack, vpc);
    const api = vpcFunction(stack, 'Api', vpc);
    db.connections.allowDefaultPortFrom(api);
    // A group the database admits that nothing in the app carries: the policy's evaluation supposes a member of it.
    const rotation = new ec2.SecurityGroup(stack, 'RotationSg', { vpc });
    db.connections.allowDefaultPortFrom(rotation);
    const templates = synthTemplates(app);
    const fresh = reachabilityReport(new EffectiveAccess(buildModel(templates)), [], '0');
    const { model, findings } = analyse(templates, {}, [], undefined, {
      statements: [{ kind: 'onlyFrom', target: { kind: 'construct', path: 'Orders/Db' }, sources: [{ kind: 'construct', path: 'Orders/Api' }], declaredAt: 'Orders/Reachability' }],
      tiers: [],
    });
    expect(findings.filter(f => f.ruleId === 'ReachabilityViolation').map(f => f.message)).toEqual([expect.stringContaining('nothing in the app carries `Orders/RotationSg`')]);
    const shared = EffectiveAccess.of(model);
    expect(EffectiveAccess.of(model)).toBe(shared);
    expect(shared.kinds.some(k => k.members.length === 0)).toBe(true);
    expect(reachabilityReport(shared, [], '0')).toEqual(fresh);
  });
});

describe('declarations found without reading every construct\'s metadata', () => {
  /** What a look through every construct's metadata finds, in the tree's order: what the record must give. */
  const scanned = (app: App) => app.node.findAll().map(c => declarationsAt(c.node.path, c.node.metadata))
    .reduce((all, d) => ({
      statements: [...all.statements, ...d.statements], tiers: [...all.tiers, ...d.tiers], problems: [...all.problems, ...d.problems],
    }));

  test('declared out of the tree\'s order, they come back in it, as the look through every construct gives them', () => {
    const app = testApp();
    const stacks = ['B', 'A', 'C'].map(id => new Stack(app, id, { env: ENV }));
    // Declared in another order than the tree's: C's policy first, then tiers of C, A, B, then B's policy.
    const group = (s: Stack) => new ec2.SecurityGroup(s, 'Sg', { vpc: ec2.Vpc.fromVpcAttributes(s, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['a'] }) });
    const groups = stacks.map(group);
    new ReachabilityPolicy(stacks[2], 'Policy').notFromInternet(ReachabilityEndpoint.of(groups[2]));
    for (const i of [2, 1, 0]) Tier.assign(stacks[i], `t${i}`);
    Tier.assign(groups[1], 'inner');
    const policyB = new ReachabilityPolicy(stacks[0], 'Policy');
    policyB.never(ReachabilityEndpoint.tier('t0'), ReachabilityEndpoint.tier('t2'));
    policyB.notFromInternet(ReachabilityEndpoint.tier('t1'));
    const found = collectDeclarations(app);
    const expected = scanned(app);
    expect(found.statements).toEqual(expected.statements);
    expect(found.tiers).toEqual(expected.tiers);
    expect(found.tiers.map(t => t.path)).toEqual(['B', 'A', 'A/Sg', 'C']);
    expect(found.statements.map(s => s.declaredAt)).toEqual(['B/Policy', 'B/Policy', 'C/Policy']);
    // Below a scope: only what is declared there.
    expect(collectDeclarations(stacks[1]).tiers.map(t => t.tier)).toEqual(['t1', 'inner']);
  });

  test('metadata written by a version of the library that records nothing is still read', () => {
    const app = testApp();
    const stack = new Stack(app, 'S', { env: ENV });
    stack.node.addMetadata(TIER_METADATA, { tier: 'old' });
    new Stack(app, 'T', { env: ENV }).node.addMetadata(REACHABILITY_POLICY_METADATA, { kind: 'notFromInternet', target: { kind: 'tier', name: 'old' }, sources: [] });
    const found = collectDeclarations(app);
    expect(found.tiers).toEqual([{ tier: 'old', path: 'S' }]);
    expect(found.statements.map(s => [s.kind, s.declaredAt])).toEqual([['notFromInternet', 'T']]);
    expect(found.tierTags).toBeDefined();
  });
});

describe('members looked up by path and by tier', () => {
  test('a path names the members at it and under it, in the members\' order, and a tier its members, as a pass over every member does', () => {
    const app = testApp();
    const members: string[] = [];
    for (const s of ['Orders', 'OrdersApi']) {
      const stack = new Stack(app, s, { env: ENV });
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
      for (const f of ['Fn', 'FnB', 'Fn/Inner']) members.push(vpcFunction(f.includes('/') ? stack.node.findChild('Fn') : stack, f.split('/').pop()!, vpc).node.path);
      Tier.assign(stack.node.findChild('Fn'), `${s}-fn`);
      // Two functions that carry one group defined beside them: each is named by its own path, not the group's.
      const shared = new ec2.SecurityGroup(stack, 'Shared', { vpc });
      for (const f of ['FnS', 'FnT']) members.push(vpcFunction(stack, f, vpc, { securityGroups: [shared] }).node.path);
    }
    const model = buildModel(synthTemplates(app));
    const access = new EffectiveAccess(model);
    const resolver = new EndpointResolver(access, collectDeclarations(app));
    const under = (p: string) => access.members.filter(m => m.resource.constructPath === p || m.resource.constructPath?.startsWith(`${p}/`));
    for (const p of ['Orders', 'OrdersApi', 'Orders/Fn', 'Orders/FnB', 'Orders/Fn/Inner', 'OrdersApi/Fn/Resource', 'Orders/FnS', 'OrdersApi/FnT']) {
      const resolved = resolver.resolve({ kind: 'construct', path: p });
      expect(resolved.members).toEqual(under(p));
      expect(resolved.members.length).toBeGreaterThan(0);
    }
    // "Orders" is not a scope of "OrdersApi/...", though a prefix of it.
    expect(resolver.resolve({ kind: 'construct', path: 'Orders' }).members.every(m => m.resource.constructPath!.startsWith('Orders/'))).toBe(true);
    expect(resolver.resolve({ kind: 'construct', path: 'Order' }).problem).toBeDefined();
    const fnTier = resolver.resolve({ kind: 'tier', name: 'Orders-fn' }).members;
    expect(fnTier).toEqual(access.members.filter(m => resolver.tierOf(m.resource.constructPath, m.resource.stackId, m.resource.logicalId) === 'Orders-fn'));
    expect(fnTier.length).toBeGreaterThan(1);
    expect(resolver.resolve({ kind: 'construct', path: 'Orders/FnS' }).members.map(m => m.resource.constructPath)).toEqual(['Orders/FnS/Resource']);
    expect(members).toHaveLength(10);
  });
});
