/**
 * `warden.network.allowedHosts` entries: `host`, `*.domain`, `host:port`,
 * `*.domain:port`, an IPv4 address or a bracketed IPv6 address. An entry
 * without a port allows the scheme's default port only.
 */
export interface HostEntry {
  /** As written in settings. */
  readonly source: string;
  /** Normalised host (lowercase, punycode, no trailing dot), without `*.`. */
  readonly host: string;
  readonly wildcard: boolean;
  /** Port as a string, or null for the scheme's default port. */
  readonly port: string | null;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Normalises a host through the WHATWG URL parser (IDN → punycode, IPv4 forms → dotted). Null if unusable. */
export function normaliseHost(host: string): string | null {
  if (host === '' || /[\s/\\@?#%]/.test(host)) return null;
  try {
    const url = new URL(`http://${host}/`);
    if (url.port !== '' || url.username !== '' || url.password !== '') return null;
    const h = url.hostname.replace(/\.$/, '');
    if (h.startsWith('[')) return h;
    if (!h.split('.').every((l) => LABEL.test(l))) return null;
    return h;
  } catch {
    return null;
  }
}

export function parseHostEntry(source: string): HostEntry | null {
  const m = /^(\*\.)?(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(source.trim());
  if (!m) return null;
  const wildcard = m[1] !== undefined;
  const port = m[3] ?? null;
  if (port !== null && (Number(port) < 1 || Number(port) > 65535)) return null;
  const host = normaliseHost(m[2] ?? '');
  if (host === null || (wildcard && (host.startsWith('[') || /^[\d.]+$/.test(host)))) return null;
  return { source, host, wildcard, port: port === null ? null : String(Number(port)) };
}

/** Whether `entry` admits `host` on `port` (null: the scheme's default port). */
export function hostEntryAdmits(entry: HostEntry, host: string, port: string | null): boolean {
  if (entry.port !== port) return false;
  return entry.wildcard ? host.endsWith(`.${entry.host}`) : host === entry.host;
}

/** Whether user entry `u` already admits everything workspace entry `w` admits. */
export function hostEntryCovers(u: HostEntry, w: HostEntry): boolean {
  if (u.port !== w.port) return false;
  if (!u.wildcard) return !w.wildcard && u.host === w.host;
  return w.host.endsWith(`.${u.host}`) || (w.wildcard && w.host === u.host);
}
