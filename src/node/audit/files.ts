import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { ChainFeed, VerifySegment } from '../../core/audit/verify';

/**
 * Rotation naming: the live file is `audit.jsonl`; when it grows past its
 * size limit it is renamed to `audit.<n>.jsonl` with `n` one more than the
 * highest already there (1, 2, …) and a new `audit.jsonl` is started. So a
 * rotated file keeps its name for good, and the chain reads oldest first:
 * `audit.1.jsonl`, `audit.2.jsonl`, …, `audit.jsonl`.
 */
export function rotatedName(file: string, n: number): string {
  const ext = extname(file);
  return join(dirname(file), `${basename(file, ext)}.${n}${ext}`);
}

/** The rotated files of `file`, oldest first, as `[n, path]`. */
export function rotatedFiles(file: string): [number, string][] {
  const dir = dirname(file);
  const ext = extname(file);
  const stem = basename(file, ext);
  if (!existsSync(dir)) return [];
  const found: [number, string][] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(`${stem}.`) || !name.endsWith(ext)) continue;
    const middle = name.slice(stem.length + 1, name.length - ext.length);
    if (/^[1-9][0-9]*$/.test(middle)) found.push([Number(middle), join(dir, name)]);
  }
  return found.sort((a, b) => a[0] - b[0]);
}

/** Every file of the chain that ends in `file`, oldest first (rotated ones, then `file` if it exists). */
export function chainFiles(file: string): string[] {
  const files = rotatedFiles(file).map(([, p]) => p);
  if (existsSync(file)) files.push(file);
  return files;
}

/** Reads files as verify segments, in the order given. */
export function readSegments(files: readonly string[]): VerifySegment[] {
  return files.map((name) => ({ name, text: readFileSync(name, 'utf8') }));
}

const CHUNK_BYTES = 1024 * 1024;

/**
 * Streams files as one chain into `feed`, oldest first: each file's name, its
 * complete lines (decoded one by one, hashed from the bytes read), and a torn
 * tail, after which it stops. Memory: one chunk and the line crossing it;
 * `afterChunk` (a writer draining what the chunk produced) is awaited before
 * the next one is read.
 */
export async function feedFiles(files: readonly string[], feed: ChainFeed, afterChunk?: () => Promise<void>): Promise<void> {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  for (const name of files) {
    feed.segment(name);
    const handle = await open(name, 'r');
    let carry: Buffer | null = null;
    try {
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
        if (bytesRead === 0) break;
        const data: Buffer = carry ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
        let at = 0;
        for (let nl = data.indexOf(0x0a, at); nl >= 0; nl = data.indexOf(0x0a, at)) {
          feed.line({ text: data.toString('utf8', at, nl), bytes: data, start: at, end: nl });
          at = nl + 1;
        }
        // The chunk is reused: what is left of it is copied.
        carry = at < data.length ? Buffer.from(data.subarray(at)) : null;
        if (afterChunk) await afterChunk();
      }
    } finally {
      await handle.close();
    }
    if (carry !== null) {
      feed.torn();
      return;
    }
  }
}
