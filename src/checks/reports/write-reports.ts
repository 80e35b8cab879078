import * as fs from 'fs';
import * as path from 'path';
import { graphMarkdown } from './graph';
import { jsonReport } from './json';
import { sarifReport } from './sarif';
import { SecurityGroupModel } from '../../model/types';
import { Finding } from '../engine';

export const REPORT_FILES = {
  json: 'sg-strategy-report.json',
  sarif: 'sg-strategy-report.sarif',
  graph: 'sg-strategy-graph.md',
};

/** Write the three reports into `directory`. Returns their paths. */
export function writeReports(directory: string, model: SecurityGroupModel, findings: Finding[], version: string): string[] {
  fs.mkdirSync(directory, { recursive: true });
  const files = [
    [REPORT_FILES.json, JSON.stringify(jsonReport(findings, version), undefined, 2)],
    [REPORT_FILES.sarif, JSON.stringify(sarifReport(findings, version))],
    [REPORT_FILES.graph, graphMarkdown(model)],
  ];
  return files.map(([name, content]) => {
    const file = path.join(directory, name);
    fs.writeFileSync(file, content);
    return file;
  });
}
