import { Minimatch } from 'minimatch';

/**
 * A list of workspace-relative globs from one setting, compiled once. Each
 * glob keeps the longest literal piece it needs (`.env` for `**\/.env`), so
 * most paths are turned away by a substring test before any regular
 * expression runs.
 */
export interface GlobRule {
  readonly setting: string;
  readonly pattern: string;
}

interface Compiled {
  readonly rule: GlobRule;
  readonly re: RegExp;
  /** A piece every matching path contains (lowercase when nocase), or '' when there is none. */
  readonly literal: string;
}

/**
 * The longest run of characters with no glob meaning inside one path segment
 * of `pattern`; '' (no shortcut) when the pattern has classes, braces,
 * extglobs, negation or escapes, whose insides are not literal.
 */
function longestLiteral(pattern: string): string {
  if (/[[\]{}()!+@\\]/.test(pattern)) return '';
  return pattern.split(/[*?/]/).reduce((a, b) => (b.length > a.length ? b : a), '');
}

export class GlobList {
  private readonly compiled: Compiled[];
  private readonly nocase: boolean;

  constructor(entries: readonly GlobRule[], nocase: boolean) {
    this.nocase = nocase;
    this.compiled = [];
    for (const rule of entries) {
      const re = new Minimatch(rule.pattern, { dot: true, nocase }).makeRe();
      // Settings validation rejects globs minimatch cannot compile; none reach here.
      if (!re) continue;
      const literal = longestLiteral(rule.pattern);
      this.compiled.push({ rule, re, literal: nocase ? literal.toLowerCase() : literal });
    }
  }

  /** The first rule matching `rel` (workspace-relative, `/` separators), or null. The root itself ('') matches nothing. */
  first(rel: string): GlobRule | null {
    if (rel === '') return null;
    const probe = this.nocase ? rel.toLowerCase() : rel;
    for (const c of this.compiled) {
      if (c.literal !== '' && !probe.includes(c.literal)) continue;
      if (c.re.test(rel)) return c.rule;
    }
    return null;
  }

  /**
   * Whether any rule matches `rel` or `rel + child` (a name inside it), in one
   * pass over the list: what a scan asks of each entry it meets.
   */
  matchesOrContains(rel: string, child: string): boolean {
    if (rel === '') return false;
    const probe = this.nocase ? rel.toLowerCase() : rel;
    const inner = rel + child;
    for (const c of this.compiled) {
      // A literal holds no `/`, so one that `inner` has and `rel` lacks must lie inside `child`.
      if (c.literal !== '' && !probe.includes(c.literal) && !child.includes(c.literal)) continue;
      if (c.re.test(rel) || c.re.test(inner)) return true;
    }
    return false;
  }

  get size(): number {
    return this.compiled.length;
  }

  /** Equal for two lists that match exactly the same paths: their patterns, in order, and the case rule. */
  get key(): string {
    return JSON.stringify([this.nocase, this.compiled.map((c) => c.rule.pattern)]);
  }
}

export function ruleText(rule: GlobRule | { setting: string; pattern: string }): string {
  return `${rule.setting}: ${rule.pattern}`;
}
