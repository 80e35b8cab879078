import { Token } from 'aws-cdk-lib';

/** The typed field of an L1 for a CloudFormation property name: `VPCSecurityGroups` is `vpcSecurityGroups`. */
export function l1FieldName(cfnKey: string): string {
  const acronym = /^([A-Z]+)([A-Z][a-z].*)$/.exec(cfnKey);
  if (acronym) return acronym[1].toLowerCase() + acronym[2];
  return cfnKey.charAt(0).toLowerCase() + cfnKey.slice(1);
}

/**
 * Read a property of an L1 through its typed fields, following a CloudFormation property path. A token met
 * on the way is returned as it is, unless `resolve` is given to look inside it.
 */
export function readL1Property(cfn: object, path: string[], resolve?: (token: object) => unknown): unknown {
  let current: unknown = cfn;
  for (const key of path) {
    if (current !== null && typeof current === 'object' && Token.isUnresolved(current)) {
      if (!resolve) return current;
      current = resolve(current);
    }
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    const record = current as Record<string, unknown>;
    current = record[l1FieldName(key)] ?? record[key];
  }
  return current;
}
