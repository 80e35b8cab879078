/**
 * The handlers' retry strategy inside a real SDK v3 client. The client's HTTP handler is replaced by one that
 * answers from a script, so the SDK's own middleware classifies each failure exactly as it would against AWS:
 * these tests show which failures the handlers retry and that no retry outlives the invocation's budget.
 */
import { Readable } from 'stream';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
import {
  allPages, backoffDelay, BudgetedRetryStrategy, DEFAULT_RETRY_POLICY, describeFailure, errorName, handlerClientConfig, listed,
  MAX_ATTEMPTS, OutOfTimeError, TimeBudget, tolerating, withRetries, withTimeBudget,
} from '../../../src/handlers/shared/aws-calls';

type Answer = { status: number; body?: string; headers?: Record<string, string> } | { networkError: string } | { thrownName: string };

const EC2_OK = '<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><securityGroupInfo/></DescribeSecurityGroupsResponse>';
const ec2Error = (code: string) => `<Response><Errors><Error><Code>${code}</Code><Message>${code} happened</Message></Error></Errors><RequestID>r</RequestID></Response>`;

/** An HTTP handler that plays `answers` in order, then answers `fallback`; it counts requests. */
function scriptedHandler(answers: Answer[], fallback: Answer) {
  const queue = [...answers];
  const handler = {
    requests: 0,
    async handle() {
      handler.requests++;
      const answer = queue.shift() ?? fallback;
      // The SDK's HTTP handler throws an error named TimeoutError when a request passes requestTimeout.
      if ('thrownName' in answer) throw Object.assign(new Error(`${answer.thrownName} from the HTTP handler`), { name: answer.thrownName });
      if ('networkError' in answer) throw Object.assign(new Error(`socket ${answer.networkError}`), { code: answer.networkError });
      return {
        response: {
          statusCode: answer.status,
          headers: { 'content-type': 'text/xml', ...(answer.headers ?? {}) },
          body: Readable.from([Buffer.from(answer.body ?? '')]),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() { return {}; },
  };
  return handler;
}

function ec2With(answers: Answer[], fallback: Answer = { status: 200, body: EC2_OK }, budget = new TimeBudget()) {
  const http = scriptedHandler(answers, fallback);
  const config = handlerClientConfig(budget);
  // No waiting in tests: the strategy's delays stay what they are, the client sleeps 0 ms for them.
  const strategy = new BudgetedRetryStrategy(budget, MAX_ATTEMPTS, () => 0);
  const client = new EC2Client({
    region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, ...config, retryStrategy: strategy, requestHandler: http as any,
  });
  return { client, http };
}

describe('the SDK classifies, the budgeted strategy retries', () => {
  test.each<[string, Answer]>([
    ['EC2 throttling (RequestLimitExceeded)', { status: 503, body: ec2Error('RequestLimitExceeded') }],
    ['a 500 with no AWS code', { status: 500, body: '' }],
    ['a 503 with no AWS code', { status: 503, body: '' }],
    ['a 502 from a proxy', { status: 502, body: '<html>Bad Gateway</html>' }],
    ['a connection reset', { networkError: 'ECONNRESET' }],
    ['a broken pipe', { networkError: 'EPIPE' }],
    ['a connection timeout', { networkError: 'ETIMEDOUT' }],
    ['a request timeout (TimeoutError)', { thrownName: 'TimeoutError' }],
  ])('%s is retried, and the call succeeds', async (_what, failure) => {
    const { client, http } = ec2With([failure, failure]);
    const result = await client.send(new DescribeSecurityGroupsCommand({}));
    expect(result.SecurityGroups ?? []).toEqual([]);
    expect(http.requests).toBe(3);
  });

  test('SNS\'s ThrottledException is retried', async () => {
    const http = scriptedHandler([{
      status: 400,
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>Throttled</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>',
    }], { status: 200, body: '<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>' });
    const budget = new TimeBudget();
    const sns = new SNSClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      retryStrategy: new BudgetedRetryStrategy(budget, MAX_ATTEMPTS, () => 0),
      requestHandler: http as any,
    });
    // SNS names this error ThrottledException in its model; on the wire its code is Throttled.
    await expect(sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:111111111111:t', Message: 'x' }))).resolves.toMatchObject({ MessageId: 'm' });
    expect(http.requests).toBe(2);
  });

  test('a client error is not retried', async () => {
    const { client, http } = ec2With([{ status: 400, body: ec2Error('InvalidGroup.NotFound') }]);
    await expect(client.send(new DescribeSecurityGroupsCommand({}))).rejects.toMatchObject({ name: 'InvalidGroup.NotFound' });
    expect(http.requests).toBe(1);
  });

  test(`gives up after ${MAX_ATTEMPTS} attempts with the last error`, async () => {
    const { client, http } = ec2With([], { status: 503, body: ec2Error('RequestLimitExceeded') });
    await expect(client.send(new DescribeSecurityGroupsCommand({}))).rejects.toMatchObject({ name: 'RequestLimitExceeded' });
    expect(http.requests).toBe(MAX_ATTEMPTS);
  });

  test('makes no retry that would not fit in the time left', async () => {
    const budget = new TimeBudget(() => 0);
    budget.start(1_000);
    const { client, http } = ec2With([], { status: 503, body: ec2Error('RequestLimitExceeded') }, budget);
    await expect(client.send(new DescribeSecurityGroupsCommand({}))).rejects.toMatchObject({ name: 'RequestLimitExceeded' });
    expect(http.requests).toBe(1);
  });
});

describe('BudgetedRetryStrategy mirrors the standard mode\'s backoff', () => {
  const token = (count: number) => ({ getRetryCount: () => count, getRetryDelay: () => 0 });

  test('base 100 ms, 500 ms after throttling, doubling, capped at 20 s, full jitter', async () => {
    const strategy = new BudgetedRetryStrategy(new TimeBudget(), 10, () => 0.999);
    const delays = async (type: 'THROTTLING' | 'TRANSIENT') => Promise.all([0, 1, 2, 6, 8].map(async (n) =>
      (await strategy.refreshRetryTokenForRetry(token(n), { errorType: type })).getRetryDelay()));
    expect(await delays('TRANSIENT')).toEqual([99, 199, 399, 6393, 20000]);
    expect(await delays('THROTTLING')).toEqual([499, 999, 1998, 20000, 20000]);
  });

  test('SERVER_ERROR and CLIENT_ERROR are not retried, as in the standard mode', async () => {
    const strategy = new BudgetedRetryStrategy(new TimeBudget());
    await expect(strategy.refreshRetryTokenForRetry(token(0), { errorType: 'SERVER_ERROR' })).rejects.toThrow();
    await expect(strategy.refreshRetryTokenForRetry(token(0), { errorType: 'CLIENT_ERROR' })).rejects.toThrow();
  });
});

test('withTimeBudget starts the budget from Lambda\'s remaining time, less a margin', async () => {
  const budget = new TimeBudget(() => 1_000);
  const handler = withTimeBudget(budget, async () => budget.remainingMs());
  expect(await handler({}, { getRemainingTimeInMillis: () => 300_000 })).toBe(285_000);
  expect(await handler({})).toBe(Number.POSITIVE_INFINITY);
});

describe('the retry strategy and the budget at their edges', () => {
  const token = (count: number) => ({ getRetryCount: () => count, getRetryDelay: () => 0 });

  test('a first token asks for no wait; the maximum of attempts counts the first', async () => {
    const strategy = new BudgetedRetryStrategy(new TimeBudget(), 3, () => 0.5);
    const first = await strategy.acquireInitialRetryToken('ec2');
    expect([first.getRetryCount(), first.getRetryDelay()]).toEqual([0, 0]);
    const second = await strategy.refreshRetryTokenForRetry(first, { errorType: 'TRANSIENT' });
    expect([second.getRetryCount(), second.getRetryDelay()]).toEqual([1, 50]);
    const third = await strategy.refreshRetryTokenForRetry(second, { errorType: 'TRANSIENT' });
    expect(third.getRetryCount()).toBe(2);
    await expect(strategy.refreshRetryTokenForRetry(third, { errorType: 'TRANSIENT' })).rejects.toThrow('No retry left after 3 attempts');
    expect(strategy.mode).toBe('standard');
  });

  test('a Retry-After hint lengthens the wait, by at most 5 s more than the backoff', async () => {
    const strategy = new BudgetedRetryStrategy(new TimeBudget(), 5, () => 0.5);
    const hinted = async (inMs: number) => (await strategy.refreshRetryTokenForRetry(token(0), {
      errorType: 'THROTTLING', retryAfterHint: new Date(Date.now() + inMs),
    })).getRetryDelay();
    expect(await hinted(60_000)).toBe(250 + 5_000);
    const delay = await hinted(3_000);
    expect(delay).toBeGreaterThan(2_900);
    expect(delay).toBeLessThanOrEqual(3_000);
    // A hint in the past does not shorten the backoff.
    expect(await hinted(-10_000)).toBe(250);
  });

  test('a retry is made only when its wait leaves 2 s for the call', async () => {
    let now = 0;
    const budget = new TimeBudget(() => now);
    budget.start(2_100);
    const strategy = new BudgetedRetryStrategy(budget, 5, () => 0.999);
    expect((await strategy.refreshRetryTokenForRetry(token(0), { errorType: 'TRANSIENT' })).getRetryDelay()).toBe(99);
    now = 2;
    await expect(strategy.refreshRetryTokenForRetry(token(0), { errorType: 'TRANSIENT' })).rejects.toThrow('No time left in the invocation for another attempt');
    expect(budget.allowsWait(98)).toBe(true);
    expect(budget.allowsWait(99)).toBe(false);
  });

  test('a budget started with a negative time left allows nothing; a fresh one allows anything', () => {
    const budget = new TimeBudget(() => 1_000);
    expect(budget.allowsWait(1e9)).toBe(true);
    budget.start(-5_000);
    expect(budget.remainingMs()).toBe(0);
    expect(budget.allowsWait(0)).toBe(false);
  });

  test('every client a handler makes times out a connection after 5 s and a request after 30 s', () => {
    const config = handlerClientConfig(new TimeBudget());
    expect(config.requestHandler).toEqual({ connectionTimeout: 5_000, requestTimeout: 30_000 });
    expect(config.retryStrategy).toBeInstanceOf(BudgetedRetryStrategy);
  });
});

describe('withRetries, for the sg-strategy command', () => {
  const policy = (attempts = 4) => {
    const sleeps: number[] = [];
    return { sleeps, policy: { attempts, baseDelayMs: 100, maxDelayMs: 300, random: () => 0.5, sleep: async (ms: number) => { sleeps.push(ms); } } };
  };
  const throttled = () => Object.assign(new Error('slow down'), { name: 'ThrottlingException' });

  test.each(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'RequestThrottled', 'SlowDown', 'InternalError', 'ServiceUnavailable', 'Unavailable'])(
    '%s is retried with a doubling, capped, jittered backoff', async (name) => {
      const { sleeps, policy: p } = policy();
      let calls = 0;
      const result = await withRetries(async () => {
        if (++calls < 4) throw Object.assign(new Error(name), { name });
        return 'done';
      }, p);
      expect(result).toBe('done');
      expect(sleeps).toEqual([50, 100, 150]);
    });

  test('the last throttling error is thrown after the attempts; any other error at once', async () => {
    const { sleeps, policy: p } = policy(3);
    let calls = 0;
    await expect(withRetries(async () => { calls++; throw throttled(); }, p)).rejects.toThrow('slow down');
    expect(calls).toBe(3);
    expect(sleeps).toHaveLength(2);
    calls = 0;
    await expect(withRetries(async () => { calls++; throw Object.assign(new Error('no'), { name: 'AccessDenied' }); }, p)).rejects.toThrow('no');
    expect(calls).toBe(1);
  });

  test('the default policy makes 8 attempts, from 250 ms up to 8 s', () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject({ attempts: 8, baseDelayMs: 250, maxDelayMs: 8_000 });
    expect(backoffDelay({ ...DEFAULT_RETRY_POLICY, random: () => 0.999 }, 1)).toBe(249);
    expect(backoffDelay({ ...DEFAULT_RETRY_POLICY, random: () => 0.999 }, 8)).toBe(7_992);
  });
});

