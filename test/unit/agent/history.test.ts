import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateTokens, fitToBudget, loadHistory, NOT_RUN, repairHistory, trimHistory } from '../../../src/core/agent/history';
import type { ModelMessage } from '../../../src/core/agent/model';
import { startFakeAnthropic } from '../../fixtures/fake-anthropic/server';
import { makeWorkspace } from './harness';
import { runScripted } from './loopHelpers';

const user = (content: string): ModelMessage => ({ role: 'user', content });
const said = (text: string): ModelMessage => ({ role: 'assistant', content: [{ type: 'text', text }] });
const call = (id: string, extra: ModelMessage['content'] = []): ModelMessage => ({
  role: 'assistant',
  content: [...(extra as []), { type: 'tool_use', id, name: 'read_file', input: { path: 'a' } }],
});
const result = (id: string, content = 'ok'): ModelMessage => ({
  role: 'user',
  content: [{ type: 'tool_result', tool_use_id: id, content }],
});

describe('history saved for the next request is always valid', () => {
  const cases: Array<[string, ModelMessage[], ModelMessage[]]> = [
    [
      'a valid conversation is kept as it is',
      [user('a'), call('t1'), result('t1'), said('done')],
      [user('a'), call('t1'), result('t1'), said('done')],
    ],
    [
      'a dangling tool call at the end is closed with an error result',
      [user('a'), call('t1')],
      [user('a'), call('t1'), { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: NOT_RUN, is_error: true }] }],
    ],
    [
      'a tool call followed by a person’s message gets its result first',
      [user('a'), call('t1'), user('b')],
      [
        user('a'),
        call('t1'),
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: NOT_RUN, is_error: true },
            { type: 'text', text: 'b' },
          ],
        },
      ],
    ],
    [
      'empty and whitespace text blocks are stripped, and messages left empty dropped',
      [
        user('a'),
        {
          role: 'assistant',
          content: [
            { type: 'text', text: '' },
            { type: 'text', text: ' ' },
          ],
        },
        user('b'),
        said('ok'),
      ],
      [user('a'), user('b'), said('ok')],
    ],
    ['a tool_result answering nothing is dropped', [user('a'), said('x'), result('ghost')], [user('a'), said('x')]],
    ['leading assistant messages are dropped', [said('orphan'), user('a'), said('b')], [user('a'), said('b')]],
  ];
  for (const [name, input, expected] of cases) it(name, () => assert.deepEqual(repairHistory(input), expected));

  it('drops thinking when the model changed, and keeps it otherwise', () => {
    const think = { type: 'thinking' as const, thinking: 't', signature: 's' };
    const red = { type: 'redacted_thinking' as const, data: 'd' };
    const h = [user('a'), call('t1', [think, red]), result('t1'), said('done')];
    assert.deepEqual(repairHistory(h), h);
    assert.deepEqual(repairHistory(h, { dropThinking: true })[1], call('t1'));
  });

  it('never throws on malformed input', () => {
    assert.deepEqual(repairHistory([]), []);
    assert.deepEqual(repairHistory([{ role: 'user', content: '' }]), []);
  });
});

