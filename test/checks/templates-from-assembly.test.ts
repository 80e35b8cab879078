/**
 * Reading an assembly's templates from files, with their nested stacks found each way CDK leaves a trail: the
 * parent resource's asset path, the construct tree, or the asset hash in the TemplateURL that an asset manifest
 * (or the legacy synthesizer's metadata) maps to a file. A nested stack found by none is reported, never skipped.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { templateUrlFileName, templatesFromFiles, unreadableNestedStack } from '../../src/checks/templates-from-assembly';
import { UNREADABLE_TYPE } from '../../src/model/build-model';

const HASH = 'a'.repeat(64);
const OTHER_HASH = 'b'.repeat(64);
const group = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'g' } };
const withPath = (resource: object, cdkPath: string) => ({ ...resource, Metadata: { 'aws:cdk:path': cdkPath } });
const nestedResource = (metadata: Record<string, string>, templateUrl: unknown = 'https://bucket/x.json') =>
  ({ Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: templateUrl }, Metadata: metadata });

/** An assembly directory with the given files (objects are written as JSON). */
function assembly(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-assembly-'));
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const top = (dir: string, constructPath: string | undefined = 'Top') =>
  ({ stackId: 'Top', stackName: 'top-prod', templatePath: path.join(dir, 'Top.template.json'), constructPath });

describe('templatesFromFiles', () => {
  test('a template that cannot be read is an unreadable template that says why, in its stack\'s place', () => {
    const dir = assembly({ 'Top.template.json': '{ not json' });
    const [template] = templatesFromFiles([top(dir), { stackId: 'Gone', stackName: 'gone', templatePath: path.join(dir, 'Gone.template.json') }]).slice(0, 1);
    expect(template).toMatchObject({ stackId: 'Top', stackName: 'top-prod', constructPath: 'Top' });
    expect((template.template as any).Resources['(template)'].Type).toBe(UNREADABLE_TYPE);
    expect((template.template as any).Resources['(template)'].Properties.Error).toMatch(/JSON/);
    const gone = templatesFromFiles([{ stackId: 'Gone', stackName: 'gone', templatePath: path.join(dir, 'Gone.template.json') }]);
    expect((gone[0].template as any).Resources['(template)'].Properties.Error).toMatch(/ENOENT/);
  });

  test('a file named twice is read once', () => {
    const dir = assembly({ 'Top.template.json': { Resources: { Sg: group } } });
    expect(templatesFromFiles([top(dir), { ...top(dir), templatePath: `${dir}/./Top.template.json` }])).toHaveLength(1);
  });

  test('a nested stack is found by its aws:asset:path, named by its construct path below the top stack', () => {
    const dir = assembly({
      'Top.template.json': { Resources: { ChildRes: nestedResource({ 'aws:cdk:path': 'Top/Child.NestedStack/Child.NestedStackResource', 'aws:asset:path': 'Child.nested.template.json' }) } },
      'Child.nested.template.json': { Resources: { Sg: withPath(group, 'Top/Child/Sg/Resource') } },
    });
    const [, child] = templatesFromFiles([top(dir)]);
    expect(child).toEqual({
      stackId: 'Top/ChildRes',
      stackName: 'top-prod/Child',
      constructPath: 'Top/Child',
      templatePath: path.join(dir, 'Child.nested.template.json'),
      template: { Resources: { Sg: withPath(group, 'Top/Child/Sg/Resource') } },
      parent: { stackId: 'Top', logicalId: 'ChildRes' },
    });
  });

  test('or by the construct tree, where the assembly has no asset path', () => {
    const dir = assembly({
      'Top.template.json': { Resources: { ChildRes: nestedResource({ 'aws:cdk:path': 'Top/Child.NestedStack/Child.NestedStackResource' }) } },
      'elsewhere.json': { Resources: {} },
    });
    const nestedTemplateFiles = new Map([['Top/Child', path.join(dir, 'elsewhere.json')]]);
    expect(templatesFromFiles([top(dir)], { nestedTemplateFiles })[1]).toMatchObject({ stackId: 'Top/ChildRes', templatePath: path.join(dir, 'elsewhere.json') });
  });

  test('or by the asset hash in its TemplateURL, through an asset manifest beside the template', () => {
    const dir = assembly({
      'Top.template.json': { Resources: { ChildRes: nestedResource({ 'aws:cdk:path': 'Top/Child.NestedStack/Child.NestedStackResource' }, { 'Fn::Join': ['', ['https://s3/', `${HASH}.json`]] }) } },
      // Entries that name no file come first: they must not stop the reading of the rest.
      'Top.assets.json': { files: { [OTHER_HASH]: { source: { path: 42 } }, ['c'.repeat(64)]: {}, [HASH]: { source: { path: 'hashed.nested.template.json' } } } },
      'Broken.assets.json': '{',
      'hashed.nested.template.json': { Resources: {} },
    });
    expect(templatesFromFiles([top(dir)])[1]).toMatchObject({ stackId: 'Top/ChildRes', templatePath: path.join(dir, 'hashed.nested.template.json') });
  });

  test('or by the legacy synthesizer\'s asset metadata; a candidate that is not on disk is passed over', () => {
    const dir = assembly({
      'Top.template.json': { Resources: { ChildRes: nestedResource({ 'aws:asset:path': 'missing.json' }, `https://s3/${HASH}.json`) } },
      'legacy.json': { Resources: {} },
    });
    const assetFiles = new Map([[HASH, path.join(dir, 'legacy.json')]]);
    expect(templatesFromFiles([top(dir)], { assetFiles })[1]).toMatchObject({ templatePath: path.join(dir, 'legacy.json'), stackName: 'top-prod/ChildRes' });
  });

  test('a nested stack found by no trail is an unreadable stack named as its parent\'s resource, at its construct path', () => {
    const dir = assembly({
      'Top.template.json': { Resources: { ChildRes: nestedResource({ 'aws:cdk:path': 'Top/Child.NestedStack/Child.NestedStackResource' }, 'https://bucket/child.json') } },
    });
    const [, unread] = templatesFromFiles([top(dir)]);
    expect(unread).toEqual({
      stackId: 'Top/ChildRes',
      stackName: 'top-prod',
      templatePath: path.join(dir, 'Top.template.json'),
      constructPath: 'Top/Child',
      template: { Resources: { ChildRes: { Type: UNREADABLE_TYPE, Properties: { Error: 'this nested stack\'s template https://bucket/child.json is in neither the cloud assembly nor the templates given' } } } },
      constructPaths: { ChildRes: 'Top/Child' },
    });
  });

  test('a template without aws:cdk:path metadata takes its construct paths from the hints; one with it does not', () => {
    const paths = { Sg: 'Top/Sg/Resource', ChildRes: 'Top/Child.NestedStack/Child.NestedStackResource' };
    const constructPaths = { get: (stack: string) => (stack === 'Top' ? paths : undefined) };
    const bare = assembly({ 'Top.template.json': { Resources: { Sg: group, ChildRes: nestedResource({}) } } });
    const read = templatesFromFiles([top(bare)], { constructPaths });
    expect(read[0].constructPaths).toBe(paths);
    // The nested stack's path comes from the hints too.
    expect(read[1]).toMatchObject({ stackId: 'Top/ChildRes', constructPath: 'Top/Child', stackName: 'top-prod' });
    const marked = assembly({ 'Top.template.json': { Resources: { Sg: withPath(group, 'Top/Sg/Resource') } } });
    expect(templatesFromFiles([top(marked)], { constructPaths })[0].constructPaths).toBeUndefined();
    const { constructPath: _, ...withoutPath } = top(bare);
    expect(templatesFromFiles([withoutPath], { constructPaths })[0].constructPaths).toBeUndefined();
  });

  test('a nested stack outside its top stack\'s construct path is named by its parent and resource', () => {
    const dir = assembly({
      'Top.template.json': { Resources: { ChildRes: nestedResource({ 'aws:cdk:path': 'Elsewhere/Child.NestedStack/Child.NestedStackResource' }) } },
    });
    expect(templatesFromFiles([top(dir)])[1]).toMatchObject({ stackName: 'top-prod', constructPath: 'Elsewhere/Child' });
    const inside = assembly({
      'Top.template.json': { Resources: { ChildRes: nestedResource({ 'aws:cdk:path': 'Top/Child.NestedStack/Child.NestedStackResource', 'aws:asset:path': 'c.json' }) } },
      'c.json': { Resources: {} },
    });
    expect(templatesFromFiles([top(inside, 'To')])[1].stackName).toBe('top-prod/ChildRes');
  });

  test('a resource that is null, or a nested stack without metadata or properties, does not throw', () => {
    const dir = assembly({ 'Top.template.json': { Resources: { Nothing: null, Bare: { Type: 'AWS::CloudFormation::Stack' } } } });
    const [, bare] = templatesFromFiles([top(dir)]);
    expect(bare).toMatchObject({ stackId: 'Top/Bare', constructPath: undefined });
    expect((bare.template as any).Resources.Bare.Properties.Error).toBe('this nested stack\'s template is in neither the cloud assembly nor the templates given');
  });

  test('a template where some resources lack aws:cdk:path metadata takes its paths from the hints', () => {
    const paths = { Sg: 'Top/Sg/Resource', Other: 'Top/Other/Resource' };
    const dir = assembly({ 'Top.template.json': { Resources: { Sg: withPath(group, 'Top/Sg/Resource'), Other: group } } });
    expect(templatesFromFiles([top(dir)], { constructPaths: { get: () => paths } })[0].constructPaths).toBe(paths);
  });

  test('Resources that are not an object hold no nested stack, and do not throw', () => {
    const dir = assembly({ 'Top.template.json': { Resources: ['x'] } });
    expect(templatesFromFiles([top(dir)])).toHaveLength(1);
    const nulls = assembly({ 'Top.template.json': 'null' });
    expect(templatesFromFiles([top(nulls)])).toHaveLength(1);
  });
});

describe('naming a nested stack\'s template', () => {
  test.each<[unknown, string | undefined]>([
    ['https://bucket/child.nested.template.json', 'child.nested.template.json'],
    [{ 'Fn::Sub': 'https://s3.${AWS::Region}.amazonaws.com/bucket/child.yaml?versionId=1' }, 'child.yaml'],
    ['https://bucket/child.yml#v1', 'child.yml'],
    [{ 'Fn::Join': ['', ['https://', { Ref: 'Bucket' }, '/a.json/b.template']] }, 'b.template'],
    [{ Ref: 'Url' }, undefined],
    [undefined, undefined],
  ])('%j: %s', (url, name) => {
    expect(templateUrlFileName(url)).toBe(name);
  });

  test('an unreadable nested stack says what its URL names, or nothing where it names no file', () => {
    const error = (url: unknown) => (unreadableNestedStack({ stackId: 'P', stackName: 'p' }, 'N', { Properties: { TemplateURL: url } }).template as any).Resources.N.Properties.Error;
    expect(error({ 'Fn::Sub': 'https://x/child.json' })).toBe('this nested stack\'s template child.json is in neither the cloud assembly nor the templates given');
    expect(error({ Ref: 'Url' })).toBe('this nested stack\'s template is in neither the cloud assembly nor the templates given');
    expect(unreadableNestedStack({ stackId: 'P', stackName: 'p' }, 'N', undefined).constructPaths).toBeUndefined();
  });
});
