/**
 * How serious a finding is.
 */
export enum FindingLevel {
  /** Fails `cdk synth`, unless acknowledged. */
  ERROR = 'error',
  /** Reported; fails only under `cdk synth --strict`. */
  WARNING = 'warning',
  /** Reported for information. */
  INFO = 'info',
}

/**
 * Rule levels and parameters, shared by the Aspect, the validation plugin and the CLI's `--config`.
 */
export interface SecurityGroupStrategyOptions {
  /**
   * Change the level of rules, by rule id: `{ WorldOpenIngress: FindingLevel.ERROR }`.
   *
   * Each level is a FindingLevel, or its value as a string (`'error'`, `'warning'`, `'info'`, in any case), as
   * in the command's config file: from Python, `rule_levels={"WorldOpenIngress": FindingLevel.ERROR}` and
   * `rule_levels={"WorldOpenIngress": "error"}` both work. Anything else fails when the Aspect or plugin is made.
   *
   * @default - each rule's default level (see RULES.md)
   */
  // Typed `any` so that a string reaches the check below: jsii refuses a string for an enum before any of
  // this library's code runs, with an error that does not say what to write instead.
  readonly ruleLevels?: { [ruleId: string]: any };

  /**
   * Rules that do not run at all, by id.
   *
   * @default - every rule runs
   */
  readonly disabledRules?: string[];

  /**
   * Remote-administration ports for WorldOpenAdminPort.
   *
   * @default [22, 23, 3389, 5900, 5985, 5986]
   */
  readonly adminPorts?: number[];

  /**
   * Database, cache and data ports for WorldOpenDataPort.
   *
   * @default - MySQL, Postgres, SQL Server, Oracle, Redis, Memcached, MongoDB, Elasticsearch/OpenSearch,
   * Kibana, Kafka, ZooKeeper, NFS, SMB, Cassandra, CouchDB, InfluxDB and Redshift ports
   */
  readonly dataPorts?: number[];

  /**
   * Ports the world may reach on a group attached to an internet-facing load balancer.
   *
   * @default [80, 443]
   */
  readonly allowedPublicPorts?: number[];

  /**
   * The widest private IPv4 block WideCidrIngress accepts, as a prefix length.
   *
   * @default 16
   */
  readonly widestPrivateIpv4Prefix?: number;

  /**
   * The widest public IPv4 block WideCidrIngress accepts, as a prefix length.
   *
   * @default 24
   */
  readonly widestPublicIpv4Prefix?: number;

  /**
   * The widest private (unique local) IPv6 block WideCidrIngress accepts.
   *
   * @default 48
   */
  readonly widestPrivateIpv6Prefix?: number;

  /**
   * The widest public IPv6 block WideCidrIngress accepts.
   *
   * @default 64
   */
  readonly widestPublicIpv6Prefix?: number;

  /**
   * Security groups per network interface before TooManySecurityGroupsPerInterface warns (your account's quota).
   *
   * @default 5
   */
  readonly securityGroupsPerInterfaceQuota?: number;

  /**
   * Rules per direction before TooManyRules warns (your account's quota).
   *
   * @default 60
   */
  readonly rulesPerDirectionQuota?: number;

  /**
   * A regular expression every group's Name tag (or GroupName) must match. Turns on GroupNameConvention.
   *
   * @default - no naming convention
   */
  readonly groupNamePattern?: string;

  /**
   * Write sg-strategy-report.json, sg-strategy-report.sarif and sg-strategy-graph.md.
   *
   * @default true
   */
  readonly writeReports?: boolean;

  /**
   * Where to write the reports.
   *
   * @default - the cloud assembly directory (cdk.out)
   */
  readonly reportDirectory?: string;
}

/**
 * What the Aspect and the plugin show while the app synthesizes. The `sg-strategy` command has its own output.
 */
export interface SynthOutputOptions {
  /**
   * Print the findings table to stderr when the checks run, with where the reports are.
   *
   * `cdk synth` shows the Aspect's annotations and the plugin's validation report itself. An app run on its own
   * (`python app.py`, `node app.js`) shows no annotations, so the Aspect's findings are not seen there unless
   * this prints them.
   *
   * @default false
   */
  readonly printFindings?: boolean;
}
