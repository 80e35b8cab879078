/**
 * Helpers for handlers that call AWS APIs: error names, bounded retries on throttling, and pagination.
 *
 * Handlers run on the AWS SDK v3 that the Lambda runtime provides. The SDK's own retries are turned off
 * (`maxAttempts: 1`) so that this module is the one place that decides how often and how long to retry,
 * and so that tests can drive it with a fake clock.
 */

/** The error names AWS uses when a caller is being throttled or the service is briefly unavailable. */
const RETRYABLE_ERRORS = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'Unavailable',
]);

/** The AWS error name of an error thrown by the SDK (for example `InvalidPermission.NotFound`), or `''`. */
export function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const named = error as { name?: unknown; Code?: unknown };
    if (typeof named.Code === 'string') return named.Code;
    if (typeof named.name === 'string') return named.name;
  }
  return '';
}

/** The message of anything thrown, for error messages that reach CloudFormation. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How long to wait, and how to wait, between attempts. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The first backoff; each later one doubles, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Waits; tests pass a fake. */
  readonly sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1) for jitter; tests pass a fixed one. */
  readonly random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 8,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Runs `call`, retrying it when AWS throttles, with exponential backoff and full jitter. Any other error,
 * and the last throttling error, is thrown as it is.
 */
export async function withRetries<T>(call: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!RETRYABLE_ERRORS.has(errorName(error)) || attempt >= policy.attempts) throw error;
      await backOff(policy, attempt);
    }
  }
}

/** Waits before the next try after `attempt` tries: full jitter under a ceiling that doubles, up to `maxDelayMs`. */
export function backOff(policy: RetryPolicy, attempt: number): Promise<void> {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return policy.sleep(Math.floor(policy.random() * ceiling));
}

/** Collects every page of a paginated describe call; `page` gets the previous page's token. */
export async function allPages<T>(
  page: (nextToken: string | undefined) => Promise<{ readonly items: T[]; readonly nextToken?: string }>,
): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const result = await page(nextToken);
    items.push(...result.items);
    nextToken = result.nextToken;
  } while (nextToken);
  return items;
}

/**
 * Runs `call`; returns true when it failed with one of `names` (tolerated), false when it succeeded. Any
 * other error is thrown.
 */
export async function tolerating(names: readonly string[], call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return false;
  } catch (error) {
    if (names.includes(errorName(error))) return true;
    throw error;
  }
}

/** The message for an AWS call that failed: what was being done, the error name and its message. */
export function describeFailure(what: string, error: unknown): string {
  const name = errorName(error);
  return `Could not ${what}: ${name ? `${name}: ` : ''}${errorMessage(error)}`;
}
