import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { analyse } from '../../src/checks/engine';
import { analyseApp, findingsOf, handTemplate, testStack } from '../support/analyse-app';

const RULE = 'DefaultSecurityGroupUsed';

describe(RULE, () => {
  test('flags an explicit attachment to the VPC default group (L2 token)', () => {
    const { app, stack, vpc } = testStack();
    const defaultGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Default', vpc.vpcDefaultSecurityGroup);
    new ec2.Instance(stack, 'I', { vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(), securityGroup: defaultGroup });
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 'error', resourceType: 'AWS::EC2::Instance' });
    expect(found[0].message).toContain('is attached to the default security group of Stack/Vpc');
  });

  test.each([
    ['an EC2 instance in a subnet', (stack: any, vpc: ec2.Vpc) => new ec2.CfnInstance(stack, 'R', { imageId: 'ami-1', subnetId: vpc.isolatedSubnets[0].subnetId })],
    ['an instance launched from a launch template without groups', (stack: any, vpc: ec2.Vpc) => {
      const lt = new ec2.CfnLaunchTemplate(stack, 'Lt', { launchTemplateData: { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: false }] } });
      return new ec2.CfnInstance(stack, 'R', { subnetId: vpc.isolatedSubnets[0].subnetId, launchTemplate: { launchTemplateId: lt.ref, version: lt.attrLatestVersionNumber } });
    }],
    ['an interface endpoint', (stack: any, vpc: ec2.Vpc) => new ec2.CfnVPCEndpoint(stack, 'R', { vpcId: vpc.vpcId, serviceName: 'com.amazonaws.eu-west-1.ssm', vpcEndpointType: 'Interface' })],
    ['an RDS instance', (stack: any, vpc: ec2.Vpc) => {
      const subnets = new rds.CfnDBSubnetGroup(stack, 'Subnets', { dbSubnetGroupDescription: 'x', subnetIds: vpc.isolatedSubnets.map(s => s.subnetId) });
      return new rds.CfnDBInstance(stack, 'R', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20', dbSubnetGroupName: subnets.ref });
    }],
  ])('flags %s that names no group (L1 fallback)', (_label, build) => {
    const { app, stack, vpc } = testStack();
    build(stack, vpc);
    const found = findingsOf(analyseApp(app), RULE);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 'error', logicalId: 'R' });
    expect(found[0].message).toMatch(/R gets the default security group of Stack\/Vpc: it names no (security )?group/);
  });

  test('a gateway endpoint has no interfaces and is not flagged', () => {
    const { app, stack, vpc } = testStack();
    new ec2.CfnVPCEndpoint(stack, 'S3', { vpcId: vpc.vpcId, serviceName: 'com.amazonaws.eu-west-1.s3' });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });

  test('an instance with its own group is compliant (L2)', () => {
    const { app, stack, vpc } = testStack();
    new ec2.Instance(stack, 'I', { vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023() });
    expect(findingsOf(analyseApp(app), RULE)).toEqual([]);
  });
});

test('DefaultSecurityGroupUsed on hand-written templates: attached by name is an error; an unsettled fallback is a warning that says why', () => {
  const found = findingsOf(analyse(handTemplate({
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24' } },
    Eni: { Type: 'AWS::EC2::NetworkInterface', Properties: { SubnetId: { Ref: 'Subnet' } } },
    I: { Type: 'AWS::EC2::Instance', Properties: { SecurityGroupIds: [{ 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] }] } },
  }), {}, []).findings, 'DefaultSecurityGroupUsed');
  expect(found.map(f => [f.level, f.message])).toEqual([
    ['warning', 'Hand/Eni gets the default security group of Hand/Vpc: it names no security group. Not certain: the API reference names no fallback group for this resource; the engine assumes the VPC\'s default group, as the EFS and FSx user guides show.'],
    ['error', 'Hand/I is attached to the default security group of Hand/Vpc.'],
  ]);
});
