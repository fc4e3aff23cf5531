import './installFake';
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { AgentRun } from '../../../src/core/agent/agentLoop';
import type { ApprovalRequest } from '../../../src/core/agent/approver';
import type { AgentEvents } from '../../../src/core/agent/events';
import type { TaskOfChat, TaskStart } from '../../../src/vscode/agent/taskRunner';
import { PendingApprovals } from '../../../src/vscode/approvals/pendingApprovals';
import { ChatController } from '../../../src/vscode/chat/chatController';
import type { HostMessage } from '../../../src/vscode/chat/protocol';
import { fake } from './fakeVscode';

/** workspaceState as a Map. */
function memento(): { get(k: string): unknown; update(k: string, v: unknown): Promise<void>; data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return { data, get: (k) => data.get(k), update: (k, v) => (data.set(k, v), Promise.resolve()) };
}

/** A task the test drives: it emits what it is told and ends when told. */
interface HeldTask {
  readonly task: TaskOfChat;
  readonly events: AgentEvents;
  readonly signal: AbortSignal;
  end(run: Partial<AgentRun>): void;
}

function request(callId: string): ApprovalRequest {
  return {
    callId,
    tool: 'write_file',
    input: { path: 'a.txt', content: 'x' },
    decision: { decision: 'ask', reason: 'needs-approval', rule: null, message: 'asks' },
    plan: {
      kind: 'read',
      tool: 'read_file',
      target: { absolute: '/ws/a.txt', relative: 'a.txt', root: '/ws', exists: false, protected: false },
      summary: 'a.txt',
    },
    sessionGrant: { allowed: true, description: 'writes to a.txt' },
    editable: null,
  };
}

function setup() {
  const storage = memento();
  const approvals = new PendingApprovals();
  const tasks: HeldTask[] = [];
  const posted: HostMessage[] = [];
  const chat = new ChatController({
    storage,
    approvals,
    runTask: (task, _text, _history, events, signal) =>
      new Promise<TaskStart>((resolve) => {
        tasks.push({
          task,
          events,
          signal,
          end: (run) =>
            resolve({ ok: true, run: { status: 'done', message: 'ok', turns: 1, costUsd: 0, messages: [], ...run } as AgentRun }),
        });
      }),
    baseState: () =>
      Promise.resolve({
        trusted: true,
        sandbox: 'sandboxed',
        model: 'claude-sonnet-5-5',
        apiKeySet: true,
        policyProblems: [],
        ignoredWorkspaceValues: [],
        ruleWarnings: [],
        ignoredUserValues: [],
        managedPolicy: [],
      }),
    limits: () => Promise.resolve({ maxTurns: 30, maxCostUsd: 2 }),
  });
  chat.attach((m) => posted.push(m));
  const started = async (n: number): Promise<HeldTask> => {
    while (tasks.length < n) await new Promise((r) => setImmediate(r));
    const t = tasks[n - 1];
    assert.ok(t);
    return t;
  };
  return { chat, storage, approvals, tasks, posted, started };
}

const userText = { role: 'user' as const, content: [{ type: 'text' as const, text: 'old chat' }] };

