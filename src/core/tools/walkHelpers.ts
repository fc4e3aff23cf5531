import { relative as relativePath } from 'node:path';
import { minimatch } from 'minimatch';
import type { ResolvedPath } from '../policy/guard';

/** Folders listed but not entered: their contents are rarely what the model wants and can be huge. */
const NOT_ENTERED = new Set(['.git', 'node_modules']);

export function shouldDescend(absolute: string): boolean {
  const name = absolute.slice(absolute.lastIndexOf('/') + 1);
  return !NOT_ENTERED.has(name);
}

/** Workspace-relative, `/`-separated. */
export function workspaceRelative(target: ResolvedPath, absolute: string): string {
  return relativePath(target.root, absolute).split('\\').join('/');
}

/** A glob filter relative to the listed folder; everything passes without a glob. Bad globs throw. */
export function globFilter(glob: string | undefined, base: string): (absolute: string) => boolean {
  if (glob === undefined) return () => true;
  const mm = new minimatch.Minimatch(glob, { dot: true, nocomment: true, nonegate: true });
  return (absolute) => {
    const rel = relativePath(base, absolute).split('\\').join('/');
    return mm.match(rel) || (!glob.includes('/') && mm.match(rel.slice(rel.lastIndexOf('/') + 1)));
  };
}
