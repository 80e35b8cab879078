/**
 * Runs `body` as if a jsii runtime had started this process for an app in another language: jsii sets
 * JSII_AGENT (`Python/3.11.7`, `Java/17.0.9`); undefined is a Node app. The variable is put back afterwards.
 */
export function withJsiiAgent<T>(agent: string | undefined, body: () => T): T {
  const saved = process.env.JSII_AGENT;
  if (agent === undefined) delete process.env.JSII_AGENT;
  else process.env.JSII_AGENT = agent;
  try {
    return body();
  } finally {
    if (saved === undefined) delete process.env.JSII_AGENT;
    else process.env.JSII_AGENT = saved;
  }
}
