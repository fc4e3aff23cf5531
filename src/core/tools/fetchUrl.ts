import { defineBuiltin, str } from './builtin';
import { exactGrant, fail, ok } from './tool';

const TEXTUAL = /^(text\/|application\/(json|xml|xhtml\+xml|javascript|ld\+json|x-yaml|yaml|toml))|\+json|\+xml/i;

export const fetchUrlTool = defineBuiltin({
  name: 'fetch_url',
  description:
    'Fetch a text resource over https (or http) from an allowed host. Redirects are followed only to allowed hosts. Binary content is refused; size and time are capped.',
  risk: 'network',
  plan(_input, decided) {
    if (decided.details.kind !== 'url')
      return Promise.resolve({ kind: 'invalid', tool: 'fetch_url', error: 'Warden refused: the guard gave no checked URL.' });
    return Promise.resolve({
      kind: 'fetch',
      tool: 'fetch_url',
      url: decided.details.url,
      host: decided.details.host,
      summary: `Fetch ${decided.details.url}`,
    });
  },
  async run(_input, decided, ctx, facts) {
    if (decided.details.kind !== 'url') return fail('Warden refused: the guard gave no checked URL.');
    if (!ctx.fetcher) return fail('Fetching is not available here.');
    const res = await ctx.fetcher.fetch({
      url: decided.details.url,
      maxBytes: ctx.limits.maxFetchBytes,
      timeoutMs: ctx.limits.fetchTimeoutMs,
      signal: facts.signal,
      allowRedirect: (next) => {
        const d = ctx.guard.decide({ tool: 'fetch_url', input: { url: next } });
        return { ok: d.decision === 'allow', why: `${d.reason}: ${d.message}` };
      },
      addressAllowed: (address, url) => {
        // The same URL with the address in place of the name: allowed only if the address itself is listed.
        const literal = new URL(url);
        literal.hostname = address.includes(':') ? `[${address}]` : address;
        return ctx.guard.decide({ tool: 'fetch_url', input: { url: literal.href } }).decision === 'allow';
      },
    });
    if (res.contentType && !TEXTUAL.test(res.contentType)) {
      return fail(`${res.url} returned ${res.contentType} (${res.bytes} bytes); fetch_url only returns text.`);
    }
    const note = res.truncated ? `\n[body cut at ${ctx.limits.maxFetchBytes} bytes]` : '';
    const text = `HTTP ${res.status} ${res.url}\ncontent-type: ${res.contentType || 'unknown'}\n\n${res.body}${note}`;
    return res.status >= 400 ? fail(text, { bytes: res.bytes }) : ok(text, { bytes: res.bytes });
  },
  request: (input) => ({ kind: 'url', url: input.url }),
  grant: (_input, decided) =>
    decided.details.kind === 'url'
      ? exactGrant(`fetch_url\u0000${decided.details.url}`, `fetches exactly ${decided.details.url}`)
      : { refused: 'No checked URL.' },
  summary: (i) => `fetch ${str(i, 'url')}`,
  editing: null,
});
