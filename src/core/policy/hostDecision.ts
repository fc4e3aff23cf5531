import type { CompiledPolicy } from './compile';
import { decision, type Decision } from './decision';
import type { GuardResult } from './guard';
import { hostEntryAdmits } from './hostEntry';
import { classifyAddress } from './ipAddress';

/**
 * `fetch_url`: https or http only, no credentials, a host admitted by
 * `warden.network.allowedHosts` (IDN compared in punycode; IP literals in
 * any notation compared after the URL parser's normalisation, and a
 * private, loopback or link-local address only when listed exactly).
 */
const LOCAL_NAMES = /(^|\.)(localhost|local|internal|home\.arpa|localdomain)$/;

export function decideUrl(policy: CompiledPolicy, raw: string): GuardResult {
  const deny = (message: string, host = ''): GuardResult => ({
    ...decision('deny', 'host-not-allowed', null, message),
    details: { kind: 'url', url: raw, host },
  });
  // eslint-disable-next-line no-control-regex -- spotting control characters is the point
  if (/[\x00-\x20\x7f-\x9f\u00a0\u2000-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/.test(raw)) {
    return deny('The URL holds whitespace, control or invisible characters.');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return deny('Not a valid absolute URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return deny(`Only https and http URLs may be fetched, not ${url.protocol}.`);
  if (url.username !== '' || url.password !== '' || /^[a-z]+:\/\/[^/?#]*@/i.test(raw))
    return deny('URLs with credentials (user:password@) are refused.');
  const host = url.hostname.replace(/\.$/, '');
  const port = url.port === '' ? null : url.port;
  const entry = policy.hosts.find((e) => hostEntryAdmits(e, host, port));
  const cls = classifyAddress(host);
  const where = port ? `${host}:${port}` : host;
  if (!entry) {
    const why = cls && cls !== 'public' ? ` (a ${cls} address)` : LOCAL_NAMES.test(host) ? ' (a local name)' : '';
    return deny(`${where}${why} is not in warden.network.allowedHosts.`, host);
  }
  const d: Decision = decision('allow', 'host-allowed', `warden.network.allowedHosts: ${entry.source}`, `${where} is allowed.`);
  return { ...d, details: { kind: 'url', url: url.href, host } };
}
