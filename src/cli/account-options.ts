/*
 * The flags of the account commands. The main bundle parses them, as every command's, and lists them in the help;
 * the account bundle, which runs the commands, takes their defaults from here, without loading the main bundle.
 */
import { HELP_OPTION, OptionSpecs } from './args';

/** `sg-strategy audit`, with and without --interfaces. */
export const AUDIT_OPTIONS: OptionSpecs = {
  'region': { type: 'string', value: 'REGION', description: 'the region (default: AWS_REGION, or the profile\'s)' },
  'profile': { type: 'string', value: 'NAME', description: 'a profile of ~/.aws/config' },
  'group': { type: 'string', value: 'ID|NAME', repeatable: true, description: 'only this group (repeat, or separate with commas)' },
  'unused': { type: 'boolean', description: 'only the groups (or interfaces) that can be removed' },
  'interfaces': { type: 'boolean', description: 'one line per network interface instead of per group' },
  'used': { type: 'boolean', description: 'with --interfaces: only the interfaces in use' },
  'interface': { type: 'string', value: 'ENI', repeatable: true, description: 'with --interfaces: only this interface' },
  'vpc': { type: 'string', value: 'VPC', repeatable: true, description: 'with --interfaces: only the interfaces of this VPC' },
  'no-history': { type: 'boolean', description: 'with --interfaces: do not ask CloudTrail how long an interface has been unused' },
  'format': { type: 'string', choices: ['table', 'json'], description: 'a table or JSON' },
  'help': HELP_OPTION,
};

/** `sg-strategy prune`. */
export const PRUNE_OPTIONS: OptionSpecs = {
  'region': { type: 'string', value: 'REGION', description: 'the region (default: AWS_REGION, or the profile\'s)' },
  'profile': { type: 'string', value: 'NAME', description: 'a profile of ~/.aws/config' },
  'group': { type: 'string', value: 'ID', repeatable: true, description: 'only this group' },
  'vpc': { type: 'string', value: 'VPC', repeatable: true, description: 'only this VPC' },
  'interfaces': { type: 'boolean', description: 'unused available network interfaces too' },
  'interface': { type: 'string', value: 'ENI', repeatable: true, description: 'only this interface (implies --interfaces; groups then only with --group)' },
  'exempt-tag': { type: 'string', value: 'KEY[=VALUE]', repeatable: true, description: 'keep what carries this tag (sg-strategy:keep always counts)' },
  'record-dir': { type: 'string', value: 'DIR|s3://BUCKET/PREFIX', description: 'where the record goes (default: sg-strategy-records)' },
  'apply': { type: 'boolean', description: 'delete; without it nothing is deleted' },
  'format': { type: 'string', choices: ['table', 'json'], description: 'a table or JSON' },
  'help': HELP_OPTION,
};

/** `sg-strategy restore`. */
export const RESTORE_OPTIONS: OptionSpecs = {
  group: { type: 'string', value: 'ID', repeatable: true, description: 'only this group of the record' },
  region: { type: 'string', value: 'REGION', description: 'the region (default: the record\'s)' },
  profile: { type: 'string', value: 'NAME', description: 'a profile of ~/.aws/config' },
  format: { type: 'string', choices: ['table', 'json'], description: 'a table or JSON' },
  help: HELP_OPTION,
};
