/**
 * CloudFormation templates written in YAML, read with the `yaml` package and a CloudFormation tag set.
 *
 * CloudFormation reads YAML 1.1, without the binary, omap, pairs, set and timestamp tags, aliases or hash
 * merges (AWS CloudFormation User Guide, "Template formats"). Plain scalars resolve the way PyYAML resolves
 * them (its resolver.py), which is how cfn-lint and cfn-flip read templates: `yes` is true, `0755` is 493,
 * `012345678901` stays a string. CloudFormation agrees on booleans and octal (users report `YES` deployed as
 * "true" and `0300` as 192) but reads some numbers PyYAML leaves as strings, as SnakeYAML 1.x does: an account
 * id `012345678901` written unquoted was deployed as 1.2345678901E10 (skyarch.net, "CloudFormation YAML
 * について"). Such values are not ports, protocols or addresses, so the model reads them alike either way.
 *
 * Aliases and merge keys are read as PyYAML reads them. CloudFormation refuses a template that holds them
 * ("YAML aliases are not allowed in CloudFormation templates"), but `aws cloudformation package` and the SAM
 * CLI resolve both before CloudFormation sees the template (aws/aws-cli#3827), and cfn-lint reads both
 * (aws-cloudformation/cfn-lint#1182): the template deployed is the one read here.
 *
 * A local tag outside the known short forms (`!Rain::Embed`, a function newer than this list) becomes
 * `{ "Fn::Name": value }` as cfn-flip makes it, for the model to report what it cannot resolve. Anything
 * refused is a CfnYamlError naming the line.
 */
import { LineCounter, Pair, Scalar, YAMLMap, YAMLSeq, isMap, isScalar, parseAllDocuments, visit } from 'yaml';
import type { CollectionTag, Document, Node, ScalarTag, YAMLError } from 'yaml';
import { SourcePosition } from '../checks/reports/template-positions';

export class CfnYamlError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'CfnYamlError';
  }
}

/** A template read from YAML, and where each resource's logical id is written. */
export interface CfnYamlDocument {
  readonly value: unknown;
  readonly resourcePositions: Map<string, SourcePosition>;
}

// Intrinsic functions and condition functions with a short form, and the rule functions of the Rules section.
const FUNCTIONS = [
  'Base64', 'Cidr', 'FindInMap', 'ForEach', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Length', 'Select', 'Split',
  'Sub', 'ToJsonString', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or',
  'Contains', 'EachMemberEquals', 'EachMemberIn', 'RefAll', 'ValueOf', 'ValueOfAll',
];

/** `!GetAtt A.B.C` is `["A", "B.C"]`: the logical id ends at the first dot; attributes may contain dots. */
function getAttFromScalar(value: string): string[] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

/** The JSON form of a tagged node: a one-key mapping around it, kept as a node so aliases and checks see inside. */
function keyed(key: string, value: Node): YAMLMap {
  const map = new YAMLMap();
  map.items.push(new Pair(new Scalar(key), value));
  return map;
}

