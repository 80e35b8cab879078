import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag's AwsSolutions IAM5 finding for one wildcard resource of a policy, with the reason.
 * cdk-nag names the resource the way it flattens CloudFormation (`<Bucket.Arn>/closed/*`,
 * `arn:<AWS::Partition>:ec2:<AWS::Region>:…`), so the id is built from the resolved value the same way.
 * This goes through CDK's own Validations, so the library needs no dependency on cdk-nag.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  acknowledgeNagFinding(scope, `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`, reason);
}

/**
 * Acknowledges one AwsSolutions finding, named as cdk-nag names it (`AwsSolutions-S1`,
 * `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/...]`), on every supported aws-cdk-lib.
 */
export function acknowledgeNagFinding(scope: IConstruct, ruleName: string, reason: string): void {
  const id = `AwsSolutions::${ruleName}`;
  try {
    Validations.of(scope).acknowledge({ id, reason });
  } catch (e) {
    if (!/Invalid validation rule ID/.test((e as Error).message)) throw e;
    // aws-cdk-lib before 2.269.0 refuses an id with '::' inside its brackets, as IAM4 and IAM5 ids have.
    // Record what `acknowledge` records, under both keys those releases look a violation up by: the plugin's
    // name and the rule (2.258), or the rule alone when it holds '::' itself (2.262 to 2.268).
    scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason, [ruleName]: reason });
  }
}

function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, any>;
    if (typeof v.Ref === 'string') return `<${v.Ref}>`;
    if (Array.isArray(v['Fn::GetAtt'])) return `<${v['Fn::GetAtt'].join('.')}>`;
    if (Array.isArray(v['Fn::Join'])) return (v['Fn::Join'][1] as unknown[]).map(flatten).join(v['Fn::Join'][0]);
  }
  return JSON.stringify(value);
}
