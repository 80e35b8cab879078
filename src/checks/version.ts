// The package's own version, for the reports. Read at run time so a build does not have to stamp it.
export function packageVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../../package.json').version as string;
  } catch {
    return '0.0.0';
  }
}
