import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AgentEvent } from '../../../src/core/agent/events';
import { makeWorkspace } from './harness';
import { bodies, runScripted } from './loopHelpers';
import type { FakeScript } from '../../fixtures/fake-anthropic/script';

const text = (t: string) => ({ type: 'text' as const, text: t });
const think = (t: string) => ({ type: 'thinking' as const, thinking: t });
const redacted = () => ({ type: 'redacted_thinking' as const });
const use = (name: string, input: unknown, id?: string) => ({ type: 'tool_use' as const, name, input, ...(id ? { id } : {}) });
const shown = (seen: AgentEvent[], type: 'text_delta' | 'thinking_delta') => seen.map((e) => (e.type === type ? e.text : '')).join('');

describe('the Messages API round trip, against the strict fake server', () => {
  const models: Array<[string, string]> = [
    ['claude-sonnet-5-5', 'the 5.5 Sonnet (text between tools comes as thinking)'],
    ['claude-opus-5-5', 'the 5.5 Opus (thinking always on)'],
    ['claude-fable-5-1', 'Fable 5.1'],
    ['claude-haiku-5-5', 'the 5.5 Haiku'],
  ];
  for (const [model, what] of models) {
    it(`sends thinking and redacted thinking back unmodified in a multi-turn tool task on ${what}`, async () => {
      const root = makeWorkspace({ 'greet.txt': 'hello world\n' });
      const { run, h, fake } = await runScripted(
        root,
        {
          turns: [
            { content: [think('I will read the file first.'), redacted(), text(''), use('read_file', { path: 'greet.txt' }, 'toolu_a')] },
            {
              content: [think('Now the edit.'), use('edit_file', { path: 'greet.txt', old_text: 'world', new_text: 'warden' }, 'toolu_b')],
            },
            { content: [think('Done, say so.'), text('Greeted warden.')] },
          ],
        },
        { answers: [{ kind: 'approve' }], client: { model } },
      );
      assert.deepEqual(fake.invalid(), []);
      assert.equal(run.status, 'done', run.message);
      assert.equal(readFileSync(join(root, 'greet.txt'), 'utf8'), 'hello warden\n');
      const reqs = bodies(fake);
      assert.equal(reqs.length, 3);
      for (const r of reqs) assert.deepEqual(r.thinking, { type: 'adaptive', display: 'summarized' });
      const firstAssistant = reqs[2]?.messages[1]?.content as Array<{ type: string }>;
      assert.deepEqual(
        firstAssistant.map((b) => b.type),
        ['thinking', 'redacted_thinking', 'tool_use'],
        'empty text left out, the rest in order',
      );
      assert.equal(shown(h.seen, 'thinking_delta'), 'I will read the file first.Now the edit.Done, say so.');
      assert.equal(h.seen.filter((e) => e.type === 'thinking_redacted').length, 1);
      const stored = run.messages.at(-1);
      const sig = (stored?.content as unknown as Array<{ signature?: string }>)[0]?.signature;
      assert.match(sig ?? '', /^sig_/);
      assert.deepEqual(stored?.content, [
        { type: 'thinking', thinking: 'Done, say so.', signature: sig },
        { type: 'text', text: 'Greeted warden.' },
      ]);
    });
  }

  it('continues a chat over earlier turns with thinking, and strips thinking when the model changed', async () => {
    const root = makeWorkspace({ 'a.txt': 'x' });
    const { startFakeAnthropic } = await import('../../fixtures/fake-anthropic/server');
    const { repairHistory } = await import('../../../src/core/agent/history');
    const fake = await startFakeAnthropic({
      turns: [
        { content: [think('plan'), use('read_file', { path: 'a.txt' }, 'toolu_1')] },
        { content: [think('ok'), text('Read it.')] },
        { content: [text('again')] },
        { content: [text('other')] },
        { content: [text('unreachable')] },
      ],
    });
    try {
      const first = await runScripted(root, { turns: [] }, { fake, agent: { task: 'one' } });
      assert.equal(first.run.status, 'done');
      const same = await runScripted(root, { turns: [] }, { fake, agent: { task: 'two', history: first.run.messages } });
      assert.equal(same.run.status, 'done', same.run.message);
      // Another model refuses thinking blocks another model wrote: the fake says so, and stripping them first is valid.
      const unstripped = await runScripted(
        root,
        { turns: [] },
        { fake, agent: { task: 'three', history: first.run.messages }, client: { model: 'claude-opus-5-5' } },
      );
      assert.equal(unstripped.run.status, 'error');
      assert.match(unstripped.run.message, /cannot be sent to claude-opus-5-5/);
      const other = await runScripted(
        root,
        { turns: [] },
        {
          fake,
          agent: { task: 'three', history: repairHistory(first.run.messages, { dropThinking: true }) },
          client: { model: 'claude-opus-5-5' },
        },
      );
      assert.equal(other.run.status, 'done', other.run.message);
      assert.equal(fake.invalid().length, 1);
    } finally {
      await fake.close();
    }
  });

  it('shows nothing of between-tool thinking unless it asks for display "summarized" (what the 5.5 models need)', async () => {
    const root = makeWorkspace();
    const { h } = await runScripted(
      root,
      { turns: [{ content: [think('visible progress'), text('ok')] }] },
      { client: { model: 'claude-sonnet-5-5' } },
    );
    assert.equal(shown(h.seen, 'thinking_delta'), 'visible progress');
  });

  it('sends warden.thinking.effort as output_config.effort, and no thinking fields to a model without adaptive thinking', async () => {
    const root = makeWorkspace();
    const a = await runScripted(root, { turns: [{ content: [text('ok')] }] }, { client: { model: 'claude-opus-5-5', effort: 'xhigh' } });
    assert.deepEqual(bodies(a.fake)[0]?.output_config, { effort: 'xhigh' });
    const b = await runScripted(root, { turns: [{ content: [text('ok')] }] }, { client: { model: 'claude-haiku-4-5' } });
    const body = bodies(b.fake)[0];
    assert.equal(body?.thinking, undefined);
    assert.equal(body?.output_config, undefined);
    assert.ok((body?.max_tokens ?? 0) <= 64_000);
    assert.deepEqual(b.fake.invalid(), []);
  });

  it('reads usage from the cumulative message_delta totals', async () => {
    const root = makeWorkspace();
    const { run } = await runScripted(root, {
      turns: [
        {
          content: [text('ok')],
          usage: { input_tokens: 1234, output_tokens: 567, cache_read_input_tokens: 890, cache_creation_input_tokens: 12 },
        },
      ],
    });
    assert.deepEqual(run.usage, { inputTokens: 1234, outputTokens: 567, cacheReadInputTokens: 890, cacheCreationInputTokens: 12 });
  });

  it('never sends an empty text block, not even one the model streamed', async () => {
    const root = makeWorkspace({ 'a.txt': 'x' });
    const { fake, run } = await runScripted(
      root,
      {
        turns: [
          { content: [text(''), text(' \n'), use('read_file', { path: 'a.txt' })] },
          { content: [text('')] },
          { content: [text('end')] },
        ],
      },
      { agent: { task: 'first' } },
    );
    assert.deepEqual(fake.invalid(), []);
    assert.equal(run.status, 'done');
    for (const m of run.messages)
      if (Array.isArray(m.content))
        for (const b of m.content as Array<{ type: string; text?: string }>) if (b.type === 'text') assert.ok(b.text?.trim());
  });
});

