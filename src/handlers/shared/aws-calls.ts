/**
 * Helpers for handlers that call AWS APIs: the clients' retry strategy and time budget, error names, and
 * pagination.
 *
 * Handlers run on the AWS SDK v3 that the Lambda runtime provides, and let the SDK retry. The SDK's retry
 * middleware classifies each failure (throttling, transient, server or client error: `ThrottledException`,
 * `TimeoutError`, `ECONNRESET`, a 5xx with no code, ...); `BudgetedRetryStrategy` takes that classification as
 * it is and adds one thing the SDK cannot know: how much of the function's timeout is left. A retry that would
 * not fit is not made, so a run fails with AWS's own error while it can still tell CloudFormation why.
 *
 * `withRetries` and `RETRYABLE_ERRORS` remain for the sg-strategy command's audit, which runs outside Lambda.
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

/**
 * How much time an invocation has left for AWS calls and its own rounds of retries. The Lambda entry point
 * starts it from the context's remaining time, less a margin to report a failure in.
 */
export class TimeBudget {
  private deadline = Number.POSITIVE_INFINITY;

  constructor(private readonly clock: () => number = Date.now) {}

  /** Starts an invocation that may spend `ms` from now. */
  start(ms: number): void {
    this.deadline = this.clock() + Math.max(0, ms);
  }

  remainingMs(): number {
    return this.deadline - this.clock();
  }

  /** Whether waiting `ms` still leaves time for one more call. */
  allowsWait(ms: number): boolean {
    return ms + MIN_CALL_MS <= this.remainingMs();
  }
}

/** What a call is expected to need at least, after a wait: a retry with less time left is pointless. */
const MIN_CALL_MS = 2_000;
/** The SDK's standard mode: 100 ms base delay, 500 ms after throttling, 20 s at most, full jitter. */
const BASE_DELAY_MS = 100;
const THROTTLING_BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 20_000;
/** Attempts per call in all, the first included (the SDK's standard mode makes 3). */
export const MAX_ATTEMPTS = 5;

/** The SDK's classification of a failed attempt, as its retry middleware passes it to the strategy. */
export interface RetryErrorInfo {
  readonly errorType: 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';
  readonly retryAfterHint?: Date;
}

export interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

function retryToken(count: number, delay: number): RetryToken {
  return { getRetryCount: () => count, getRetryDelay: () => delay };
}

/**
 * The SDK's standard retry mode (the same retryable classes, THROTTLING and TRANSIENT, and the same backoff),
 * bounded by the invocation's time budget. It leaves out the standard mode's retry quota, which guards a
 * long-lived client against retry storms; one invocation is bounded by its budget instead.
 */
export class BudgetedRetryStrategy {
  readonly mode = 'standard';

  constructor(
    private readonly budget: TimeBudget,
    private readonly maxAttempts: number = MAX_ATTEMPTS,
    private readonly random: () => number = Math.random,
  ) {}

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return retryToken(0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const count = token.getRetryCount();
    if (info.errorType !== 'THROTTLING' && info.errorType !== 'TRANSIENT') throw new Error('Not a retryable error');
    if (count + 1 >= this.maxAttempts) throw new Error(`No retry left after ${this.maxAttempts} attempts`);
    const base = info.errorType === 'THROTTLING' ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
    let delay = Math.floor(Math.min(MAX_DELAY_MS, this.random() * 2 ** count * base));
    if (info.retryAfterHint) delay = Math.max(delay, Math.min(info.retryAfterHint.getTime() - Date.now(), delay + 5_000));
    if (!this.budget.allowsWait(delay)) throw new Error('No time left in the invocation for another attempt');
    return retryToken(count + 1, delay);
  }

  recordSuccess(_token: RetryToken): void {
    // No retry quota to refill: see the class comment.
  }
}

/**
 * Settings for every SDK client a handler makes: the budgeted standard retries, and timeouts on each request
 * so that one hung connection cannot use up the function's timeout.
 */
export function handlerClientConfig(budget: TimeBudget) {
  return {
    retryStrategy: new BudgetedRetryStrategy(budget),
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  };
}

/** What the handlers read of Lambda's context object. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/** Margin kept below the function's timeout to fail with a message rather than be cut off. */
const TIMEOUT_MARGIN_MS = 15_000;

/** Wraps a handler so that each invocation starts `budget` from Lambda's remaining time, less a margin. */
export function withTimeBudget<E, R>(budget: TimeBudget, handle: (event: E) => Promise<R>) {
  return (event: E, context?: InvocationContext): Promise<R> => {
    const remaining = context?.getRemainingTimeInMillis?.();
    budget.start(remaining === undefined ? Number.POSITIVE_INFINITY : remaining - TIMEOUT_MARGIN_MS);
    return handle(event);
  };
}

/** The error a handler throws when its own loop has no time left: what was done so far is in its message. */
export class OutOfTimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutOfTimeError';
  }
}

/**
 * The first items of a list of failures, for an error message of bounded size; the log has them all. A failed
 * custom resource's message becomes CloudFormation's reason, and CloudFormation refuses a response over 4,096
 * bytes.
 */
export function listed(items: readonly string[], shown = 20): string {
  return items.slice(0, shown).join('; ') + (items.length > shown ? `; and ${items.length - shown} more (see the log)` : '');
}

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

/** How long to wait, and how to wait, between rounds of a handler's own loop. */
export interface BackoffPolicy {
  /** The first backoff; each later one doubles, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Waits; tests pass a fake. */
  readonly sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1) for jitter; tests pass a fixed one. */
  readonly random: () => number;
}

/** A backoff with a number of attempts, for `withRetries`. */
export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
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
 * and the last throttling error, is thrown as it is. For the sg-strategy command; handlers let the SDK retry.
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

/** The wait after `attempt` tries: full jitter under a ceiling that doubles, up to `maxDelayMs`. */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(policy.random() * ceiling);
}

/** Waits before the next try after `attempt` tries. */
export function backOff(policy: BackoffPolicy, attempt: number): Promise<void> {
  return policy.sleep(backoffDelay(policy, attempt));
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
