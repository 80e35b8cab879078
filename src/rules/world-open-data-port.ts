import { RawFinding, RuleDefinition, allRules, formatPorts, groupLabel, ruleLabel } from './rule';
import { classifyWorldOpen } from './world-open';

export const worldOpenDataPort: RuleDefinition = {
  id: 'WorldOpenDataPort',
  defaultLevel: 'error',
  title: 'The world reaches a database, cache or data port (MySQL, Postgres, SQL Server, Oracle, Redis, Memcached, MongoDB, Elasticsearch, Kafka, NFS, SMB, Cassandra...)',
  rationale: 'Data stores exposed to the internet leak data and are ransomed. Nothing about a database needs 0.0.0.0/0.',
  fix: 'Admit the application\'s security group instead, for example with ServerClientPair.',
  example: 'db.connections.allowDefaultPortFromAnyIpv4(); // flagged\ndb.connections.allowDefaultPortFrom(app);      // fine',
  check(model, params) {
    const findings: RawFinding[] = [];
    for (const { group, rule } of allRules(model)) {
      const hit = classifyWorldOpen(model, group, rule, params).find(h => h.category === 'WorldOpenDataPort');
      if (!hit) continue;
      const scope = hit.scope ? `; ${hit.scope}` : '';
      findings.push({ at: rule.origin, message: `${groupLabel(model, group.key)} ${ruleLabel(model, rule)}, which reaches data port${hit.ports.length > 1 ? 's' : ''} ${formatPorts(hit.ports)}${scope}.` });
    }
    return findings;
  },
};