describe('stop reasons, as the docs define them', () => {
  it('on a refusal: runs none of its tool calls, shows category and explanation, and removes the task from the conversation', async () => {
    const root = makeWorkspace({ 'a.txt': 'x' });
    const history = [
      { role: 'user' as const, content: 'earlier' },
      { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'earlier answer' }] },
    ];
    const { run, h } = await runScripted(
      root,
      {
        turns: [
          {
            content: [text('Sure, here'), use('read_file', { path: 'a.txt' })],
            stopReason: 'refusal',
            stopDetails: { category: 'cyber', explanation: 'This request was declined because it could enable cyber harm.' },
          },
        ],
      },
      { agent: { history } },
    );
    assert.equal(run.status, 'refused');
    assert.match(
      run.message,
      /category: cyber; This request was declined because it could enable cyber harm\..*removed from the conversation/,
    );
    assert.equal(h.auditLog.length, 0, 'no tool call ran');
    assert.deepEqual(run.messages, history);
  });

  it('on model_context_window_exceeded: stops with a clear message (not "finished") and keeps a valid conversation', async () => {
    const root = makeWorkspace({ 'a.txt': 'x' });
    const { run, h } = await runScripted(root, {
      turns: [{ content: [text('partial'), use('read_file', { path: 'a.txt' })], stopReason: 'model_context_window_exceeded' }],
    });
    assert.equal(run.status, 'limit');
    assert.equal(run.contextFull, true);
    assert.match(run.message, /context window.*New Chat/);
    assert.equal(h.auditLog.length, 0);
    assert.deepEqual(run.messages, [{ role: 'user', content: 'Do the task.' }]);
  });

  it('after max_tokens with only thinking streamed, asks the model to continue', async () => {
    const root = makeWorkspace();
    const { run, fake } = await runScripted(root, {
      turns: [{ content: [think('long thought')], stopReason: 'max_tokens' }, { content: [text('short answer')] }],
    });
    assert.equal(run.status, 'done');
    assert.deepEqual(fake.invalid(), []);
    assert.match(JSON.stringify(bodies(fake)[1]?.messages.at(-1)), /cut off/);
  });
});

