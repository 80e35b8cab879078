/**
 * The handlers' retry strategy inside a real SDK v3 client. The client's HTTP handler is replaced by one that
 * answers from a script, so the SDK's own middleware classifies each failure exactly as it would against AWS:
 * these tests show which failures the handlers retry and that no retry outlives the invocation's budget.
 */
import { Readable } from 'stream';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
import { BudgetedRetryStrategy, handlerClientConfig, MAX_ATTEMPTS, TimeBudget, withTimeBudget } from '../../../src/handlers/shared/aws-calls';

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
