import * as fs from 'fs';
import * as path from 'path';
import { UNREADABLE_TYPE } from '../model/build-model';
import { StackTemplate } from '../model/types';

/** A stack's template file in a cloud assembly. */
export interface TemplateFile {
  readonly stackId: string;
  readonly stackName: string;
  /** The stack name is the one CloudFormation deploys it under (see StackTemplate). */
  readonly stackNameIsDeployed?: boolean;
  readonly templatePath: string;
  readonly constructPath?: string;
}

/** What a reader knows of the assembly besides its templates, to find nested stacks and name resources. */
export interface AssemblyHints {
  /**
   * Construct paths by the construct path of their stack (each nested stack apart) and logical id: from the
   * construct tree, or from the assembly's `aws:cdk:logicalId` metadata.
   */
  readonly constructPaths?: ConstructPathLookup;
  /** Nested stacks' template files by the nested stack's construct path, where the construct tree is at hand. */
  readonly nestedTemplateFiles?: Map<string, string>;
  /** Asset files by asset hash, from the assembly's metadata (the legacy synthesizer's `aws:cdk:asset` entries). */
  readonly assetFiles?: Map<string, string>;
}

/** Construct paths of a stack's resources by logical id; a Map, or a lookup that builds them only when asked. */
export interface ConstructPathLookup {
  get(stackConstructPath: string): Record<string, string> | undefined;
}

/** CDK puts a NestedStack's AWS::CloudFormation::Stack resource at `<scope>/<id>.NestedStack/<id>.NestedStackResource`. */
export const NESTED_STACK_RESOURCE_PATH = /\.NestedStack\/[^/]*$/;
const ASSET_HASH = /[0-9a-f]{64}/g;

/** The files of the assembly's asset manifests (`*.assets.json`) in one directory, by asset hash. */
function assetManifestFiles(directory: string): Map<string, string> {
  const files = new Map<string, string>();
  let names: string[] = [];
  try {
    names = fs.readdirSync(directory).filter(n => n.endsWith('.assets.json'));
  } catch {
    return files;
  }
  for (const name of names) {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(directory, name), 'utf8')) as { files?: Record<string, { source?: { path?: unknown } }> };
      for (const [hash, asset] of Object.entries(manifest.files ?? {})) {
        if (typeof asset?.source?.path === 'string') files.set(hash, path.join(directory, asset.source.path));
      }
    } catch {
      // A manifest that cannot be read names no template; a nested stack that needed it is reported as unread.
    }
  }
  return files;
}

/**
 * Read templates from files, with their nested stacks, however the assembly was synthesized. A nested
 * stack's template is found by the parent resource's `aws:asset:path` metadata (which only the CDK CLI turns
 * on), by the construct tree, or by the asset hash in its TemplateURL, which the assembly's asset manifests
 * (or the legacy synthesizer's asset metadata) map to a file. A nested stack whose template is found by none
 * of these is read as an unreadable template, which the checks report: it is never a silent pass.
 */
