import { RawFinding, RuleDefinition, allRules, formatPorts, groupLabel, ruleLabel } from './rule';
import { classifyWorldOpen, worldOpenUncertainty } from './world-open';

export const worldOpenDataPort: RuleDefinition = {
  id: 'WorldOpenDataPort',
  defaultLevel: 'error',
  title: 'The world reaches a database, cache or data port (MySQL, Postgres, SQL Server, Oracle, Redis, Memcached, MongoDB, Elasticsearch, Kafka, NFS, SMB, Cassandra...)',
  rationale: 'Data stores exposed to the internet leak data and are ransomed. Nothing about a database needs 0.0.0.0/0. On a group carried only by Lambda functions or interface endpoints (what reaches them is not settled), or where the source or the ports are a parameter\'s default (the deployed value may differ), the finding says so and is a warning.',
  fix: 'Admit the application\'s security group instead, for example with ServerClientPair.',
  example: 'db.connections.allowDefaultPortFromAnyIpv4(); // flagged\ndb.connections.allowDefaultPortFrom(app);      // fine',
  check(model, params) {
    const findings: RawFinding[] = [];
    for (const { group, rule } of allRules(model)) {
      const hit = classifyWorldOpen(model, group, rule, params).find(h => h.category === 'WorldOpenDataPort');
      if (!hit) continue;
      const scope = hit.scope ? `; ${hit.scope}` : '';
      const uncertain = worldOpenUncertainty(hit);
      findings.push({
        at: rule.origin,
        level: uncertain.level,
        message: `${groupLabel(model, group.key)} ${ruleLabel(model, rule)}, which reaches data port${hit.ports.length > 1 ? 's' : ''} ${formatPorts(hit.ports)}${scope}.${uncertain.text}`,
      });
    }
    return findings;
  },
};
