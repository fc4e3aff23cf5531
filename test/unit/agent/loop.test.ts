import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeWorkspace } from './harness';
import { bodies, runScripted } from './loopHelpers';
import { DEFAULT_MODEL } from '../../../src/core/agent/catalog';

const text = (t: string) => ({ type: 'text' as const, text: t });
const use = (name: string, input: unknown, id?: string) => ({ type: 'tool_use' as const, name, input, ...(id ? { id } : {}) });

describe('agent loop with the real SDK against the fake server', () => {
  it('runs a multi-turn task: read, edit with approval, finish', async () => {
    const root = makeWorkspace({ 'greet.txt': 'hello world\n' });
    const { run, h, fake } = await runScripted(
      root,
      {
        turns: [
          { content: [text('Reading.'), use('read_file', { path: 'greet.txt' }, 'toolu_a')] },
          { content: [use('edit_file', { path: 'greet.txt', old_text: 'world', new_text: 'warden' }, 'toolu_b')] },
          { content: [text('Done: greeted warden.')] },
        ],
      },
      { answers: [{ kind: 'approve' }] },
    );
    assert.equal(run.status, 'done', run.message);
    assert.equal(run.turns, 3);
    assert.equal(readFileSync(join(root, 'greet.txt'), 'utf8'), 'hello warden\n');
    const reqs = bodies(fake);
    assert.equal(reqs.length, 3);
    const second = reqs[1]?.messages.at(-1)?.content as Array<{ type: string; content: string; tool_use_id: string }>;
    assert.equal(second[0]?.tool_use_id, 'toolu_a');
    assert.match(
      second[0]?.content ?? '',
      /^<untrusted-data tool="read_file" id="nonce\d+">\nhello world\n\n<\/untrusted-data id="nonce\d+">$/,
    );
    assert.equal(h.approverLog.length, 1);
    assert.equal(h.approverLog[0]?.plan.kind, 'write');
    assert.deepEqual(
      h.auditLog.map((e) => [e.tool, e.decision, e.approver, e.answer, e.outcome?.status]),
      [
        ['read_file', 'allow', 'rule', null, 'ok'],
        ['edit_file', 'ask', 'person', 'approved', 'ok'],
      ],
    );
  });

  it('places cache breakpoints on the system prompt and the last two user turns, and sends the key as x-api-key too', async () => {
    const root = makeWorkspace({ 'a.txt': 'x' });
    const { fake } = await runScripted(root, {
      turns: [
        { content: [use('read_file', { path: 'a.txt' })] },
        { content: [use('read_file', { path: 'a.txt' })] },
        { content: [text('ok')] },
      ],
    });
    assert.deepEqual(fake.invalid(), []);
    const [first, , third] = bodies(fake);
    assert.deepEqual((first?.system as Array<{ cache_control: unknown }>)[0]?.cache_control, { type: 'ephemeral' });
    const tools = first?.tools as Array<{ name: string; cache_control?: unknown; input_schema: { type: string } }>;
    assert.equal(tools.filter((t) => t.cache_control).length, 0, 'the system breakpoint already caches the tools before it');
    assert.equal(tools.find((t) => t.name === 'edit_file')?.input_schema.type, 'object');
    const marked = (third?.messages ?? []).map((m) =>
      Array.isArray(m.content) ? (m.content as Array<{ cache_control?: unknown }>).some((b) => b.cache_control) : false,
    );
    assert.deepEqual(marked, [false, false, true, false, true]);
    const h = fake.requests[0]?.headers ?? {};
    assert.equal(h['x-api-key'], 'sk-test-key');
    assert.equal(h.authorization, 'Bearer sk-test-key');
    assert.equal(first?.model, DEFAULT_MODEL);
  });

  it('explains how to set the key on 401', async () => {
    const root = makeWorkspace();
    const { run } = await runScripted(root, {
      turns: [{ httpError: { status: 401, type: 'authentication_error', message: 'invalid x-api-key' } }],
    });
    assert.equal(run.status, 'error');
    assert.equal(run.errorKind, 'auth');
    assert.match(run.message, /ANTHROPIC_API_KEY/);
  });

  it('retries 429 and 529 with backoff, then succeeds', async () => {
    const root = makeWorkspace();
    const { run, fake } = await runScripted(root, {
      turns: [
        { httpError: { status: 429, type: 'rate_limit_error', message: 'slow down' }, retryAfterMs: 1 },
        { httpError: { status: 529, type: 'overloaded_error', message: 'Overloaded' }, retryAfterMs: 1 },
        { content: [text('finally')] },
      ],
    });
    assert.equal(run.status, 'done', run.message);
    assert.equal(fake.served(), 3);
  });

  it('gives up after bounded retries and says the API is overloaded', async () => {
    const root = makeWorkspace();
    const over = { httpError: { status: 529, type: 'overloaded_error', message: 'Overloaded' }, retryAfterMs: 1 };
    const { run, fake, h } = await runScripted(root, { turns: Array.from({ length: 12 }, () => over) });
    assert.equal(run.status, 'error');
    assert.equal(run.errorKind, 'overloaded');
    assert.match(run.message, /overloaded.*request id req_fake_4.*Gave up after 5 attempts/is);
    // One retry layer: the SDK's own retries are off.
    assert.equal(fake.served(), 5);
    assert.deepEqual(
      h.seen.flatMap((e) => (e.type === 'model_retry' ? [`${e.attempt}/${e.maxAttempts}`] : [])),
      ['2/5', '3/5', '4/5', '5/5'],
    );
  });

  it('retries a stream that fails mid-way with an overloaded error event, and tells the listeners to discard the partial text', async () => {
    const root = makeWorkspace();
    const { run, h } = await runScripted(root, {
      turns: [
        { content: [text('partial ')], streamError: { type: 'overloaded_error', message: 'Overloaded' } },
        { content: [text('whole answer')] },
      ],
    });
    assert.equal(run.status, 'done', run.message);
    assert.ok(h.seen.some((e) => e.type === 'model_retry'));
    const last = run.messages.at(-1);
    assert.deepEqual(last, { role: 'assistant', content: [{ type: 'text', text: 'whole answer' }] });
  });

  it('says the network is down when the endpoint cannot be reached', async () => {
    const root = makeWorkspace();
    const { runAgent } = await import('../../../src/core/agent/agentLoop');
    const { createAnthropicClient } = await import('../../../src/node/anthropic/anthropicClient');
    const { harness } = await import('./harness');
    const h = await harness({ root });
    const model = createAnthropicClient({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9', keyHint: 'cli', retries: 0 });
    const run = await runAgent(
      { task: 't', maxTurns: 3, maxCostUsd: 1, maxTokens: 100, signal: new AbortController().signal },
      { ...h, model, system: 's', toolDefinitions: [] },
    );
    assert.equal(run.status, 'error');
    assert.equal(run.errorKind, 'network');
    assert.match(run.message, /network/);
  });

  it('answers malformed tool input and unknown tools with is_error results, and carries on', async () => {
    const root = makeWorkspace();
    const { run, fake, h } = await runScripted(root, {
      turns: [
        {
          content: [
            { type: 'tool_use', name: 'read_file', id: 'toolu_bad', rawInput: '{"path": "a.txt"' },
            use('format_disk', { all: true }, 'toolu_unknown'),
            use('read_file', { path: 'a.txt', extra: 1 }, 'toolu_schema'),
          ],
        },
        { content: [text('ok')] },
      ],
    });
    assert.equal(run.status, 'done');
    const results = bodies(fake)[1]?.messages.at(-1)?.content as Array<{ tool_use_id: string; is_error?: boolean; content: string }>;
    assert.deepEqual(
      results.map((r) => [r.tool_use_id, r.is_error]),
      [
        ['toolu_bad', true],
        ['toolu_unknown', true],
        ['toolu_schema', true],
      ],
    );
    assert.match(results[0]?.content ?? '', /invalid-input.*not valid JSON/);
    assert.match(results[1]?.content ?? '', /unknown-tool/);
    assert.match(results[2]?.content ?? '', /invalid-input.*schema/s);
    assert.deepEqual(
      h.auditLog.map((e) => [e.tool, e.decision, e.reason]),
      [
        ['read_file', 'deny', 'invalid-input'],
        ['format_disk', 'deny', 'unknown-tool'],
        ['read_file', 'deny', 'invalid-input'],
      ],
    );
  });

  it('stops at max turns with status limit', async () => {
    const root = makeWorkspace({ 'a.txt': 'x' });
    const loop = { content: [use('read_file', { path: 'a.txt' })] };
    const { run } = await runScripted(root, { turns: [loop, loop, loop, loop] }, { agent: { maxTurns: 2 } });
    assert.equal(run.status, 'limit');
    assert.equal(run.turns, 2);
    assert.match(run.message, /maxTurns/);
  });

  it('stops at max cost, computed from usage and the price table', async () => {
    const root = makeWorkspace({ 'a.txt': 'x' });
    const pricey = { content: [use('read_file', { path: 'a.txt' })], usage: { input_tokens: 100_000, output_tokens: 10_000 } };
    const { run, h } = await runScripted(root, { turns: [pricey, pricey, pricey] }, { agent: { maxCostUsd: 0.5 } });
    // claude-sonnet-5-5: 100k in × $2/M + 10k out × $10/M = $0.30 per turn: the second turn crosses $0.50.
    assert.equal(run.status, 'limit');
    assert.equal(run.turns, 2);
    assert.ok(Math.abs((run.costUsd ?? 0) - 0.6) < 1e-9);
    assert.ok(h.seen.some((e) => e.type === 'usage' && e.costUsd !== null));
  });

  it('continues after max_tokens and ends on a refusal', async () => {
    const root = makeWorkspace();
    const { run, fake } = await runScripted(root, {
      turns: [
        { content: [text('long…')], stopReason: 'max_tokens' },
        { content: [text('no')], stopReason: 'refusal' },
      ],
    });
    assert.equal(run.status, 'refused');
    const second = bodies(fake)[1]?.messages.at(-1);
    assert.equal(second?.role, 'user');
    assert.match(JSON.stringify(second?.content), /cut off/);
  });

  it('cancels mid-stream with the AbortSignal', async () => {
    const root = makeWorkspace();
    const { run, h } = await runScripted(
      root,
      { turns: [{ content: [text('starting to talk')], stall: true }] },
      {
        onFake: (fake, controller) => {
          const timer = setInterval(() => {
            if (fake.served() > 0) {
              clearInterval(timer);
              setTimeout(() => controller.abort(), 50);
            }
          }, 5);
        },
      },
    );
    assert.equal(run.status, 'cancelled');
    assert.ok(h.seen.some((e) => e.type === 'done'));
  });

  it('cancels mid-command with the AbortSignal: the process is stopped and the call audited as cancelled', async () => {
    const root = makeWorkspace();
    const { UnsandboxedRunner } = await import('../../../src/node/sandbox/unsandboxedRunner');
    const runner = new UnsandboxedRunner({ config: { writableRoots: [root], hiddenPaths: [], readOnlyPaths: [], allowedHosts: [] } });
    const started = Date.now();
    const { run, h } = await runScripted(
      root,
      { turns: [{ content: [use('run_command', { command: 'sleep 30 && touch late.txt' })] }, { content: [text('never reached')] }] },
      {
        runner,
        answers: [{ kind: 'approve' }],
        onFake: (fake, controller) => {
          const timer = setInterval(() => {
            if (fake.served() > 0) {
              clearInterval(timer);
              setTimeout(() => controller.abort(), 1500);
            }
          }, 5);
        },
      },
    );
    await runner.dispose();
    assert.equal(run.status, 'cancelled');
    assert.ok(Date.now() - started < 20_000, 'did not wait for the command');
    assert.equal(h.auditLog[0]?.outcome?.status, 'cancelled');
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(`${root}/late.txt`), false);
  });

  it('reads a slow stream delta by delta', async () => {
    const root = makeWorkspace();
    const { run, h } = await runScripted(root, {
      turns: [{ content: [text('slowly, piece by piece, it arrives')], chunkDelayMs: 15, chunkSize: 5, headerDelayMs: 50 }],
    });
    assert.equal(run.status, 'done');
    const deltas = h.seen.filter((e) => e.type === 'text_delta');
    assert.ok(deltas.length >= 5, `got ${deltas.length} deltas`);
    assert.equal(deltas.map((e) => (e.type === 'text_delta' ? e.text : '')).join(''), 'slowly, piece by piece, it arrives');
  });

  it('neutralises hidden characters in streamed text shown to a person', async () => {
    const root = makeWorkspace();
    const { h } = await runScripted(root, { turns: [{ content: [text('look\u200b here\u001b[2J')] }] });
    const shown = h.seen
      .filter((e) => e.type === 'text_delta')
      .map((e) => (e.type === 'text_delta' ? e.text : ''))
      .join('');
    assert.equal(shown, 'look<U+200B> here<U+001B>[2J');
  });
});
