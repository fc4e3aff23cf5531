import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { CommandRunner, SandboxConfig } from '../../../src/core/exec/runner';
import { toolModule } from '../../../src/core/tools/registry';
import { createHttpFetcher } from '../../../src/node/fs/httpFetcher';
import { BubblewrapRunner } from '../../../src/node/sandbox/bubblewrapRunner';
import { UnsandboxedRunner } from '../../../src/node/sandbox/unsandboxedRunner';
import { harness, makeWorkspace } from '../agent/harness';

const config = (root: string): SandboxConfig => ({ writableRoots: [root], hiddenPaths: [], readOnlyPaths: [], allowedHosts: [] });

async function runCmd(
  root: string,
  runner: CommandRunner | null,
  input: Record<string, unknown>,
  approved: boolean,
  secrets: Record<string, string> = {},
  settings: Record<string, unknown> = {},
) {
  const h = await harness({ root, runner, secrets, settings });
  const decided = h.guard.decide({ tool: 'run_command', input });
  const plan = await toolModule('run_command').plan(input, decided, h.tools);
  const outcome = await toolModule('run_command').run(
    input,
    decided,
    h.tools,
    { signal: new AbortController().signal, approvedByPerson: approved },
    plan,
  );
  return { decided, plan, outcome };
}

describe('run_command', () => {
  it('plans the parsed simple commands with the rule each matched, cwd, sandbox and hosts', async () => {
    const root = makeWorkspace({ 'a.txt': 'a' });
    const runner = new UnsandboxedRunner({ config: config(root) });
    const { plan } = await runCmd(root, runner, { command: 'ls -la && git status' }, false);
    assert.ok(plan.kind === 'command');
    assert.deepEqual(
      plan.commands.map((c) => [c.argv, c.decision.rule]),
      [
        [['ls', '-la'], 'warden.commands.allow: ls *'],
        [['git', 'status'], 'warden.commands.allow: git status'],
      ],
    );
    assert.equal(plan.cwd, root);
    assert.equal(plan.sandbox, 'none');
    await runner.dispose();
  });

  it('runs an allowed command inside bubblewrap and returns its output', async (t) => {
    const root = makeWorkspace({ 'hello.txt': 'hi' });
    const runner = BubblewrapRunner.create({ config: config(root) });
    if ('unavailable' in runner) return t.skip(runner.unavailable);
    const { decided, outcome } = await runCmd(root, runner, { command: 'ls' }, false);
    assert.equal(decided.decision, 'allow');
    assert.equal(outcome.isError, false, outcome.text);
    assert.match(outcome.text, /^Exit code 0\.\nstdout:\nhello\.txt/);
    await runner.dispose();
  });

  it('refuses to run a not-approved command without a sandbox', async () => {
    const root = makeWorkspace();
    const runner = new UnsandboxedRunner({ config: config(root) });
    const { outcome } = await runCmd(root, runner, { command: 'ls' }, false);
    assert.equal(outcome.isError, true);
    assert.match(outcome.text, /no sandbox/);
    await runner.dispose();
  });

  it('runs a person-approved command unsandboxed and reports a failing exit code as an error', async () => {
    const root = makeWorkspace();
    const runner = new UnsandboxedRunner({ config: config(root) });
    const { outcome } = await runCmd(root, runner, { command: 'echo out; echo err >&2; exit 3' }, true);
    assert.equal(outcome.isError, true);
    assert.equal(outcome.exitCode, 3);
    assert.match(outcome.text, /Exit code 3\.\nstdout:\nout\n\nstderr:\nerr/);
    await runner.dispose();
  });

  it('injects a granted secret only into an approved command', async () => {
    const root = makeWorkspace();
    const runner = new UnsandboxedRunner({ config: config(root) });
    const settings = { 'warden.secrets': { DEPLOY_TOKEN: { commands: ['printenv DEPLOY_TOKEN'] } } };
    const approved = await runCmd(
      root,
      runner,
      { command: 'printenv DEPLOY_TOKEN', secrets: ['DEPLOY_TOKEN'] },
      true,
      { DEPLOY_TOKEN: 'tok-123456' },
      settings,
    );
    assert.equal(approved.decided.decision, 'ask');
    assert.match(approved.outcome.text, /tok-123456/, 'the raw tool output holds it; the pipeline redacts it');
    const notApproved = await runCmd(
      root,
      runner,
      { command: 'printenv DEPLOY_TOKEN', secrets: ['DEPLOY_TOKEN'] },
      false,
      { DEPLOY_TOKEN: 'tok-123456' },
      settings,
    );
    assert.equal(notApproved.outcome.isError, true);
    assert.doesNotMatch(notApproved.outcome.text, /tok-123456/);
    await runner.dispose();
  });

  it('says so when no runner exists', async () => {
    const root = makeWorkspace();
    const { outcome } = await runCmd(root, null, { command: 'ls' }, true);
    assert.match(outcome.text, /No command runner/);
  });
});

