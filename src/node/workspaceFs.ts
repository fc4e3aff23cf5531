import { constants, type Dirent } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { EntryType, FileStat, ListedEntry, TextRead, WalkOptions, WorkspaceFs } from '../core/tools/ports';

/** Bytes examined for NUL when deciding whether a file is binary (as git does). */
const BINARY_SNIFF_BYTES = 8000;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function typeOf(s: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): EntryType {
  return s.isSymbolicLink() ? 'symlink' : s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other';
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Decodes UTF-8 text, or null for binary content (a NUL byte early on, or invalid UTF-8). */
export function decodeText(bytes: Uint8Array): string | null {
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

async function readText(absolute: string, maxBytes: number): Promise<TextRead> {
  let handle;
  try {
    // O_NOFOLLOW: the guard resolved every link already; a link that appears since is not followed.
    handle = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (isMissing(err)) return { kind: 'missing' };
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') return { kind: 'not-a-file', type: 'symlink' };
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') return { kind: 'not-a-file', type: 'dir' };
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { kind: 'not-a-file', type: typeOf(st) };
    if (st.size > maxBytes) return { kind: 'too-large', size: st.size };
    const bytes = await handle.readFile();
    const text = decodeText(bytes);
    return text === null ? { kind: 'binary', size: bytes.length } : { kind: 'text', text, size: bytes.length };
  } finally {
    await handle.close();
  }
}

async function writeAtomic(absolute: string, content: string, signal?: AbortSignal): Promise<void> {
  const dir = dirname(absolute);
  await mkdir(dir, { recursive: true });
  // The folder must still be where the guard resolved it: no link swapped in since.
  const realDir = await realpath(dir);
  if (realDir !== dir) throw new Error(`the folder ${dir} now resolves to ${realDir}; nothing was written`);
  let mode = 0o644;
  try {
    const old = await lstat(absolute);
    if (!old.isFile()) throw new Error(`${absolute} is not a regular file; nothing was written`);
    mode = old.mode & 0o777;
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  const temp = join(dir, `.${basename(absolute)}.warden-${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  let renamed = false;
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
    await handle.close();
    signal?.throwIfAborted();
    await rename(temp, absolute);
    renamed = true;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    }
  }
}

async function walk(absoluteDir: string, options: WalkOptions): Promise<{ entries: ListedEntry[]; truncated: boolean }> {
  const entries: ListedEntry[] = [];
  const queue: { dir: string; depth: number }[] = [{ dir: absoluteDir, depth: 0 }];
  while (queue.length > 0) {
    options.signal?.throwIfAborted();
    const { dir, depth } = queue.shift() as { dir: string; depth: number };
    let names: Dirent[];
    try {
      names = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of names) {
      const abs = join(dir, d.name);
      const type = typeOf(d);
      if (!options.include(abs, type)) continue;
      if (entries.length >= options.maxEntries) return { entries, truncated: true };
      let size = 0;
      if (type === 'file') size = (await lstat(abs).catch(() => ({ size: 0 }))).size;
      entries.push({ absolute: abs, type, size });
      if (type === 'dir' && depth + 1 < options.maxDepth && (options.descend?.(abs) ?? true)) queue.push({ dir: abs, depth: depth + 1 });
    }
  }
  return { entries, truncated: false };
}

/** The tools' file-system port over node:fs. Paths arrive absolute and resolved by the guard. */
export function createWorkspaceFs(): WorkspaceFs {
  return {
    async stat(absolute): Promise<FileStat | null> {
      try {
        const s = await lstat(absolute);
        return { type: typeOf(s), size: s.size };
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
    readText,
    writeAtomic,
    async delete(absolute) {
      const s = await stat(absolute);
      if (!s.isFile()) throw new Error(`${absolute} is not a file`);
      await unlink(absolute);
    },
    walk,
  };
}
