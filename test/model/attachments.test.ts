import { SECURITY_GROUP_PROPERTIES } from '../../src/model/attachment-properties';
import { buildModel } from '../../src/model/build-model';
import { handTemplate } from '../support/analyse-app';

const GROUP = { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', VpcId: 'vpc-1' } } };
const ref = { 'Fn::GetAtt': ['Sg', 'GroupId'] };

function nest(path: string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

describe('attachments', () => {
  test.each(SECURITY_GROUP_PROPERTIES.map(p => [p.resourceType, p.path] as const))('%s carries groups at %j', (type, path) => {
    const model = buildModel(handTemplate({ ...GROUP, R: { Type: type, Properties: nest(path, [ref]) } }));
    expect(model.groups.get('Hand|Sg')!.attachments.map(a => a.resource.logicalId)).toEqual(['R']);
  });

  test('launch-template and instance network interfaces are attachments of their own', () => {
    const model = buildModel(handTemplate({
      ...GROUP,
      Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { NetworkInterfaces: [{ DeviceIndex: 0, Groups: [ref] }] } } },
      I: { Type: 'AWS::EC2::Instance', Properties: { NetworkInterfaces: [{ DeviceIndex: 1, GroupSet: [ref] }] } },
    }));
    expect(model.groups.get('Hand|Sg')!.attachments.map(a => `${a.resource.logicalId} ${a.interfaceLabel}`).sort())
      .toEqual(['I network interface 1', 'Lt network interface 0']);
  });

  test('an unknown resource type is read through the usual property names', () => {
    const model = buildModel(handTemplate({ ...GROUP, X: { Type: 'AWS::NewService::Thing', Properties: { Network: { SecurityGroupIdList: [ref] } } } }));
    expect(model.groups.get('Hand|Sg')!.attachments).toEqual([expect.objectContaining({ interfaceLabel: 'Network.SecurityGroupIdList' })]);
  });

  test('a literal sg- id from outside the app is an external group, not an error', () => {
    const model = buildModel(handTemplate({ I: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: ['sg-0abc1234'] } } }));
    expect(model.groups.get('external:sg-0abc1234')!.attachments).toHaveLength(1);
    expect(model.unresolved).toEqual([]);
  });
});