/** `!Ref x` is `{ Ref: x }`, `!Condition x` is `{ Condition: x }`, every other `!Name` is `{ "Fn::Name": ... }`. */
function keyFor(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

function shortForm(name: string): Array<ScalarTag | CollectionTag> {
  const key = keyFor(name);
  const tag = `!${name}`;
  const scalar: ScalarTag = { tag, resolve: value => ({ [key]: name === 'GetAtt' ? getAttFromScalar(value) : value }) };
  const seq: CollectionTag = { tag, collection: 'seq', resolve: value => keyed(key, value) };
  const map: CollectionTag = { tag, collection: 'map', resolve: value => keyed(key, value) };
  return [scalar, seq, map];
}

const SHORT_FORMS = ['Ref', 'Condition', ...FUNCTIONS];
const CFN_TAGS = SHORT_FORMS.flatMap(shortForm);
const KNOWN_TAGS = new Set(SHORT_FORMS.map(name => `!${name}`));

/** A local tag such as `!Rain::Embed` that the tag set does not know; the non-specific `!` is not one. */
function isOtherLocalTag(tag: string | undefined): tag is string {
  return tag !== undefined && tag.startsWith('!') && tag !== '!' && !KNOWN_TAGS.has(tag);
}

/** An unknown local tag's node, as cfn-flip reads it: `{ "Fn::Name": node }`, its scalar left a string. */
function wrapOtherTag(node: Scalar | YAMLSeq | YAMLMap): YAMLMap {
  const key = keyFor(node.tag!.slice(1));
  node.tag = undefined;
  if (isScalar(node) && typeof node.source === 'string') node.value = node.source;
  return keyed(key, node);
}

// PyYAML's implicit resolvers (YAML 1.1), without timestamps, which CloudFormation does not read.
const NULL = /^(?:~|null|Null|NULL|)$/;
const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** `1:30` is 90 and `1:30.5` is 90.5: base 60, as YAML 1.1 writes times. */
function sexagesimal(digits: string): number {
  return digits.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

function resolveInt(source: string): number {
  const text = source.replace(/_/g, '');
  const sign = text.startsWith('-') ? -1 : 1;
  const unsigned = text.replace(/^[-+]/, '');
  if (unsigned.startsWith('0b')) return sign * parseInt(unsigned.slice(2), 2);
  if (unsigned.startsWith('0x')) return sign * parseInt(unsigned.slice(2), 16);
  if (unsigned.includes(':')) return sign * sexagesimal(unsigned);
  if (unsigned.length > 1 && unsigned.startsWith('0')) return sign * parseInt(unsigned, 8);
  return sign * Number(unsigned);
}

function resolveFloat(source: string): number {
  const text = source.replace(/_/g, '').toLowerCase();
  if (text.endsWith('.inf')) return text.startsWith('-') ? -Infinity : Infinity;
  if (text === '.nan') return NaN;
  if (text.includes(':')) return (text.startsWith('-') ? -1 : 1) * sexagesimal(text.replace(/^[-+]/, ''));
  return Number(text);
}

/** What a plain scalar means, with no tag: null, a boolean, a number or a string. */
function resolvePlain(source: string): unknown {
  if (NULL.test(source)) return null;
  if (BOOL.test(source)) return /^(?:yes|true|on)$/i.test(source);
  if (INT.test(source)) return resolveInt(source);
  if (FLOAT.test(source)) return resolveFloat(source);
  return source;
}

const PLAIN_SCALARS: ScalarTag[] = [
  { tag: 'tag:yaml.org,2002:null', default: true, test: NULL, resolve: () => null },
  { tag: 'tag:yaml.org,2002:bool', default: true, test: BOOL, resolve: resolvePlain },
  { tag: 'tag:yaml.org,2002:int', default: true, test: INT, resolve: resolveInt },
  { tag: 'tag:yaml.org,2002:float', default: true, test: FLOAT, resolve: resolveFloat },
];

function lineOf(lines: LineCounter, offset: number): number {
  return lines.linePos(offset).line;
}

// What the yaml package reports when nesting outruns the stack, some thousand levels down.
const TOO_DEEP = /Maximum call stack size exceeded/;
const TOO_DEEP_MESSAGE = 'the template is nested more deeply than this reader follows';

function refusal(error: YAMLError, lines: LineCounter): CfnYamlError {
  const line = error.linePos?.[0]?.line ?? lineOf(lines, error.pos[0]);
  if (TOO_DEEP.test(error.message)) return new CfnYamlError(line, TOO_DEEP_MESSAGE);
  const unresolved = /^Unresolved tag: (.*)$/.exec(error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''));
  if (unresolved) {
    const tag = unresolved[1].replace(/^tag:yaml\.org,2002:/, '!!');
    return new CfnYamlError(line, `the YAML tag ${tag}, which CloudFormation does not read`);
  }
  return new CfnYamlError(line, error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''));
}