describe('chat controller', () => {
  beforeEach(() => fake.reset());

  it('gives each task its own key and the chat grants; New Chat ends the grants', async () => {
    const { chat, started } = setup();
    void chat.handlers.send({ type: 'send', text: 'one' });
    const first = await started(1);
    assert.equal(first.task.grants, chat.grants);
    chat.grants.add({ key: 'write\u0000/ws/a.txt', tool: 'write_file', scope: 'file', description: 'writes to a.txt' });
    first.end({});
    await new Promise((r) => setImmediate(r));
    void chat.handlers.send({ type: 'send', text: 'two' });
    const second = await started(2);
    assert.notEqual(second.task.id, first.task.id);
    assert.equal(second.task.grants.list().length, 1, 'tasks of one chat share its grants');
    second.end({});
    await chat.newChat();
    assert.deepEqual(chat.grants.list(), [], 'a new chat starts with no grants');
    assert.notEqual(chat.grants, second.task.grants);
  });

  it('a task of a chat the person left writes nothing to the new chat, its view or its saved history', async () => {
    const { chat, storage, posted, started } = setup();
    void chat.handlers.send({ type: 'send', text: 'old' });
    const old = await started(1);
    await chat.newChat();
    assert.equal(old.signal.aborted, true, 'New Chat stops the running task');
    const before = posted.length;
    // The old task winds down after New Chat: late text and its result.
    old.events({ type: 'text_delta', text: 'late words from the old chat' });
    old.end({ messages: [userText] });
    await new Promise((r) => setImmediate(r));
    assert.equal(
      posted.slice(before).some((m) => JSON.stringify(m).includes('late words')),
      false,
    );
    assert.deepEqual(storage.data.get('warden.chat.messages.v1'), [], 'the old history is not saved into the new chat');
    assert.equal(JSON.stringify(storage.data.get('warden.chat.transcript.v1') ?? []).includes('late words'), false);
    // And the new chat takes a task at once.
    void chat.handlers.send({ type: 'send', text: 'new' });
    const next = await started(2);
    next.events({ type: 'text_delta', text: 'fresh words' });
    next.end({ messages: [userText] });
    await new Promise((r) => setImmediate(r));
    assert.ok(posted.some((m) => JSON.stringify(m).includes('fresh words')));
    assert.deepEqual(storage.data.get('warden.chat.messages.v1'), [userText]);
  });

  it("a chat card answers only the running task's call; New Chat rejects only this chat's calls", async () => {
    const { chat, approvals, started } = setup();
    void chat.handlers.send({ type: 'send', text: 'mine' });
    const mine = await started(1);
    const other = approvals.forTask({ id: 'task-of-another-chat', redact: (t) => t }).request(request('c-1'), new AbortController().signal);
    const own = approvals.forTask({ id: mine.task.id, redact: (t) => t }).request(request('c-1'), mine.signal);
    assert.equal(approvals.size, 2);
    void chat.handlers.approval({ type: 'approval', id: 'c-1', answer: 'approve' });
    assert.deepEqual(await own, { kind: 'approve' });
    assert.deepEqual(
      approvals.list().map((p) => p.task.id),
      ['task-of-another-chat'],
      "the other task's call with the same id still waits",
    );
    const second = approvals.forTask({ id: mine.task.id, redact: (t) => t }).request(request('c-2'), mine.signal);
    await chat.newChat();
    assert.equal((await second).kind, 'reject');
    assert.deepEqual(
      approvals.list().map((p) => p.task.id),
      ['task-of-another-chat'],
    );
    approvals.rejectAll('done');
    assert.equal((await other).kind, 'reject');
    mine.end({});
  });

  it("a card's grant button answers approve-for-session with the scope it names", async () => {
    const { chat, approvals, started } = setup();
    void chat.handlers.send({ type: 'send', text: 'mine' });
    const mine = await started(1);
    const own = approvals.forTask({ id: mine.task.id, redact: (t) => t }).request(request('c-g'), mine.signal);
    void chat.handlers.approval({ type: 'approval', id: 'c-g', answer: 'approve-for-session', scope: 'folder' });
    assert.deepEqual(await own, { kind: 'approve-for-session', scope: 'folder' });
    mine.end({});
  });

  it('opens only http(s) links from the chat, through VS Code', async () => {
    const { chat } = setup();
    await chat.handlers.openLink({ type: 'openLink', href: 'https://example.com/docs' });
    await chat.handlers.openLink({ type: 'openLink', href: 'command:workbench.action.terminal.new' });
    assert.deepEqual(
      fake.calls.map((c) => [c.api, String(c.args[0])]),
      [
        ['env.openExternal', 'https://example.com/docs'],
        ['window.showWarningMessage', 'Warden: not opening a command: link from the chat.'],
      ],
    );
  });
});
