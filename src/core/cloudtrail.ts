import * as events from 'aws-cdk-lib/aws-events';

/**
 * The EventBridge pattern of EC2 API calls recorded by CloudTrail, for the given call names, with more
 * conditions on the event's detail if given.
 */
export function ec2ApiCallPattern(eventNames: string[], detail: Record<string, unknown> = {}): events.EventPattern {
  return {
    source: ['aws.ec2'],
    detailType: ['AWS API Call via CloudTrail'],
    detail: { eventSource: ['ec2.amazonaws.com'], eventName: eventNames, ...detail },
  };
}
