import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag';

/**
 * CDK's custom-resource Provider around one of our handler functions, with a framework role and log group of
 * its own (kept a year), so nothing in it uses a managed policy or an unbounded log.
 */
export function frameworkProvider(scope: Construct, onEventHandler: lambda.IFunction, description: string): cr.Provider {
  const frameworkRole = new iam.Role(scope, 'FrameworkRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description,
  });
  const frameworkLogs = new logs.LogGroup(scope, 'FrameworkLogs', { retention: logs.RetentionDays.ONE_YEAR });
  frameworkLogs.grantWrite(frameworkRole);
  const provider = new cr.Provider(scope, 'Provider', {
    onEventHandler,
    frameworkOnEventRole: frameworkRole,
    logGroup: frameworkLogs,
  });
  acknowledgeWildcardResource(frameworkRole, `${onEventHandler.functionArn}:*`,
    'The Provider framework may invoke the one handler function of this stack in any of its versions (ARN:*).');
  return provider;
}