describe('the chat’s stored history', () => {
  it('is read defensively: malformed messages and blocks are dropped, never trusted', () => {
    const stored = [
      null,
      7,
      { role: 'system', content: 'x' },
      user('a'),
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'ok' },
          { type: 'image', source: 'x' },
          { type: 'thinking', thinking: 1 },
        ],
      },
      { role: 'user', content: { evil: true } },
    ];
    assert.deepEqual(loadHistory(stored, 'm', 'm'), [user('a'), said('ok')]);
    assert.deepEqual(loadHistory('not a list', 'm', 'm'), []);
  });

  it('drops thinking when it was written by another model than the one now set', () => {
    const h = [
      user('a'),
      {
        role: 'assistant' as const,
        content: [
          { type: 'thinking' as const, thinking: 't', signature: 's' },
          { type: 'text' as const, text: 'ok' },
        ],
      },
    ];
    assert.deepEqual(loadHistory(h, 'claude-sonnet-5-5', 'claude-sonnet-5-5'), h);
    assert.deepEqual(loadHistory(h, 'claude-sonnet-5-5', 'claude-opus-5-5'), [user('a'), said('ok')]);
  });

  it('is trimmed by count only where a person’s message begins, and stays valid', () => {
    const long = Array.from({ length: 50 }, (_, i) => [user(`q${i}`), call(`t${i}`), result(`t${i}`), said(`a${i}`)]).flat();
    const t = trimHistory(long, 10);
    assert.ok(t.length <= 10);
    assert.equal(t[0]?.role, 'user');
    assert.equal(typeof t[0]?.content, 'string');
    assert.deepEqual(repairHistory(t), t);
  });

  it('after a run that failed mid-task is a valid start for the next request on the strict server', async () => {
    const root = makeWorkspace({ 'a.txt': 'x' });
    const fake = await startFakeAnthropic({
      turns: [
        {
          content: [
            { type: 'thinking', thinking: 'plan' },
            { type: 'tool_use', name: 'read_file', input: { path: 'a.txt' } },
          ],
        },
        { httpError: { status: 400, type: 'invalid_request_error', message: 'something odd' } },
        { content: [{ type: 'text', text: 'fine again' }] },
      ],
    });
    try {
      const failed = await runScripted(root, { turns: [] }, { fake, agent: { task: 'one' } });
      assert.equal(failed.run.status, 'error');
      const stored = JSON.parse(JSON.stringify(trimHistory(failed.run.messages))) as unknown;
      const next = await runScripted(
        root,
        { turns: [] },
        { fake, agent: { task: 'two', history: loadHistory(stored, 'claude-sonnet-5-5', 'claude-sonnet-5-5') } },
      );
      assert.equal(next.run.status, 'done', next.run.message);
      assert.deepEqual(fake.invalid(), []);
    } finally {
      await fake.close();
    }
  });
});

