import * as fs from 'fs';
import * as path from 'path';
import { parseCfnYaml } from './cfn-yaml';
import { MetadataEntry, acknowledgementsAt } from '../checks/acknowledgements';
import { Acknowledgement } from '../checks/engine';
import { TemplateFile, templatesFromFiles, withConstructPaths } from '../checks/templates-from-assembly';
import { StackTemplate } from '../model/types';

/** A mistake in how the command was called: a bad path, flag or config. Printed without a stack trace. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** What the command reads: the templates and the acknowledgements recorded beside them. */
export interface LoadedInputs {
  readonly templates: StackTemplate[];
  readonly acknowledgements: Acknowledgement[];
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
      readAssembly(path.dirname(manifest), given, { files, acknowledgements, constructPaths });
    } else {
      handWritten.push(readTemplateFile(resolved, given));
    }
  }
  uniqueStackIds(handWritten, files);
  return { templates: [...withConstructPaths(templatesFromFiles(files), constructPaths), ...handWritten], acknowledgements };
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

/** Reads one template written in JSON or YAML. */
export function readTemplateFile(file: string, given: string = file): StackTemplate {
  const text = fs.readFileSync(file, 'utf8');
  let template: unknown;
  const looksJson = /^\s*[{[]/.test(text) || file.endsWith('.json');
  try {
    template = looksJson ? JSON.parse(text) : parseCfnYaml(text);
  } catch (e) {
    const as = looksJson ? 'JSON' : 'YAML';
    throw new CliError(`${given} is not a CloudFormation template: it cannot be read as ${as} (${(e as Error).message}).`);
  }
  const resources = (template as { Resources?: unknown } | null)?.Resources;
  if (typeof resources !== 'object' || resources === null || Array.isArray(resources)) {
    throw new CliError(`${given} is not a CloudFormation template: it has no Resources section.`);
  }
  const stackName = path.basename(file).replace(/(\.template)?\.(json|ya?ml|template)$/i, '');
  return { stackId: stackName, stackName, templatePath: file, template };
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
