/**
 * What GitHub code scanning asks of an uploaded SARIF file beyond the SARIF 2.1.0 schema, from "SARIF support
 * for code scanning" (docs.github.com, code-security/reference/code-scanning/sarif-files): the properties it
 * marks required, with no empty strings; its limits on runs, results, rules, tags and locations ("About code
 * scanning limits on SARIF results": 20, 25,000, 25,000, 20 and 1,000); the 1024- and
 * 255-character limits on descriptions and names; security-severity as a string score above 0 and up to 10;
 * and relative artifact URIs, since a file's path must be the same in every run.
 */
export function githubSarifProblems(log: any): string[] {
  const problems: string[] = [];
  const need = (ok: unknown, what: string) => {
    if (!ok) problems.push(what);
  };
  const text = (value: unknown) => typeof value === 'string' && value.trim() !== '';
  need(text(log.$schema), '$schema is required');
  need(log.version === '2.1.0', 'version must be 2.1.0');
  need(Array.isArray(log.runs) && log.runs.length >= 1 && log.runs.length <= 20, 'runs: 1 to 20');
  for (const [r, run] of (log.runs ?? []).entries()) {
    const driver = run.tool?.driver;
    need(text(driver?.name), `runs[${r}].tool.driver.name is required`);
    const rules: any[] = driver?.rules ?? [];
    need(rules.length >= 1 && rules.length <= 25_000, `runs[${r}].tool.driver.rules: 1 to 25,000`);
    const ruleIds = new Set<string>();
    for (const rule of rules) {
      need(text(rule.id), 'every rule has an id');
      need(!ruleIds.has(rule.id), `rule id ${rule.id} is given twice`);
      ruleIds.add(rule.id);
      for (const field of ['shortDescription', 'fullDescription']) {
        need(text(rule[field]?.text) && rule[field].text.length <= 1024, `${rule.id}.${field}.text: 1 to 1024 characters`);
      }
      need(text(rule.help?.text), `${rule.id}.help.text is required`);
      need(rule.name === undefined || (text(rule.name) && rule.name.length <= 255), `${rule.id}.name: up to 255 characters`);
      const level = rule.defaultConfiguration?.level;
      need(level === undefined || ['note', 'warning', 'error'].includes(level), `${rule.id}.defaultConfiguration.level: note, warning or error`);
      const tags: unknown[] = rule.properties?.tags ?? [];
      need(tags.length <= 20, `${rule.id}: at most 20 tags`);
      const severity = rule.properties?.['security-severity'];
      if (severity !== undefined) {
        need(typeof severity === 'string' && Number(severity) > 0 && Number(severity) <= 10, `${rule.id}.security-severity: a string score in (0, 10]`);
        need(tags.includes('security'), `${rule.id}: a security-severity needs the security tag`);
      }
    }
    const results: any[] = run.results ?? [];
    need(Array.isArray(run.results) && results.length <= 25_000, `runs[${r}].results: an array of up to 25,000`);
    for (const [i, result] of results.entries()) {
      const at = `runs[${r}].results[${i}] (${result.ruleId})`;
      need(ruleIds.has(result.ruleId), `${at}: ruleId names a rule of the run`);
      need(result.ruleIndex === undefined || rules[result.ruleIndex]?.id === result.ruleId, `${at}: ruleIndex points at its rule`);
      need(text(result.message?.text), `${at}: message.text is required`);
      need(Array.isArray(result.locations) && result.locations.length >= 1 && result.locations.length <= 1000, `${at}: 1 to 1,000 locations`);
      for (const location of result.locations ?? []) {
        const uri = location.physicalLocation?.artifactLocation?.uri;
        need(text(uri), `${at}: physicalLocation.artifactLocation.uri is required`);
        need(typeof uri !== 'string' || (!/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.startsWith('/')), `${at}: the artifact URI ${uri} is relative`);
        const region = location.physicalLocation?.region;
        if (region) {
          need(Number.isInteger(region.startLine) && region.startLine >= 1, `${at}: region.startLine is a line number`);
          need(region.endColumn === undefined || region.endColumn > (region.startColumn ?? 1), `${at}: the region ends after it starts`);
        }
      }
      need(text(result.partialFingerprints?.primaryLocationLineHash), `${at}: partialFingerprints.primaryLocationLineHash is required`);
    }
  }
  return problems;
}
