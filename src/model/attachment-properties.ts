/**
 * Where each CloudFormation resource type carries the security groups of the network interfaces it creates.
 *
 * The construct that attaches groups (ServerClientPair) and the model that reads attachments share this
 * table, so both agree on where a group id lives.
 */
export interface SecurityGroupProperty {
  /** The CloudFormation resource type. */
  readonly resourceType: string;
  /** The property path, from the resource's Properties down to the list of group ids. */
  readonly path: string[];
}

export const SECURITY_GROUP_PROPERTIES: SecurityGroupProperty[] = [
  { resourceType: 'AWS::Lambda::Function', path: ['VpcConfig', 'SecurityGroupIds'] },
  { resourceType: 'AWS::ECS::Service', path: ['NetworkConfiguration', 'AwsvpcConfiguration', 'SecurityGroups'] },
  { resourceType: 'AWS::ECS::TaskSet', path: ['NetworkConfiguration', 'AwsVpcConfiguration', 'SecurityGroups'] },
  { resourceType: 'AWS::RDS::DBInstance', path: ['VPCSecurityGroups'] },
  { resourceType: 'AWS::RDS::DBCluster', path: ['VpcSecurityGroupIds'] },
  { resourceType: 'AWS::RDS::DBProxy', path: ['VpcSecurityGroupIds'] },
  { resourceType: 'AWS::RDS::DBProxyEndpoint', path: ['VpcSecurityGroupIds'] },
  { resourceType: 'AWS::DocDB::DBCluster', path: ['VpcSecurityGroupIds'] },
  { resourceType: 'AWS::Neptune::DBCluster', path: ['VpcSecurityGroupIds'] },
  { resourceType: 'AWS::ElastiCache::ReplicationGroup', path: ['SecurityGroupIds'] },
  { resourceType: 'AWS::ElastiCache::CacheCluster', path: ['VpcSecurityGroupIds'] },
  { resourceType: 'AWS::ElastiCache::ServerlessCache', path: ['SecurityGroupIds'] },
  { resourceType: 'AWS::MemoryDB::Cluster', path: ['SecurityGroupIds'] },
  { resourceType: 'AWS::EC2::Instance', path: ['SecurityGroupIds'] },
  { resourceType: 'AWS::EC2::NetworkInterface', path: ['GroupSet'] },
  { resourceType: 'AWS::EC2::VPCEndpoint', path: ['SecurityGroupIds'] },
  { resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer', path: ['SecurityGroups'] },
  { resourceType: 'AWS::ElasticLoadBalancing::LoadBalancer', path: ['SecurityGroups'] },
  { resourceType: 'AWS::EFS::MountTarget', path: ['SecurityGroups'] },
  { resourceType: 'AWS::OpenSearchService::Domain', path: ['VPCOptions', 'SecurityGroupIds'] },
  { resourceType: 'AWS::Elasticsearch::Domain', path: ['VPCOptions', 'SecurityGroupIds'] },
  { resourceType: 'AWS::Redshift::Cluster', path: ['VpcSecurityGroupIds'] },
  { resourceType: 'AWS::RedshiftServerless::Workgroup', path: ['SecurityGroupIds'] },
  { resourceType: 'AWS::MSK::Cluster', path: ['BrokerNodeGroupInfo', 'SecurityGroups'] },
  { resourceType: 'AWS::MSK::ServerlessCluster', path: ['VpcConfigs', 'SecurityGroups'] },
  { resourceType: 'AWS::EKS::Cluster', path: ['ResourcesVpcConfig', 'SecurityGroupIds'] },
  { resourceType: 'AWS::Batch::ComputeEnvironment', path: ['ComputeResources', 'SecurityGroupIds'] },
  { resourceType: 'AWS::CodeBuild::Project', path: ['VpcConfig', 'SecurityGroupIds'] },
  { resourceType: 'AWS::AutoScaling::LaunchConfiguration', path: ['SecurityGroups'] },
  { resourceType: 'AWS::EC2::LaunchTemplate', path: ['LaunchTemplateData', 'SecurityGroupIds'] },
  { resourceType: 'AWS::SageMaker::Domain', path: ['DefaultUserSettings', 'SecurityGroups'] },
  { resourceType: 'AWS::DMS::ReplicationInstance', path: ['VpcSecurityGroupIds'] },
  { resourceType: 'AWS::AppRunner::VpcConnector', path: ['SecurityGroups'] },
  { resourceType: 'AWS::Glue::Connection', path: ['ConnectionInput', 'PhysicalConnectionRequirements', 'SecurityGroupIdList'] },
  { resourceType: 'AWS::DAX::Cluster', path: ['SecurityGroupIds'] },
  { resourceType: 'AWS::FSx::FileSystem', path: ['SecurityGroupIds'] },
  { resourceType: 'AWS::Route53Resolver::ResolverEndpoint', path: ['SecurityGroupIds'] },
  { resourceType: 'AWS::Transfer::Server', path: ['EndpointDetails', 'SecurityGroupIds'] },
];

const BY_TYPE = new Map(SECURITY_GROUP_PROPERTIES.map(p => [p.resourceType, p]));

/** The table entry for a resource type, if there is one. */
export function securityGroupPropertyOf(resourceType: string): SecurityGroupProperty | undefined {
  return BY_TYPE.get(resourceType);
}
