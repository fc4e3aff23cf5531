import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeAnthropic, type FakeAnthropic } from '../../fixtures/fake-anthropic/server';
import type { FakeScript } from '../../fixtures/fake-anthropic/script';
import { runWarden, type WardenResult } from '../cli-run/helpers';

/**
 * `warden run` with the real MCP servers from npm, started with node from
 * node_modules (no network), against the strict fake Messages API server.
 */
const repo = join(__dirname, '..', '..', '..');
const everything = join(repo, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const filesystem = join(repo, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const SECRET = 'mcp-token-5e1f0a77c3';
const hasBwrap = existsSync('/usr/bin/bwrap');

const tool = (name: string, input: unknown) => ({ type: 'tool_use', name, input });

describe('warden run with MCP servers (server-everything, server-filesystem)', { skip: !hasBwrap && 'bubblewrap is not installed' }, () => {
  let base: string;
  let ws: string;
  let outside: string;
  let audit: string;
  let fake: FakeAnthropic;
  let r: WardenResult;

  before(async () => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'warden-mcp-run-')));
    ws = join(base, 'ws');
    outside = join(base, 'outside');
    mkdirSync(ws);
    mkdirSync(outside);
    writeFileSync(join(ws, 'notes.txt'), 'inside notes\n');
    writeFileSync(join(ws, '.env'), 'API_PASSWORD=envsecret-0a1b2c\n');
    // A proposal that would leave a mark if it ever started.
    writeFileSync(
      join(ws, '.mcp.json'),
      JSON.stringify({ mcpServers: { proposed: { command: 'sh', args: ['-c', `touch ${join(outside, 'proposed-ran')}`] } } }),
    );
    const settings = join(base, 'user.json');
    writeFileSync(
      settings,
      JSON.stringify({
        'warden.mcp.servers': {
          everything: { command: process.execPath, args: [everything, 'stdio'], secrets: ['EVERYTHING_TOKEN'] },
          // Its own arguments say it may write outside the workspace: the sandbox says otherwise.
          fs: { command: process.execPath, args: [filesystem, ws, outside] },
        },
        'warden.mcp.tools.allow': ['mcp__everything__echo', 'mcp__everything__get-env', 'mcp__fs__*'],
        'warden.mcp.tools.deny': ['mcp__everything__trigger-*'],
      }),
    );
    const script: FakeScript = {
      turns: [
        {
          content: [
            { type: 'text', text: 'Using the MCP tools.' },
            tool('mcp__everything__echo', { message: 'hello over mcp' }),
            tool('mcp__everything__get-env', {}),
          ],
        },
        {
          content: [
            tool('mcp__fs__create_directory', { path: join(outside, 'made-outside') }),
            tool('mcp__fs__create_directory', { path: join(ws, 'made-inside') }),
            tool('mcp__fs__write_file', { path: join(outside, 'pwned.txt'), content: 'pwned' }),
            tool('mcp__fs__read_text_file', { path: join(ws, '.env') }),
            tool('mcp__fs__read_text_file', { path: join(ws, 'notes.txt') }),
          ],
        },
        {
          content: [
            tool('mcp__everything__echo', { msg: 42 }),
            tool('mcp__everything__trigger-long-running-operation', { duration: 1, steps: 1 }),
            tool('mcp__proposed__anything', {}),
          ],
        },
        { content: [{ type: 'text', text: 'Done.' }] },
      ],
    } as FakeScript;
    fake = await startFakeAnthropic(script);
    r = await runWarden(
      [
        'run',
        '--workspace',
        ws,
        '--settings',
        settings,
        '--audit',
        (audit = join(base, 'audit.jsonl')),
        '--mcp-pins',
        join(base, 'pins.json'),
        '--approve',
        'ask',
        'Use MCP.',
      ],
      {
        env: {
          ANTHROPIC_BASE_URL: fake.url,
          ANTHROPIC_API_KEY: 'sk-ant-mcp-test-0001',
          EVERYTHING_TOKEN: SECRET,
          HOME: join(base, 'home'),
        },
        // The write_file call asks (its server declares it destructive): approve it, so only the sandbox stands in the way.
        stdin: 'a\n',
      },
    );
  });
  after(async () => {
    await fake.close();
    rmSync(base, { recursive: true, force: true });
  });

  const events = (): Record<string, unknown>[] =>
    readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const results = (): Map<string, string> => {
    const out = new Map<string, string>();
    for (const req of fake.requests) {
      for (const m of (req.body as { messages?: { content?: unknown }[] }).messages ?? []) {
        if (!Array.isArray(m.content)) continue;
        for (const b of m.content as { type?: string; tool_use_id?: string; content?: unknown }[])
          if (b.type === 'tool_result' && b.tool_use_id) out.set(b.tool_use_id, JSON.stringify(b.content));
      }
    }
    return out;
  };

  it('finishes, offering the servers tools to the model as mcp__<server>__<tool>', () => {
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(fake.invalid(), []);
    const names = ((fake.requests[0]?.body as { tools?: { name: string }[] }).tools ?? []).map((t) => t.name);
    for (const n of ['read_file', 'mcp__everything__echo', 'mcp__everything__get-env', 'mcp__fs__write_file', 'mcp__fs__read_text_file'])
      assert.ok(names.includes(n), `${n} offered (${names.join(', ')})`);
  });

  it('calls an allowed tool and returns its result as untrusted data', () => {
    const all = [...results().values()].join('\n');
    assert.match(all, /Echo: hello over mcp/);
    assert.match(all, /untrusted-data tool=\\"mcp__everything__echo\\"/);
  });

  it('injects the secret into the server only: it is absent from every request to the model', () => {
    const sent = JSON.stringify(fake.requests.map((q) => q.body));
    assert.ok(!sent.includes(SECRET), 'the secret value reached the model');
    assert.match(sent, /EVERYTHING_TOKEN/, 'get-env ran and its output (redacted) came back');
    assert.ok(!readFileSync(audit, 'utf8').includes(SECRET), 'the secret value is in the audit log');
  });

  it('the filesystem server cannot write outside the sandbox, even approved and told so by its own arguments', () => {
    assert.equal(existsSync(join(outside, 'made-outside')), false);
    assert.equal(existsSync(join(outside, 'pwned.txt')), false);
    assert.equal(existsSync(join(ws, 'made-inside')), false, 'the workspace is read-only for a server');
    const all = [...results().values()].join('\n');
    assert.doesNotMatch(all, /envsecret-0a1b2c/, 'a denyRead file is hidden from the server');
    assert.match(all, /inside notes/);
  });

  it('validates input against the server schema, applies deny rules, and never starts a proposed server', () => {
    const all = [...results().values()].join('\n');
    assert.match(all, /invalid-input/);
    assert.match(all, /mcp-tool-denied/);
    assert.match(all, /unknown-tool/, 'the proposed server has no tools');
    assert.equal(existsSync(join(outside, 'proposed-ran')), false);
    assert.match(r.stderr, /mcp server proposed \(\.mcp\.json\): awaiting-approval/);
  });

  it('audits every MCP call with its decision and rule, and the servers lifecycle', () => {
    const ev = events();
    const calls = ev.filter((e) => typeof e.tool === 'string' && e.tool.startsWith('mcp__'));
    assert.equal(calls.length, 10, JSON.stringify(calls.map((c) => c.tool)));
    const echo = calls.find((c) => c.tool === 'mcp__everything__echo' && c.decision === 'allow');
    assert.equal(echo?.rule, 'warden.mcp.tools.allow: mcp__everything__echo');
    const write = calls.find((c) => c.tool === 'mcp__fs__write_file');
    assert.equal(`${write?.decision as string} ${write?.reason as string}`, 'ask mcp-destructive-hint');
    const notes = JSON.stringify(ev.filter((e) => e.kind === 'session'));
    assert.match(notes, /mcp server everything .*started in sandbox/);
    assert.match(notes, /mcp server fs .*started in sandbox/);
    assert.match(notes, /mcp server proposed .*proposed, not started/);
    assert.match(notes, /mcp server everything: stopped/);
  });
});
