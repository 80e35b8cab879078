import { Finding } from './engine';

/**
 * aws-cdk-lib 2.271.0 is the first whose validation report applies an acknowledgement only to the construct it
 * was made on and those below it. Earlier releases drop every violation of an acknowledged rule id, anywhere in
 * the app, and then count the plugin's report as passed; they keep violations of severity `fatal`, as every
 * release does.
 */
export const PATH_SCOPED_ACKNOWLEDGEMENTS: readonly number[] = [2, 271, 0];

/**
 * aws-cdk-lib 2.268.0 is the first that lets a validation plugin rewrite a file already in the cloud assembly,
 * such as the reports the Aspect wrote in the same synth, or a previous synth left. Earlier releases fail synth.
 */
export const PLUGINS_MAY_REWRITE_ASSEMBLY_FILES: readonly number[] = [2, 268, 0];

/**
 * Whether the running aws-cdk-lib (or `version`) is older than `release`. A version that cannot be read counts
 * as older, so callers take the cautious path.
 */
export function cdkOlderThan(release: readonly number[], version: string | undefined = installedCdkVersion()): boolean {
  const parts = version?.split('.').map(Number);
  if (!parts || parts.length < 3 || parts.some(Number.isNaN)) return true;
  for (let i = 0; i < release.length; i++) {
    if (parts[i] !== release[i]) return parts[i] < release[i];
  }
  return false;
}

/** The open errors that an app-wide acknowledgement would hide: their rule is acknowledged for another finding. */
export function errorsMaskedAppWide(findings: readonly Finding[]): Set<Finding> {
  const acknowledgedRules = new Set(findings.filter(f => f.acknowledged).map(f => f.ruleId));
  return new Set(findings.filter(f => f.level === 'error' && !f.acknowledged && acknowledgedRules.has(f.ruleId)));
}

function installedCdkVersion(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('aws-cdk-lib/package.json').version as string;
  } catch {
    return undefined;
  }
}
