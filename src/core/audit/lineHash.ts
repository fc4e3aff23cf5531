import { createHash } from 'node:crypto';
import { sha256Hex, sha256HexOfBytes } from './hash';

/**
 * The hashes of a line of the audit log (the line format is described in
 * ./chain.ts): apart from the chain's schemas, so that code which only
 * hashes lines (the parallel reader's worker threads) loads no zod.
 */
const HASH_SUFFIX_LENGTH = ',"hash":"'.length + 64 + '"}'.length;

/** sha256 of a line's exact bytes: what the next line's `prev` must be. */
export function lineHash(line: string): string {
  return sha256Hex(line);
}

/**
 * Both hashes of a line in one pass over its bytes: `line` (sha256 of the
 * whole line: the next line's `prev`) and `self` (sha256 of the line with its
 * `,"hash":"…"` suffix taken out, or null when the line has no such suffix).
 */
export function hashLine(line: string): { line: string; self: string | null } {
  const cut = line.length - HASH_SUFFIX_LENGTH;
  if (cut <= 0 || !line.startsWith(',"hash":"', cut) || !line.endsWith('"}')) return { line: sha256Hex(line), self: null };
  const prefix = createHash('sha256').update(line.slice(0, cut), 'utf8');
  const whole = prefix.copy();
  return { self: prefix.update('}').digest('hex'), line: whole.update(line.slice(cut), 'utf8').digest('hex') };
}

/**
 * `hashLine` over bytes already encoded: `bytes[start, end)` is the UTF-8 of
 * `line` (no newline). Saves encoding each line again when a whole file is
 * verified. The `,"hash":"…"}` suffix is ASCII, so it is the last 75 bytes.
 */
export function hashLineBytes(line: string, bytes: Uint8Array, start: number, end: number): { line: string; self: string | null } {
  const whole = sha256HexOfBytes(bytes.subarray(start, end));
  const cut = line.length - HASH_SUFFIX_LENGTH;
  if (cut <= 0 || !line.startsWith(',"hash":"', cut) || !line.endsWith('"}')) return { line: whole, self: null };
  // The body is the line up to its suffix, closed with "}": copied once so that one call hashes it.
  const n = end - HASH_SUFFIX_LENGTH - start;
  if (scratch.length < n + 1) scratch = new Uint8Array(Math.max(n + 1, scratch.length * 2));
  scratch.set(bytes.subarray(start, start + n));
  scratch[n] = CLOSE_BRACE;
  return { self: sha256HexOfBytes(scratch.subarray(0, n + 1)), line: whole };
}

const CLOSE_BRACE = 0x7d;
/** Reused by hashLineBytes (synchronous, so never shared by two calls at once). */
let scratch = new Uint8Array(4096);

/** True when `line` ends with `,"hash":"<hash>"}` and `hash` is the sha256 of the rest. */
export function selfHashHolds(line: string, hash: string): boolean {
  return line.endsWith(`${hash}"}`) && hashLine(line).self === hash;
}
