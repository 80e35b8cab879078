/** The typed field of an L1 for a CloudFormation property name: `VPCSecurityGroups` is `vpcSecurityGroups`. */
export function l1FieldName(cfnKey: string): string {
  const acronym = /^([A-Z]+)([A-Z][a-z].*)$/.exec(cfnKey);
  if (acronym) return acronym[1].toLowerCase() + acronym[2];
  return cfnKey.charAt(0).toLowerCase() + cfnKey.slice(1);
}
