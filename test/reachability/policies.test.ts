import { App, CfnParameter, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import { ReachabilityEndpoint, ReachabilityPolicy, Tier } from '../../src';
import { collectAcknowledgements } from '../../src/checks/acknowledgements';
import { Finding, analyse } from '../../src/checks/engine';
import { SecurityGroupStrategyOptions } from '../../src/checks/options';
import { collectDeclarations } from '../../src/reachability/collect';
import { ENV, postgres, synthTemplates, testApp, vpcFunction } from '../support/analyse-app';

const RULE = 'ReachabilityViolation';

/** The app's ReachabilityViolation findings, read the way the plugin and `check` read an app. */
function violations(app: App, options: SecurityGroupStrategyOptions = {}): Finding[] {
  const { findings } = analyse(synthTemplates(app), options, collectAcknowledgements(app), undefined, collectDeclarations(app));
  return findings.filter(f => f.ruleId === RULE);
}

/** An orders service: a database whose group admits the api's group, a worker, and a policy to fill in. */
function orders() {
  const app = testApp();
  const stack = new Stack(app, 'Orders', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true });
  const db = postgres(stack, vpc);
  const apiGroup = new ec2.SecurityGroup(stack, 'ApiSg', { vpc, allowAllOutbound: false });
  const api = vpcFunction(stack, 'Api', vpc, { securityGroups: [apiGroup] });
  db.connections.allowDefaultPortFrom(api);
  const workerGroup = new ec2.SecurityGroup(stack, 'WorkerSg', { vpc, allowAllOutbound: false });
  const worker = vpcFunction(stack, 'Worker', vpc, { securityGroups: [workerGroup] });
  Tier.assign(api, 'api');
  const policy = new ReachabilityPolicy(stack, 'Reachability');
  return { app, stack, vpc, db, api, apiGroup, worker, workerGroup, policy };
}

describe('onlyFrom', () => {
  test('holds where only the api\'s group is admitted, on 5432', () => {
    const { app, db, policy } = orders();
    policy.onlyFrom(ReachabilityEndpoint.of(db), [ReachabilityEndpoint.tier('api')], { ports: [ec2.Port.tcp(5432)] });
    expect(violations(app)).toEqual([]);
  });

  test('a rule admitting the VPC CIDR breaks it: any host there reaches the database, and so does the worker that may send there', () => {
    const { app, vpc, db, policy, workerGroup } = orders();
    db.connections.allowDefaultPortFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock));
    workerGroup.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(5432));
    policy.onlyFrom(ReachabilityEndpoint.of(db), [ReachabilityEndpoint.tier('api')], { ports: [ec2.Port.tcp(5432)] });
    const found = violations(app);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 'error', constructPath: 'Orders/Db/Resource' });
    expect(found[0].message).toContain('only tier api may reach Orders/Db, and only on tcp 5432');
    expect(found[0].message).toContain('`Orders/Worker` (carries `Orders/WorkerSg`) reaches `Orders/Db` (carries `Orders/Db/SecurityGroup`) on tcp 5432');
    expect(found[0].message).toMatch(/`Orders\/WorkerSg` egress to 10\.0\.0\.0\/16 \(the whole VPC CIDR\) on tcp 5432 \(inline in stack Orders, logical id WorkerSg[0-9A-F]+\)/);
    expect(found[0].message).toContain('admits any host in 10.0.0.0/16 on tcp 5432');
    expect(found[0].message).toContain('routes, network ACLs and public addresses are out of scope');
  });

  test('an allowed source on another port breaks it too', () => {
    const { app, db, api, policy } = orders();
    db.connections.allowFrom(api, ec2.Port.tcp(22));
    api.connections.allowTo(db, ec2.Port.tcp(22));
    policy.onlyFrom(ReachabilityEndpoint.of(db), [ReachabilityEndpoint.of(api)], { ports: [ec2.Port.tcp(5432)] });
    const found = violations(app);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('reaches `Orders/Db` (carries `Orders/Db/SecurityGroup`) on tcp 22');
    expect(found[0].message).toContain('It may reach it, but not on that.');
  });

  test('a group the database admits that nothing in the app carries may reach it: a warning, with the path, and naming the group accepts it', () => {
    const { app, stack, vpc, db, policy } = orders();
    // A SAR application or a stack outside the app is given this group; nothing in the app carries it.
    const partner = new ec2.SecurityGroup(stack, 'PartnerSg', { vpc });
    db.connections.allowDefaultPortFrom(partner);
    policy.onlyFrom(ReachabilityEndpoint.of(db), [ReachabilityEndpoint.tier('api')], { ports: [ec2.Port.tcp(5432)] });
    const found = violations(app);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 'warning', constructPath: 'Orders/Db/Resource' });
    expect(found[0].message).toContain('a member of `Orders/PartnerSg` (nothing in the app carries it) reaches `Orders/Db` (carries `Orders/Db/SecurityGroup`) on tcp 5432');
    expect(found[0].message).toContain('Not certain: nothing in the app carries `Orders/PartnerSg`');

    const named = orders();
    const partnerToo = new ec2.SecurityGroup(named.stack, 'PartnerSg', { vpc: named.vpc });
    named.db.connections.allowDefaultPortFrom(partnerToo);
    named.policy.onlyFrom(ReachabilityEndpoint.of(named.db), [ReachabilityEndpoint.tier('api'), ReachabilityEndpoint.of(partnerToo)], { ports: [ec2.Port.tcp(5432)] });
    expect(violations(named.app)).toEqual([]);
  });

  test('naming the address range among the sources accepts it', () => {
    const { app, vpc, db, policy } = orders();
    db.connections.allowDefaultPortFrom(ec2.Peer.ipv4('10.0.0.0/24'));
    policy.onlyFrom(ReachabilityEndpoint.of(db), [ReachabilityEndpoint.tier('api'), ReachabilityEndpoint.peer(ec2.Peer.ipv4('10.0.0.0/24'))]);
    expect(violations(app)).toEqual([]);
    void vpc;
  });
});

