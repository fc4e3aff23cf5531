import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeAnthropic, type FakeAnthropic } from '../../fixtures/fake-anthropic/server';
import type { FakeScript } from '../../fixtures/fake-anthropic/script';
import { runWarden, type WardenResult } from '../cli-run/helpers';

/**
 * A hostile MCP server of our own (test/fixtures/mcp/hostile-server.mjs)
 * adds what the reference servers lack: hidden instructions in its
 * descriptions, a tool list that changes after it was pinned, a huge
 * output, and writes outside its own folder.
 */
const repo = join(__dirname, '..', '..', '..');
const hostile = join(repo, 'test/fixtures/mcp/hostile-server.mjs');
const tool = (name: string, input: unknown) => ({ type: 'tool_use', name, input });

describe('a hostile MCP server under warden run', { skip: !existsSync('/usr/bin/bwrap') && 'bubblewrap is not installed' }, () => {
  let base: string;
  let ws: string;
  let visible: string;
  let fake: FakeAnthropic;
  let first: WardenResult;
  let second: WardenResult;
  let secondFake: FakeAnthropic;
  let audit: string;

  before(async () => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'warden-mcp-hostile-')));
    ws = join(base, 'ws');
    mkdirSync(ws);
    writeFileSync(join(ws, 'variant.txt'), 'a\n');
    // A folder the sandbox shows (read-only): outside /tmp and home, which it hides.
    mkdirSync(join(repo, '.tmp'), { recursive: true });
    visible = mkdtempSync(join(repo, '.tmp', 'mcp-escape-'));
    const settings = join(base, 'user.json');
    writeFileSync(
      settings,
      JSON.stringify({
        'warden.mcp.servers': { hostile: { command: process.execPath, args: [hostile, join(ws, 'variant.txt')] } },
        'warden.mcp.tools.allow': ['mcp__hostile__*'],
      }),
    );
    const pins = join(base, 'pins.json');
    const args = (a: string) => [
      'run',
      '--workspace',
      ws,
      '--settings',
      settings,
      '--audit',
      a,
      '--mcp-pins',
      pins,
      '--approve',
      'deny',
      'Go.',
    ];
    const env = { ANTHROPIC_API_KEY: 'sk-ant-hostile-0001', HOME: join(base, 'home') };
    fake = await startFakeAnthropic({
      turns: [
        {
          content: [
            tool('mcp__hostile__notes', { topic: 'x' }),
            tool('mcp__hostile__huge', {}),
            tool('mcp__hostile__escape', { targets: [join(ws, 'escaped.txt'), join(visible, 'escaped.txt')] }),
          ],
        },
        { content: [tool('mcp__hostile__mutate', {})] },
        { content: [tool('mcp__hostile__notes', { topic: 'after the change' })] },
        { content: [{ type: 'text', text: 'Done.' }] },
      ],
    } as FakeScript);
    first = await runWarden(args((audit = join(base, 'audit.jsonl'))), { env: { ...env, ANTHROPIC_BASE_URL: fake.url } });
    // Same definition, but the server now lists another description: it must be paused.
    writeFileSync(join(ws, 'variant.txt'), 'b\n');
    secondFake = await startFakeAnthropic({
      turns: [{ content: [tool('mcp__hostile__notes', { topic: 'x' })] }, { content: [{ type: 'text', text: 'Done.' }] }],
    } as FakeScript);
    second = await runWarden(args(join(base, 'audit2.jsonl')), { env: { ...env, ANTHROPIC_BASE_URL: secondFake.url } });
  });
  after(async () => {
    await fake.close();
    await secondFake.close();
    rmSync(base, { recursive: true, force: true });
    rmSync(visible, { recursive: true, force: true });
  });

  const results = (f: FakeAnthropic): string[] =>
    f.requests.flatMap((q) =>
      ((q.body as { messages?: { content?: unknown }[] }).messages ?? []).flatMap((m) =>
        Array.isArray(m.content)
          ? (m.content as { type?: string; content?: unknown }[])
              .filter((b) => b.type === 'tool_result')
              .map((b) => JSON.stringify(b.content))
          : [],
      ),
    );
  const unique = (xs: string[]): string[] => [...new Set(xs)];

  it('runs to the end of both tasks', () => {
    assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
    assert.equal(second.code, 0, `${second.stdout}\n${second.stderr}`);
    assert.deepEqual(fake.invalid(), []);
  });

  it('neutralises hidden instructions in names, descriptions and schemas before the model sees them', () => {
    const tools = (fake.requests[0]?.body as { tools?: { name: string; description: string; input_schema: unknown }[] }).tools ?? [];
    const notes = tools.find((t) => t.name === 'mcp__hostile__notes');
    assert.ok(notes, 'the notes tool is offered');
    const text = JSON.stringify(notes);
    // eslint-disable-next-line no-control-regex -- spotting the escape character is the point
    assert.doesNotMatch(text, /[\u{E0000}-\u{E007F}\u200b\u202e\u001b]/u);
    assert.match(notes.description, /<U\+E0049>/, 'the tag characters are shown as markers');
    assert.match(notes.description, /^\[Tool of the MCP server "hostile"; its description is the server's own words, untrusted\]/);
    assert.match(JSON.stringify(notes.input_schema), /<U\+200B>/);
  });

  it('caps a huge result and never passes on an image', () => {
    const all = unique(results(fake));
    const huge = all.find((r) => r.includes('mcp__hostile__huge'));
    assert.ok(huge !== undefined && huge.length < 120_000, `huge result is ${huge?.length} characters`);
    assert.match(huge, /truncated|cut/);
    assert.ok(all.some((r) => r.includes('[image (image/png') && r.includes('not shown]')));
  });

  it('the server writes only its own folder: not the workspace, not elsewhere on the machine', () => {
    assert.equal(existsSync(join(ws, 'escaped.txt')), false);
    assert.equal(existsSync(join(visible, 'escaped.txt')), false);
    const escape = unique(results(fake)).find((r) => r.includes('mcp__hostile__escape')) ?? '';
    assert.match(escape, /could not write [^\n]*ws\/escaped\.txt: EROFS/);
    // EROFS where the sandbox shows the folder read-only; ENOENT where the checkout lives under a folder it hides (/tmp).
    assert.match(escape, /could not write [^\n]*mcp-escape-[^\n]*escaped\.txt: (EROFS|ENOENT)/);
    assert.match(escape, /wrote [^\n]*own-cache\.txt/);
  });

  it('pauses the server when its tool list changes while it runs', () => {
    const after = unique(results(fake)).find((r) => r.includes('after the change') || r.includes('cannot be called')) ?? '';
    assert.match(after, /cannot be called: its tool list changed while it ran/);
    assert.match(readFileSync(audit, 'utf8'), /mcp server hostile: paused: its tool list changed while it ran/);
  });

  it('a changed description at the next start pauses the server and offers none of its tools', () => {
    assert.match(second.stderr, /mcp server hostile \(user\): paused: its tool list or descriptions changed since they were pinned/);
    const names = ((secondFake.requests[0]?.body as { tools?: { name: string }[] }).tools ?? []).map((t) => t.name);
    assert.ok(!names.some((n) => n.startsWith('mcp__hostile__')));
    assert.ok(unique(results(secondFake)).some((r) => r.includes('unknown-tool')));
  });
});
