/**
 * A reader for CloudFormation templates written in YAML: the subset of YAML that templates use, with the
 * short-form intrinsic tags (`!Ref`, `!GetAtt`, `!Sub`...) turned into their JSON form.
 *
 * Block mappings and sequences, flow collections, plain, quoted and block (`|`, `>`) scalars, and comments
 * are read. Anchors, aliases and multi-document files are not: CloudFormation does not accept them either.
 * Anything else is a `CfnYamlError` naming the line, never a silently wrong value.
 */
export class CfnYamlError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'CfnYamlError';
  }
}

interface Line {
  readonly number: number;
  readonly indent: number;
  /** The line without its indentation; trailing comments are removed when it is read as a value. */
  readonly text: string;
}

/** Parse a YAML CloudFormation template. Throws CfnYamlError on what it cannot read. */
export function parseCfnYaml(source: string): unknown {
  const raw = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  const reader = new BlockReader(raw);
  return reader.document();
}

class BlockReader {
  private index = 0;

  constructor(private readonly raw: string[]) {}

  document(): unknown {
    this.skipBlank();
    const first = this.peek();
    if (first && first.indent === 0 && first.text.startsWith('---')) {
      const rest = first.text.slice(3).trim();
      if (rest !== '' && !rest.startsWith('#')) throw new CfnYamlError(first.number, 'content after --- is not supported');
      this.index++;
    }
    this.skipBlank();
    const start = this.peek();
    if (!start) return null;
    const value = this.node(start.indent);
    this.skipBlank();
    const extra = this.peek();
    if (extra && !(extra.indent === 0 && extra.text.startsWith('...'))) {
      if (extra.text.startsWith('---')) throw new CfnYamlError(extra.number, 'a second document: CloudFormation reads one template per file');
      throw new CfnYamlError(extra.number, `unexpected content at indentation ${extra.indent}`);
    }
    return value;
  }

  private peek(): Line | undefined {
    const text = this.raw[this.index];
    if (text === undefined) return undefined;
    if (/^\t/.test(text)) throw new CfnYamlError(this.index + 1, 'tabs cannot indent YAML');
    const indent = text.length - text.trimStart().length;
    return { number: this.index + 1, indent, text: text.slice(indent) };
  }

  private skipBlank(): void {
    while (this.index < this.raw.length) {
      const text = this.raw[this.index].trim();
      if (text !== '' && !text.startsWith('#')) return;
      this.index++;
    }
  }

  /** The node that starts at the current line, indented exactly `indent`. */
  private node(indent: number): unknown {
    const line = this.peek()!;
    if (isSequenceItem(line.text)) return this.sequence(indent);
    if (keyOf(line.text, line.number)) return this.mapping(indent);
    this.index++;
    return this.inline(line.text, line);
  }

  private mapping(indent: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (;;) {
      this.skipBlank();
      const line = this.peek();
      if (!line || line.indent < indent || isDocumentMarker(line)) return result;
      if (line.indent > indent) throw new CfnYamlError(line.number, 'unexpected indentation');
      const key = keyOf(line.text, line.number);
      if (!key) {
        if (isSequenceItem(line.text)) return result; // a sequence at the key's indentation belongs to the key above
        throw new CfnYamlError(line.number, `expected "key: value", found "${line.text.trim()}"`);
      }
      if (Object.prototype.hasOwnProperty.call(result, key.key)) throw new CfnYamlError(line.number, `duplicate key ${key.key}`);
      this.index++;
      result[key.key] = this.valueAfter(key.rest, line, indent, true);
    }
  }

  private sequence(indent: number): unknown[] {
    const result: unknown[] = [];
    for (;;) {
      this.skipBlank();
      const line = this.peek();
      if (!line || line.indent < indent) return result;
      if (line.indent > indent) throw new CfnYamlError(line.number, 'unexpected indentation');
      if (!isSequenceItem(line.text)) return result;
      const rest = line.text.slice(1);
      const offset = rest.length - rest.trimStart().length;
      const item = rest.trimStart();
      if (item !== '' && !item.startsWith('#') && (isSequenceItem(item) || keyOf(item, line.number))) {
        // "- Key: value" or "- - x": a collection that starts on this line, indented where its text starts.
        this.raw[this.index] = ' '.repeat(indent + 1 + offset) + item;
        result.push(this.node(indent + 1 + offset));
      } else {
        this.index++;
        result.push(this.valueAfter(item, line, indent, false));
      }
    }
  }

  /** The value after "key:" or "-": inline, a block scalar, or a block on the following lines. */
  private valueAfter(rest: string, line: Line, indent: number, inMapping: boolean): unknown {
    const { tag, text } = splitTag(stripComment(rest), line.number);
    let value: unknown;
    if (text === '') {
      this.skipBlank();
      const next = this.peek();
      const nested = next && (next.indent > indent || (inMapping && next.indent === indent && isSequenceItem(next.text)));
      value = nested ? this.node(next.indent) : null;
    } else if (/^[|>][+-]?\d?$|^[|>]\d?[+-]?$/.test(text)) {
      value = this.blockScalar(text, indent);
    } else {
      value = this.inline(text, line, true);
    }
    return tag ? applyTag(tag, value, line.number) : value;
  }

