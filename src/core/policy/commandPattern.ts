/**
 * Command patterns (`warden.commands.allow`, `.deny`, `warden.secrets.*.commands`):
 * words compared exactly with a parsed argv; a final `*` matches zero or
 * more further arguments.
 */
export interface CommandPattern {
  readonly source: string;
  readonly words: readonly string[];
  /** True when the pattern ends with `*`. */
  readonly rest: boolean;
}

/** Parses a pattern, or returns why it is not one. */
export function parseCommandPattern(source: string): CommandPattern | string {
  // eslint-disable-next-line no-control-regex -- spotting control characters is the point
  if (/[\x00-\x1f\x7f]/.test(source.replace(/\t/g, ' '))) return 'holds a control character';
  const all = source.trim().split(/\s+/).filter((w) => w !== '');
  if (all.length === 0) return 'is empty';
  const rest = all.at(-1) === '*';
  const words = rest ? all.slice(0, -1) : all;
  if (words.includes('*')) return 'has `*` before its last word (only a final `*` is a wildcard)';
  return { source, words, rest };
}

export function patternMatches(p: CommandPattern, argv: readonly string[]): boolean {
  if (argv.length < p.words.length || (!p.rest && argv.length !== p.words.length)) return false;
  for (let i = 0; i < p.words.length; i++) if (p.words[i] !== argv[i]) return false;
  return true;
}

/** Whether user pattern `u` already matches every argv workspace pattern `w` matches. */
export function patternCovers(u: CommandPattern, w: CommandPattern): boolean {
  if (!u.rest) return !w.rest && w.words.length === u.words.length && u.words.every((x, i) => x === w.words[i]);
  return w.words.length >= u.words.length && u.words.every((x, i) => x === w.words[i]);
}