export function templatesFromFiles(files: TemplateFile[], hints: AssemblyHints = {}): StackTemplate[] {
  const templates: StackTemplate[] = [];
  const seen = new Set<string>();
  const manifestsByDirectory = new Map<string, Map<string, string>>();
  const assetFile = (directory: string, hash: string) => {
    let manifests = manifestsByDirectory.get(directory);
    if (!manifests) {
      manifests = assetManifestFiles(directory);
      manifestsByDirectory.set(directory, manifests);
    }
    return manifests.get(hash) ?? hints.assetFiles?.get(hash);
  };

  type Top = { readonly stackName: string; readonly constructPath?: string };
  const add = (entry: TemplateFile, top: Top, parent?: StackTemplate['parent']) => {
    const resolved = path.resolve(entry.templatePath);
    if (seen.has(resolved)) return;
    seen.add(resolved);
    let template: unknown;
    try {
      template = JSON.parse(fs.readFileSync(resolved, 'utf8'));
    } catch (e) {
      template = { Resources: { '(template)': { Type: UNREADABLE_TYPE, Properties: { Error: (e as Error).message } } } };
    }
    // Apps synthesized outside the CDK CLI have no aws:cdk:path metadata; then the paths come from the hints.
    const paths = entry.constructPath === undefined || !lacksPathMetadata(template) ? undefined : hints.constructPaths?.get(entry.constructPath);
    templates.push({ ...entry, template, parent, ...(paths ? { constructPaths: paths } : {}) });

    const resources = (template as { Resources?: Record<string, any> } | null)?.Resources;
    for (const [logicalId, resource] of Object.entries(resources && typeof resources === 'object' ? resources : {})) {
      if (resource?.Type !== 'AWS::CloudFormation::Stack') continue;
      const metadataPath = resource?.Metadata?.['aws:cdk:path'];
      const resourcePath: string | undefined = typeof metadataPath === 'string' ? metadataPath : paths?.[logicalId];
      const nestedPath = resourcePath?.replace(NESTED_STACK_RESOURCE_PATH, '');
      const nested = {
        stackId: `${entry.stackId}/${logicalId}`,
        stackName: nestedStackName(top, entry.stackName, logicalId, nestedPath),
        constructPath: nestedPath,
      };
      const file = nestedTemplateFile(resource, path.dirname(resolved), nestedPath);
      if (file) {
        add({ ...nested, templatePath: file }, top, { stackId: entry.stackId, logicalId });
      } else {
        templates.push(unreadableNestedStack(entry, logicalId, resource, nested.constructPath));
      }
    }
  };

  const nestedTemplateFile = (resource: any, directory: string, nestedPath: string | undefined): string | undefined => {
    const assetPath = resource?.Metadata?.['aws:asset:path'];
    const candidates = [
      typeof assetPath === 'string' ? path.join(directory, assetPath) : undefined,
      nestedPath === undefined ? undefined : hints.nestedTemplateFiles?.get(nestedPath),
      ...[...JSON.stringify(resource?.Properties?.TemplateURL ?? '').matchAll(ASSET_HASH)].map(m => assetFile(directory, m[0])),
    ];
    return candidates.find((f): f is string => f !== undefined && fs.existsSync(f));
  };

  for (const file of files) add(file, { stackName: file.stackName, constructPath: file.constructPath });
  return templates;
}

function lacksPathMetadata(template: unknown): boolean {
  const resources = (template as { Resources?: Record<string, { Metadata?: Record<string, unknown> }> } | null)?.Resources;
  return Object.values(resources && typeof resources === 'object' ? resources : {}).some(r => typeof r?.Metadata?.['aws:cdk:path'] !== 'string');
}

/**
 * A nested stack's name is known only at deploy time; name it by its top-level stack and its construct path
 * below that stack (`Api/Database`), or, without a construct path, by its parent and its resource there.
 */
function nestedStackName(top: { stackName: string; constructPath?: string }, parentName: string, logicalId: string, nestedPath?: string): string {
  if (nestedPath !== undefined && top.constructPath !== undefined && nestedPath.startsWith(`${top.constructPath}/`)) {
    return `${top.stackName}/${nestedPath.slice(top.constructPath.length + 1)}`;
  }
  return `${parentName}/${logicalId}`;
}

/** The template file name a TemplateURL ends with, also inside `Fn::Sub` or `Fn::Join`, which a hand-written template may match. */
export function templateUrlFileName(url: unknown): string | undefined {
  const names = [...JSON.stringify(url ?? '').matchAll(/([\w.-]+\.(?:json|ya?ml|template))(?=[?#"]|$)/gi)];
  return names.pop()?.[1];
}

/**
 * In place of a nested stack whose template was not found: a template the checks report as unread. It is
 * named as the parent's resource, in the parent's template (where SARIF can point), and carries the nested
 * stack's construct path, where the finding can be acknowledged.
 */
export function unreadableNestedStack(
  parent: { stackId: string; stackName: string; templatePath?: string }, logicalId: string, resource: any, constructPath?: string,
): StackTemplate {
  const url = resource?.Properties?.TemplateURL;
  // Name the template as its URL says, or by the file name a URL built with Fn::Sub or Fn::Join ends with.
  const file = typeof url === 'string' ? url : templateUrlFileName(url);
  const named = file === undefined ? '' : ` ${file}`;
  const error = `this nested stack's template${named} is in neither the cloud assembly nor the templates given`;
  return {
    stackId: `${parent.stackId}/${logicalId}`,
    stackName: parent.stackName,
    templatePath: parent.templatePath,
    constructPath,
    template: { Resources: { [logicalId]: { Type: UNREADABLE_TYPE, Properties: { Error: error } } } },
    constructPaths: constructPath ? { [logicalId]: constructPath } : undefined,
  };
}