  /** A flow collection or scalar that starts on `line`; a flow collection may continue on later lines. */
  private inline(text: string, line: Line, commentStripped = false): unknown {
    let content = commentStripped ? text : stripComment(text);
    const { tag, text: body } = splitTag(content, line.number);
    content = body;
    if (content.startsWith('[') || content.startsWith('{')) {
      while (!balanced(content)) {
        const next = this.raw[this.index];
        if (next === undefined) throw new CfnYamlError(line.number, 'a flow collection is not closed');
        content += ' ' + stripComment(next.trim());
        this.index++;
      }
    }
    const value = content === '' ? null : new FlowReader(content, line.number).whole();
    return tag ? applyTag(tag, value, line.number) : value;
  }

  private blockScalar(header: string, indent: number): string {
    const folded = header.startsWith('>');
    const chomp = header.includes('-') ? 'strip' : header.includes('+') ? 'keep' : 'clip';
    const explicit = /\d/.exec(header);
    const lines: string[] = [];
    let blockIndent = explicit ? indent + Number(explicit[0]) : -1;
    while (this.index < this.raw.length) {
      const text = this.raw[this.index];
      const trimmed = text.trimStart();
      const lineIndent = text.length - trimmed.length;
      if (trimmed === '') {
        lines.push('');
        this.index++;
        continue;
      }
      if (blockIndent < 0) blockIndent = lineIndent;
      if (lineIndent < blockIndent || lineIndent <= indent) break;
      lines.push(text.slice(blockIndent));
      this.index++;
    }
    let trailing = 0;
    while (trailing < lines.length && lines[lines.length - 1 - trailing] === '') trailing++;
    const body = lines.slice(0, lines.length - trailing);
    let joined: string;
    if (folded) {
      joined = '';
      body.forEach((l, i) => {
        if (i === 0) joined = l;
        else if (l === '' || /^\s/.test(l) || /^\s/.test(body[i - 1]) || body[i - 1] === '') joined += `\n${l}`;
        else joined += ` ${l}`;
      });
    } else {
      joined = body.join('\n');
    }
    if (chomp === 'strip' || body.length === 0) return joined;
    return chomp === 'keep' ? `${joined}\n${'\n'.repeat(trailing)}` : `${joined}\n`;
  }
}

/** Reads one flow value: `[a, b]`, `{ k: v }`, a quoted or a plain scalar, with short-form tags inside. */
class FlowReader {
  private at = 0;

  constructor(private readonly text: string, private readonly line: number) {}

  whole(): unknown {
    const value = this.value(false);
    this.space();
    if (this.at < this.text.length) throw this.error(`unexpected "${this.text.slice(this.at)}"`);
    return value;
  }

  private error(message: string): CfnYamlError {
    return new CfnYamlError(this.line, message);
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
  }

  private value(inFlow: boolean): unknown {
    this.space();
    const c = this.text[this.at];
    if (c === '!') {
      const match = /^!([A-Za-z0-9:._-]*)/.exec(this.text.slice(this.at))!;
      this.at += match[0].length;
      return applyTag(match[1], this.value(inFlow), this.line);
    }
    if (c === '[') return this.sequence();
    if (c === '{') return this.mapping();
    if (c === '"' || c === "'") return this.quoted();
    if (c === '&' || c === '*') throw this.error('anchors and aliases are not supported in CloudFormation templates');
    return this.plain(inFlow);
  }

  private sequence(): unknown[] {
    this.at++;
    const items: unknown[] = [];
    for (;;) {
      this.space();
      if (this.text[this.at] === ']') {
        this.at++;
        return items;
      }
      const start = this.at;
      const item = this.value(true);
      this.space();
      if (this.text[this.at] === ':' && /[\s,\]]/.test(this.text[this.at + 1] ?? ' ')) {
        // a single-pair mapping inside a flow sequence: [ Key: value ]
        this.at++;
        items.push({ [String(item)]: this.value(true) });
      } else {
        items.push(item);
      }
      this.space();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== ']') throw this.error(`expected "," or "]" in a flow sequence at "${this.text.slice(start)}"`);
    }
  }

  private mapping(): Record<string, unknown> {
    this.at++;
    const result: Record<string, unknown> = {};
    for (;;) {
      this.space();
      if (this.text[this.at] === '}') {
        this.at++;
        return result;
      }
      const key = this.value(true);
      this.space();
      if (this.text[this.at] !== ':') throw this.error(`expected ":" after key ${String(key)} in a flow mapping`);
      this.at++;
      this.space();
      result[String(key)] = this.text[this.at] === ',' || this.text[this.at] === '}' ? null : this.value(true);
      this.space();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== '}') throw this.error('expected "," or "}" in a flow mapping');
    }
  }

  private quoted(): string {
    const { value, end } = readQuoted(this.text, this.at, this.line);
    this.at = end;
    return value;
  }

  private plain(inFlow: boolean): unknown {
    const start = this.at;
    while (this.at < this.text.length) {
      const c = this.text[this.at];
      if (inFlow && (c === ',' || c === ']' || c === '}')) break;
      if (inFlow && c === ':' && /[\s,\]}]/.test(this.text[this.at + 1] ?? ' ')) break;
      this.at++;
    }
    return plainScalar(this.text.slice(start, this.at).trim());
  }
}

