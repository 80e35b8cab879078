import { CfnResource, Fn, Stack, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../../src/core/nag';

const REASON = 'DescribeSecurityGroups takes no resource-level permission';

function acknowledgedRules(scope: Construct): Record<string, string> {
  return Object.assign({}, ...scope.node.metadata
    .filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .map(m => m.data as Record<string, string>));
}

describe('acknowledgeWildcardResource', () => {
  afterEach(() => jest.restoreAllMocks());

  test("goes through CDK's Validations, with the resource flattened as cdk-nag names it", () => {
    const stack = new Stack();
    const role = new Construct(stack, 'Role');
    acknowledgeWildcardResource(role, `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:security-group/*`, REASON);
    expect(acknowledgedRules(role)).toEqual({
      'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:security-group/*]': REASON,
    });
  });

  test('an attribute inside a joined ARN is named <LogicalId.Attribute>; a value cdk-nag has no name for is its JSON', () => {
    const stack = new Stack();
    const bucket = new CfnResource(stack, 'Bucket', { type: 'AWS::S3::Bucket' });
    const role = new Construct(stack, 'Role');
    acknowledgeWildcardResource(role, `${bucket.getAtt('Arn')}/closed/*`, REASON);
    acknowledgeWildcardResource(role, Fn.importValue('SharedArn'), REASON);
    expect(Object.keys(acknowledgedRules(role))).toEqual([
      'AwsSolutions::AwsSolutions-IAM5[Resource::<Bucket.Arn>/closed/*]',
      'AwsSolutions::AwsSolutions-IAM5[Resource::{"Fn::ImportValue":"SharedArn"}]',
    ]);
  });

  test('where aws-cdk-lib refuses the id (before 2.269.0), it records the acknowledgement under both keys those releases read', () => {
    jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => {
      throw new Error("Invalid validation rule ID 'AwsSolutions::AwsSolutions-IAM5[Resource::*]'. The '::' delimiter is reserved");
    });
    const role = new Construct(new Stack(), 'Role');
    acknowledgeWildcardResource(role, '*', REASON);
    expect(acknowledgedRules(role)).toEqual({
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]': REASON,
      'AwsSolutions-IAM5[Resource::*]': REASON,
    });
  });

  test('any other error from Validations is not swallowed', () => {
    jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => {
      throw new Error('something else');
    });
    expect(() => acknowledgeWildcardResource(new Construct(new Stack(), 'Role'), '*', REASON)).toThrow('something else');
  });
});
