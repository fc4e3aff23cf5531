import { sha256Hex, utf8Length } from './hash';

/**
 * Large content in an audit event is kept as a fingerprint, not verbatim:
 * a string longer than `INLINE_LIMIT_BYTES` (4 KiB of UTF-8) becomes
 * `{sha256, bytes, preview}` with the first `PREVIEW_CHARS` (200) characters.
 * Strings under a key named `patch` or `diff` (unified patches) may be up to
 * `PATCH_LIMIT_BYTES` (64 KiB) before they are summarised the same way.
 * The hash is of the text as given: the writer redacts before it summarises,
 * so a secret is never hashed nor cut in half by the preview.
 */
export const INLINE_LIMIT_BYTES = 4096;
export const PATCH_LIMIT_BYTES = 64 * 1024;
export const PREVIEW_CHARS = 200;
const PATCH_KEYS = new Set(['patch', 'diff']);

export interface ContentSummary {
  readonly sha256: string;
  readonly bytes: number;
  readonly preview: string;
}

export function isContentSummary(value: unknown): value is ContentSummary {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.sha256 === 'string' && typeof v.bytes === 'number' && typeof v.preview === 'string';
}

export function summarise(text: string): ContentSummary {
  let end = Math.min(text.length, PREVIEW_CHARS);
  const last = text.charCodeAt(end - 1);
  if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--; // never split a surrogate pair
  return { sha256: sha256Hex(text), bytes: utf8Length(text), preview: text.slice(0, end) };
}

/** The text itself when it is at most `limit` bytes, else its summary. */
export function summariseText(text: string, limit = INLINE_LIMIT_BYTES): string | ContentSummary {
  if (text.length <= limit / 3) return text; // cannot exceed the limit even at 3 bytes a char
  return utf8Length(text) <= limit ? text : summarise(text);
}

/** A string under `key` (an object member's name, if any): itself, or its summary when over the limit for that key. */
export function summariseString(text: string, key?: string): string | ContentSummary {
  return summariseText(text, key !== undefined && PATCH_KEYS.has(key) ? PATCH_LIMIT_BYTES : INLINE_LIMIT_BYTES);
}

/** Returns a copy of `value` where every large string is summarised (patch/diff keys get the larger limit). */
export function summariseLarge(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return summariseString(value, key);
  if (Array.isArray(value)) return value.map((v: unknown) => summariseLarge(v));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = summariseLarge(v, k);
    return out;
  }
  return value;
}
