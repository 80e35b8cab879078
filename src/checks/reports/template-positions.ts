/** Where a template names something: a 1-based line, and the 1-based columns of its first and following character. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
  readonly endColumn: number;
}

/**
 * Where each resource's logical id is written in a JSON template: the keys of the top-level Resources object.
 * Reads only strings and brackets, so it runs on text that JSON.parse has accepted; anything else gives an
 * empty or partial map, never an error.
 */
export function jsonResourcePositions(text: string): Map<string, SourcePosition> {
  const positions = new Map<string, SourcePosition>();
  // For each open object or array: whether a string here is a key, and the last key read.
  const stack: Array<{ object: boolean; expectKey: boolean; key?: string }> = [];
  let line = 1;
  // A byte-order mark is not a column of the first line.
  let lineStart = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = lineStart; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
    } else if (c === '{' || c === '[') {
      stack.push({ object: c === '{', expectKey: c === '{' });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ':' && stack.length > 0) {
      stack[stack.length - 1].expectKey = false;
    } else if (c === ',' && stack.length > 0) {
      const top = stack[stack.length - 1];
      top.expectKey = top.object;
    } else if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const top = stack[stack.length - 1];
      if (!top?.object || !top.expectKey) continue;
      let key: string;
      try {
        key = JSON.parse(text.slice(start, i + 1));
      } catch {
        return positions;
      }
      top.key = key;
      if (stack.length === 2 && stack[0].key === 'Resources') {
        positions.set(key, { line, column: start - lineStart + 1, endColumn: i - lineStart + 2 });
      }
    }
  }
  return positions;
}