describe('fetch_url', () => {
  let server: Server;
  let other: Server;
  let port = 0;
  let otherPort = 0;
  before(async () => {
    other = createServer((_q, r) => r.end('other host'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    otherPort = (other.address() as AddressInfo).port;
    server = createServer((req, res) => {
      if (req.url === '/text') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('plain body');
      } else if (req.url === '/hop') {
        res.writeHead(302, { location: '/text' });
        res.end();
      } else if (req.url === '/away') {
        res.writeHead(302, { location: `http://127.0.0.1:${otherPort}/` });
        res.end();
      } else if (req.url === '/bin') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.from([0, 1, 2]));
      } else if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('z'.repeat(5000));
      } else res.writeHead(404).end('nope');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.close();
    other.close();
  });

  async function fetchIt(path: string, maxFetchBytes = 1_000_000) {
    const root = makeWorkspace();
    const h0 = await harness({ root, settings: { 'warden.network.allowedHosts': [`127.0.0.1:${port}`] } });
    const h = { ...h0, tools: { ...h0.tools, fetcher: createHttpFetcher(), limits: { ...h0.tools.limits, maxFetchBytes } } };
    const input = { url: `http://127.0.0.1:${port}${path}` };
    const decided = h.guard.decide({ tool: 'fetch_url', input });
    assert.equal(decided.decision, 'allow', decided.message);
    return toolModule('fetch_url').run(input, decided, h.tools, { signal: new AbortController().signal, approvedByPerson: false }, null);
  }

  it('fetches text from an allowed host', async () => {
    const out = await fetchIt('/text');
    assert.equal(out.isError, false);
    assert.match(out.text, /^HTTP 200 http:\/\/127\.0\.0\.1:\d+\/text\ncontent-type: text\/plain\n\nplain body$/);
  });
  it('follows a redirect that stays on an allowed host', async () => {
    const out = await fetchIt('/hop');
    assert.match(out.text, /plain body/);
  });
  it('refuses a redirect to a host the guard does not allow', async () => {
    await assert.rejects(fetchIt('/away'), /redirect to http:\/\/127\.0\.0\.1:\d+\/ refused by the guard/);
  });
  it('refuses binary content', async () => {
    const out = await fetchIt('/bin');
    assert.equal(out.isError, true);
    assert.match(out.text, /only returns text/);
  });
  it('cuts the body at the size cap with a note', async () => {
    const out = await fetchIt('/big', 100);
    assert.match(out.text, /\n\[body cut at 100 bytes\]$/);
  });
});

describe('fetch_url and DNS: names that resolve to private addresses', () => {
  let server: Server;
  let port = 0;
  const seen: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.headers.host ?? ''} ${req.url ?? ''}`);
      if (req.url === '/to-meta') {
        res.writeHead(302, { location: 'http://meta.test/latest/meta-data/' });
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('local body');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  /** A resolver under test control: each answer list in turn (the last repeats); counts the questions. */
  function resolver(answers: Record<string, string[][]>) {
    const asked: string[] = [];
    const resolve = (name: string) => {
      asked.push(name);
      const list = answers[name] ?? [];
      const n = asked.filter((a) => a === name).length - 1;
      const pick = list[Math.min(n, list.length - 1)] ?? [];
      return Promise.resolve(pick.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
    };
    return { resolve, asked };
  }

  async function fetchWith(url: string, allowedHosts: string[], resolve: (name: string) => Promise<{ address: string; family: number }[]>) {
    const h0 = await harness({ root: makeWorkspace(), settings: { 'warden.network.allowedHosts': allowedHosts } });
    const h = { ...h0, tools: { ...h0.tools, fetcher: createHttpFetcher({ resolve }) } };
    const input = { url };
    const decided = h.guard.decide({ tool: 'fetch_url', input });
    assert.equal(decided.decision, 'allow', decided.message);
    return toolModule('fetch_url').run(input, decided, h.tools, { signal: new AbortController().signal, approvedByPerson: false }, null);
  }

  it('refuses a listed name that resolves to 127.0.0.1 when the address is not listed, before connecting', async () => {
    const r = resolver({ 'local.test': [['127.0.0.1']] });
    const before = seen.length;
    await assert.rejects(
      fetchWith(`http://local.test:${port}/`, [`local.test:${port}`], r.resolve),
      /local\.test resolves to 127\.0\.0\.1, a non-public address .* nothing was sent/,
    );
    assert.equal(seen.length, before, 'the server must not have been contacted');
  });

  it('refuses a name that resolves to the cloud metadata address 169.254.169.254', async () => {
    const r = resolver({ 'meta.test': [['169.254.169.254']] });
    await assert.rejects(
      fetchWith('http://meta.test/latest/meta-data/', ['meta.test'], r.resolve),
      /169\.254\.169\.254, a non-public address/,
    );
  });

  it('refuses when any of several addresses is private', async () => {
    const r = resolver({ 'mixed.test': [['93.184.216.34', '10.0.0.7']] });
    await assert.rejects(fetchWith('http://mixed.test/', ['mixed.test'], r.resolve), /10\.0\.0\.7/);
  });

  it('fetches when the private address itself is listed, connecting to the address that was checked, asking DNS once', async () => {
    // A second answer would point elsewhere on loopback, where nothing listens: the fetch works only without a second lookup.
    const r = resolver({ 'local.test': [['127.0.0.1'], ['127.0.0.2']] });
    const out = await fetchWith(`http://local.test:${port}/page`, [`local.test:${port}`, `127.0.0.1:${port}`], r.resolve);
    assert.match(out.text, /local body/);
    assert.deepEqual(r.asked, ['local.test']);
    assert.equal(seen.at(-1), `local.test:${port} /page`);
  });

  it('checks every redirect hop: an allowed host that redirects to a name resolving to link-local is refused', async () => {
    const r = resolver({ 'local.test': [['127.0.0.1']], 'meta.test': [['169.254.169.254']] });
    await assert.rejects(
      fetchWith(`http://local.test:${port}/to-meta`, [`local.test:${port}`, `127.0.0.1:${port}`, 'meta.test'], r.resolve),
      /meta\.test resolves to 169\.254\.169\.254/,
    );
    assert.deepEqual(r.asked, ['local.test', 'meta.test']);
  });
});