describe('context budget by tokens', () => {
  it('drops earlier exchanges first, cutting where a person’s message begins, then clears old tool results', () => {
    const big = 'x'.repeat(4000);
    const msgs = [
      user('old'),
      said(big),
      user('older2'),
      said(big),
      user('task'),
      call('t1'),
      result('t1', big),
      call('t2'),
      result('t2', big),
      call('t3'),
      result('t3', 'small'),
    ];
    const fit = fitToBudget(msgs, 4, 1500, estimateTokens, 1);
    assert.ok(fit);
    assert.equal(fit.messages[0]?.role, 'user');
    assert.equal(fit.messages[0]?.content, 'task');
    assert.equal(fit.droppedMessages, 4);
    assert.equal(fit.clearedResults, 1);
    assert.ok(estimateTokens(fit.messages) <= 1500);
    assert.deepEqual(repairHistory(fit.messages), fit.messages, 'still a valid conversation');
    assert.equal(fitToBudget(msgs, 4, 10, estimateTokens), null, 'null when even that does not fit');
  });

  it('a 300-turn scripted chat (100 tasks of 3 turns) never sends a request over the model’s window', async () => {
    const root = makeWorkspace({ 'big.txt': 'lorem ipsum dolor sit amet '.repeat(400) });
    const window = 40_000;
    const task = (i: number) => [
      {
        content: [
          { type: 'text' as const, text: `Task ${i}: reading.` },
          { type: 'tool_use' as const, name: 'read_file', input: { path: 'big.txt' } },
        ],
      },
      { content: [{ type: 'tool_use' as const, name: 'read_file', input: { path: 'big.txt' } }] },
      { content: [{ type: 'text' as const, text: `Task ${i} done.` }] },
    ];
    const fake = await startFakeAnthropic({
      countInput: true,
      extraModels: {
        'claude-small-window': {
          contextWindow: window,
          maxOutput: 8192,
          thinking: 'extended',
          defaultDisplay: 'summarized',
          strict55: false,
        },
      },
      turns: Array.from({ length: 100 }, (_, i) => task(i)).flat(),
    });
    try {
      let history: readonly ModelMessage[] = [];
      for (let i = 0; i < 100; i++) {
        const { run } = await runScripted(
          root,
          { turns: [] },
          {
            fake,
            client: { model: 'claude-small-window' },
            agent: { task: `task ${i}`, history, maxCostUsd: 1000, contextWindow: window },
          },
        );
        assert.equal(run.status, 'done', `task ${i}: ${run.message}`);
        history = run.messages;
      }
      assert.equal(fake.served(), 300);
      assert.deepEqual(fake.invalid(), [], 'no request was refused as too long');
      const sizes = fake.requests
        .filter((r) => r.url === '/v1/messages')
        .map((r) =>
          Math.ceil(JSON.stringify({ ...(r.body as object), model: undefined, max_tokens: undefined, stream: undefined }).length / 4),
        );
      assert.ok(Math.max(...sizes) + 4096 <= window, `largest request ${Math.max(...sizes)} tokens`);
    } finally {
      await fake.close();
    }
  });

  it('a single 300-turn task never sends a request over the model’s window', async () => {
    const root = makeWorkspace({ 'big.txt': 'lorem ipsum dolor sit amet '.repeat(400) });
    const window = 40_000;
    const turns = Array.from({ length: 300 }, (_, i) => ({
      content: [
        { type: 'text' as const, text: `Step ${i}.` },
        { type: 'tool_use' as const, name: 'read_file', input: { path: 'big.txt' } },
      ],
    }));
    const fake = await startFakeAnthropic({
      countInput: true,
      extraModels: {
        'claude-small-window': {
          contextWindow: window,
          maxOutput: 8192,
          thinking: 'extended',
          defaultDisplay: 'summarized',
          strict55: false,
        },
      },
      turns: [...turns, { content: [{ type: 'text', text: 'All 300 steps done.' }] }],
    });
    try {
      const { run, h } = await runScripted(
        root,
        { turns: [] },
        { fake, client: { model: 'claude-small-window' }, agent: { maxTurns: 301, maxCostUsd: 1000 } },
      );
      assert.deepEqual(fake.invalid(), [], 'no request was refused as too long');
      assert.equal(run.status, 'done', run.message);
      assert.equal(run.turns, 301);
      const sizes = fake.requests
        .filter((r) => r.url === '/v1/messages')
        .map((r) =>
          Math.ceil(JSON.stringify({ ...(r.body as object), model: undefined, max_tokens: undefined, stream: undefined }).length / 4),
        );
      assert.ok(Math.max(...sizes) + 4096 <= window, `largest request ${Math.max(...sizes)} tokens`);
      assert.ok(h.seen.some((e) => e.type === 'warning' && /context window/.test(e.message)));
      assert.ok(
        fake.requests.some((r) => r.url === '/v1/messages/count_tokens'),
        'near the window it asked the API to count',
      );
      assert.ok(
        fake.requests.some((r) => r.url === '/v1/models/claude-small-window'),
        'an uncatalogued model is looked up in the Models API',
      );
    } finally {
      await fake.close();
    }
  });

  it('stops with a New Chat message when even the current task cannot fit', async () => {
    const root = makeWorkspace();
    const fake = await startFakeAnthropic({
      countInput: true,
      turns: [{ content: [{ type: 'text', text: 'never' }] }],
      extraModels: {
        'claude-tiny': { contextWindow: 12_000, maxOutput: 1024, thinking: 'extended', defaultDisplay: 'summarized', strict55: false },
      },
    });
    try {
      const { run } = await runScripted(
        root,
        { turns: [] },
        { fake, client: { model: 'claude-tiny' }, agent: { task: 'y'.repeat(60_000), contextWindow: 12_000 } },
      );
      assert.equal(run.status, 'limit');
      assert.equal(run.contextFull, true);
      assert.match(run.message, /context window.*New Chat/);
      assert.equal(fake.served(), 0);
    } finally {
      await fake.close();
    }
  });
});
