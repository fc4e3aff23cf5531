import { randomBytes } from 'node:crypto';

/**
 * What every Warden webview page shares: a fresh nonce per load and one
 * strict Content Security Policy — scripts only with that nonce, styles and
 * fonts only from the extension's own files, and no images, connections,
 * frames, forms or base URL: nothing remote can load or leave.
 */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

export function strictCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    "img-src 'none'",
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Escapes a value for a double-quoted HTML attribute. */
export function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