/** A single- or double-quoted scalar starting at `start`; `end` is just after its closing quote. */
function readQuoted(text: string, start: number, line: number): { value: string; end: number } {
  const quote = text[start];
  let at = start + 1;
  let out = '';
  while (at < text.length) {
    const c = text[at++];
    if (quote === "'" && c === "'") {
      if (text[at] === "'") {
        out += "'";
        at++;
        continue;
      }
      return { value: out, end: at };
    }
    if (quote === '"' && c === '"') return { value: out, end: at };
    if (quote === '"' && c === '\\') {
      const e = text[at++];
      const simple: Record<string, string> = { 'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\', '/': '/', '0': '\0', ' ': ' ' };
      if (e in simple) {
        out += simple[e];
      } else if (e === 'u' || e === 'x') {
        const length = e === 'u' ? 4 : 2;
        const hex = text.slice(at, at + length);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== length) throw new CfnYamlError(line, `bad escape \\${e}${hex}`);
        out += String.fromCharCode(parseInt(hex, 16));
        at += length;
      } else {
        throw new CfnYamlError(line, `unknown escape \\${e}`);
      }
      continue;
    }
    out += c;
  }
  throw new CfnYamlError(line, 'a quoted string is not closed (quoted strings over several lines are not supported)');
}

function plainScalar(text: string): unknown {
  if (text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(text)) return Number(text);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text) && !/^0[0-9]/.test(text)) return Number(text);
  return text;
}

/** Turns a short-form tag into CloudFormation's JSON form. */
function applyTag(tag: string, value: unknown, line: number): unknown {
  if (tag === 'Ref') return { Ref: value };
  if (tag === 'Condition') return { Condition: value };
  if (tag === 'GetAtt') {
    if (typeof value === 'string') {
      const dot = value.indexOf('.');
      if (dot < 1) throw new CfnYamlError(line, `!GetAtt ${value} is not Resource.Attribute`);
      return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
    }
    return { 'Fn::GetAtt': value };
  }
  if (tag === '' || tag.startsWith('!')) throw new CfnYamlError(line, `tag !${tag} is not supported`);
  return { [`Fn::${tag}`]: value };
}

function splitTag(text: string, line: number): { tag?: string; text: string } {
  if (!text.startsWith('!')) return { text };
  const match = /^!([A-Za-z0-9:._-]*)(\s+|$)/.exec(text);
  if (!match) throw new CfnYamlError(line, `cannot read the tag in "${text}"`);
  return { tag: match[1], text: text.slice(match[0].length) };
}

function isDocumentMarker(line: Line): boolean {
  return line.indent === 0 && /^(---|\.\.\.)(\s|$)/.test(line.text);
}

function isSequenceItem(text: string): boolean {
  return text === '-' || text.startsWith('- ') || text.startsWith('-\t');
}

/** "Key: rest" or "Key:" at the start of `text`, outside quotes and brackets; undefined if it is not a key. */
function keyOf(text: string, line: number): { key: string; rest: string } | undefined {
  if (text.startsWith('[') || text.startsWith('{') || text.startsWith('!') || text.startsWith('#')) return undefined;
  if (text.startsWith('"') || text.startsWith("'")) {
    let quoted: { value: string; end: number };
    try {
      quoted = readQuoted(text, 0, line);
    } catch {
      return undefined;
    }
    const after = text.slice(quoted.end);
    const m = /^\s*:(\s|$)/.exec(after);
    return m ? { key: quoted.value, rest: after.slice(m[0].length) } : undefined;
  }
  const m = /^([^\s#][^#]*?)\s*:(\s|$)/.exec(text);
  if (!m || m[1].includes(': ')) return undefined;
  return { key: m[1], rest: text.slice(m[0].length) };
}

/** Removes a trailing comment: a `#` after whitespace, outside quotes. */
function stripComment(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = undefined;
      } else if (quote === '"' && c === '\\') {i++;}
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s[{,:!]/.test(text[i - 1]) || /^!\S*\s$/.test(text.slice(0, i))) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text.trimEnd();
}

/** Whether every bracket opened in `text` is closed, ignoring quoted strings. */
function balanced(text: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (quote === '"' && c === '\\') i++;
    } else if (c === '"' || c === "'") {quote = c;} else if (c === '[' || c === '{') {depth++;} else if (c === ']' || c === '}') {depth--;}
  }
  return depth <= 0;
}
