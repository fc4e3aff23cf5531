import type { FetchRequest, FetchResult, Fetcher } from '../../core/tools/ports';

const MAX_HOPS = 5;

/**
 * fetch_url's port over Node's fetch: redirects are followed by hand, each
 * hop asked of the guard first; the body is read up to `maxBytes`; the whole
 * exchange is bounded by `timeoutMs` and the caller's signal. No cookies, no
 * credentials are sent.
 */
export function createHttpFetcher(fetchImpl: typeof fetch = fetch): Fetcher {
  return {
    async fetch(req: FetchRequest): Promise<FetchResult> {
      const signal = AbortSignal.any([AbortSignal.timeout(req.timeoutMs), ...(req.signal ? [req.signal] : [])]);
      let url = req.url;
      for (let hop = 0; ; hop++) {
        const res = await fetchImpl(url, { redirect: 'manual', signal, credentials: 'omit', headers: { 'user-agent': 'warden-fetch/0.1', accept: 'text/*, application/json, application/xml;q=0.9, */*;q=0.1' } });
        const location = res.headers.get('location');
        if (res.status >= 300 && res.status < 400 && location) {
          await res.body?.cancel();
          if (hop + 1 >= MAX_HOPS) throw new Error(`too many redirects (more than ${MAX_HOPS})`);
          const next = new URL(location, url).href;
          const verdict = req.allowRedirect(next);
          if (!verdict.ok) throw new Error(`redirect to ${next} refused by the guard (${verdict.why})`);
          url = next;
          continue;
        }
        const { body, bytes, truncated } = await readCapped(res, req.maxBytes);
        return { url, status: res.status, contentType: res.headers.get('content-type') ?? '', body, bytes, truncated };
      }
    },
  };
}

async function readCapped(res: Response, maxBytes: number): Promise<{ body: string; bytes: number; truncated: boolean }> {
  if (!res.body) return { body: '', bytes: 0, truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = maxBytes - bytes;
    if (value.length > room) {
      chunks.push(value.subarray(0, room));
      bytes += room;
      truncated = true;
      await reader.cancel();
      break;
    }
    chunks.push(value);
    bytes += value.length;
  }
  const all = new Uint8Array(bytes);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return { body: new TextDecoder('utf-8', { fatal: false }).decode(all), bytes, truncated };
}
