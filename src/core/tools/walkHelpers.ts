import { minimatch } from 'minimatch';
import type { ResolvedPath } from '../policy/guard';
import type { RepoScope, ScanReport } from './ports';
import type { ToolContext } from './tool';

/**
 * What search_text and list_files share: the scope handed to the scanner,
 * the glob filter, the tally of what a cap left out (by folder, so the model
 * knows where to narrow) and the notes that go first in a result, where no
 * later cap can cut them.
 */

export function repoScope(target: ResolvedPath, ctx: ToolContext, includeIgnored: boolean | undefined, signal: AbortSignal): RepoScope {
  return {
    root: target.root,
    path: target.relative,
    includeIgnored: includeIgnored === true,
    exclude: ctx.guard.readFilter().globs,
    signal,
  };
}

/** A glob filter on paths relative to `base` (workspace-relative, '' = the root); everything passes without a glob. Bad globs throw. */
export function globFilter(glob: string | undefined, base: string): (relative: string) => boolean {
  if (glob === undefined) return () => true;
  const mm = new minimatch.Minimatch(glob, { dot: true, nocomment: true, nonegate: true });
  const cut = base === '' ? 0 : base.length + 1;
  const byName = !glob.includes('/');
  return (relative) => {
    const rel = relative.slice(cut);
    return mm.match(rel) || (byName && mm.match(rel.slice(rel.lastIndexOf('/') + 1)));
  };
}

/** Counts of what was left out, by the first folder under the searched one. */
export class LeftOut {
  private readonly byFolder = new Map<string, number>();
  private readonly cut: number;
  total = 0;

  constructor(base: string) {
    this.cut = base === '' ? 0 : base.length + 1;
  }

  add(relative: string, n: number): void {
    if (n <= 0) return;
    this.total += n;
    const rest = relative.slice(this.cut);
    const slash = rest.indexOf('/');
    const key = slash < 0 ? '(this folder)' : relative.slice(0, this.cut + slash);
    this.byFolder.set(key, (this.byFolder.get(key) ?? 0) + n);
  }

  /** The folders holding most of what was left out, largest first. */
  where(most = 8): string {
    const top = [...this.byFolder].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const shown = top.slice(0, most).map(([k, n]) => `${k} (${n})`);
    if (top.length > most) shown.push(`${top.length - most} more folders`);
    return shown.join(', ');
  }
}

/** What a scan could not cover, one note each; nothing when it covered everything it was asked to. */
export function scanNotes(r: ScanReport): string[] {
  const notes: string[] = [];
  if (r.unreadable > 0)
    notes.push(`[${r.unreadable} paths could not be read (permissions or I/O errors): anything in them is missing here]`);
  if (r.unnamedEntries > 0) notes.push(`[${r.unnamedEntries} files whose names are not valid UTF-8 were left out]`);
  if (r.binaryFiles > 0) notes.push(`[${r.binaryFiles} files turned out to be binary and were left out]`);
  return notes;
}

/** The standing note: what is never scanned, and how to include the ignored files. */
export function coverageNote(includeIgnored: boolean | undefined): string {
  return includeIgnored
    ? '[not covered: .git, binary files, links, and files Warden may not read]'
    : '[not covered: files ignored by .gitignore/.ignore/.rgignore, node_modules (include_ignored: true covers them), .git, binary files, links, and files Warden may not read]';
}

export const count = (n: number): string => n.toLocaleString('en-US');
