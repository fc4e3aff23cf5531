/**
 * IP literals as the WHATWG URL parser leaves them (dotted IPv4, bracketed
 * IPv6; decimal, octal and hex IPv4 forms are already turned into dotted
 * form by it) and whether they point somewhere private.
 */
export type AddressClass = 'public' | 'private' | 'loopback' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

function ipv4Bytes(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const b = m.slice(1).map(Number);
  return b.every((x) => x <= 255) ? b : null;
}

function classifyV4([a = 0, b = 0, c = 0]: number[]): AddressClass {
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240 || (a === 192 && b === 0 && c === 0) || (a === 198 && (b === 18 || b === 19))) return 'reserved';
  return 'public';
}

/** Expands an IPv6 literal (without brackets) into 8 groups, or null. */
function ipv6Groups(text: string): number[] | null {
  let s = text.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = ipv4Bytes(v4[1] ?? '');
    if (!b) return null;
    s =
      s.slice(0, -(v4[1] ?? '').length) +
      `${(((b[0] ?? 0) << 8) | (b[1] ?? 0)).toString(16)}:${(((b[2] ?? 0) << 8) | (b[3] ?? 0)).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string): number[] => (h === '' ? [] : h.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0] ?? '');
  const tail = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g)) ? groups : null;
}

function classifyV6(g: number[]): AddressClass {
  const [g0 = 0, g1 = 0, , , , g5 = 0, g6 = 0, g7 = 0] = g;
  const embedded = (): number[] => [g6 >> 8, g6 & 255, g7 >> 8, g7 & 255];
  if (g.every((x) => x === 0)) return 'unspecified';
  if (g.slice(0, 7).every((x) => x === 0) && g7 === 1) return 'loopback';
  if (g.slice(0, 5).every((x) => x === 0) && (g5 === 0xffff || g5 === 0)) return classifyV4(embedded());
  if (g0 === 0x64 && g1 === 0xff9b) return classifyV4(embedded());
  if (g0 === 0x2002) return classifyV4([g1 >> 8, g1 & 255, (g[2] ?? 0) >> 8, (g[2] ?? 0) & 255]);
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xfe00) === 0xfc00 || (g0 & 0xffc0) === 0xfec0) return 'private';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  return 'public';
}

/** The class of an IP literal host (`1.2.3.4` or `[::1]`, brackets optional), or null when it is a name. */
export function classifyAddress(host: string): AddressClass | null {
  const v4 = ipv4Bytes(host);
  if (v4) return classifyV4(v4);
  const inner = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (!inner.includes(':')) return null;
  const g = ipv6Groups(inner.replace(/%.*$/, ''));
  return g ? classifyV6(g) : 'reserved';
}

/** For adapters that resolve names: whether an address (after DNS) is private, loopback, link-local or otherwise not public. */
export function isNonPublicAddress(ip: string): boolean {
  const c = classifyAddress(ip);
  return c !== null && c !== 'public';
}
