/**
 * Command patterns (`warden.commands.allow`, `.deny`, `warden.secrets.*.commands`):
 * words compared exactly with a parsed argv; a final `*` matches zero or
 * more further arguments, a final `**` too (and, in an allow rule, opts in
 * to arguments that make the program run code or write files).
 */
export interface CommandPattern {
  readonly source: string;
  readonly words: readonly string[];
  /** True when the pattern ends with `*` (or `**`). */
  readonly rest: boolean;
  /**
   * True when it ends with `**`: any further arguments, including those a
   * program can be made to run code, write files or reach the network with
   * (the person's explicit opt-in; a plain `*` on such a program admits only
   * the argument shapes Warden knows are safe for it).
   */
  readonly anyArguments: boolean;
}

/** Parses a pattern, or returns why it is not one. */
export function parseCommandPattern(source: string): CommandPattern | string {
  // eslint-disable-next-line no-control-regex -- spotting control characters is the point
  if (/[\x00-\x1f\x7f]/.test(source.replace(/\t/g, ' '))) return 'holds a control character';
  const all = source
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (all.length === 0) return 'is empty';
  const last = all.at(-1);
  const anyArguments = last === '**';
  const rest = last === '*' || anyArguments;
  const words = rest ? all.slice(0, -1) : all;
  if (words.includes('*') || words.includes('**')) return 'has `*` before its last word (only a final `*` or `**` is a wildcard)';
  if (anyArguments && words.length === 0) return 'is `**` alone (name the program)';
  return { source, words, rest, anyArguments };
}

export function patternMatches(p: CommandPattern, argv: readonly string[]): boolean {
  if (argv.length < p.words.length || (!p.rest && argv.length !== p.words.length)) return false;
  for (let i = 0; i < p.words.length; i++) if (p.words[i] !== argv[i]) return false;
  return true;
}

/** Whether user pattern `u` already matches every argv workspace pattern `w` matches. */
export function patternCovers(u: CommandPattern, w: CommandPattern): boolean {
  if (w.anyArguments && !u.anyArguments) return false;
  if (!u.rest) return !w.rest && w.words.length === u.words.length && u.words.every((x, i) => x === w.words[i]);
  return w.words.length >= u.words.length && u.words.every((x, i) => x === w.words[i]);
}
