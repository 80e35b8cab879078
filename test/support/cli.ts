import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { testApp } from './analyse-app';
import { CliDependencies, main } from '../../src/cli/main';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the sg-strategy command in-process, as `sg-strategy <argv>` from `cwd`, and captures what it prints. */
export async function runCli(argv: string[], cwd: string = process.cwd(), deps: CliDependencies = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { cwd, env: {}, out: t => out.push(t), err: t => err.push(t) }, deps);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A fresh directory for one test's files. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Builds an app into a fresh cdk.out, as `cdk synth` would, and returns the directory. */
export function synthToDirectory(build: (app: App) => void): string {
  const outdir = tempDir('sg-cli-');
  const app = testApp({ outdir });
  build(app);
  app.synth();
  return outdir;
}
