import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface HandlerFunctionOptions {
  /** The handler's name under src/handlers/, bundled into assets/handlers/<name>/index.js. */
  readonly handler: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly environment?: Record<string, string>;
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A function running one of the library's bundled handlers, on CDK's latest Node.js runtime, with a role of
 * its own that has no managed policy, and a log group kept for a year that only it may write to. The log
 * is where handlers record what they changed.
 */
export function handlerFunction(scope: Construct, id: string, options: HandlerFunctionOptions): { fn: lambda.Function; role: iam.Role } {
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: options.description,
  });
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_YEAR });
  logGroup.grantWrite(role);
  const fn = new lambda.Function(scope, id, {
    description: options.description,
    runtime: lambda.determineLatestNodeRuntime(scope),
    code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', 'handlers', options.handler)),
    handler: 'index.handler',
    role,
    logGroup,
    timeout: options.timeout,
    environment: options.environment,
    reservedConcurrentExecutions: options.reservedConcurrentExecutions,
  });
  return { fn, role };
}
