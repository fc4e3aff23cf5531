import * as crypto from 'node:crypto';

const { createHash } = crypto;
type OneShot = (algorithm: string, data: Uint8Array, outputEncoding: 'hex') => string;
/** Node's one-shot `crypto.hash` (Node 20.12 and later): far less cost per call than createHash on a short line. */
const oneShot: OneShot | undefined = (crypto as { hash?: OneShot }).hash;

/** sha256 of the UTF-8 bytes of `text`, lowercase hex. (Hashing is computation, not I/O.) */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Length of `text` in UTF-8 bytes, without encoding it. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** sha256 of `bytes`, lowercase hex. */
export function sha256HexOfBytes(bytes: Uint8Array): string {
  return oneShot ? oneShot('sha256', bytes, 'hex') : createHash('sha256').update(bytes).digest('hex');
}
