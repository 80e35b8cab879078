/**
 * What AWS and CloudFormation do that the engine relies on, written down once, each with the sources that
 * establish it. The model and the rules read this table; they never restate AWS behaviour inline.
 * AWS-BEHAVIOURS.md is generated from it (`npx projen docgen:behaviours`).
 */

/** How well a behaviour is established. */
export type Certainty =
  /** AWS documentation states it. */
  | 'documented'
  /** Not in the documentation, but reproduced in public issue trackers and relied on by AWS's own tools. */
  | 'observed'
  /** Sources disagree, or none settles it: a finding that relies on it is at most a warning and says so. */
  | 'unsettled';

export interface Source {
  readonly title: string;
  readonly url: string;
}

export interface AwsBehaviour {
  /** Stable id, used in code and as the anchor in AWS-BEHAVIOURS.md. */
  readonly id: string;
  /** What AWS does, in one or two sentences. */
  readonly statement: string;
  readonly certainty: Certainty;
  /** For an unsettled behaviour: what the sources say, in words a finding can carry. */
  readonly caveat?: string;
  readonly sources: readonly Source[];
  /** The catalog rules whose findings rely on it. */
  readonly rules: readonly string[];
}

const CFN = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference';
const issue = (repo: string, n: number, title: string): Source => ({ title: `${repo}#${n}: ${title}`, url: `https://github.com/${repo}/issues/${n}` });

