/** How wide the command's text output may be: a common terminal width, the same in CI logs. */
export const LINE_WIDTH = 120;

/**
 * `text` as lines of at most `width` characters, each after `indent`, broken at spaces. A word longer than a
 * line (a long export name or path) is cut, so no line is ever wider.
 */
export function wrap(text: string, indent: string, width: number = LINE_WIDTH): string[] {
  const room = Math.max(10, width - indent.length);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (let word of paragraph.split(' ')) {
      while (word.length > room) {
        if (line !== '') lines.push(line);
        lines.push(word.slice(0, room));
        word = word.slice(room);
        line = '';
      }
      if (line === '') {line = word;} else if (line.length + 1 + word.length <= room) {line += ` ${word}`;} else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines.map(l => `${indent}${l}`.trimEnd());
}

const RULE_KINDS: Record<string, string> = {
  'AWS::EC2::SecurityGroupIngress': 'ingress rule',
  'AWS::EC2::SecurityGroupEgress': 'egress rule',
};

/**
 * A construct path as people read it: without the L1's `/Resource` or `/Default`, and without the
 * `{IndirectPeer}`/`{IndirectPort}` placeholders CDK puts in the ids of rules whose peer or port is a token.
 * Such a rule is named by its group's path and its logical id instead.
 */
export function readablePath(constructPath: string, logicalId: string, resourceType: string): string {
  const parts = constructPath.split('/');
  const placeholder = parts.findIndex(part => /\{Indirect(Peer|Port)\}/.test(part));
  if (placeholder >= 0) return `${parts.slice(0, placeholder).join('/')} (${RULE_KINDS[resourceType] ?? resourceType} ${logicalId})`;
  return constructPath.replace(/\/(Resource|Default)$/, '');
}
