/**
 * The textual forms under which a secret value can leave a process: itself,
 * base64 and base64url (at each of the three byte alignments it can have
 * inside a larger blob), hex (lower and upper case) and URL encoding.
 */

/** Values shorter than this are redacted raw only: their encodings are too short to tell from ordinary text. */
export const MIN_ENCODED_VALUE_LENGTH = 4;
/** An encoded form shorter than this is not searched for (it would match ordinary text). */
export const MIN_FORM_LENGTH = 4;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const encoder = new TextEncoder();

/** Unpadded base64 of `bytes` (the final partial group written with the bits there are). */
function base64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]!;
  }
  return out;
}

/**
 * The base64 characters that depend only on the value's bytes when the value
 * starts `offset` bytes (0, 1 or 2) into a 3-byte group of a larger blob.
 * Characters that mix in neighbouring bytes are left out (at most 4 bits of
 * the value's first and last byte stay visible).
 */
export function base64Core(bytes: Uint8Array, offset: 0 | 1 | 2): string {
  const padded = new Uint8Array(offset + bytes.length);
  padded.set(bytes, offset);
  const full = base64(padded);
  const start = Math.ceil((8 * offset) / 6);
  const end = Math.floor((8 * (offset + bytes.length)) / 6);
  return full.slice(start, end);
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

function percentEveryByte(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += '%' + b.toString(16).padStart(2, '0').toUpperCase();
  return out;
}

/** Lower-cases the two hex digits of every `%XX` escape. */
function lowerEscapes(s: string): string {
  return s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
}

/** Every form of `value` to search for, longest first, without duplicates. */
export function encodedForms(value: string): string[] {
  if (value.length === 0) return [];
  const forms = new Set<string>([value]);
  if (value.length >= MIN_ENCODED_VALUE_LENGTH) {
    const bytes = encoder.encode(value);
    for (const offset of [0, 1, 2] as const) {
      const core = base64Core(bytes, offset);
      forms.add(core);
      forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
    const h = hex(bytes);
    forms.add(h);
    forms.add(h.toUpperCase());
    const uri = encodeURIComponent(value);
    for (const u of [uri, uri.replace(/%20/g, '+')]) {
      forms.add(u);
      forms.add(lowerEscapes(u));
    }
    const every = percentEveryByte(bytes);
    forms.add(every);
    forms.add(every.toLowerCase());
  }
  return [...forms].filter((f) => f === value || f.length >= MIN_FORM_LENGTH).sort((a, b) => b.length - a.length);
}
