/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length];
}

/**
 * Up to `limit` candidates that look like what the user typed: those that contain it (or it them), and those
 * within an edit distance of a third of its length (and at least 2). The nearest come first, so
 * "orders-db-client" suggests "orders-db-clients" before "orders-db".
 */
export function similarNames(query: string, candidates: string[], limit = 3): string[] {
  const q = query.toLowerCase();
  const threshold = Math.max(2, Math.floor(query.length / 3));
  return [...new Set(candidates)]
    .map(c => ({
      c,
      containing: c.toLowerCase().includes(q) || (c.length >= 3 && q.includes(c.toLowerCase())),
      // A construct path is compared whole and by its last part, so "DbSgg" finds "Data/DbSg".
      d: Math.min(distance(query, c), distance(query, c.split('/').pop() ?? c)),
    }))
    .filter(({ containing, d }) => containing || d <= threshold)
    .sort((a, b) => a.d - b.d || Number(b.containing) - Number(a.containing) || a.c.length - b.c.length || a.c.localeCompare(b.c))
    .slice(0, limit)
    .map(({ c }) => c);
}
