import { type Dirent, lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { WorkspaceChange } from '../../core/exec/runner';

/**
 * What a command changed in its copy-on-write view of one workspace folder,
 * read after it exited from the overlay's upper layer (and, for folders the
 * command emptied and refilled, the merged view), both reached through the
 * helper's `/proc/PID/root` while its mount namespace still lives:
 *
 * - a whiteout (character device 0:0) in the upper layer: a delete;
 * - a file, link or folder there: a write (a file whose bytes and mode equal
 *   the original is left out: it was only copied up);
 * - a folder that exists in the workspace but lacks, in the merged view,
 *   entries the workspace has: those entries were deleted (an opaque folder);
 * - anything else (a FIFO, a socket, a device): a `special` change, never kept.
 *
 * A deleted folder is a delete of each entry in it, then of the folder, so
 * that each is decided on its own (a protected file inside stays). Nothing
 * under a hidden (denyRead) path yields a delete: it was never visible.
 */
export interface CollectedChange extends WorkspaceChange {
  /** Where the new content is (files), through /proc/PID/root. */
  readonly source?: string;
  readonly mode?: number;
  /** The new link's target (symlinks). */
  readonly linkTarget?: string;
  /** A FIFO, socket or device: never written to the workspace. */
  readonly special?: boolean;
}

export interface CollectInput {
  /** `/proc/<helper pid>/root`. */
  readonly procRoot: string;
  /** The workspace folder (host path, the overlay's lower layer). */
  readonly root: string;
  /** The upper layer, as a path inside the helper's namespace. */
  readonly upper: string;
  /** Workspace-relative paths the mask layer hid. */
  readonly hidden: ReadonlySet<string>;
  readonly maxChanges: number;
}

export class TooManyChanges extends Error {}

function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

function names(p: string): Set<string> {
  try {
    return new Set(readdirSync(p));
  } catch {
    return new Set();
  }
}

function sameFile(a: string, b: string, sa: Stats, sb: Stats): boolean {
  if (sa.size !== sb.size || (sa.mode & 0o777) !== (sb.mode & 0o777)) return false;
  try {
    return readFileSync(a).equals(readFileSync(b));
  } catch {
    return false;
  }
}

const isWhiteout = (st: Stats): boolean => st.isCharacterDevice() && st.rdev === 0;

export function collectChanges(input: CollectInput): CollectedChange[] {
  const out: CollectedChange[] = [];
  const hiddenOrUnder = (rel: string): boolean => {
    if (input.hidden.has(rel)) return true;
    for (let i = rel.indexOf('/'); i > 0; i = rel.indexOf('/', i + 1)) if (input.hidden.has(rel.slice(0, i))) return true;
    return false;
  };
  const push = (c: CollectedChange): void => {
    out.push(c);
    if (out.length > input.maxChanges) throw new TooManyChanges(`the command changed more than ${input.maxChanges} paths`);
  };
  const upperOf = (rel: string) => join(input.procRoot, input.upper, rel);
  const lowerOf = (rel: string) => join(input.root, rel);
  /** A delete of a folder is a delete of everything in it (each decided on its own), then of the folder. */
  const pushDelete = (rel: string): void => {
    if (hiddenOrUnder(rel)) return;
    const st = lstatOrNull(lowerOf(rel));
    if (st === null) return;
    if (st.isDirectory()) for (const n of names(lowerOf(rel))) pushDelete(`${rel}/${n}`);
    push({ path: lowerOf(rel), kind: 'delete', entry: 'none' });
  };

  const walk = (relDir: string): void => {
    let list: Dirent[];
    try {
      list = readdirSync(upperOf(relDir), { withFileTypes: true });
    } catch {
      return;
    }
    const inUpper = new Set(list.map((d) => d.name));
    const lowerDir = relDir === '' ? lstatOrNull(input.root) : lstatOrNull(lowerOf(relDir));
    // An opaque folder: what the workspace has here but the merged view lacks was deleted.
    if (lowerDir?.isDirectory() && !hiddenOrUnder(relDir)) {
      const merged = names(join(input.procRoot, input.root, relDir));
      for (const n of names(lowerOf(relDir))) {
        const rel = relDir === '' ? n : `${relDir}/${n}`;
        if (!merged.has(n) && !inUpper.has(n)) pushDelete(rel);
      }
    }
    for (const d of list) {
      const rel = relDir === '' ? d.name : `${relDir}/${d.name}`;
      const src = upperOf(rel);
      const st = lstatOrNull(src);
      if (st === null) continue;
      const lower = lstatOrNull(lowerOf(rel));
      const path = lowerOf(rel);
      if (isWhiteout(st)) {
        if (lower !== null) pushDelete(rel);
        continue;
      }
      if (st.isDirectory()) {
        if (lower?.isDirectory()) {
          walk(rel);
          continue;
        }
        if (lower !== null) pushDelete(rel);
        push({ path, kind: 'write', entry: 'dir', mode: st.mode & 0o777 });
        walk(rel);
        continue;
      }
      if (lower?.isDirectory()) pushDelete(rel);
      if (st.isFile()) {
        if (lower?.isFile() && sameFile(src, lowerOf(rel), st, lower)) continue;
        push({ path, kind: 'write', entry: 'file', source: src, mode: st.mode & 0o777 });
      } else if (st.isSymbolicLink()) {
        let target: string;
        try {
          target = readlinkSync(src);
        } catch {
          continue;
        }
        if (lower?.isSymbolicLink() && lstatOrNull(path) !== null && readlinkSync(path) === target) continue;
        push({ path, kind: 'write', entry: 'symlink', linkTarget: target });
      } else {
        push({ path, kind: 'write', entry: 'file', special: true });
      }
    }
  };
  walk('');
  return out;
}
