import type { CommandPattern } from './commandPattern';
import type { GlobRule } from './globList';

/**
 * Why a call asks instead of running: the closest rule, and what stands
 * between the call and `allow`, each naming its subject (a simple command,
 * an argument or construct, a path, the sandbox, a secret). The decision
 * functions fill it in for every `ask`; `whyLine` is the one line every
 * prompt shows before its details.
 */
export type BlockerKind =
  | 'destructive'
  | 'construct'
  | 'not-allowed'
  | 'outside-workspace'
  | 'unparsed'
  | 'receives-secret'
  | 'parser-disagreement'
  | 'no-sandbox'
  | 'protected'
  | 'not-auto-approved'
  | 'delete'
  | 'reads-ask';

export interface AskBlocker {
  readonly kind: BlockerKind;
  /** What the blocker is about: a simple command's text, a path, a secret's name; '' for the whole call. */
  readonly subject: string;
  /** What it is, in a few words. */
  readonly detail: string;
}

export interface AskWhy {
  /**
   * The rule nearest to allowing the call, as `setting: entry`: the rule a
   * blocked command matched, or the allow rule / autoApprove glob sharing
   * most of its words / folders; null when none comes close.
   */
  readonly closest: string | null;
  /** Most decisive first; never empty. */
  readonly blockers: readonly AskBlocker[];
}

const clip = (s: string, max = 80): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

function blockerText(b: AskBlocker): string {
  const s = b.subject ? clip(b.subject) : '';
  switch (b.kind) {
    case 'not-allowed':
      return `'${s}' is not in warden.commands.allow`;
    case 'destructive':
      return `'${s}': ${b.detail} (destructive: asks every time)`;
    case 'no-sandbox':
      return 'no sandbox works here, so even allowed commands ask';
    case 'receives-secret':
      return `it receives the secret ${s}`;
    case 'protected':
      return `${s} is a protected path (${b.detail})`;
    case 'not-auto-approved':
      return `${s} is not in warden.paths.autoApprove`;
    case 'delete':
      return `deleting ${s} always asks`;
    case 'reads-ask':
      return 'warden.approval.reads is ask';
    default:
      return s ? `'${s}': ${b.detail}` : b.detail;
  }
}

/** The one line a prompt shows first: `Asks: <first blocker> (+N more) · closest rule: …`. */
export function whyLine(why: AskWhy | undefined, fallback: string): string {
  if (!why || why.blockers.length === 0) return `Asks: ${fallback}`;
  const [first, ...rest] = why.blockers;
  const more = rest.length ? ` (+${rest.length} more: ${[...new Set(rest.map((b) => b.kind))].join(', ')})` : '';
  return `Asks: ${first ? blockerText(first) : fallback}${more}${why.closest ? ` · closest rule: ${why.closest}` : ''}`;
}

/** The allow pattern sharing the most leading words with `argv` (at least the program), or null. */
export function closestPattern(patterns: readonly CommandPattern[], argv: readonly string[]): CommandPattern | null {
  let best: CommandPattern | null = null;
  let bestLen = 0;
  for (const p of patterns) {
    let n = 0;
    while (n < p.words.length && n < argv.length && p.words[n] === argv[n]) n++;
    if (n > bestLen) {
      best = p;
      bestLen = n;
    }
  }
  return best;
}

/** The glob of `list` whose literal folders share most leading folders with `rel` (one at least), or null. */
export function closestGlob(list: readonly GlobRule[], rel: string): GlobRule | null {
  const dirs = rel.split('/').slice(0, -1);
  let best: GlobRule | null = null;
  let bestLen = 0;
  for (const g of list) {
    const parts = g.pattern.split('/');
    let n = 0;
    while (n < parts.length && n < dirs.length && parts[n] === dirs[n]) n++;
    if (n > bestLen) {
      best = g;
      bestLen = n;
    }
  }
  return best;
}
