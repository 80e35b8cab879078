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
 * Up to `limit` candidates that look like what the user typed: the ones that contain it (or it them), then
 * the nearest by edit distance, within a third of its length (and at least 2).
 */
export function similarNames(query: string, candidates: string[], limit = 3): string[] {
  const q = query.toLowerCase();
  const unique = [...new Set(candidates)];
  const containing = unique.filter(c => c.toLowerCase().includes(q) || (c.length >= 3 && q.includes(c.toLowerCase())));
  const near = unique
    // A construct path is compared whole and by its last part, so "DbSgg" finds "Data/DbSg".
    .map(c => ({ c, d: Math.min(distance(query, c), distance(query, c.split('/').pop() ?? c)) }))
    .filter(({ c, d }) => d <= Math.max(2, Math.floor(query.length / 3)) && !containing.includes(c))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .map(({ c }) => c);
  return [...containing.sort((a, b) => a.length - b.length), ...near].slice(0, limit);
}
