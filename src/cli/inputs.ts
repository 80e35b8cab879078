import * as fs from 'fs';
import * as path from 'path';
import { CliError } from './cli-error';
import { MetadataEntry, acknowledgementsAt } from '../checks/acknowledgements';
import { Acknowledgement } from '../checks/engine';
import { Language, languageOfTemplates } from '../checks/language';
import { SourcePosition, jsonResourcePositions } from '../checks/reports/template-positions';
import { NESTED_STACK_RESOURCE_PATH, TemplateFile, templateUrlFileName, templatesFromFiles, unreadableNestedStack } from '../checks/templates-from-assembly';
import { StackTemplate } from '../model/types';
import { ReachabilityDeclarations, declarationsAt, mergeDeclarations } from '../reachability/declarations';

export { CliError } from './cli-error';

/** Where a resource's logical id is written in a template, by the template's path as the inputs give it. */
export type ResourcePositions = (templatePath: string, logicalId: string) => SourcePosition | undefined;

/** What the command reads: the templates and the acknowledgements recorded beside them. */
export interface LoadedInputs {
  /** Every template, its `templatePath` relative to the working directory, with `/` between parts. */
  readonly templates: StackTemplate[];
  readonly acknowledgements: Acknowledgement[];
  /** The cloud assemblies read, relative to the working directory. */
  readonly assemblies: string[];
  readonly positions: ResourcePositions;
  /** The reachability policies and tiers the assemblies' apps declare. */
  readonly declarations: ReachabilityDeclarations;
  /** The language the assemblies' app is written in, from CDK's analytics in its templates, where it says. */
  readonly language?: Language;
}

/** `file` relative to `cwd`, with forward slashes: how reports name it on every platform. */
export function relativePath(cwd: string, file: string): string {
  return path.relative(cwd, file).split(path.sep).join('/') || '.';
}

/**
 * Read cloud assemblies (a cdk.out directory or its manifest.json) and template files (JSON or YAML).
 * A path that is none of these is a CliError that says what was expected.
 */
export function loadInputs(paths: string[], cwd: string): LoadedInputs {
  const files: TemplateFile[] = [];
  const constructPaths = new Map<string, Record<string, string>>();
  const assetFiles = new Map<string, string>();
  const handWritten: StackTemplate[] = [];
  const acknowledgements: Acknowledgement[] = [];
  const declarations: ReachabilityDeclarations[] = [];
  const assemblies: string[] = [];
  const yamlPositions = new Map<string, Map<string, SourcePosition>>();
  for (const given of paths) {
    const resolved = path.resolve(cwd, given);
    if (!fs.existsSync(resolved)) {
      throw new CliError(`${given}: no such file or directory. Pass a cloud assembly (cdk.out, after cdk synth) or CloudFormation templates.`);
    }
    const isDirectory = fs.statSync(resolved).isDirectory();
    const manifest = isDirectory ? path.join(resolved, 'manifest.json') : path.basename(resolved) === 'manifest.json' ? resolved : undefined;
    if (manifest) {
      if (!fs.existsSync(manifest)) {
        throw new CliError(`${given} is a directory without manifest.json, so it is not a cloud assembly. Run cdk synth and pass its cdk.out, or pass template files.`);
      }
      readAssembly(path.dirname(manifest), given, { files, acknowledgements, constructPaths, assetFiles, declarations });
      assemblies.push(relativePath(cwd, path.dirname(manifest)));
    } else {
      const { template, resourcePositions } = readTemplateFile(resolved, given);
      const relative = { ...template, templatePath: relativePath(cwd, resolved) };
      handWritten.push(relative);
      if (resourcePositions) yamlPositions.set(relative.templatePath, resourcePositions);
    }
  }
  uniqueStackIds(handWritten, files);
  const fromAssemblies = templatesFromFiles(files, { constructPaths, assetFiles })
    .map(t => (t.templatePath ? { ...t, templatePath: relativePath(cwd, path.resolve(t.templatePath)) } : t));
  return {
    templates: [...fromAssemblies, ...withNestedStacks(handWritten)],
    language: languageOfTemplates(fromAssemblies),
    acknowledgements,
    assemblies,
    positions: resourcePositionsReader(cwd, yamlPositions),
    declarations: mergeDeclarations(...declarations),
  };
}

