import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { EntryType, FileStat, RepoSearch, TextRead, WindowRead, WindowRequest, WorkspaceFs } from '../core/tools/ports';
import { createRipgrepSearch } from './search/ripgrep';

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

const CHUNK_BYTES = 1024 * 1024;
const lossy = new TextDecoder('utf-8');

/** `at` moved back to the start of the UTF-8 sequence it falls in (never past `floor`). */
function charStart(bytes: Uint8Array, at: number, floor: number): number {
  let i = at;
  while (i > floor && i < bytes.length && ((bytes[i] ?? 0) & 0xc0) === 0x80) i--;
  return i;
}

/** Files up to this size are read in one call and windowed in memory; larger ones are scanned in chunks. */
const ONE_READ_BYTES = 16 * 1024 * 1024;

/** Counts lines in `buf[0, n)` (which starts at byte `pos` of the file), noting where lines `from` and `to` start. */
function countLines(buf: Buffer, n: number, pos: number, at: { line: number; start: number; end: number }, from: number, to: number): void {
  for (let i = buf.indexOf(0x0a, 0); i >= 0 && i < n; i = buf.indexOf(0x0a, i + 1)) {
    at.line++;
    if (at.line === from) at.start = pos + i + 1;
    if (at.line === to) at.end = pos + i + 1;
  }
}

/**
 * Byte offsets where lines `from` and `to` start (the size when past the
 * end), and the line count; `whole` holds the file when it was read in one
 * call (then the window is cut from it rather than read again).
 */
async function lineOffsets(
  handle: FileHandle,
  size: number,
  from: number,
  to: number,
  signal?: AbortSignal,
): Promise<{ start: number; end: number; lines: number; whole: Buffer | null }> {
  const one = size <= ONE_READ_BYTES;
  const buf = Buffer.allocUnsafe(one ? Math.max(size, 1) : CHUNK_BYTES);
  const at = { line: 0, start: from === 0 ? 0 : -1, end: to === 0 ? 0 : -1 };
  let last = 0x0a;
  let pos = 0;
  while (pos < size) {
    signal?.throwIfAborted();
    const fill = one ? pos : 0;
    const { bytesRead } = await handle.read(buf, fill, Math.min(buf.length - fill, size - pos), pos);
    if (bytesRead === 0) break;
    if (!one) countLines(buf, bytesRead, pos, at, from, to);
    last = buf[fill + bytesRead - 1] ?? 0x0a;
    pos += bytesRead;
  }
  if (one) countLines(buf, pos, 0, at, from, to);
  const lines = at.line + (last === 0x0a ? 0 : 1);
  // A file that shrank while it was read is windowed on what was read.
  const end = Math.min(pos, size);
  return { start: at.start < 0 ? end : at.start, end: at.end < 0 ? end : at.end, lines, whole: one ? buf.subarray(0, end) : null };
}

async function readLines(absolute: string, w: WindowRequest): Promise<WindowRead> {
  const opened = await openRegularFile(absolute);
  if ('kind' in opened) return opened;
  const { handle, st } = opened;
  try {
    const size = st.size;
    if (size > ONE_READ_BYTES) {
      const head = Buffer.alloc(BINARY_SNIFF_BYTES);
      await handle.read(head, 0, head.length, 0);
      if (head.includes(0)) return { kind: 'binary', size };
    }
    const { start, end, lines, whole } = await lineOffsets(handle, size, w.from, w.to, w.signal);
    if (whole !== null && whole.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { kind: 'binary', size };
    const from = Math.max(0, start - w.marginBytes);
    const stop = Math.min(end, start + w.maxBytes);
    const upto = Math.min(whole?.length ?? size, stop + w.marginBytes);
    let bytes: Buffer;
    if (whole !== null) bytes = whole.subarray(from, upto);
    else {
      bytes = Buffer.alloc(upto - from);
      await handle.read(bytes, 0, bytes.length, from);
    }
    const s = start - from;
    const e = charStart(bytes, stop - from, s);
    let text: string;
    try {
      text = utf8.decode(bytes.subarray(s, e));
    } catch {
      return { kind: 'binary', size };
    }
    let bs = 0;
    while (bs < s && ((bytes[bs] ?? 0) & 0xc0) === 0x80) bs++;
    return {
      kind: 'text',
      size,
      lines,
      first: Math.min(w.from, lines),
      text,
      cut: from + e < end,
      before: lossy.decode(bytes.subarray(bs, s)),
      after: lossy.decode(bytes.subarray(e, charStart(bytes, bytes.length, e))),
    };
  } finally {
    await handle.close();
  }
}

/** The tools' file-system port over node:fs. Paths arrive absolute and resolved by the guard. */
export function createWorkspaceFs(search: RepoSearch = createRipgrepSearch()): WorkspaceFs {
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
    readLines,
    writeAtomic,
    async delete(absolute) {
      const s = await stat(absolute);
      if (!s.isFile()) throw new Error(`${absolute} is not a file`);
      await unlink(absolute);
    },
    search,
  };
}
