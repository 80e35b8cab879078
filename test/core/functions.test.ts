/**
 * The handler functions and custom-resource providers every construct of the library builds: their construct
 * ids (they are the logical ids users have deployed, so a change replaces their roles and logs), least
 * privilege, and a year of logs.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { handlerFunction } from '../../src/core/handler-function';
import { frameworkProvider } from '../../src/core/provider';

describe('handlerFunction', () => {
  function build() {
    const stack = new Stack();
    const { fn, role } = handlerFunction(stack, 'Locker', {
      handler: 'lock-default-security-group',
      description: 'Locks the default group',
      timeout: Duration.seconds(42),
      environment: { LOCKED: 'sg-1' },
      reservedConcurrentExecutions: 3,
    });
    return { stack, fn, role, template: Template.fromStack(stack) };
  }

  test('a function, its role and its log group, under ids derived from the one given', () => {
    const { stack, fn, role } = build();
    expect(stack.node.children.map(c => c.node.id)).toEqual(expect.arrayContaining(['Locker', 'LockerLogs', 'LockerRole']));
    expect(stack.node.children.filter(c => c.node.id.startsWith('Locker'))).toHaveLength(3);
    expect(fn.role).toBe(role);
  });

  test('the function runs the bundled handler with the options given, logging to its own group', () => {
    const { stack, template } = build();
    const logs = stack.getLogicalId(stack.node.findChild('LockerLogs').node.defaultChild as any);
    const role = stack.getLogicalId(stack.node.findChild('LockerRole').node.defaultChild as any);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Locks the default group',
      Handler: 'index.handler',
      Runtime: Match.stringLikeRegexp('^nodejs'),
      Timeout: 42,
      Environment: { Variables: { LOCKED: 'sg-1' } },
      ReservedConcurrentExecutions: 3,
      LoggingConfig: { LogGroup: { Ref: logs } },
      Role: { 'Fn::GetAtt': [role, 'Arn'] },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('the role is assumed by Lambda alone, has no managed policy, and may write only to its own log group', () => {
    const { stack, template } = build();
    const logs = stack.getLogicalId(stack.node.findChild('LockerLogs').node.defaultChild as any);
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: 'Locks the default group',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Resource: { 'Fn::GetAtt': [logs, 'Arn'] } }),
    ]);
  });

  test('a handler name that was not bundled fails, naming the bundle path it looked for', () => {
    expect(() => handlerFunction(new Stack(), 'Nope', { handler: 'no-such-handler', description: 'x', timeout: Duration.seconds(1) }))
      .toThrow(/assets[\\/]handlers[\\/]no-such-handler/);
  });
});

describe('frameworkProvider', () => {
  test('a Provider with a role and a year-long log group of its own, and the version wildcard acknowledged for cdk-nag', () => {
    const stack = new Stack();
    const scope = new Construct(stack, 'Swap');
    const { fn } = handlerFunction(scope, 'Handler', { handler: 'private-link-service-swap', description: 'Swaps', timeout: Duration.seconds(5) });
    const provider = frameworkProvider(scope, fn, 'Runs the swap');
    expect(scope.node.children.map(c => c.node.id)).toEqual(expect.arrayContaining(['FrameworkRole', 'FrameworkLogs', 'Provider']));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: 'Runs the swap',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
    expect(Object.values(template.findResources('AWS::Logs::LogGroup')).map((r: any) => r.Properties.RetentionInDays)).toEqual([365, 365]);
    const frameworkRole = scope.node.findChild('FrameworkRole');
    const frameworkFn = provider.node.findChild('framework-onEvent').node.defaultChild as any;
    expect(stack.resolve(frameworkFn.role)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(frameworkRole.node.defaultChild as any), 'Arn'] });
    const fnLogical = stack.getLogicalId(fn.node.defaultChild as any);
    const acknowledged = Object.assign({}, ...frameworkRole.node.metadata
      .filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map(m => m.data as Record<string, string>));
    expect(Object.keys(acknowledged)).toEqual([`AwsSolutions::AwsSolutions-IAM5[Resource::<${fnLogical}.Arn>:*]`]);
  });
});
