import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { VerifySegment } from '../../core/audit/verify';

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
