/**
 * What AWS does with a network interface once the resource behind it is gone: the facts `audit --interfaces`
 * and `prune --interfaces` rely on, each with the source that establishes it.
 */

/**
 * A requester-managed interface is one an AWS service created in the VPC for one of its resources. When that
 * resource is deleted the service detaches the interface and deletes it; an interface the service detached
 * but did not delete may be deleted by the account. The account cannot detach one, nor change more than its
 * tags.
 * Source: Amazon EC2 User Guide, "Requester-managed network interfaces"
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/requester-managed-eni.html).
 */
export const REQUESTER_MANAGED_SOURCE = 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/requester-managed-eni.html';

/**
 * Lambda shares one interface among the functions with the same subnet and security groups, and deletes it
 * once none uses it. The AWS Lambda team gave up to 45 minutes for that, which Terraform's AWS provider waits
 * for before deleting a group or subnet (hashicorp/terraform-provider-aws commit 922037e, "Updated handling for
 * Lambda Hyperplane ENIs").
 */
export const LAMBDA_RELEASE_MINUTES = 45;
export const LAMBDA_RELEASE_SOURCE = 'https://github.com/hashicorp/terraform-provider-aws/commit/922037e7c91f7a9681091cece377b3fc4580de69';

/**
 * The services delete the interfaces they manage (above); one the account created stays `available`, holding
 * its groups and address, until the account deletes it, which it may do once the interface is detached.
 * Source: Amazon EC2 User Guide, "Delete a network interface"
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/delete_eni.html).
 */
export const ACCOUNT_INTERFACE_SOURCE = 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/delete_eni.html';

/**
 * DescribeNetworkInterfaces says nothing of when an interface became `available` (an attachment's AttachTime
 * goes with the attachment). CloudTrail's event history can: LookupEvents by resource name returns the last
 * 90 days of management events that name the interface, newest first, at two requests a second per account
 * and region.
 * Source: CloudTrail API Reference, LookupEvents
 * (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html).
 */
export const EVENT_HISTORY_DAYS = 90;
export const EVENT_HISTORY_SOURCE = 'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html';

/** Events after which an interface is detached: the time of the newest one is when it became `available`. */
export const DETACHING_EVENTS: ReadonlySet<string> = new Set(['CreateNetworkInterface', 'DetachNetworkInterface']);