/** Positions from the YAML reader, and for JSON templates read from the file when first asked. */
function resourcePositionsReader(cwd: string, known: Map<string, Map<string, SourcePosition>>): ResourcePositions {
  return (templatePath, logicalId) => {
    let positions = known.get(templatePath);
    if (!positions) {
      try {
        positions = jsonResourcePositions(fs.readFileSync(path.resolve(cwd, templatePath), 'utf8'));
      } catch {
        positions = new Map();
      }
      known.set(templatePath, positions);
    }
    return positions.get(logicalId);
  };
}

/** A stack's metadata in the assembly: entries by construct path (with a leading slash). */
type StackMetadata = Record<string, MetadataEntry[]>;

interface Manifest {
  readonly artifacts?: Record<string, {
    readonly type?: string;
    readonly displayName?: string;
    readonly properties?: { templateFile?: string; stackName?: string; directoryName?: string };
    readonly metadata?: StackMetadata;
    readonly additionalMetadataFile?: string;
  }>;
}

interface AssemblyContents {
  readonly files: TemplateFile[];
  readonly acknowledgements: Acknowledgement[];
  /**
   * Construct paths by the path of their stack (each nested stack apart) and logical id, for templates
   * synthesized without `aws:cdk:path` metadata.
   */
  readonly constructPaths: Map<string, Record<string, string>>;
  /** Asset files by hash, from the legacy synthesizer's `aws:cdk:asset` metadata. */
  readonly assetFiles: Map<string, string>;
  readonly declarations: ReachabilityDeclarations[];
}

function readAssembly(directory: string, given: string, contents: AssemblyContents): void {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(directory, 'manifest.json'), 'utf8'));
  } catch (e) {
    throw new CliError(`${given}: manifest.json cannot be read as a cloud assembly manifest (${(e as Error).message}).`);
  }
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      // A Stage: its stacks are in a nested assembly.
      readAssembly(path.join(directory, artifact.properties.directoryName), given, contents);
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const stackPath = artifact.displayName ?? id;
    contents.files.push({
      stackId: stackPath,
      // Without a stackName property, the stack deploys under its artifact id.
      stackName: artifact.properties.stackName ?? id,
      stackNameIsDeployed: true,
      templatePath: path.join(directory, artifact.properties.templateFile),
      constructPath: stackPath,
    });
    // CDK records each resource's logical id at its construct path, whether or not the template has path
    // metadata, and each acknowledgement at the scope it was made on. A stack's metadata holds its nested
    // stacks' too.
    const logicalIds: Array<[string, string]> = [];
    for (const [slashedPath, entries] of Object.entries(stackMetadata(directory, artifact))) {
      const constructPath = slashedPath.replace(/^\//, '');
      const list = Array.isArray(entries) ? entries : [];
      contents.acknowledgements.push(...acknowledgementsAt(constructPath, list));
      // Most construct paths declare nothing: keep only those that do, as a large app has thousands of paths.
      const declared = declarationsAt(constructPath, list);
      if (declared.statements.length > 0 || declared.tiers.length > 0 || declared.problems.length > 0) contents.declarations.push(declared);
      for (const entry of list) {
        if (entry?.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') logicalIds.push([constructPath, entry.data]);
        if (entry?.type === 'aws:cdk:asset') addAssetFile(directory, entry.data, contents.assetFiles);
      }
    }
    for (const [stack, paths] of constructPathsByStack(stackPath, logicalIds)) contents.constructPaths.set(stack, paths);
  }
}

/**
 * Logical ids by the stack that holds them: the deepest nested stack whose path is above the resource's,
 * else the top-level stack. A nested stack's path is where CDK put its AWS::CloudFormation::Stack resource,
 * without the `.NestedStack/...` part.
 */
function constructPathsByStack(stackPath: string, logicalIds: Array<[string, string]>): Map<string, Record<string, string>> {
  const nestedPaths = logicalIds.map(([p]) => p).filter(p => NESTED_STACK_RESOURCE_PATH.test(p))
    .map(p => p.replace(NESTED_STACK_RESOURCE_PATH, '')).sort((a, b) => b.length - a.length);
  const byStack = new Map<string, Record<string, string>>([[stackPath, {}]]);
  for (const [constructPath, logicalId] of logicalIds) {
    const owner = nestedPaths.find(n => constructPath.startsWith(`${n}/`)) ?? stackPath;
    if (!byStack.has(owner)) byStack.set(owner, {});
    byStack.get(owner)![logicalId] = constructPath;
  }
  return byStack;
}

