import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Finding } from './engine';
import { findingsSummary, findingsTable } from '../cli/findings-table';

/**
 * The findings table on stderr, as `sg-strategy check` prints it, for apps run without the CDK CLI, which
 * print no annotations.
 */
export function printFindings(findings: readonly Finding[], reports: readonly string[]): void {
  const lines = [`sg-strategy: ${findingsSummary(findings)}`, findingsTable(findings, '  ')];
  if (reports.length > 0) {
    lines.push('', `  reports: ${reports.join(', ')}`);
    if (inTemporaryAssembly(reports[0])) {
      lines.push('  (CDK removes this temporary directory when the app exits: give the App an outdir, or set reportDirectory, to keep them)');
    }
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}

// An App given no outdir, outside the CDK CLI, synthesizes into <tmpdir>/cdk.outXXXXXX and deletes it on exit.
function inTemporaryAssembly(file: string): boolean {
  if (process.env.CDK_OUTDIR !== undefined) return false;
  const directory = path.dirname(path.resolve(file));
  try {
    return path.basename(directory).startsWith('cdk.out') && fs.realpathSync(path.dirname(directory)) === fs.realpathSync(os.tmpdir());
  } catch {
    return false;
  }
}
