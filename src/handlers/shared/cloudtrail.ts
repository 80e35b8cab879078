/** An EventBridge event for an EC2 API call recorded by CloudTrail, as far as handlers read it. */
export interface CloudTrailEvent {
  readonly 'detail-type': string;
  readonly 'detail': {
    readonly eventName?: string;
    readonly requestParameters?: {
      readonly groupId?: string;
      /** Set instead of groupId when the caller named the group (`--group-name`, default VPC only). */
      readonly groupName?: string;
      readonly ModifySecurityGroupRulesRequest?: { readonly GroupId?: string };
    };
  };
}

export function isCloudTrailCall(event: { readonly 'detail-type'?: string }): event is CloudTrailEvent {
  return event['detail-type'] === 'AWS API Call via CloudTrail';
}

/** The security group a call changed: `groupId` for Authorize and Revoke, a nested field for ModifySecurityGroupRules. */
export function groupIdOf(event: CloudTrailEvent): string | undefined {
  const params = event.detail.requestParameters ?? {};
  return params.groupId ?? params.ModifySecurityGroupRulesRequest?.GroupId;
}

/** The group name a call gave instead of an id: EC2 accepts it for groups of the default VPC. */
export function groupNameOf(event: CloudTrailEvent): string | undefined {
  return event.detail.requestParameters?.groupName;
}
