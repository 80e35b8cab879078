import * as fs from 'fs';
import * as path from 'path';
import { parseCfnYamlDocument } from './cfn-yaml';
import { CliError } from './cli-error';
import { MetadataEntry, acknowledgementsAt } from '../checks/acknowledgements';
import { Acknowledgement } from '../checks/engine';
import { SourcePosition, jsonResourcePositions } from '../checks/reports/template-positions';
import { TemplateFile, templatesFromFiles, withConstructPaths } from '../checks/templates-from-assembly';
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
      readAssembly(path.dirname(manifest), given, { files, acknowledgements, constructPaths, declarations });
      assemblies.push(relativePath(cwd, path.dirname(manifest)));
    } else {
      const { template, resourcePositions } = readTemplateFile(resolved, given);
      const relative = { ...template, templatePath: relativePath(cwd, resolved) };
      handWritten.push(relative);
      if (resourcePositions) yamlPositions.set(relative.templatePath, resourcePositions);
    }
  }
  uniqueStackIds(handWritten, files);
  const fromAssemblies = withConstructPaths(templatesFromFiles(files), constructPaths)
    .map(t => (t.templatePath ? { ...t, templatePath: relativePath(cwd, path.resolve(t.templatePath)) } : t));
  return {
    templates: [...fromAssemblies, ...handWritten],
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
  /** Construct paths by stack path and logical id, for templates synthesized without `aws:cdk:path` metadata. */
  readonly constructPaths: Map<string, Record<string, string>>;
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
      stackName: artifact.properties.stackName ?? id,
      templatePath: path.join(directory, artifact.properties.templateFile),
      constructPath: stackPath,
    });
    // CDK records each resource's logical id at its construct path, whether or not the template has path
    // metadata, and each acknowledgement at the scope it was made on.
    const paths: Record<string, string> = {};
    for (const [slashedPath, entries] of Object.entries(stackMetadata(directory, artifact))) {
      const constructPath = slashedPath.replace(/^\//, '');
      const list = Array.isArray(entries) ? entries : [];
      contents.acknowledgements.push(...acknowledgementsAt(constructPath, list));
      contents.declarations.push(declarationsAt(constructPath, list));
      for (const entry of list) if (entry?.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') paths[entry.data] = constructPath;
    }
    contents.constructPaths.set(stackPath, paths);
  }
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
      ({ value: template, resourcePositions } = parseCfnYamlDocument(text));
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
