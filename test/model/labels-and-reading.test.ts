import { analyse } from '../../src/checks/engine';
import { buildModel } from '../../src/model/build-model';
import { findingsOf, handTemplate } from '../support/analyse-app';

describe('what the model reads, and how findings name it', () => {
  test('Groups on an IAM user or an Evidently launch is not a list of security groups; in a network-interface specification it is', () => {
    const { model, findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } },
      User: { Type: 'AWS::IAM::User', Properties: { Groups: ['admins', 'developers'] } },
      Launch: { Type: 'AWS::Evidently::Launch', Properties: { Groups: [{ GroupName: 'a', Feature: 'f', Variation: 'v' }] } },
      Fleet: { Type: 'AWS::EC2::SpotFleet', Properties: { SpotFleetRequestConfigData: { LaunchSpecifications: [{ NetworkInterfaces: [{ DeviceIndex: 0, Groups: [{ Ref: 'Sg' }] }] }] } } },
    }), {}, []);
    expect(findingsOf(findings, 'UnresolvedReference')).toEqual([]);
    expect(model.groups.get('Hand|Sg')!.attachments.map(a => a.resource.logicalId)).toEqual(['Fleet']);
  });

  test('a load balancer whose Scheme is a parameter takes the default, and the finding says so', () => {
    const { model, findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, CidrIp: '0.0.0.0/0' }] } },
      Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: { Ref: 'Scheme' }, SecurityGroups: [{ Ref: 'Sg' }], Subnets: ['subnet-1'] } },
    }, { Parameters: { Scheme: { Type: 'String', Default: 'internet-facing' } } }), {}, []);
    expect(model.loadBalancers).toEqual([expect.objectContaining({ internetFacing: true, scheme: 'internet-facing', schemeViaParameter: 'Scheme' })]);
    expect(findingsOf(findings, 'WorldOpenIngress').map(f => f.message)).toEqual([
      expect.stringContaining('Only 80, 443 are expected on an internet-facing load balancer. Hand/Lb is internet-facing by the default of parameter Scheme.'),
    ]);
  });

  test('a Scheme synth cannot know is not taken as internet-facing, and the finding says so', () => {
    const { model, findings } = analyse(handTemplate({
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }] } },
      Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: { Ref: 'Scheme' }, SecurityGroups: [{ Ref: 'Sg' }] } },
    }, { Parameters: { Scheme: { Type: 'String' } } }), {}, []);
    expect(model.loadBalancers[0].scheme).toBe('unknown');
    expect(findingsOf(findings, 'WorldOpenIngress').map(f => f.message)).toEqual([expect.stringContaining('The scheme of Hand/Lb is not known at synth')]);
  });

  test('no message says "default group of default group", "a ingress", "a egress", ${Token[...]} or (computed)', () => {
    const { findings } = analyse([
      {
        stackId: 'App',
        stackName: '${Token[TOKEN.62]}',
        constructPath: 'App/Nested',
        template: {
          Parameters: { Name: { Type: 'String' } },
          Resources: {
            Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', DBInstanceClass: 'db.t4g.micro' } },
            Named: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', GroupName: { Ref: 'Name' }, SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: { Ref: 'Missing' } }] } },
            In: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { Ref: 'Named' }, IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: { 'Fn::ImportValue': 'nowhere' } } },
          },
        },
      },
    ], {}, []);
    const text = findings.map(f => f.message).join('\n');
    expect(text).toContain('gets the default security group of the account\'s default VPC');
    expect(text).toContain('the peer of an ingress rule');
    expect(text).toContain('the peer of an egress rule');
    expect(text).toContain('has the fixed GroupName "${Name}"');
    expect(text).not.toMatch(/default group of default|\ba (ingress|egress)\b|\$\{Token\[|\(computed\)/);
    expect(findings.every(f => !f.stackName.includes('${Token['))).toBe(true);
  });

  test('an instance whose launch template is not in the app is listed, not passed', () => {
    const model = buildModel(handTemplate({ I: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { LaunchTemplateId: 'lt-0123', Version: '1' } } } }));
    expect(model.unresolved.map(u => u.what)).toEqual(['its security groups come from launch template lt-0123, which is not in the app']);
  });
});