describe('never and tiers', () => {
  test('one line covers a layer: the web tier reaches the data tier through a group reference, with both rules named', () => {
    const app = testApp();
    const network = new Stack(app, 'Network', { env: ENV });
    const web = new Stack(app, 'Web', { env: ENV });
    const data = new Stack(app, 'Data', { env: ENV });
    const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true });
    const db = postgres(data, vpc);
    const frontend = vpcFunction(web, 'Frontend', vpc);
    db.connections.allowDefaultPortFrom(frontend);
    Tier.assign(web, 'web');
    Tier.assign(data, 'data');
    new ReachabilityPolicy(data, 'Reachability').never(ReachabilityEndpoint.tier('web'), ReachabilityEndpoint.tier('data'));
    const found = violations(app);
    expect(found).toHaveLength(1);
    expect(found[0].level).toBe('error');
    expect(found[0].message).toContain('tier web must never reach tier data');
    expect(found[0].message).toContain('`Web/Frontend` (carries `Web/Frontend/SecurityGroup`) reaches `Data/Db` (carries `Data/Db/SecurityGroup`) on tcp 5432');
    expect(found[0].message).toMatch(new RegExp([
      '`Web/Frontend/SecurityGroup` egress to 0\\.0\\.0\\.0/0 on all traffic \\(inline in stack Web, logical id FrontendSecurityGroup\\w+\\), ',
      '`Data/Db/SecurityGroup` ingress from `Web/Frontend/SecurityGroup` on tcp 5432 \\(rule in stack Data, logical id \\w+\\)',
    ].join('')));
  });

  test('a tier tag counts as the tier, and the nearest label wins', () => {
    const { app, stack, vpc, db, policy } = orders();
    const batch = vpcFunction(stack, 'Batch', vpc);
    db.connections.allowDefaultPortFrom(batch);
    Tags.of(batch).add(Tier.TAG_KEY, 'batch');
    Tier.assign(stack, 'orders');
    policy.never(ReachabilityEndpoint.tier('batch'), ReachabilityEndpoint.of(db));
    const found = violations(app);
    expect(found.map(f => f.message)).toEqual([expect.stringContaining('`Orders/Batch` (carries `Orders/Batch/SecurityGroup`) reaches `Orders/Db`')]);
  });

  test('replies are not reach: the database does not reach the api that connects to it', () => {
    const { app, api, db, policy } = orders();
    api.connections.allowToDefaultPort(db);
    policy.never(ReachabilityEndpoint.of(db), ReachabilityEndpoint.of(api));
    expect(violations(app)).toEqual([]);
  });

  test('the default group\'s members reach each other through AWS\'s own self rule', () => {
    const app = testApp();
    const stack = new Stack(app, 'Legacy', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: false });
    const subnetId = vpc.isolatedSubnets[0].subnetId;
    const a = new ec2.CfnInstance(stack, 'A', { imageId: 'ami-1', subnetId });
    const b = new ec2.CfnInstance(stack, 'B', { imageId: 'ami-1', subnetId });
    new ReachabilityPolicy(stack, 'Reachability').never(ReachabilityEndpoint.of(a), ReachabilityEndpoint.of(b), { ports: [ec2.Port.tcp(22)] });
    const found = violations(app);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('`Legacy/A` (carries `the default security group of Legacy/Vpc`, by falling back to it) reaches `Legacy/B`');
    expect(found[0].message).toContain('AWS\'s default rule of the VPC\'s default group, see default-group-rules');
  });

  test('something the app does not settle is a warning that says why', () => {
    const { app, stack, db, policy, workerGroup, worker } = orders();
    // A parameter without a default: the peer is known only at deploy.
    new ec2.CfnSecurityGroupIngress(stack, 'FromOffice', {
      groupId: db.connections.securityGroups[0].securityGroupId,
      ipProtocol: 'tcp',
      fromPort: 5432,
      toPort: 5432,
      cidrIp: new CfnParameter(stack, 'OfficeCidr').valueAsString,
    });
    workerGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(5432));
    policy.never(ReachabilityEndpoint.of(worker), ReachabilityEndpoint.of(db));
    const found = violations(app);
    expect(found).toHaveLength(1);
    expect(found[0].level).toBe('warning');
    expect(found[0].message).toContain('unless the unknowns say otherwise');
    expect(found[0].message).toContain('Not certain: a rule\'s peer is not resolved');
  });

  test('an address rule between two VPCs is a warning: it holds only if a route connects them', () => {
    const app = testApp();
    const stack = new Stack(app, 'Two', { env: ENV });
    const a = new ec2.Vpc(stack, 'A', { maxAzs: 1, natGateways: 0, ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), restrictDefaultSecurityGroup: true });
    const b = new ec2.Vpc(stack, 'B', { maxAzs: 1, natGateways: 0, ipAddresses: ec2.IpAddresses.cidr('10.2.0.0/16'), restrictDefaultSecurityGroup: true });
    const client = vpcFunction(stack, 'Client', a);
    const db = postgres(stack, b);
    db.connections.allowDefaultPortFrom(ec2.Peer.ipv4('10.1.0.0/16'));
    new ReachabilityPolicy(stack, 'Reachability').never(ReachabilityEndpoint.of(client), ReachabilityEndpoint.of(db));
    const found = violations(app);
    expect(found).toHaveLength(1);
    expect(found[0].level).toBe('warning');
    expect(found[0].message).toContain('in different VPCs, and an address rule between them matters only if a route connects the VPCs');
  });
});

