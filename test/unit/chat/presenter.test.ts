import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentEvent } from '../../../src/core/agent/events';
import { ChatPresenter, retryNotice, summarizeCall } from '../../../src/vscode/chat/presenter';
import type { HostMessage } from '../../../src/vscode/chat/protocol';
import { Transcript } from '../../../src/vscode/chat/transcript';

function setup() {
  const store = new Map<string, unknown>();
  const transcript = new Transcript({ get: (k) => store.get(k), update: (k, v) => Promise.resolve(void store.set(k, v)) });
  const posted: HostMessage[] = [];
  let n = 0;
  const presenter = new ChatPresenter(
    transcript,
    (m) => posted.push(m),
    () => `id${++n}`,
  );
  return { transcript, posted, presenter };
}

const usage = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

describe('chat presenter', () => {
  it('streams one assistant message per turn', () => {
    const { transcript, presenter } = setup();
    const events: AgentEvent[] = [
      { type: 'turn_start', turn: 1 },
      { type: 'text_delta', text: 'Hel' },
      { type: 'text_delta', text: 'lo' },
      { type: 'turn_start', turn: 2 },
      { type: 'text_delta', text: 'Again' },
    ];
    events.forEach((e) => presenter.onEvent(e));
    assert.deepEqual(
      transcript.items().map((i) => (i.kind === 'assistant' ? i.text : i.kind)),
      ['Hello', 'Again'],
    );
  });

  it('shows a denied call with its rule and reason', () => {
    const { transcript, presenter } = setup();
    presenter.onEvent({ type: 'tool_proposed', callId: 'c1', tool: 'run_command', input: { command: 'sudo rm -rf /' } });
    presenter.onEvent({
      type: 'tool_decided',
      callId: 'c1',
      tool: 'run_command',
      decision: 'deny',
      reason: 'command-denied',
      rule: 'warden.commands.deny: sudo *',
      message: 'sudo is denied',
    });
    presenter.onEvent({
      type: 'tool_result',
      callId: 'c1',
      tool: 'run_command',
      isError: true,
      status: 'denied',
      preview: 'Warden denied this call',
    });
    const [item] = transcript.items();
    assert.equal(item?.kind, 'tool');
    if (item?.kind !== 'tool') return;
    assert.equal(item.card.summary, 'run: sudo rm -rf /');
    assert.equal(item.card.decision, 'deny');
    assert.equal(item.card.rule, 'warden.commands.deny: sudo *');
    assert.equal(item.card.approver, 'rule');
    assert.equal(item.card.status, 'denied');
  });

  it('records a person as the approver of an approved call, then its outcome', () => {
    const { transcript, presenter } = setup();
    presenter.onEvent({ type: 'tool_proposed', callId: 'c1', tool: 'write_file', input: { path: 'a.txt', content: 'hi' } });
    presenter.onEvent({
      type: 'tool_decided',
      callId: 'c1',
      tool: 'write_file',
      decision: 'ask',
      reason: 'needs-approval',
      rule: null,
      message: 'asks',
    });
    presenter.onEvent({ type: 'tool_answered', callId: 'c1', answer: 'approve', note: '' });
    presenter.onEvent({ type: 'tool_result', callId: 'c1', tool: 'write_file', isError: false, status: 'ok', preview: 'Wrote a.txt' });
    const item = transcript.items()[0];
    assert.ok(item?.kind === 'tool');
    assert.equal(item.card.approver, 'person');
    assert.equal(item.card.status, 'done');
    assert.equal(item.card.outcome, 'Wrote a.txt');
  });

  it('shows what ran and by whose decision: the person’s edited command, their content, a session grant', () => {
    const table: [string, AgentEvent & { type: 'tool_answered' }, string, string][] = [
      [
        'run_command',
        { type: 'tool_answered', callId: 'c1', answer: 'approve-edited', note: 'ran instead', edited: { command: 'touch edited.txt' } },
        'run: touch edited.txt',
        'person-edited',
      ],
      [
        'write_file',
        { type: 'tool_answered', callId: 'c1', answer: 'approve-edited', note: 'your version', edited: { chars: 12 } },
        'write a.txt (12 chars, your version)',
        'person-edited',
      ],
      [
        'run_command',
        { type: 'tool_answered', callId: 'c1', answer: 'session-grant', note: 'approved for this session' },
        'run: touch model.txt',
        'session-grant',
      ],
      ['run_command', { type: 'tool_answered', callId: 'c1', answer: 'approve', note: '' }, 'run: touch model.txt', 'person'],
    ];
    for (const [tool, answered, summary, approver] of table) {
      const { transcript, presenter } = setup();
      const input = tool === 'run_command' ? { command: 'touch model.txt' } : { path: 'a.txt', content: 'model' };
      presenter.onEvent({ type: 'tool_proposed', callId: 'c1', tool, input });
      presenter.onEvent({
        type: 'tool_decided',
        callId: 'c1',
        tool,
        decision: 'ask',
        reason: 'needs-approval',
        rule: null,
        message: 'asks',
      });
      presenter.onEvent(answered);
      presenter.onEvent({ type: 'tool_result', callId: 'c1', tool, isError: false, status: 'ok', preview: 'ok' });
      const item = transcript.items()[0];
      assert.ok(item?.kind === 'tool');
      assert.deepEqual([item.card.summary, item.card.approver, item.card.status], [summary, approver, 'done'], answered.answer);
    }
  });

  it('gives a waiting card the grant scopes the call offers, and none when grants are refused', () => {
    const scopes = [
      { scope: 'file', label: 'this file', description: 'writes to src/a.ts (file)' },
      { scope: 'folder', label: 'folder src/**', description: 'writes under src/** (folder)' },
    ] as const;
    for (const [sessionGrant, expected] of [
      [{ allowed: true, description: 'writes to src/a.ts (file)', scopes }, scopes],
      [{ allowed: false, description: 'Writes to protected paths always ask.' }, []],
    ] as const) {
      const { transcript, presenter } = setup();
      presenter.onEvent({ type: 'tool_proposed', callId: 'c1', tool: 'write_file', input: { path: 'src/a.ts', content: 'hi' } });
      presenter.approvalRequested({
        callId: 'c1',
        tool: 'write_file',
        input: {},
        decision: { decision: 'ask', reason: 'needs-approval', rule: null, message: 'asks' },
        plan: { kind: 'invalid', tool: 'write_file', error: 'x' },
        sessionGrant,
      } as unknown as Parameters<typeof presenter.approvalRequested>[0]);
      const i = transcript.items()[0];
      assert.deepEqual(i?.kind === 'tool' ? i.card.grants : undefined, expected);
    }
  });

  it('marks a waiting proposal edited by the person live, and unmarks it when the edit is undone', () => {
    const { transcript, presenter } = setup();
    presenter.onEvent({ type: 'tool_proposed', callId: 'c1', tool: 'write_file', input: { path: 'a.txt', content: 'hi' } });
    presenter.onEvent({
      type: 'tool_decided',
      callId: 'c1',
      tool: 'write_file',
      decision: 'ask',
      reason: 'needs-approval',
      rule: null,
      message: 'asks',
    });
    presenter.approvalRequested({
      callId: 'c1',
      tool: 'write_file',
      input: {},
      decision: { decision: 'ask', reason: 'needs-approval', rule: null, message: 'asks' },
      plan: { kind: 'invalid', tool: 'write_file', error: 'x' },
      sessionGrant: { allowed: false, description: 'no' },
    } as unknown as Parameters<typeof presenter.approvalRequested>[0]);
    const edited = () => {
      const i = transcript.items()[0];
      return i?.kind === 'tool' ? i.card.edited : undefined;
    };
    presenter.proposalEdited('c1', true);
    assert.equal(edited(), true);
    presenter.proposalEdited('c1', false);
    assert.equal(edited(), false);
    presenter.onEvent({ type: 'tool_answered', callId: 'c1', answer: 'approve', note: '' });
    presenter.proposalEdited('c1', true);
    assert.equal(edited(), false, 'a card no longer waiting is not changed by a late edit');
  });

  it('keeps why it asked after an approval, and drops it when the person ran their own command instead', () => {
    for (const [answered, why] of [
      [{ type: 'tool_answered', callId: 'c1', answer: 'approve', note: '' }, "Asks: 'touch model.txt' is not in warden.commands.allow"],
      [
        { type: 'tool_answered', callId: 'c1', answer: 'approve-edited', note: 'ran instead', edited: { command: 'touch edited.txt' } },
        null,
      ],
    ] as const) {
      const { transcript, presenter } = setup();
      presenter.onEvent({ type: 'tool_proposed', callId: 'c1', tool: 'run_command', input: { command: 'touch model.txt' } });
      presenter.approvalRequested({
        callId: 'c1',
        tool: 'run_command',
        input: { command: 'touch model.txt' },
        why: "Asks: 'touch model.txt' is not in warden.commands.allow",
        decision: { decision: 'ask', reason: 'needs-approval', rule: null, message: 'asks' },
        plan: { kind: 'invalid', tool: 'run_command', error: 'x' },
        sessionGrant: { allowed: false, description: 'no' },
      } as unknown as Parameters<typeof presenter.approvalRequested>[0]);
      presenter.onEvent(answered);
      const item = transcript.items()[0];
      assert.ok(item?.kind === 'tool');
      assert.equal(item.card.why ?? null, why, answered.answer);
    }
  });

  it('keeps a rejected call rejected when its result arrives', () => {
    const { transcript, presenter } = setup();
    presenter.onEvent({ type: 'tool_proposed', callId: 'c1', tool: 'delete_file', input: { path: 'a.txt' } });
    presenter.onEvent({
      type: 'tool_decided',
      callId: 'c1',
      tool: 'delete_file',
      decision: 'ask',
      reason: 'needs-approval',
      rule: null,
      message: 'asks',
    });
    presenter.onEvent({ type: 'tool_answered', callId: 'c1', answer: 'reject', note: 'no' });
    presenter.onEvent({ type: 'tool_result', callId: 'c1', tool: 'delete_file', isError: true, status: 'rejected', preview: 'rejected' });
    const item = transcript.items()[0];
    assert.ok(item?.kind === 'tool');
    assert.equal(item.card.status, 'rejected');
  });

  it('leads a person with no valid key to the set-key command', () => {
    const { transcript, presenter } = setup();
    presenter.onEvent({
      type: 'done',
      outcome: { status: 'error', message: 'The API key was refused.', turns: 1, usage, costUsd: 0, errorKind: 'auth' },
    });
    const item = transcript.items()[0];
    assert.ok(item?.kind === 'notice');
    assert.equal(item.action, 'setApiKey');
  });

  const summaries: [string, unknown, string][] = [
    ['read_file', { path: 'src/a.ts' }, 'read src/a.ts'],
    ['list_files', {}, 'list .'],
    ['search_text', { query: 'TODO', path: 'src' }, 'search "TODO" in src'],
    ['edit_file', { path: 'a.ts', old_text: 'x', new_text: 'y' }, 'edit a.ts'],
    ['fetch_url', { url: 'https://example.com' }, 'fetch https://example.com'],
  ];
  for (const [tool, input, want] of summaries) {
    it(`summarises ${tool} as "${want}"`, () => assert.equal(summarizeCall(tool, input), want));
  }
});

