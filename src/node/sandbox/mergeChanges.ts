import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, constants, lstatSync, mkdirSync, renameSync, rmdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { ChangeReport, ChangeVerdict } from '../../core/exec/runner';
import type { CollectedChange } from './changeSet';

/**
 * Writes the kept changes into the real workspace: deletes first, then
 * folders, files and links (parents before children). Nothing here follows a
 * link: every folder on the way from the workspace folder must be a real
 * folder (or be made), a file lands by rename from a temporary name beside
 * it, and a change whose way is blocked (a link or a file where a folder
 * should be) is dropped and reported. Permission bits are kept, set-id and
 * sticky bits are not.
 */
export function mergeChanges(root: string, verdicts: readonly ChangeVerdict[]): ChangeReport {
  const kept: string[] = [];
  const dropped: Array<ChangeReport['dropped'][number]> = [];
  const drop = (v: ChangeVerdict, reason: string, message: string) =>
    dropped.push({ path: v.change.path, kind: v.change.kind, reason, message });
  for (const v of verdicts) if (!v.keep) drop(v, v.reason, v.message);
  const keep = verdicts.filter((v) => v.keep);
  const deletes = keep.filter((v) => v.change.kind === 'delete').sort((a, b) => b.change.path.length - a.change.path.length);
  const writes = keep
    .filter((v) => v.change.kind === 'write')
    .sort((a, b) => (a.change.path < b.change.path ? -1 : a.change.path > b.change.path ? 1 : 0));
  for (const v of [...deletes, ...writes]) {
    const c = v.change as CollectedChange;
    if (c.special) {
      drop(v, 'special-file', 'a FIFO, socket or device is never written to the workspace');
      continue;
    }
    const blocked = wayBlocked(root, c.path, c.kind === 'write');
    if (blocked !== null) {
      drop(v, 'link-in-the-way', blocked);
      continue;
    }
    try {
      apply(c);
      kept.push(c.path);
    } catch (e) {
      drop(v, 'merge-failed', e instanceof Error ? e.message : String(e));
    }
  }
  return { kept, dropped };
}

/** Why the folders above `path` cannot be used (a link, a file), or null; missing ones are made when `make`. */
function wayBlocked(root: string, path: string, make: boolean): string | null {
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..')) return `${path} is not inside ${root}`;
  const parts = rel.split(sep).slice(0, -1);
  let cur = root;
  for (const part of parts) {
    cur = join(cur, part);
    let st;
    try {
      st = lstatSync(cur);
    } catch {
      if (!make) return null;
      mkdirSync(cur);
      continue;
    }
    if (!st.isDirectory()) return `${cur} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a folder'} in the workspace`;
  }
  return null;
}

function existing(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

function tempBeside(p: string): string {
  return join(dirname(p), `.warden-merge-${randomBytes(6).toString('hex')}`);
}

function apply(c: CollectedChange): void {
  const now = existing(c.path);
  if (c.kind === 'delete') {
    if (now === null) return;
    // Its entries were decided (and deleted, or kept) one by one before it: a folder still holding one stays.
    if (now.isDirectory()) rmdirSync(c.path);
    else unlinkSync(c.path);
    return;
  }
  if (c.entry === 'dir') {
    if (now?.isDirectory()) return;
    if (now !== null) throw new Error(`${c.path} is in the way of a new folder`);
    mkdirSync(c.path, { mode: (c.mode ?? 0o755) & 0o777 });
    return;
  }
  if (now?.isDirectory()) throw new Error(`${c.path} is a folder in the workspace`);
  const tmp = tempBeside(c.path);
  try {
    if (c.entry === 'symlink') symlinkSync(c.linkTarget ?? '', tmp);
    else {
      if (c.source === undefined) throw new Error('no content');
      copyFileSync(c.source, tmp, constants.COPYFILE_EXCL);
      chmodSync(tmp, (c.mode ?? 0o644) & 0o777);
    }
    renameSync(tmp, c.path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
