import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Guard } from '../../../src/core/policy/guard';
import { classifyAddress, isNonPublicAddress } from '../../../src/core/policy/ipAddress';
import { guardFor, makeWorkspace, shellParser, type Workspace } from './harness';

/** fetch_url decisions. Rows: [behaviour, url, decision]. */
type Row = readonly [string, string, 'allow' | 'deny'];

const ALLOWED_HOSTS = [
  'example.com',
  '*.github.com',
  'api.internal.example:8443',
  '10.0.0.5',
  '[::1]:3000',
  'xn--bcher-kva.de',
  'localhost:11434',
];

const rows: Row[] = [
  ['allows https to a listed host', 'https://example.com/page', 'allow'],
  ['allows http to a listed host', 'http://example.com/page', 'allow'],
  ['allows a subdomain of *.domain', 'https://api.github.com/repos', 'allow'],
  ['allows a deep subdomain of *.domain', 'https://a.b.github.com/', 'allow'],
  ['does not let *.domain match the bare domain', 'https://github.com/', 'deny'],
  ['does not let *.domain match a suffix look-alike', 'https://evilgithub.com/', 'deny'],
  ['denies a host not listed', 'https://evil.example/', 'deny'],
  ['denies a listed name as a subdomain of another', 'https://example.com.evil.example/', 'deny'],
  ['allows the listed port', 'https://api.internal.example:8443/x', 'allow'],
  ['denies another port on a port-listed host', 'https://api.internal.example/x', 'deny'],
  ['denies a non-default port on a host listed without one', 'https://example.com:8443/', 'deny'],
  ['allows the default port written out', 'https://example.com:443/', 'allow'],
  ['compares host case-insensitively', 'https://EXAMPLE.com/', 'allow'],
  ['accepts a trailing dot', 'https://example.com./', 'allow'],
  ['denies userinfo', 'https://user:pass@example.com/', 'deny'],
  ['denies a user name alone', 'https://user@example.com/', 'deny'],
  ['denies an @ confusion towards another host', 'https://example.com@evil.example/', 'deny'],
  ['denies ftp', 'ftp://example.com/', 'deny'],
  ['denies file:', 'file:///etc/passwd', 'deny'],
  ['denies javascript:', 'javascript:alert(1)', 'deny'],
  ['denies data:', 'data:text/plain,hi', 'deny'],
  ['denies a relative URL', '/etc/passwd', 'deny'],
  ['denies whitespace tricks', 'https://example.com /x', 'deny'],
  ['denies a tab inside the host', 'https://exam\tple.com/', 'deny'],
  ['denies loopback IPv4', 'http://127.0.0.1/', 'deny'],
  ['denies decimal IPv4 loopback', 'http://2130706433/', 'deny'],
  ['denies octal IPv4 loopback', 'http://0177.0.0.1/', 'deny'],
  ['denies hex IPv4 loopback', 'http://0x7f.0.0.1/', 'deny'],
  ['denies short IPv4 loopback', 'http://127.1/', 'deny'],
  ['denies 0.0.0.0', 'http://0.0.0.0/', 'deny'],
  ['denies cloud metadata', 'http://169.254.169.254/latest/meta-data/', 'deny'],
  ['denies an RFC 1918 address not listed', 'http://192.168.1.1/', 'deny'],
  ['allows a listed private address', 'http://10.0.0.5/', 'allow'],
  ['allows a listed private address in hex form', 'http://0x0a.0.0.5/', 'allow'],
  ['denies IPv6 loopback on another port', 'http://[::1]/', 'deny'],
  ['allows listed IPv6 loopback with its port', 'http://[::1]:3000/', 'allow'],
  ['denies IPv6-mapped IPv4 loopback', 'http://[::ffff:127.0.0.1]/', 'deny'],
  ['denies IPv6 link-local', 'http://[fe80::1]/', 'deny'],
  ['denies IPv6 unique-local', 'http://[fd00::1]/', 'deny'],
  ['denies localhost without its port', 'http://localhost/', 'deny'],
  ['allows localhost with its listed port', 'http://localhost:11434/api', 'allow'],
  ['denies *.localhost', 'http://x.localhost/', 'deny'],
  ['allows an IDN host listed in punycode', 'https://bücher.de/', 'allow'],
  ['denies a homoglyph of a listed host', 'https://exаmple.com/', 'deny'],
  ['maps a fullwidth spelling to the listed host it normalises to', 'https://ｅｘａｍｐｌｅ.com/', 'allow'],
];

describe('fetch_url decisions', () => {
  let ws: Workspace;
  let guard: Guard;
  before(async () => {
    ws = makeWorkspace();
    guard = guardFor(ws, await shellParser(), { user: { 'warden.network.allowedHosts': ALLOWED_HOSTS } });
  });
  after(() => ws.dispose());

  for (const [name, url, verdict] of rows) {
    it(name, () => {
      const r = guard.decide({ tool: 'fetch_url', input: { url } });
      assert.equal(r.decision, verdict, r.message);
      assert.equal(r.reason, verdict === 'allow' ? 'host-allowed' : 'host-not-allowed');
      if (verdict === 'allow') assert.match(r.rule ?? '', /^warden\.network\.allowedHosts: /);
    });
  }

  it('denies every URL with the default empty list', async () => {
    const g = guardFor(ws, await shellParser());
    assert.equal(g.decide({ tool: 'fetch_url', input: { url: 'https://example.com/' } }).decision, 'deny');
  });
});

describe('IP address classes', () => {
  const cases: [string, string | null][] = [
    ['8.8.8.8', 'public'],
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'private'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['[::1]', 'loopback'],
    ['[::]', 'unspecified'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['[64:ff9b::a00:1]', 'private'],
    ['[2002:7f00:1::]', 'loopback'],
    ['[fe80::1]', 'link-local'],
    ['[fc00::1]', 'private'],
    ['[2606:4700::1111]', 'public'],
    ['example.com', null],
  ];
  for (const [ip, cls] of cases) it(`classifies ${ip} as ${cls}`, () => assert.equal(classifyAddress(ip), cls));
  it('tells adapters which resolved addresses are not public', () => {
    assert.equal(isNonPublicAddress('10.0.0.1'), true);
    assert.equal(isNonPublicAddress('1.1.1.1'), false);
  });
});