describe('one retry layer, as the error and rate-limit docs define it', () => {
  type Case = { name: string; turns: FakeScript['turns']; status: string; kind?: string; served: number; message?: RegExp };
  const ok = { content: [text('whole answer')] };
  const cases: Case[] = [
    {
      name: 'a stream that ends without message_stop is retried',
      turns: [{ content: [text('half')], endWithoutStop: true }, ok],
      status: 'done',
      served: 2,
    },
    {
      name: 'a socket reset mid-stream is retried',
      turns: [{ content: [text('half')], socketReset: 'mid-stream' }, ok],
      status: 'done',
      served: 2,
    },
    { name: 'a socket reset before headers is retried', turns: [{ socketReset: 'before-headers' }, ok], status: 'done', served: 2 },
    {
      name: 'a mid-stream api_error is retried',
      turns: [{ content: [text('half')], streamError: { type: 'api_error', message: 'Internal server error' } }, ok],
      status: 'done',
      served: 2,
    },
    {
      name: 'a 500 is retried',
      turns: [{ httpError: { status: 500, type: 'api_error', message: 'boom' }, retryAfterMs: 1 }, ok],
      status: 'done',
      served: 2,
    },
    {
      name: 'x-should-retry: false is never retried',
      turns: [{ httpError: { status: 529, type: 'overloaded_error', message: 'Overloaded' }, shouldRetry: false }, ok],
      status: 'error',
      kind: 'overloaded',
      served: 1,
      message: /request id req_fake_0/,
    },
    {
      name: 'x-should-retry: true is retried even for a 400',
      turns: [{ httpError: { status: 400, type: 'invalid_request_error', message: 'try again' }, shouldRetry: true, retryAfterMs: 1 }, ok],
      status: 'done',
      served: 2,
    },
    {
      name: 'a spend-limit 429 is never retried and says why',
      turns: [
        {
          httpError: {
            status: 429,
            type: 'rate_limit_error',
            message: 'You have reached your monthly spend limit.',
            details: { error_code: 'enforced_spend_limit_reached' },
          },
        },
        ok,
      ],
      status: 'error',
      kind: 'spend-limit',
      served: 1,
      message: /spend limit.*Retrying will not help/s,
    },
    {
      name: 'a workspace spend-limit 400 is never retried',
      turns: [{ httpError: { status: 400, type: 'invalid_request_error', message: 'This workspace has reached its spend limit.' } }, ok],
      status: 'error',
      kind: 'spend-limit',
      served: 1,
    },
    {
      name: 'a retry-after longer than Warden waits ends the turn, naming the wait',
      turns: [{ httpError: { status: 429, type: 'rate_limit_error', message: 'slow down' }, retryAfter: 3600 }, ok],
      status: 'error',
      kind: 'rate-limit',
      served: 1,
      message: /wait 3600 s/,
    },
    {
      name: 'a 404 names the endpoint and the model setting',
      turns: [{ httpError: { status: 404, type: 'not_found_error', message: 'model: claude-x' } }],
      status: 'error',
      kind: 'not-found',
      served: 1,
      message: /does not serve the model "claude-sonnet-5-5".*warden\.model/,
    },
    {
      name: 'a 401 names the endpoint',
      turns: [{ httpError: { status: 401, type: 'authentication_error', message: 'invalid x-api-key' } }],
      status: 'error',
      kind: 'auth',
      served: 1,
      message: /http:\/\/127\.0\.0\.1:\d+ refused the API key.*ANTHROPIC_API_KEY/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const root = makeWorkspace();
      const { run, fake } = await runScripted(root, { turns: c.turns });
      assert.equal(run.status, c.status, run.message);
      if (c.kind) assert.equal(run.errorKind, c.kind);
      if (c.message) assert.match(run.message, c.message);
      assert.equal(fake.served(), c.served);
      assert.deepEqual(fake.invalid(), []);
      if (c.status === 'done')
        assert.deepEqual(run.messages.at(-1), { role: 'assistant', content: [{ type: 'text', text: 'whole answer' }] });
    });
  }

  it('honours retry-after in seconds, and tells the listeners to clear the failed attempt’s text', async () => {
    const root = makeWorkspace();
    const started = Date.now();
    const { run, h } = await runScripted(root, {
      turns: [
        { httpError: { status: 529, type: 'overloaded_error', message: 'Overloaded' }, retryAfter: 1 },
        { content: [text('after the wait')] },
      ],
    });
    assert.equal(run.status, 'done');
    assert.ok(Date.now() - started >= 950, 'waited the second the server asked for');
    const retry = h.seen.find((e) => e.type === 'model_retry');
    assert.deepEqual(retry && retry.type === 'model_retry' ? [retry.attempt, retry.maxAttempts, retry.delayMs] : null, [2, 5, 1000]);
  });

  it('aborts a stream that stalls after its headers (idle watchdog) and retries it', async () => {
    const root = makeWorkspace();
    const { run, fake } = await runScripted(
      root,
      { turns: [{ content: [text('then silence')], stall: true }, { content: [text('whole answer')] }] },
      { client: { idleTimeoutMs: 200 } },
    );
    assert.equal(run.status, 'done', run.message);
    assert.equal(fake.served(), 2);
  });

  it('says the stream stalled, with the request id, when every attempt stalls', async () => {
    const root = makeWorkspace();
    const stall = { content: [text('x')], stall: true };
    const { run } = await runScripted(root, { turns: [stall, stall] }, { client: { idleTimeoutMs: 100, retries: 1 } });
    assert.equal(run.status, 'error');
    assert.equal(run.errorKind, 'incomplete');
    assert.match(run.message, /stalled \(request id req_fake_1\).*Gave up after 2 attempts/);
  });

  it('answers a proxy that reads only x-api-key', async () => {
    const root = makeWorkspace();
    const { run, fake } = await runScripted(root, { expectKey: 'sk-test-key', turns: [{ content: [text('through the proxy')] }] });
    assert.equal(run.status, 'done', run.message);
    assert.deepEqual(fake.invalid(), []);
  });
});

