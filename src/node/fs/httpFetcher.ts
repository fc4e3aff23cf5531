import { lookup as dnsLookup } from 'node:dns/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isNonPublicAddress } from '../../core/policy/ipAddress';
import type { FetchRequest, FetchResult, Fetcher } from '../../core/tools/ports';

const MAX_HOPS = 5;

/** Resolves a host name to every address it has (the system resolver by default; tests inject their own). */
export type Resolve = (hostname: string) => Promise<readonly { readonly address: string; readonly family: number }[]>;

export interface HttpFetcherOptions {
  readonly resolve?: Resolve;
}

const systemResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Refused before any connection is made: the name resolves where the guard's host list does not reach. */
export class AddressRefusedError extends Error {}

/**
 * fetch_url's port over Node's http/https. Each hop's name is resolved
 * once, here: if any address it resolves to is private, loopback,
 * link-local or otherwise not public, and that address is not itself
 * listed (`req.addressAllowed`), the hop is refused before connecting; the
 * connection then goes to the address that was checked (the socket's
 * lookup is answered from the check, so there is no second DNS answer to
 * rebind). Redirects are followed by hand, each hop asked of the guard
 * first and resolved and checked again. The body is read up to `maxBytes`;
 * the exchange is bounded by `timeoutMs` and the caller's signal. No
 * cookies, no credentials.
 */
export function createHttpFetcher(options: HttpFetcherOptions = {}): Fetcher {
  const resolve = options.resolve ?? systemResolve;

  async function checkedAddress(url: URL, req: FetchRequest): Promise<{ address: string; family: number } | null> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0) return null; // an IP literal: only ever admitted by an exact entry, by the guard
    const addresses = await resolve(host);
    if (addresses.length === 0) throw new Error(`${host} did not resolve`);
    for (const a of addresses) {
      if (isNonPublicAddress(a.address) && !req.addressAllowed(a.address, url.href)) {
        throw new AddressRefusedError(
          `${host} resolves to ${a.address}, a non-public address that warden.network.allowedHosts does not list; nothing was sent`,
        );
      }
    }
    return addresses[0] ?? null;
  }

  return {
    async fetch(req: FetchRequest): Promise<FetchResult> {
      const signal = AbortSignal.any([AbortSignal.timeout(req.timeoutMs), ...(req.signal ? [req.signal] : [])]);
      let url = new URL(req.url);
      for (let hop = 0; ; hop++) {
        const pinned = await checkedAddress(url, req);
        const res = await request(url, pinned, signal);
        const location = res.headers.location;
        if (res.statusCode !== undefined && res.statusCode >= 300 && res.statusCode < 400 && location) {
          res.destroy();
          if (hop + 1 >= MAX_HOPS) throw new Error(`too many redirects (more than ${MAX_HOPS})`);
          const next = new URL(location, url);
          const verdict = req.allowRedirect(next.href);
          if (!verdict.ok) throw new Error(`redirect to ${next.href} refused by the guard (${verdict.why})`);
          url = next;
          continue;
        }
        const { body, bytes, truncated } = await readCapped(res, req.maxBytes, signal);
        return {
          url: url.href,
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body,
          bytes,
          truncated,
        };
      }
    },
  };
}

function request(url: URL, pinned: { address: string; family: number } | null, signal: AbortSignal): Promise<http.IncomingMessage> {
  // The socket asks this lookup for the name: it gets the address that was checked, never a fresh answer.
  const lookup: LookupFunction | undefined = pinned
    ? (_host, opts, cb) => {
        if ((opts as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
        else cb(null, pinned.address, pinned.family);
      }
    : undefined;
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolveRes, reject) => {
    const req = mod.request(url, {
      method: 'GET',
      agent: false,
      signal,
      ...(lookup ? { lookup } : {}),
      headers: { 'user-agent': 'warden-fetch/0.1', accept: 'text/*, application/json, application/xml;q=0.9, */*;q=0.1' },
    });
    req.on('response', resolveRes);
    req.on('error', reject);
    req.end();
  });
}

async function readCapped(
  res: http.IncomingMessage,
  maxBytes: number,
  signal: AbortSignal,
): Promise<{ body: string; bytes: number; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  signal.throwIfAborted();
  for await (const chunk of res as AsyncIterable<Buffer>) {
    const room = maxBytes - bytes;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      bytes += room;
      truncated = true;
      res.destroy();
      break;
    }
    chunks.push(chunk);
    bytes += chunk.length;
  }
  return { body: new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks)), bytes, truncated };
}
