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
    const c = text.charCodeAt(i);
    if (c === 0x0a /* \n */) {
      line++;
      lineStart = i + 1;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      stack.push({ object: c === 0x7b, expectKey: c === 0x7b });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x3a /* : */ && stack.length > 0) {
      stack[stack.length - 1].expectKey = false;
    } else if (c === 0x2c /* , */ && stack.length > 0) {
      const top = stack[stack.length - 1];
      top.expectKey = top.object;
    } else if (c === 0x22 /* " */) {
      const start = i;
      // Most of a template is strings: jump to the closing quote, one not escaped by an odd run of backslashes.
      // A JSON string holds no raw line break, so no line is skipped.
      let close = text.indexOf('"', i + 1);
      while (close !== -1 && escapedAt(text, close)) close = text.indexOf('"', close + 1);
      i = close === -1 ? text.length : close;
      const top = stack[stack.length - 1];
      // Only the first two levels' keys matter: the top-level section's name, and the logical ids inside Resources.
      if (!top?.object || !top.expectKey || stack.length > 2) continue;
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

/** Whether the character at `index` follows an odd number of backslashes. */
function escapedAt(text: string, index: number): boolean {
  let backslashes = 0;
  for (let j = index - 1; j >= 0 && text.charCodeAt(j) === 0x5c; j--) backslashes++;
  return backslashes % 2 === 1;
}