describe('chat presenter: thinking and retries', () => {
  it('shows thinking as one live row per model call, ended when text or the next turn begins', () => {
    const { transcript, presenter, posted } = setup();
    const events: AgentEvent[] = [
      { type: 'turn_start', turn: 1 },
      { type: 'thinking_delta', text: 'Plan ' },
      { type: 'thinking_delta', text: 'it.' },
      { type: 'thinking_redacted' },
      { type: 'text_delta', text: 'Answer' },
      { type: 'turn_start', turn: 2 },
      { type: 'thinking_delta', text: 'Again' },
    ];
    events.forEach((e) => presenter.onEvent(e));
    assert.deepEqual(
      transcript
        .items()
        .map((i) =>
          i.kind === 'thinking' ? ['thinking', i.text, i.redacted, i.live] : i.kind === 'assistant' ? ['assistant', i.text] : [i.kind],
        ),
      [
        ['thinking', 'Plan it.', 1, false],
        ['assistant', 'Answer'],
        ['thinking', 'Again', 0, true],
      ],
    );
    assert.ok(
      posted.some((m) => m.type === 'thinkingDelta' && m.text === 'it.'),
      'deltas stream to the view',
    );
  });

  it('on a retry takes back what the failed attempt streamed and says "retrying in N s (attempt k of n)"', () => {
    const { transcript, presenter, posted } = setup();
    presenter.onEvent({ type: 'turn_start', turn: 1 });
    presenter.onEvent({ type: 'thinking_delta', text: 'half' });
    presenter.onEvent({ type: 'text_delta', text: 'partial' });
    presenter.onEvent({
      type: 'model_retry',
      attempt: 2,
      maxAttempts: 5,
      delayMs: 3000,
      why: 'The API is overloaded (529: Overloaded).',
      kind: 'overloaded',
    });
    presenter.onEvent({ type: 'text_delta', text: 'whole' });
    const kinds = transcript.items().map((i) => (i.kind === 'assistant' ? i.text : i.kind === 'notice' ? i.text : i.kind));
    assert.deepEqual(kinds, [
      'The API is overloaded — retrying in 3 s (attempt 2 of 5). The API is overloaded (529: Overloaded).',
      'whole',
    ]);
    assert.equal(posted.filter((m) => m.type === 'remove').length, 2);
  });

  const retryNotices: [string, Parameters<typeof retryNotice>, string][] = [
    [
      'names a rate limit first',
      ['Rate limited by the API (429: slow down) (request id req_1).', 3000, 2, 4, 'rate-limit'],
      'Rate limited — retrying in 3 s (attempt 2 of 4). Rate limited by the API (429: slow down) (request id req_1).',
    ],
    [
      'names a stream cut first',
      ['The connection to http://127.0.0.1:9/ broke while the reply streamed (terminated).', 1000, 2, 5, 'network'],
      'The connection failed — retrying in 1 s (attempt 2 of 5). The connection to http://127.0.0.1:9/ broke while the reply streamed (terminated).',
    ],
    [
      'says the model call failed when the kind is unknown',
      ['The API failed (500: boom).', 400, 3, 5, undefined],
      'The model call failed — retrying in 1 s (attempt 3 of 5). The API failed (500: boom).',
    ],
  ];
  for (const [name, args, want] of retryNotices) it(`retry notice ${name}`, () => assert.equal(retryNotice(...args), want));

  const failures: [string, Partial<Extract<AgentEvent, { type: 'done' }>['outcome']>, string | null][] = [
    ['offers Retry after a model failure another attempt may cure', { status: 'error', errorKind: 'rate-limit' }, 'retry'],
    ['offers Retry after a cut stream', { status: 'error', errorKind: 'network' }, 'retry'],
    ['offers Set API Key, not Retry, after a refused key', { status: 'error', errorKind: 'auth' }, 'setApiKey'],
    ['offers no Retry after a spend limit', { status: 'error', errorKind: 'spend-limit' }, null],
    ['offers no Retry after a request the API refused as malformed', { status: 'error', errorKind: 'bad-request' }, null],
    ['offers no Retry after a stop', { status: 'cancelled' }, null],
  ];
  for (const [name, outcome, action] of failures) {
    it(name, () => {
      const { transcript, presenter } = setup();
      presenter.onEvent({ type: 'done', outcome: { status: 'error', message: 'failed', turns: 1, usage, costUsd: 0, ...outcome } });
      const last = transcript.items().at(-1);
      assert.equal(last?.kind === 'notice' ? last.action : 'no notice', action);
    });
  }

  it('offers New Chat when the task ended at the context window', () => {
    const { transcript, presenter } = setup();
    presenter.onEvent({
      type: 'done',
      outcome: {
        status: 'limit',
        message: 'Stopped: the conversation would exceed the context window. Start a New Chat to go on.',
        turns: 3,
        usage,
        costUsd: 0,
        contextFull: true,
      },
    });
    const last = transcript.items().at(-1);
    assert.equal(last?.kind === 'notice' ? last.action : null, 'newChat');
  });
});
