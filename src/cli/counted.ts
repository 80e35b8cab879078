/** "1 rule", "3 rules": a count and its noun, with the plural the command's nouns take. */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
