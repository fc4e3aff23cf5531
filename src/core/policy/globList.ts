import { Minimatch } from 'minimatch';

/**
 * A list of workspace-relative globs from one setting, compiled once: one
 * combined regular expression answers "does any match?", and the single
 * rules are only tried to name the one that did.
 */
export interface GlobRule {
  readonly setting: string;
  readonly pattern: string;
}

export class GlobList {
  private readonly combined: RegExp | null;
  private readonly single: { rule: GlobRule; re: RegExp }[];

  constructor(entries: readonly GlobRule[], nocase: boolean) {
    this.single = [];
    for (const rule of entries) {
      const re = new Minimatch(rule.pattern, { dot: true, nocase }).makeRe();
      // A glob minimatch cannot compile matches nothing (fail closed for allowing lists; see settings validation).
      if (re) this.single.push({ rule, re });
    }
    this.combined = this.single.length
      ? new RegExp(this.single.map((s) => `(?:${s.re.source})`).join('|'), nocase ? 'i' : '')
      : null;
  }

  /** The first rule matching `rel` (workspace-relative, `/` separators), or null. The root itself ('') matches nothing. */
  first(rel: string): GlobRule | null {
    if (rel === '' || !this.combined || !this.combined.test(rel)) return null;
    return this.single.find((s) => s.re.test(rel))?.rule ?? null;
  }

  get size(): number {
    return this.single.length;
  }
}

export function ruleText(rule: GlobRule | { setting: string; pattern: string }): string {
  return `${rule.setting}: ${rule.pattern}`;
}
