import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { EntryType, FileStat, RepoSearch, TextRead, WindowRead, WindowRequest, WorkspaceFs } from '../core/tools/ports';
import { BINARY_SNIFF_BYTES, readLineWindow, ScanBuffers, strictUtf8 } from './fs/lineWindow';
import { createRipgrepSearch } from './search/ripgrep';

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
  return strictUtf8(bytes);
}

type NotRead = { readonly kind: 'missing' } | { readonly kind: 'not-a-file'; readonly type: EntryType };

/**
 * Opens a regular file to read, following no link (O_NOFOLLOW: the guard
 * resolved every link already; a link that appears since is not followed).
 * The caller closes the handle.
 */
async function openRegularFile(absolute: string): Promise<{ handle: FileHandle; st: Stats } | NotRead> {
  let handle: FileHandle;
  try {
    handle = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (isMissing(err)) return { kind: 'missing' };
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') return { kind: 'not-a-file', type: 'symlink' };
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') return { kind: 'not-a-file', type: 'dir' };
    throw err;
  }
  const st = await handle.stat().catch(async (e: unknown) => {
    await handle.close();
    throw e;
  });
  if (st.isFile()) return { handle, st };
  await handle.close();
  return { kind: 'not-a-file', type: typeOf(st) };
}

async function readText(absolute: string, maxBytes: number): Promise<TextRead> {
  const opened = await openRegularFile(absolute);
  if ('kind' in opened) return opened;
  const { handle, st } = opened;
  try {
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

async function readLines(absolute: string, w: WindowRequest, buffers: ScanBuffers): Promise<WindowRead> {
  const opened = await openRegularFile(absolute);
  if ('kind' in opened) return opened;
  const { handle, st } = opened;
  try {
    return await readLineWindow(handle, st.size, w, buffers);
  } finally {
    await handle.close();
  }
}

/** The tools' file-system port over node:fs. Paths arrive absolute and resolved by the guard. */
export function createWorkspaceFs(search: RepoSearch = createRipgrepSearch(), buffers = new ScanBuffers()): WorkspaceFs {
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
    readLines: (absolute, w) => readLines(absolute, w, buffers),
    writeAtomic,
    async delete(absolute) {
      const s = await stat(absolute);
      if (!s.isFile()) throw new Error(`${absolute} is not a file`);
      await unlink(absolute);
    },
    search,
  };
}