describe('a local endpoint', () => {
  it('warns when the reported input tokens show the prompt was cut to a small context (Ollama’s 4,096 default)', async () => {
    const root = makeWorkspace();
    const { run, h } = await runScripted(
      root,
      {
        extraModels: {
          'qwen3-coder': { contextWindow: 1_000_000, maxOutput: 8192, thinking: 'extended', defaultDisplay: 'summarized', strict55: false },
        },
        turns: [{ content: [text('ok')], usage: { input_tokens: 4096 } }],
      },
      { client: { model: 'qwen3-coder' }, agent: { task: 'word '.repeat(8000) } },
    );
    assert.equal(run.status, 'done');
    const warnings = h.seen.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    assert.ok(
      warnings.some((w) => /counted 4096 input tokens.*OLLAMA_CONTEXT_LENGTH/.test(w)),
      warnings.join('\n'),
    );
    assert.ok(
      warnings.some((w) => /No price is known for model qwen3-coder: the cost limit counts it at the highest listed Claude price/.test(w)),
    );
  });

  it('says nothing when the reported size matches what was sent', async () => {
    const root = makeWorkspace();
    const { h } = await runScripted(
      root,
      { countInput: true, turns: [{ content: [text('ok')] }] },
      { agent: { task: 'word '.repeat(8000) } },
    );
    assert.deepEqual(
      h.seen.filter((e) => e.type === 'warning'),
      [],
    );
  });
});

describe('pause_turn', () => {
  it('resumes a paused turn by sending it back as it came, which the 5.5 models accept as the one allowed final assistant message', async () => {
    const root = makeWorkspace();
    const { run, fake } = await runScripted(
      root,
      { turns: [{ content: [think('long work'), text('Halfway.')], stopReason: 'pause_turn' }, { content: [text('Finished.')] }] },
      { client: { model: 'claude-sonnet-5-5' } },
    );
    assert.deepEqual(fake.invalid(), []);
    assert.equal(run.status, 'done', run.message);
    assert.equal(bodies(fake)[1]?.messages.at(-1)?.role, 'assistant');
  });
});

describe('prompt caching layout', () => {
  it('leaves the system breakpoint off when tools and system are under the minimum cacheable length, and never uses more than 4', async () => {
    const { toApiParams } = await import('../../../src/node/anthropic/convert');
    const msgs = [
      { role: 'user' as const, content: 'a' },
      { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'b' }] },
      { role: 'user' as const, content: 'c' },
    ];
    const count = (p: ReturnType<typeof toApiParams>) => JSON.stringify(p).split('"cache_control"').length - 1;
    const short = toApiParams('claude-sonnet-5-5', { system: 'short', tools: [], messages: msgs, maxTokens: 100 }, null, 512);
    assert.equal((short.system as Array<{ cache_control?: unknown }>)[0]?.cache_control, undefined);
    assert.equal(count(short), 2);
    const long = toApiParams('claude-sonnet-5-5', { system: 'x'.repeat(4000), tools: [], messages: msgs, maxTokens: 100 }, null, 512);
    assert.deepEqual((long.system as Array<{ cache_control?: unknown }>)[0]?.cache_control, { type: 'ephemeral' });
    assert.equal(count(long), 3);
  });
});
