import * as fs from 'fs';
import * as path from 'path';
import { graphMarkdown } from './graph';
import { jsonReport } from './json';
import { CLOUD_ASSEMBLY_BASE, sarifReport } from './sarif';
import { SourcePosition, jsonResourcePositions } from './template-positions';
import { SecurityGroupModel } from '../../model/types';
import { EffectiveAccess } from '../../reachability/effective-access';
import { REACHABILITY_REPORT_FILE, reachabilityMarkdown, reachabilityReport, reachabilityReportJson } from '../../reachability/report';
import { Finding } from '../engine';

export const REPORT_FILES = {
  json: 'sg-strategy-report.json',
  sarif: 'sg-strategy-report.sarif',
  graph: 'sg-strategy-graph.md',
  reachability: REACHABILITY_REPORT_FILE,
};

export interface WriteReportsOptions {
  /**
   * The cloud assembly whose templates the findings' template paths are relative to, when its templates are
   * already on disk: SARIF then gives each resource's line.
   */
  readonly writtenAssembly?: string;
}

/** Where each resource is written in the assembly's JSON templates, read once per template. */
function assemblyPositions(assembly: string) {
  const byTemplate = new Map<string, Map<string, SourcePosition>>();
  return (templatePath: string, logicalId: string) => {
    let positions = byTemplate.get(templatePath);
    if (!positions) {
      try {
        positions = jsonResourcePositions(fs.readFileSync(path.join(assembly, templatePath), 'utf8'));
      } catch {
        positions = new Map();
      }
      byTemplate.set(templatePath, positions);
    }
    return positions.get(logicalId);
  };
}

/** Write the reports into `directory`. Returns their paths. */
export function writeReports(
  directory: string, model: SecurityGroupModel, findings: Finding[], version: string, options: WriteReportsOptions = {},
): string[] {
  fs.mkdirSync(directory, { recursive: true });
  const sarif = sarifReport(findings, version, {
    uriBase: CLOUD_ASSEMBLY_BASE,
    positions: options.writtenAssembly ? assemblyPositions(options.writtenAssembly) : undefined,
    fallbackArtifact: 'manifest.json',
  });
  const reachability = reachabilityReport(EffectiveAccess.of(model), findings, version);
  const files = [
    [REPORT_FILES.json, JSON.stringify(jsonReport(findings, version), undefined, 2)],
    [REPORT_FILES.sarif, JSON.stringify(sarif)],
    [REPORT_FILES.graph, `${graphMarkdown(model)}\n${reachabilityMarkdown(reachability)}`],
    [REPORT_FILES.reachability, reachabilityReportJson(reachability)],
  ];
  return files.map(([name, content]) => {
    const file = path.join(directory, name);
    fs.writeFileSync(file, content);
    return file;
  });
}