describe('notFromInternet', () => {
  function exposed(peers: ec2.IPeer[]) {
    const { app, db, policy } = orders();
    for (const peer of peers) db.connections.allowDefaultPortFrom(peer);
    policy.notFromInternet(ReachabilityEndpoint.of(db));
    return violations(app);
  }

  test('0.0.0.0/0 breaks it', () => {
    const found = exposed([ec2.Peer.anyIpv4()]);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('the internet reaches `Orders/Db` (carries `Orders/Db/SecurityGroup`) on tcp 5432: `Orders/Db/SecurityGroup` ingress from 0.0.0.0/0');
  });

  test('0.0.0.0/1 and 128.0.0.0/1 together break it, and the message says they cover it together', () => {
    const found = exposed([ec2.Peer.ipv4('0.0.0.0/1'), ec2.Peer.ipv4('128.0.0.0/1')]);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('which together admit every public address');
  });

  test('half the internet, or one partner range, is not the internet', () => {
    expect(exposed([ec2.Peer.ipv4('0.0.0.0/1')])).toEqual([]);
    expect(exposed([ec2.Peer.ipv4('203.0.113.0/24')])).toEqual([]);
  });

  test('a prefix list of the app holding the world breaks it', () => {
    const { app, stack, db, policy } = orders();
    const list = new ec2.PrefixList(stack, 'Everyone', { entries: [{ cidr: '0.0.0.0/0' }], maxEntries: 1 });
    db.connections.allowDefaultPortFrom(ec2.Peer.prefixList(list.prefixListId));
    policy.notFromInternet(ReachabilityEndpoint.of(db));
    expect(violations(app)).toHaveLength(1);
  });

  test('a load balancer open to the world is reached only on its listeners\' ports', () => {
    const app = testApp();
    const stack = new Stack(app, 'Edge', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true });
    const group = new ec2.SecurityGroup(stack, 'AlbSg', { vpc, allowAllOutbound: false });
    group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.allTcp());
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true, securityGroup: group });
    alb.addListener('Https', { port: 443, protocol: elbv2.ApplicationProtocol.HTTP, open: false, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
    const policy = new ReachabilityPolicy(stack, 'Reachability');
    policy.notFromInternet(ReachabilityEndpoint.of(alb), { ports: [ec2.Port.tcp(22)] });
    expect(violations(app)).toEqual([]);
    policy.notFromInternet(ReachabilityEndpoint.of(alb));
    const found = violations(app);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('on tcp 443 (it accepts connections only on its listeners (443))');
  });
});