/**
 * Refuse what CloudFormation refuses and PyYAML would read silently: a key given twice in one mapping (merge
 * keys aside, which PyYAML applies in turn). Resolve a scalar under the non-specific tag `!`, quoted or not,
 * as if it had no tag, as PyYAML and SnakeYAML do, and wrap the nodes of unknown local tags.
 */
function check(document: Document.Parsed, lines: LineCounter): void {
  visit(document, {
    Map(_, map) {
      if (isOtherLocalTag(map.tag)) return wrapOtherTag(map);
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        const at = (pair.key as Node | null)?.range?.[0] ?? map.range?.[0] ?? 0;
        if (isScalar(pair.key) && pair.key.source === '<<' && pair.key.type === 'PLAIN') continue;
        if (seen.has(key)) throw new CfnYamlError(lineOf(lines, at), `duplicate key "${String(key)}"; CloudFormation refuses a template that gives a key twice`);
        seen.add(key);
      }
      return undefined;
    },
    Alias(_, alias) {
      if (!alias.resolve(document)) throw new CfnYamlError(lineOf(lines, alias.range?.[0] ?? 0), `alias *${alias.source} names no anchor before it`);
    },
    Scalar(_, scalar) {
      if (scalar.tag === '!' && typeof scalar.value === 'string') scalar.value = resolvePlain(scalar.value);
      else if (isOtherLocalTag(scalar.tag)) return wrapOtherTag(scalar);
      return undefined;
    },
    Seq(_, seq) {
      return isOtherLocalTag(seq.tag) ? wrapOtherTag(seq) : undefined;
    },
  });
}

/** Where each key of the Resources mapping is written. */
function resourcePositionsOf(document: Document.Parsed, lines: LineCounter): Map<string, SourcePosition> {
  const positions = new Map<string, SourcePosition>();
  const contents = document.contents;
  if (!isMap(contents)) return positions;
  const resources = contents.items.find(pair => isScalar(pair.key) && pair.key.value === 'Resources')?.value;
  if (!isMap(resources)) return positions;
  for (const pair of resources.items) {
    if (!isScalar(pair.key) || !pair.key.range) continue;
    const start = lines.linePos(pair.key.range[0]);
    const end = lines.linePos(pair.key.range[1]);
    positions.set(String(pair.key.value), { line: start.line, column: start.col, endColumn: end.line === start.line ? end.col : start.col + 1 });
  }
  return positions;
}

/** Read a YAML CloudFormation template. Throws CfnYamlError, naming the line, on what it cannot read. */
export function parseCfnYamlDocument(source: string): CfnYamlDocument {
  const lines = new LineCounter();
  const documents = parseAllDocuments(source.replace(/^\uFEFF/, ''), {
    version: '1.1',
    schema: 'failsafe',
    customTags: [...PLAIN_SCALARS, ...CFN_TAGS],
    merge: true,
    uniqueKeys: false,
    prettyErrors: true,
    lineCounter: lines,
  });
  const list = Array.isArray(documents) ? documents : [documents];
  for (const document of list) {
    // Unknown local tags are wrapped by check(); a global one (`!!binary`) is refused.
    const problem = document.errors[0] ?? document.warnings.find(w => w.code === 'TAG_RESOLVE_FAILED' && !/Unresolved tag: !(?!!)/.test(w.message));
    if (problem) throw refusal(problem, lines);
  }
  const withContent = list.filter(d => d.contents !== null);
  if (withContent.length > 1) {
    throw new CfnYamlError(lineOf(lines, withContent[1].range[0]), 'a second YAML document (after ---); CloudFormation reads one template per file');
  }
  const document = withContent[0];
  if (!document) return { value: null, resourcePositions: new Map() };
  try {
    check(document, lines);
    return { value: document.toJS(), resourcePositions: resourcePositionsOf(document, lines) };
  } catch (e) {
    if (e instanceof RangeError && TOO_DEEP.test(e.message)) throw new CfnYamlError(1, TOO_DEEP_MESSAGE);
    throw e;
  }
}

/** Read a YAML CloudFormation template: its value alone. */
export function parseCfnYaml(source: string): unknown {
  return parseCfnYamlDocument(source).value;
}