describe('error names, messages and lists', () => {
  test('the AWS name is the Code an XML error carries, else the name, else empty', () => {
    expect(errorName(Object.assign(new Error('x'), { name: 'Error', Code: 'InvalidGroup.NotFound' }))).toBe('InvalidGroup.NotFound');
    expect(errorName(Object.assign(new Error('x'), { name: 'AccessDenied', Code: 7 }))).toBe('AccessDenied');
    expect(errorName({ name: 42 })).toBe('');
    expect(errorName(null)).toBe('');
    expect(errorName('InvalidGroup.NotFound')).toBe('');
  });

  test('a failure names what was done, the error name when there is one, and the message of anything thrown', () => {
    expect(describeFailure('describe groups', Object.assign(new Error('denied'), { name: 'AccessDenied' }))).toBe('Could not describe groups: AccessDenied: denied');
    expect(describeFailure('describe groups', 'a string')).toBe('Could not describe groups: a string');
    expect(describeFailure('describe groups', { Code: '' })).toBe('Could not describe groups: [object Object]');
  });

  test('a list shows its first 20 items and counts the rest', () => {
    const items = Array.from({ length: 22 }, (_, i) => `item ${i}`);
    expect(listed(items.slice(0, 20))).toBe(items.slice(0, 20).join('; '));
    expect(listed(items)).toBe(`${items.slice(0, 20).join('; ')}; and 2 more (see the log)`);
    expect(listed(items, 1)).toBe('item 0; and 21 more (see the log)');
  });

  test('tolerating says whether a named failure happened and throws any other', async () => {
    expect(await tolerating(['InvalidPermission.NotFound'], async () => 'ok')).toBe(false);
    expect(await tolerating(['InvalidPermission.NotFound'], async () => { throw Object.assign(new Error('x'), { name: 'InvalidPermission.NotFound' }); })).toBe(true);
    await expect(tolerating(['InvalidPermission.NotFound'], async () => { throw Object.assign(new Error('other'), { name: 'AccessDenied' }); })).rejects.toThrow('other');
  });

  test('allPages follows each token until there is none, and passes none at first', async () => {
    const tokens: Array<string | undefined> = [];
    const pages: Record<string, { items: number[]; nextToken?: string }> = { start: { items: [1], nextToken: 'b' }, b: { items: [], nextToken: 'c' }, c: { items: [2, 3] } };
    expect(await allPages(async (token) => { tokens.push(token); return pages[token ?? 'start']; })).toEqual([1, 2, 3]);
    expect(tokens).toEqual([undefined, 'b', 'c']);
  });

  test('OutOfTimeError is named as such', () => {
    expect(new OutOfTimeError('late')).toMatchObject({ name: 'OutOfTimeError', message: 'late' });
  });
});

test('errorName of undefined is empty; a context without getRemainingTimeInMillis leaves the budget open', async () => {
  expect(errorName(undefined)).toBe('');
  const budget = new TimeBudget(() => 0);
  const handler = withTimeBudget(budget, async () => budget.remainingMs());
  expect(await handler({}, {} as any)).toBe(Number.POSITIVE_INFINITY);
});

test('the default policy sleeps on a timer, for the delay it is given', async () => {
  jest.useFakeTimers();
  try {
    let done = false;
    const sleeping = DEFAULT_RETRY_POLICY.sleep(1_000).then(() => { done = true; });
    await jest.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await sleeping;
    expect(done).toBe(true);
  } finally {
    jest.useRealTimers();
  }
});