describe('mustReach', () => {
  test('ingress without egress: says the egress is missing, what the ingress grants, and the smallest fix', () => {
    const { app, db, worker, policy } = orders();
    db.connections.securityGroups[0].addIngressRule(worker.connections.securityGroups[0], ec2.Port.tcp(5432));
    policy.mustReach(ReachabilityEndpoint.of(worker), ReachabilityEndpoint.of(db), ec2.Port.tcp(5432));
    const found = violations(app);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 'error', constructPath: 'Orders/Worker/Resource' });
    expect(found[0].message).toContain('`Orders/Worker` (carries `Orders/WorkerSg`) cannot reach `Orders/Db` (carries `Orders/Db/SecurityGroup`) on tcp 5432: the egress of `Orders/WorkerSg` does not send tcp 5432 to it.');
    expect(found[0].message).toMatch(/Already granted: `Orders\/Db\/SecurityGroup` ingress from `Orders\/WorkerSg` on tcp 5432 \(rule in stack Orders, logical id \w+\)/);
    expect(found[0].message).toContain('The smallest fix: an egress rule on `Orders/WorkerSg` to `Orders/Db/SecurityGroup` on tcp 5432.');
  });

  test('egress without ingress: the ingress side is the one to add', () => {
    const { app, db, worker, policy } = orders();
    worker.connections.securityGroups[0].addEgressRule(db.connections.securityGroups[0], ec2.Port.tcp(5432));
    policy.mustReach(ReachabilityEndpoint.of(worker), ReachabilityEndpoint.of(db), ec2.Port.tcp(5432));
    const [found] = violations(app);
    expect(found.message).toContain('the ingress of `Orders/Db/SecurityGroup` does not admit tcp 5432 from it');
    expect(found.message).toContain('The smallest fix: an ingress rule on `Orders/Db/SecurityGroup` from `Orders/WorkerSg` on tcp 5432.');
  });

  test('holds when both sides allow it', () => {
    const { app, db, api, policy } = orders();
    api.connections.allowToDefaultPort(db);
    policy.mustReach(ReachabilityEndpoint.of(api), ReachabilityEndpoint.of(db), ec2.Port.tcp(5432));
    expect(violations(app)).toEqual([]);
  });

  test('a port the target does not listen on cannot be opened by any rule', () => {
    const app = testApp();
    const stack = new Stack(app, 'Edge', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true });
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
    alb.addListener('Https', { port: 443, protocol: elbv2.ApplicationProtocol.HTTP, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
    new ReachabilityPolicy(stack, 'Reachability').mustReach(ReachabilityEndpoint.internet(), ReachabilityEndpoint.of(alb), ec2.Port.tcp(8443));
    const [found] = violations(app);
    expect(found.message).toContain('the internet cannot reach `Edge/Alb`');
  });
});

describe('findings like any other', () => {
  test('Validations.of(scope).acknowledge accepts a violation at that scope, with its reason', () => {
    const { app, vpc, db, policy } = orders();
    db.connections.allowDefaultPortFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock));
    policy.onlyFrom(ReachabilityEndpoint.of(db), [ReachabilityEndpoint.tier('api')]);
    Validations.of(db).acknowledge({ id: 'sg-strategy::ReachabilityViolation', reason: 'migration window, TICKET-7' });
    expect(violations(app)).toEqual([expect.objectContaining({ acknowledged: true, reason: 'migration window, TICKET-7' })]);
  });

  test('ruleLevels and disabledRules apply', () => {
    const { app, vpc, db, policy } = orders();
    db.connections.allowDefaultPortFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock));
    policy.onlyFrom(ReachabilityEndpoint.of(db), [ReachabilityEndpoint.tier('api')]);
    expect(violations(app, { ruleLevels: { ReachabilityViolation: 'warning' as never } }).map(f => f.level)).toEqual(['warning']);
    expect(violations(app, { disabledRules: ['ReachabilityViolation'] })).toEqual([]);
  });

  test('a tier nothing is in is a warning at the policy, since the statement checks less than it says', () => {
    const { app, db, policy } = orders();
    policy.never(ReachabilityEndpoint.tier('nobody'), ReachabilityEndpoint.of(db));
    expect(violations(app)).toEqual([expect.objectContaining({
      level: 'warning',
      constructPath: 'Orders/Reachability',
      message: expect.stringContaining('tier nobody has no member that carries a security group (tiers in the app: api)'),
    })]);
  });

  test('a construct without groups is a warning at the policy', () => {
    const { app, stack, db, policy } = orders();
    const plain = new lambda.Function(stack, 'Plain', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x') });
    policy.never(ReachabilityEndpoint.of(plain), ReachabilityEndpoint.of(db));
    expect(violations(app)[0].message).toContain('`Orders/Plain` carries no security group in this app');
  });
});