/** Every behaviour, by id. */
export const AWS_BEHAVIOURS = {
  defaultEgressWithoutEgressRules: {
    id: 'default-egress-without-egress-rules',
    statement: 'A security group created with no egress rule gets an allow-all IPv4 egress rule (all protocols to 0.0.0.0/0). An empty SecurityGroupEgress list counts as no egress rule.',
    certainty: 'documented',
    sources: [
      { title: 'AWS::EC2::SecurityGroup', url: `${CFN}/aws-resource-ec2-securitygroup.html` },
      { title: 'aws-cdk#22279: SecurityGroup tracks IPv4 and IPv6 allow-all separately, as CloudFormation does', url: 'https://github.com/aws/aws-cdk/pull/22279' },
    ],
    rules: ['UnrestrictedEgress', 'ReachabilityViolation'],
  },
  defaultEgressIpv6: {
    id: 'default-egress-ipv6',
    statement: 'Whether that default egress also allows ::/0 is unsettled: the CloudFormation reference says IPv4 and IPv6, but groups deployed by CloudFormation get the IPv4 rule only. The engine models IPv4 only.',
    certainty: 'unsettled',
    caveat: 'the CloudFormation reference says the default egress also allows ::/0, but groups CloudFormation deploys get only the IPv4 rule, as cloudformation-coverage-roadmap#2241 shows',
    sources: [
      { title: 'AWS::EC2::SecurityGroup', url: `${CFN}/aws-resource-ec2-securitygroup.html` },
      issue('aws-cloudformation/cloudformation-coverage-roadmap', 2241, 'No IPv6 egress by default'),
    ],
    rules: ['UnrestrictedEgress', 'ReachabilityViolation'],
  },
  standaloneEgressRemovesDefault: {
    id: 'standalone-egress-removes-default',
    statement: 'Creating an AWS::EC2::SecurityGroupEgress removes the target group\'s default allow-all egress, from whichever stack it is created. So a group keeps allow-all only when it has no egress at all, inline or standalone. CDK relies on this to drop its "no traffic" placeholder.',
    certainty: 'observed',
    sources: [
      issue('aws/aws-cdk', 987, 'ASG instance security group AllowOutbound bug'),
      { title: 'aws-cdk#998: fix SecurityGroup\'s all egress traffic rule (the rationale of allowAllOutbound)', url: 'https://github.com/aws/aws-cdk/pull/998' },
      issue('aws/aws-cdk', 3355, 'imported security groups and egress rules'),
      issue('aws/aws-cdk', 14657, 'outbound all traffic replaced with the security group of an ASG'),
      issue('aws/aws-cdk', 24806, 'Connections.allowFrom overwrites the other group\'s allowTo'),
      issue('aws-cloudformation/cfn-language-discussion', 157, 'security group egress rule is deleted when adding another egress rule'),
    ],
    rules: ['UnrestrictedEgress', 'EgressRevokesDefaultOfExternalGroup', 'ReachabilityViolation'],
  },
  eksClusterSecurityGroup: {
    id: 'eks-cluster-security-group',
    statement: 'An EKS cluster creates a security group of its own (Fn::GetAtt ClusterSecurityGroupId, on AWS::EKS::Cluster or on CDK\'s Custom::AWSCDK-EKS-Cluster) and puts the control plane and managed node groups in it. The app carries it but does not define it.',
    certainty: 'documented',
    sources: [{ title: 'Amazon EKS: security group requirements for clusters', url: 'https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html' }],
    rules: ['UnresolvedReference', 'EgressRevokesDefaultOfExternalGroup'],
  },
  defaultGroupRules: {
    id: 'default-group-rules',
    statement: 'A VPC\'s default security group admits all traffic from itself and sends all traffic to 0.0.0.0/0, and to ::/0 when the VPC has an IPv6 block, until someone removes those rules.',
    certainty: 'documented',
    sources: [
      { title: 'Amazon VPC: default security groups for your VPCs', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html' },
      issue('aws/aws-cdk', 29709, 'restrictDefaultSecurityGroup does not remove the IPv6 egress rule'),
    ],
    rules: ['DefaultSecurityGroupOpen', 'DefaultSecurityGroupUsed', 'ReachabilityViolation'],
  },
  restrictDefaultSecurityGroupFlag: {
    id: 'restrict-default-security-group-flag',
    statement: 'CDK\'s ec2.Vpc removes the default group\'s rules (restrictDefaultSecurityGroup) by default only where the feature flag @aws-cdk/aws-ec2:restrictDefaultSecurityGroup is on; new projects get it, older ones keep the rules.',
    certainty: 'documented',
    sources: [{ title: 'aws-cdk-lib ec2.VpcProps.restrictDefaultSecurityGroup', url: 'https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ec2.VpcProps.html#restrictdefaultsecuritygroup' }],
    rules: ['DefaultSecurityGroupOpen'],
  },
  fallbackToDefaultGroup: {
    id: 'fallback-to-default-group',
    statement: 'These resources, created in a VPC without security groups, get the VPC\'s default security group: EC2 instances (RunInstances), interface VPC endpoints, RDS DB instances, Redshift clusters, ECS awsvpc services and task sets, OpenSearch domains, MSK clusters, and Classic Load Balancers in a nondefault VPC.',
    certainty: 'documented',
    sources: [
      { title: 'EC2 RunInstances: SecurityGroupIds', url: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html' },
      { title: 'EC2 CreateVpcEndpoint: SecurityGroupIds', url: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html' },
      { title: 'RDS CreateDBInstance: VpcSecurityGroupIds', url: 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html' },
      { title: 'Redshift CreateCluster: VpcSecurityGroupIds', url: 'https://docs.aws.amazon.com/redshift/latest/APIReference/API_CreateCluster.html' },
      { title: 'AWS::ECS::Service AwsVpcConfiguration', url: `${CFN}/aws-properties-ecs-service-awsvpcconfiguration.html` },
      { title: 'OpenSearch VPCOptions', url: 'https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_VPCOptions.html' },
      { title: 'MSK BrokerNodeGroupInfo', url: 'https://docs.aws.amazon.com/msk/1.0/apireference/clusters.html#clusters-model-brokernodegroupinfo' },
      { title: 'Configure security groups for your Classic Load Balancer', url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-vpc-security-groups.html' },
    ],
    rules: ['DefaultSecurityGroupUsed', 'ReachabilityViolation'],
  },
  fallbackUnsettled: {
    id: 'fallback-unsettled',
    statement: 'For these, no API reference names the group they get without one: a standalone network interface without GroupSet, an EFS mount target (CloudFormation even requires SecurityGroups), an FSx file system, an ElastiCache cluster or replication group, an RDS DB cluster (in its subnet group\'s VPC, or the default VPC without one). The EFS and FSx user guides show the VPC\'s default group; for the others no source we found settles it. The engine assumes the default group.',
    certainty: 'unsettled',
    caveat: 'the API reference names no fallback group for this resource; the engine assumes the VPC\'s default group, as the EFS and FSx user guides show',
    sources: [
      { title: 'EC2 CreateNetworkInterface', url: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkInterface.html' },
      { title: 'AWS::EFS::MountTarget (SecurityGroups is required)', url: `${CFN}/aws-resource-efs-mounttarget.html` },
      { title: 'Amazon EFS: using VPC security groups (the getting-started mount target uses the default group)', url: 'https://docs.aws.amazon.com/efs/latest/ug/network-access.html' },
      { title: 'FSx CreateFileSystem: SecurityGroupIds (no default stated)', url: 'https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystem.html' },
      { title: 'FSx for ONTAP: file system access control with Amazon VPC (the default group is applied)', url: 'https://docs.aws.amazon.com/fsx/latest/ONTAPGuide/limit-access-security-groups.html' },
      { title: 'ElastiCache CreateCacheCluster: SecurityGroupIds', url: 'https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheCluster.html' },
      { title: 'RDS CreateDBCluster: VpcSecurityGroupIds (no default stated)', url: 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html' },
    ],
    rules: ['DefaultSecurityGroupUsed', 'ReachabilityViolation'],
  },
  clusterMembersUseClusterGroups: {
    id: 'cluster-members-use-cluster-groups',
    statement: 'An AWS::RDS::DBInstance with DBClusterIdentifier (an Aurora writer or reader) takes its cluster\'s security groups; its own VPCSecurityGroups does not apply, and it never falls back to the default group.',
    certainty: 'documented',
    sources: [
      { title: 'RDS CreateDBInstance: VpcSecurityGroupIds ("managed by the DB cluster")', url: 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html' },
      { title: 'AWS::RDS::DBInstance VPCSecurityGroups', url: `${CFN}/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-vpcsecuritygroups` },
    ],
    rules: ['DefaultSecurityGroupUsed', 'ReachabilityViolation'],
  },
  readReplicaGroups: {
    id: 'read-replica-groups',
    statement: 'Which groups a read replica (SourceDBInstanceIdentifier) gets when it names none is unsettled: the operation says its attributes, security groups included, are inherited from the source; the parameter says the default group of the subnet group\'s VPC.',
    certainty: 'unsettled',
    caveat: 'AWS documents both that a read replica inherits its source\'s groups and that it gets the VPC\'s default group',
    sources: [
      { title: 'RDS CreateDBInstanceReadReplica', url: 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html' },
      { title: 'aws rds create-db-instance-read-replica ("all other attributes ... are inherited")', url: 'https://awscli.amazonaws.com/v2/documentation/api/latest/reference/rds/create-db-instance-read-replica.html' },
    ],
    rules: ['DefaultSecurityGroupUsed'],
  },
  launchTemplateJudgedWhereUsed: {
    id: 'launch-template-judged-where-used',
    statement: 'A launch template without security groups falls back to nothing by itself: the instance or Auto Scaling group launched from it gets its own SecurityGroupIds if it has them, else the template\'s, else the VPC\'s default group. An EKS managed node group whose template names none gets the cluster security group instead.',
    certainty: 'documented',
    sources: [
      { title: 'EC2 RunInstances: SecurityGroupIds and LaunchTemplate', url: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html' },
      { title: 'Amazon EKS: customize managed nodes with launch templates', url: 'https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html' },
      { title: 'AWS Batch ComputeResource: SecurityGroupIds (in the environment or its launch template)', url: 'https://docs.aws.amazon.com/batch/latest/APIReference/API_ComputeResource.html' },
    ],
    rules: ['DefaultSecurityGroupUsed'],
  },
  forwardingInstance: {
    id: 'forwarding-instance',
    statement: 'An instance or interface with source/destination checking off (SourceDestCheck false) forwards traffic for others, as a NAT instance or router does; its group must admit the networks it serves, typically the whole VPC CIDR on every port.',
    certainty: 'documented',
    sources: [{ title: 'Amazon VPC: NAT instances (security group and source/destination check)', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/VPC_NAT_Instance.html' }],
    rules: ['WideCidrIngress', 'AllPortsFromPeer'],
  },
  securityGroupsPerInterface: {
    id: 'security-groups-per-interface',
    statement: 'A network interface takes 5 security groups by default, 16 at most after a quota increase. Lambda functions and ECS awsvpc configurations take 5 at most, a hard limit.',
    certainty: 'documented',
    sources: [
      { title: 'Amazon VPC quotas: security groups', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups' },
      { title: 'AWS::Lambda::Function VpcConfig', url: `${CFN}/aws-properties-lambda-function-vpcconfig.html` },
      { title: 'AWS::ECS::Service AwsVpcConfiguration', url: `${CFN}/aws-properties-ecs-service-awsvpcconfiguration.html` },
    ],
    rules: ['TooManySecurityGroupsPerInterface'],
  },
  rulesPerGroup: {
    id: 'rules-per-group',
    statement: 'A group takes 60 inbound and 60 outbound rules by default, counted separately for IPv4 and IPv6. A rule that references a prefix list counts as the list\'s MaxEntries, not as one.',
    certainty: 'documented',
    sources: [
      { title: 'Amazon VPC quotas: security groups and prefix lists', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html' },
    ],
    rules: ['TooManyRules'],
  },
  prefixListHoldingTheWorld: {
    id: 'prefix-list-holding-the-world',
    statement: 'A rule that references a prefix list admits every address in the list\'s entries; a list with 0.0.0.0/0 or ::/0 opens the rule to the world.',
    certainty: 'documented',
    sources: [{ title: 'Amazon VPC: managed prefix lists', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html' }],
    rules: ['WorldOpenAdminPort', 'WorldOpenDataPort', 'WorldOpenIngress', 'ReachabilityViolation'],
  },
  loadBalancerListenerPorts: {
    id: 'load-balancer-listener-ports',
    statement: 'A load balancer accepts traffic only on its listeners\' ports, so a group carried only by load balancers is reachable only there, whatever its ingress rules admit.',
    certainty: 'documented',
    sources: [
      { title: 'Security groups for your Application Load Balancer', url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html' },
      { title: 'Listeners for your Network Load Balancers', url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-listeners.html' },
    ],
    rules: ['WorldOpenAdminPort', 'WorldOpenDataPort', 'WorldOpenIngress', 'ReachabilityViolation'],
  },
  networkLoadBalancerGroupsAtCreation: {
    id: 'network-load-balancer-groups-at-creation',
    statement: 'A Network Load Balancer takes security groups only if it was created with at least one: one created without any can never be given one (SetSecurityGroups refuses it), and must be replaced.',
    certainty: 'documented',
    sources: [
      { title: 'ELB SetSecurityGroups ("unless you specified a security group for the load balancer when you created it")', url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSecurityGroups.html' },
      { title: 'Update the security groups for your Network Load Balancer', url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html' },
    ],
    rules: ['NetworkLoadBalancerWithoutSecurityGroup'],
  },
  transferServerPorts: {
    id: 'transfer-server-ports',
    statement: 'A Transfer Family server listens only for its protocols: SFTP on 22 (or the SftpPorts it names), FTP and FTPS on 21 and the passive range 8192-8200. SFTP there is a managed file service, not a shell, so 22 on a Transfer server is not a remote-administration port.',
    certainty: 'documented',
    sources: [
      { title: 'Transfer Family SftpPortWithOptions ("the port on which the server listens for SFTP connections")', url: 'https://docs.aws.amazon.com/transfer/latest/APIReference/API_SftpPortWithOptions.html' },
      { title: 'Transfer Family: configuring an SFTP, FTPS, or FTP server endpoint', url: 'https://docs.aws.amazon.com/transfer/latest/userguide/sftp-for-transfer-family.html' },
    ],
    rules: ['WorldOpenAdminPort', 'WorldOpenIngress', 'ReachabilityViolation'],
  },
  lambdaInterfacesInbound: {
    id: 'lambda-interfaces-inbound',
    statement: 'Which inbound connections a Lambda function\'s VPC interfaces (Hyperplane ENIs) accept is unsettled: Lambda describes them as the way the function reaches into the VPC, '
      + 'but no AWS source we found says whether they accept connections the function did not open. So a world-open rule on a group only functions carry is not narrowed to ports, and is at most a warning.',
    certainty: 'unsettled',
    caveat: 'AWS does not document which inbound connections a Lambda function\'s network interfaces accept',
    sources: [
      { title: 'AWS Lambda: private networking with VPC (Hyperplane ENIs)', url: 'https://docs.aws.amazon.com/lambda/latest/dg/foundation-networking.html' },
      { title: 'AWS Lambda: connecting outbound networking to resources in a VPC', url: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html' },
    ],
    rules: ['WorldOpenAdminPort', 'WorldOpenDataPort', 'WorldOpenIngress', 'ReachabilityViolation'],
  },
  interfaceEndpointPorts: {
    id: 'interface-endpoint-ports',
    statement: 'An interface VPC endpoint accepts what its service listens on: HTTPS on 443 for most AWS services, any port of the Network Load Balancer behind an endpoint service. '
      + 'No AWS source lists the ports per service, so a world-open rule on a group only interface endpoints carry is not narrowed to ports, and is at most a warning.',
    certainty: 'unsettled',
    caveat: 'an interface endpoint accepts the ports its service listens on, which AWS does not list per service',
    sources: [
      { title: 'AWS PrivateLink: interface VPC endpoints', url: 'https://docs.aws.amazon.com/vpc/latest/privatelink/vpce-interface.html' },
      { title: 'aws-cdk-lib ec2.InterfaceVpcEndpoint (an endpoint service names the port it listens on)', url: 'https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ec2.InterfaceVpcEndpoint.html' },
    ],
    rules: ['WorldOpenAdminPort', 'WorldOpenDataPort', 'WorldOpenIngress', 'ReachabilityViolation'],
  },
  exportsBlockReplacement: {
    id: 'exports-block-replacement',
    statement: 'CloudFormation will not delete or change an export another stack imports. Nested-stack parameters are not exports: the parent updates the nested stack with the new value.',
    certainty: 'documented',
    sources: [
      { title: 'CloudFormation: get exported outputs from a deployed stack', url: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html' },
      { title: 'AWS::CloudFormation::Stack Parameters', url: `${CFN}/aws-resource-cloudformation-stack.html` },
    ],
    rules: ['CrossStackSecurityGroupReference', 'UnattachedSecurityGroup'],
  },
  ruleNamesOnePeer: {
    id: 'rule-names-one-peer',
    statement: 'A rule names exactly one peer: one of CidrIp, CidrIpv6, a source or destination group, or a prefix list. A template with two is refused ("Both CidrIp and SourceSecurityGroup cannot be specified").',
    certainty: 'documented',
    sources: [
      { title: 'AWS::EC2::SecurityGroupIngress', url: `${CFN}/aws-resource-ec2-securitygroupingress.html` },
      issue('aws-cloudformation/cfn-lint', 251, 'CidrIp or SourceSecurityGroupId (cfn-lint E3014)'),
    ],
    rules: ['InvalidSecurityGroupRule'],
  },
  cidrNeedsPrefix: {
    id: 'cidr-needs-prefix',
    statement: 'CidrIp and CidrIpv6 are CIDR blocks, and AWS documents a single address as /32 (or /128). What EC2 does with an address without a prefix length is not documented: '
      + 'moto\'s model of EC2 refuses a bare IPv4 address as an invalid CIDR block (and takes a bare IPv6 one), and cfn-lint does not check it. So the finding says the template would not deploy, as a warning.',
    certainty: 'unsettled',
    caveat: 'AWS documents a single address as /32 or /128, but not that EC2 refuses one without a prefix length; moto\'s model of EC2 refuses a bare IPv4 address',
    sources: [
      { title: 'EC2 IpRange: CidrIp ("to specify a single IPv4 address, use the /32 prefix length")', url: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html' },
      { title: 'EC2 Ipv6Range: CidrIpv6 ("use the /128 prefix length")', url: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Ipv6Range.html' },
    ],
    rules: ['InvalidSecurityGroupRule'],
  },
  tcpUdpPortsMinusOneOrNone: {
    id: 'tcp-udp-ports-minus-one-or-none',
    statement: 'For tcp and udp, a rule states a port range, which AWS documents as required; AWS documents -1 only as all ICMP types or codes, and a protocol of -1 as all protocols. '
      + 'What EC2 does with a tcp or udp rule whose FromPort or ToPort is -1, or that gives no ports, is not documented: cfn-lint accepts -1 for both ports of any protocol (E3688) and requires ports for tcp and udp (E3687). '
      + 'The engine reads such a rule as every port of its protocol, the widest reading, so nothing it may admit goes unreported.',
    certainty: 'unsettled',
    caveat: 'the rule gives tcp or udp ports of -1 or none, which the engine reads as every port; AWS documents -1 only for ICMP and requires ports for tcp and udp, so EC2 may instead refuse the rule',
    sources: [
      { title: 'EC2 IpPermission: FromPort, ToPort ("a value of -1 indicates all ICMP/ICMPv6 types"), IpProtocol', url: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html' },
      { title: 'AWS::EC2::SecurityGroupIngress ("if the protocol is TCP or UDP, you must also specify a port or port range")', url: `${CFN}/aws-resource-ec2-securitygroupingress.html` },
      { title: 'cfn-lint E3688: when ToPort or FromPort is -1 the other must be -1', url: 'https://github.com/aws-cloudformation/cfn-lint/blob/main/src/cfnlint/data/schemas/extensions/aws_ec2_securitygroup/all_to_and_from_ports.json' },
    ],
    rules: ['WorldOpenAdminPort', 'WorldOpenDataPort', 'WorldOpenIngress', 'AllPortsFromPeer', 'SelfReferencingAllPorts', 'ReachabilityViolation'],
  },
  rulesAggregateAcrossGroups: {
    id: 'rules-aggregate-across-groups',
    statement: 'The groups of a network interface act as one: the rules of every group it carries are aggregated, and traffic passes where any one rule allows it. Rules only allow; none denies.',
    certainty: 'documented',
    sources: [{ title: 'Amazon VPC: security group rules ("the rules from each security group are aggregated"; allow rules, not deny rules)', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html' }],
    rules: ['ReachabilityViolation'],
  },
  groupReferenceMatchesMembers: {
    id: 'group-reference-matches-members',
    statement: 'A rule whose peer is a security group admits traffic from (or sends it to) the network interfaces that carry that group, by their private addresses. It does not borrow the referenced group\'s rules, and an address inside the VPC without the group does not match.',
    certainty: 'documented',
    sources: [
      { title: 'AWS::EC2::SecurityGroupIngress ("the instances that are associated with a source security group")', url: `${CFN}/aws-resource-ec2-securitygroupingress.html` },
      { title: 'Amazon VPC: security group rules, security group referencing', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html#security-group-referencing' },
    ],
    rules: ['ReachabilityViolation'],
  },
  statefulReturnTraffic: {
    id: 'stateful-return-traffic',
    statement: 'Security groups are stateful: responses to traffic a group allowed flow back whatever the other direction\'s rules say. A connection needs only the initiator\'s egress and the receiver\'s ingress, and replies do not make the receiver reach the initiator.',
    certainty: 'documented',
    sources: [{ title: 'Amazon EC2 security group connection tracking', url: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html' }],
    rules: ['ReachabilityViolation'],
  },
} as const satisfies Record<string, AwsBehaviour>;

export type BehaviourId = keyof typeof AWS_BEHAVIOURS;

/** Quotas, as the table above states them. */
export const QUOTAS = {
  securityGroupsPerInterface: 5,
  securityGroupsPerInterfaceHardLimit: 16,
  rulesPerDirection: 60,
  /** Resource types whose group list has a hard limit of its own. */
  groupLimitByResourceType: {
    'AWS::Lambda::Function': 5,
    'AWS::ECS::Service': 5,
    'AWS::ECS::TaskSet': 5,
  } as Record<string, number>,
} as const;

/**
 * Where AWS gives a resource the VPC's default group when the resource names none, and how sure that is.
 * Resource types not listed here never fall back (or the model judges them elsewhere, like launch templates).
 */
export const DEFAULT_GROUP_FALLBACK: Record<string, BehaviourId> = {
  'AWS::EC2::Instance': 'fallbackToDefaultGroup',
  'AWS::EC2::VPCEndpoint': 'fallbackToDefaultGroup',
  'AWS::RDS::DBInstance': 'fallbackToDefaultGroup',
  'AWS::Redshift::Cluster': 'fallbackToDefaultGroup',
  'AWS::ECS::Service': 'fallbackToDefaultGroup',
  'AWS::ECS::TaskSet': 'fallbackToDefaultGroup',
  'AWS::OpenSearchService::Domain': 'fallbackToDefaultGroup',
  'AWS::Elasticsearch::Domain': 'fallbackToDefaultGroup',
  'AWS::MSK::Cluster': 'fallbackToDefaultGroup',
  'AWS::ElasticLoadBalancing::LoadBalancer': 'fallbackToDefaultGroup',
  'AWS::AutoScaling::AutoScalingGroup': 'launchTemplateJudgedWhereUsed',
  'AWS::EC2::NetworkInterface': 'fallbackUnsettled',
  'AWS::EFS::MountTarget': 'fallbackUnsettled',
  'AWS::FSx::FileSystem': 'fallbackUnsettled',
  'AWS::ElastiCache::CacheCluster': 'fallbackUnsettled',
  'AWS::ElastiCache::ReplicationGroup': 'fallbackUnsettled',
  'AWS::RDS::DBCluster': 'fallbackUnsettled',
};

/** A row of the table by its id (the anchor in AWS-BEHAVIOURS.md); undefined for an id it does not hold. */
export function behaviourById(id: string): AwsBehaviour | undefined {
  return (Object.values(AWS_BEHAVIOURS) as AwsBehaviour[]).find(b => b.id === id);
}
