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

/**
 * Read templates from files, with their nested stacks: CDK writes a nested stack's template as an asset
 * beside its parent, named in the parent's `aws:asset:path` metadata.
 */
export function templatesFromFiles(files: TemplateFile[]): StackTemplate[] {
  const templates: StackTemplate[] = [];
  const seen = new Set<string>();
  const add = (stackId: string, stackName: string, templatePath: string, constructPath?: string, parent?: StackTemplate['parent'], stackNameIsDeployed?: boolean) => {
    const resolved = path.resolve(templatePath);
    if (seen.has(resolved)) return;
    seen.add(resolved);
    let template: unknown;
    try {
      template = JSON.parse(fs.readFileSync(resolved, 'utf8'));
    } catch (e) {
      template = { Resources: { '(template)': { Type: UNREADABLE_TYPE, Properties: { Error: (e as Error).message } } } };
    }
    templates.push({ stackId, stackName, templatePath, constructPath, template, parent, ...(stackNameIsDeployed ? { stackNameIsDeployed } : {}) });
    const resources = (template as { Resources?: Record<string, any> })?.Resources ?? {};
    for (const [logicalId, resource] of Object.entries(resources)) {
      const assetPath = resource?.Type === 'AWS::CloudFormation::Stack' ? resource?.Metadata?.['aws:asset:path'] : undefined;
      if (typeof assetPath !== 'string') continue;
      const nestedFile = path.join(path.dirname(resolved), assetPath);
      if (!fs.existsSync(nestedFile)) continue;
      const nestedPath = typeof resource?.Metadata?.['aws:cdk:path'] === 'string' ? resource.Metadata['aws:cdk:path'].replace(/\.NestedStack\/.*$/, '') : undefined;
      // A nested stack's name is made at deploy time; this one is a label.
      add(`${stackId}/${logicalId}`, `${stackName}-${logicalId}`, nestedFile, nestedPath, { stackId, logicalId });
    }
  };
  for (const file of files) add(file.stackId, file.stackName, file.templatePath, file.constructPath, undefined, file.stackNameIsDeployed);
  return templates;
}

/** Templates read from files, given the construct paths of their resources by stack path and logical id
 * (from the construct tree, or from the assembly's `aws:cdk:logicalId` metadata). */
export function withConstructPaths(templates: StackTemplate[], paths: Map<string, Record<string, string>>): StackTemplate[] {
  return templates.map(t => (t.constructPath && paths.has(t.constructPath) ? { ...t, constructPaths: paths.get(t.constructPath) } : t));
}
