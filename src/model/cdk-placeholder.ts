/**
 * CDK's "no traffic" egress rule. It matches nothing, but stating it makes AWS drop its default allow-all
 * egress, so the model reads it as no egress and ServerClientPair writes it to keep egress closed.
 */
export const CDK_NO_TRAFFIC_RULE = {
  cidrIp: '255.255.255.255/32',
  description: 'Disallow all traffic',
  ipProtocol: 'icmp',
  fromPort: 252,
  toPort: 86,
} as const;