/** The legacy synthesizer records each file asset, a nested stack's template among them, by its hash. */
function addAssetFile(directory: string, data: unknown, files: Map<string, string>): void {
  const asset = data as { path?: unknown; id?: unknown; sourceHash?: unknown } | undefined;
  if (typeof asset?.path !== 'string') return;
  for (const hash of [asset.id, asset.sourceHash]) if (typeof hash === 'string') files.set(hash, path.join(directory, asset.path));
}

function stackMetadata(directory: string, artifact: NonNullable<Manifest['artifacts']>[string]): StackMetadata {
  if (artifact.metadata) return artifact.metadata;
  if (!artifact.additionalMetadataFile) return {};
  try {
    return JSON.parse(fs.readFileSync(path.join(directory, artifact.additionalMetadataFile), 'utf8')) ?? {};
  } catch {
    return {};
  }
}

/**
 * The YAML reader, loaded when the first YAML template is read: the yaml package is a third of the command's
 * code, and `check` over JSON (every cloud assembly) starts without it.
 */
function yamlReader(): typeof import('./cfn-yaml') {
  // A require, not an import: esbuild then evaluates the module, and the yaml package, only when this runs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./cfn-yaml') as typeof import('./cfn-yaml');
}

/** Reads one template written in JSON or YAML, and for YAML where its resources are written. */
export function readTemplateFile(file: string, given: string = file): { template: StackTemplate; resourcePositions?: Map<string, SourcePosition> } {
  // A byte-order mark is not JSON, but editors write one and CloudFormation reads the file regardless.
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const extension = path.extname(file).toLowerCase();
  const asJson = extension === '.json' || (!['.yaml', '.yml'].includes(extension) && /^\s*[{[]/.test(text));
  let template: unknown;
  let resourcePositions: Map<string, SourcePosition> | undefined;
  try {
    if (asJson) {
      template = JSON.parse(text);
    } else {
      ({ value: template, resourcePositions } = yamlReader().parseCfnYamlDocument(text));
    }
  } catch (e) {
    const as = asJson ? 'JSON' : 'YAML';
    throw new CliError(`${given} is not a CloudFormation template: it cannot be read as ${as} (${(e as Error).message}).`);
  }
  const resources = (template as { Resources?: unknown } | null)?.Resources;
  if (typeof resources !== 'object' || resources === null || Array.isArray(resources)) {
    throw new CliError(`${given} is not a CloudFormation template: it has no Resources section.`);
  }
  const stackName = path.basename(file).replace(/(\.template)?\.(json|ya?ml|template)$/i, '');
  return { template: { stackId: stackName, stackName, templatePath: file, template }, resourcePositions };
}

/**
 * Hand-written parents name their nested stacks' templates by URL: a template given beside the parent with that
 * file name is the nested stack, linked to its parent so its parameters resolve; any other nested stack is
 * reported as unread.
 */
function withNestedStacks(handWritten: StackTemplate[]): StackTemplate[] {
  const byFileName = new Map(handWritten.map(t => [path.basename(t.templatePath ?? ''), t]));
  const parents = new Map<StackTemplate, StackTemplate['parent']>();
  const unread: StackTemplate[] = [];
  for (const t of handWritten) {
    const resources = (t.template as { Resources?: Record<string, any> }).Resources ?? {};
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (resource?.Type !== 'AWS::CloudFormation::Stack') continue;
      const child = byFileName.get(templateUrlFileName(resource?.Properties?.TemplateURL) ?? '');
      if (child && child !== t && !parents.has(child)) parents.set(child, { stackId: t.stackId, logicalId });
      else unread.push(unreadableNestedStack(t, logicalId, resource));
    }
  }
  return [...handWritten.map(t => (parents.has(t) ? { ...t, parent: parents.get(t) } : t)), ...unread];
}

/** Two hand-written files with the same name get distinct stack ids, so their resources stay apart. */
function uniqueStackIds(handWritten: StackTemplate[], files: TemplateFile[]): void {
  const taken = new Set(files.map(f => f.stackId));
  handWritten.forEach((t, i) => {
    let id = t.stackId;
    for (let n = 2; taken.has(id); n++) id = `${t.stackId}-${n}`;
    taken.add(id);
    if (id !== t.stackId) handWritten[i] = { ...t, stackId: id };
  });
}
