import { isUtf8 } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';
import type { WindowRead, WindowRequest } from '../../core/tools/ports';

/** Bytes examined for NUL when deciding whether a file is binary (as git does). */
export const BINARY_SNIFF_BYTES = 8000;
/**
 * A file up to ONE_READ_BYTES is read in one call (each call is a trip to the
 * thread pool, which on a busy machine costs more than the copy); a larger
 * one is scanned in chunks of SCAN_CHUNK_BYTES.
 */
export const ONE_READ_BYTES = 16 * 1024 * 1024;
export const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;
/** The largest buffer kept between reads. */
const KEEP_BYTES = 4 * 1024 * 1024;

const lossy = new TextDecoder('utf-8');

/**
 * Strict UTF-8: the text, or null for invalid UTF-8 (overlong forms,
 * surrogates, code points past U+10FFFF, cut sequences), a leading byte
 * order mark dropped, exactly as a fatal TextDecoder decodes it. Validated
 * first and then decoded, several times faster than the fatal decoder on
 * large text.
 */
export function strictUtf8(bytes: Uint8Array): string | null {
  if (!isUtf8(bytes)) return null;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** `at` moved back to the start of the UTF-8 sequence it falls in (never past `floor`). */
function charStart(bytes: Uint8Array, at: number, floor: number): number {
  let i = at;
  while (i > floor && i < bytes.length && ((bytes[i] ?? 0) & 0xc0) === 0x80) i--;
  return i;
}

/**
 * A scan buffer kept between reads, so that reading a large file again does
 * not allocate (and fault in) a buffer of its size each time. A read that
 * overlaps another, or needs a larger buffer than the one kept, takes a
 * fresh one; the largest up to `keep` bytes is kept.
 */
export class ScanBuffers {
  private spare: Buffer | null = null;
  constructor(
    private readonly oneRead = ONE_READ_BYTES,
    private readonly chunk = SCAN_CHUNK_BYTES,
    private readonly keep = KEEP_BYTES,
  ) {}
  /** A buffer for scanning a file of `size` bytes: the whole file when it is up to `oneRead` bytes. */
  take(size: number): Buffer {
    const want = size <= this.oneRead ? Math.max(size, 1) : this.chunk;
    const spare = this.spare;
    if (spare !== null && spare.length >= want) {
      this.spare = null;
      return spare;
    }
    return Buffer.allocUnsafe(want);
  }
  give(buf: Buffer): void {
    if (buf.length <= this.keep && (this.spare === null || this.spare.length < buf.length)) this.spare = buf;
  }
}

/** Where the window's bytes are, as the scan finds out. */
interface Scan {
  /** Lines seen so far (line ends). */
  line: number;
  /** File offsets where lines `from` and `to` start; -1 until seen. */
  start: number;
  end: number;
  /** The window's bytes and margins, from file offset `lo`; null until `start` is known. */
  win: Buffer | null;
  lo: number;
}

/** Counts the line ends in `buf[0, n)` (which starts at file offset `pos`), noting where lines `from` and `to` start. */
function countLines(buf: Buffer, n: number, pos: number, s: Scan, from: number, to: number): void {
  for (let i = buf.indexOf(0x0a, 0); i >= 0 && i < n; i = buf.indexOf(0x0a, i + 1)) {
    s.line++;
    if (s.line === from) s.start = pos + i + 1;
    if (s.line === to) s.end = pos + i + 1;
  }
}

/**
 * Reads a window of lines from an open regular file of `size` bytes: one
 * pass through a reused buffer (the whole file up to ONE_READ_BYTES, chunks
 * beyond) counts every line; only the window (up to `maxBytes`) and
 * `marginBytes` on each side are decoded. Memory is bounded by
 * ONE_READ_BYTES plus the window, whatever the file's size.
 */
export async function readLineWindow(handle: FileHandle, size: number, w: WindowRequest, buffers: ScanBuffers): Promise<WindowRead> {
  const s: Scan = { line: 0, start: w.from === 0 ? 0 : -1, end: w.to === 0 ? 0 : -1, win: null, lo: 0 };
  const buf = buffers.take(size);
  // The file is in `buf` whole when one call read it; otherwise the window is copied out as the chunks pass.
  const whole = buf.length >= size;
  let last = 0x0a;
  let pos = 0;
  try {
    while (pos < size) {
      w.signal?.throwIfAborted();
      const fill = whole ? pos : 0;
      const { bytesRead } = await handle.read(buf, fill, Math.min(buf.length - fill, size - pos), pos);
      if (bytesRead === 0) break;
      if (pos === 0 && buf.subarray(0, Math.min(bytesRead, BINARY_SNIFF_BYTES)).includes(0)) return { kind: 'binary', size };
      countLines(whole ? buf.subarray(pos) : buf, bytesRead, pos, s, w.from, w.to);
      if (!whole && s.start >= 0) capture(s, buf, bytesRead, pos, size, w);
      last = buf[fill + bytesRead - 1] ?? 0x0a;
      pos += bytesRead;
    }
    // A file that shrank while it was read is windowed on what was read.
    const total = Math.min(pos, size);
    const lines = s.line + (last === 0x0a ? 0 : 1);
    const start = s.start < 0 ? total : s.start;
    const end = s.end < 0 ? total : s.end;
    const stop = Math.min(end, start + w.maxBytes);
    const lo = Math.max(0, start - w.marginBytes);
    const upto = Math.min(total, stop + w.marginBytes);
    let bytes: Buffer;
    if (whole) bytes = buf.subarray(lo, upto);
    else if (s.win !== null && s.lo === lo) bytes = s.win.subarray(0, upto - lo);
    else {
      // The part of the window not seen in a chunk while its start was known (the
      // margin before a window that starts at a chunk's beginning, or the end of
      // a file past its last line): read it now.
      bytes = Buffer.alloc(upto - lo);
      const seen = s.win === null ? 0 : Math.max(0, upto - s.lo);
      if (seen > 0 && s.win !== null) s.win.copy(bytes, s.lo - lo, 0, seen);
      const gap = s.win === null ? upto - lo : s.lo - lo;
      if (gap > 0) await handle.read(bytes, 0, gap, lo);
    }
    const a = start - lo;
    const e = charStart(bytes, stop - lo, a);
    const text = strictUtf8(bytes.subarray(a, e));
    if (text === null) return { kind: 'binary', size };
    let bs = 0;
    while (bs < a && ((bytes[bs] ?? 0) & 0xc0) === 0x80) bs++;
    return {
      kind: 'text',
      size,
      lines,
      first: Math.min(w.from, lines),
      text,
      cut: lo + e < end,
      before: lossy.decode(bytes.subarray(bs, a)),
      after: lossy.decode(bytes.subarray(e)),
    };
  } finally {
    // Nothing returned refers to the buffer: the strings are decoded copies.
    buffers.give(buf);
  }
}

/** Copies the part of the chunk `buf[0, n)` (at file offset `pos`) that the window and its margins cover. */
function capture(s: Scan, buf: Buffer, n: number, pos: number, size: number, w: WindowRequest): void {
  if (s.win === null) {
    s.lo = Math.max(pos, s.start - w.marginBytes);
    s.win = Buffer.allocUnsafe(Math.min(size, s.start + w.maxBytes + w.marginBytes) - s.lo);
  }
  const at = Math.max(pos, s.lo);
  const upto = Math.min(pos + n, s.lo + s.win.length);
  if (upto > at) buf.copy(s.win, at - s.lo, at - pos, upto - pos);
}