describe('bad input is refused where it is written, naming the construct', () => {
  test('onlyFrom without sources, two address ranges, a policy outside a stack, an empty tier', () => {
    const { app, db, policy } = orders();
    expect(() => policy.onlyFrom(ReachabilityEndpoint.of(db), [])).toThrow(/^Orders\/Reachability: onlyFrom needs at least one source/);
    expect(() => policy.never(ReachabilityEndpoint.internet(), ReachabilityEndpoint.peer(ec2.Peer.ipv4('10.0.0.0/8')))).toThrow(/both address ranges/);
    expect(() => policy.onlyFrom(ReachabilityEndpoint.internet(), [ReachabilityEndpoint.of(db)])).toThrow(/is an address range/);
    expect(() => new ReachabilityPolicy(app, 'Loose')).toThrow(/^Loose: a ReachabilityPolicy must be inside a Stack/);
    expect(() => Tier.assign(app, 'x')).toThrow(/assign a tier to a stack/);
    expect(() => Tier.assign(db, ' ')).toThrow(/^Orders\/Db: " " is not a tier name/);
    expect(() => ReachabilityEndpoint.tier('')).toThrow(/not a tier name/);
  });

  test('a construct of another app', () => {
    const { policy } = orders();
    const other = new Stack(new App(), 'Other');
    expect(() => policy.never(ReachabilityEndpoint.of(other), ReachabilityEndpoint.internet())).toThrow(/is in another app/);
  });
});

// Peers as policies name them, recorded as plain data.
test('peers: a literal CIDR, the VPC CIDR by reference, a group by id, the world', () => {
  const { vpc } = orders();
  expect(ReachabilityEndpoint.peer(ec2.Peer.ipv4('203.0.113.0/24'))._spec).toEqual({ kind: 'cidr', cidr: '203.0.113.0/24' });
  expect(ReachabilityEndpoint.peer(ec2.Peer.ipv4(vpc.vpcCidrBlock))._spec).toEqual({ kind: 'vpcCidr', path: 'Orders/Vpc/Resource' });
  expect(ReachabilityEndpoint.vpcCidr(vpc)._spec).toEqual({ kind: 'vpcCidr', path: 'Orders/Vpc/Resource' });
  expect(ReachabilityEndpoint.peer(ec2.Peer.securityGroupId('sg-0123456789abcdef0'))._spec).toEqual({ kind: 'group', id: 'sg-0123456789abcdef0' });
  expect(ReachabilityEndpoint.peer(ec2.Peer.anyIpv4())._spec).toEqual({ kind: 'internet', family: 4 });
  expect(ReachabilityEndpoint.peer(ec2.Peer.anyIpv6())._spec).toEqual({ kind: 'internet', family: 6 });
  void rds;
});

describe('into a Lambda function, whose inbound traffic no AWS source settles', () => {
  test('a statement broken only by what the function\'s group admits is a warning that says so; the same into a database is an error', () => {
    const { app, api, apiGroup, db, policy } = orders();
    apiGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(8080));
    db.connections.allowFrom(ec2.Peer.anyIpv4(), ec2.Port.tcp(5432));
    policy.notFromInternet(ReachabilityEndpoint.of(api));
    policy.notFromInternet(ReachabilityEndpoint.of(db));
    const found = violations(app);
    const intoFunction = found.find(f => f.constructPath?.startsWith('Orders/Api/'));
    const intoDatabase = found.find(f => f.constructPath === 'Orders/Db/Resource');
    expect(intoFunction).toMatchObject({ level: 'warning' });
    expect(intoFunction!.message).toMatch(/Not certain: .*Lambda.*\(lambda-interfaces-inbound\)/);
    expect(intoDatabase).toMatchObject({ level: 'error' });
    expect(intoDatabase!.message).not.toContain('lambda-interfaces-inbound');
  });

  test('a mustReach into a function that its groups refuse is still an error: what they refuse, nothing gets through', () => {
    const { app, worker, api, policy } = orders();
    policy.mustReach(ReachabilityEndpoint.of(worker), ReachabilityEndpoint.of(api), ec2.Port.tcp(8080));
    const found = violations(app);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 'error' });
    expect(found[0].message).not.toContain('lambda-interfaces-inbound');
  });
});
