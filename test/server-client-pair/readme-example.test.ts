import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as ts from 'typescript';
import * as sgs from '../../src';
import { ENV, analyseApp, postgres, testApp, vpcFunction } from '../support/analyse-app';

// The README's first ServerClientPair example, as written there. Its `import` lines are replaced by the
// module objects, and `this` is the stack, so the test runs exactly the lines a reader copies.
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## ServerClientPair'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md has no TypeScript example under "## ServerClientPair"');
  return block[1];
}

function runReadmeExample(stack: Stack, scope: Record<string, unknown>) {
  const source = readmeExample().replace(/^import .*$/gm, '');
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } }).outputText;
  const names = Object.keys(scope);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function(...names, js).call(stack, ...names.map(n => scope[n]));
}

describe("the README's ServerClientPair example", () => {
  test('synthesizes with no error or warning from our checks, and only the info every VPC function gets', () => {
    const app = testApp();
    const stack = new Stack(app, 'Stack', { env: ENV });
    // What a reader has before the example: a VPC whose default group is restricted, and a database, a
    // function in the VPC and a cache, made with defaults.
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true });
    const database = postgres(stack, vpc, 'Postgres');
    const handler = vpcFunction(stack, 'Handler', vpc);
    const cacheSubnets = new elasticache.CfnSubnetGroup(stack, 'CacheSubnets', {
      description: 'cache', subnetIds: vpc.isolatedSubnets.map(s => s.subnetId),
    });
    const cache = new elasticache.CfnReplicationGroup(stack, 'Cache', {
      replicationGroupDescription: 'cache',
      engine: 'valkey',
      cacheNodeType: 'cache.t4g.micro',
      numCacheClusters: 1,
      cacheSubnetGroupName: cacheSubnets.ref,
    });
    runReadmeExample(stack, { sgs, ec2, rds, vpc, database, handler, cache });
    const findings = analyseApp(app).map(f => `${f.level} ${f.ruleId} ${f.constructPath}`);
    // The function's ENIs hold its group for a while after deletion: a fact to know, not a fault.
    expect(findings).toEqual(['info LambdaEniDeletionDelay Stack/Handler/Resource']);
  });
});
