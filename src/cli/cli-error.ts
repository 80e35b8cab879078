/** A mistake in how the command was called: a bad path, flag or config. Printed without a stack trace. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Whether `e` is a CliError. By name, because `audit` is a bundle of its own, loaded on demand, whose copy of
 * the class is not this one.
 */
export function isCliError(e: unknown): e is CliError {
  return e instanceof Error && e.name === 'CliError';
}
