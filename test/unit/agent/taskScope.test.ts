// Two tasks of one window, run interleaved through the real agent loop, the
// real SDK against the fake Messages API, the real guard and the window's
// real approval queue: neither sees the other's redactor, grants or approvals.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runAgent, type AgentRun } from '../../../src/core/agent/agentLoop';
import { SessionGrants } from '../../../src/core/agent/sessionGrants';
import { policySnapshot, taskPolicy, type PolicySnapshot } from '../../../src/core/policy/snapshot';
import { LiveSecrets } from '../../../src/core/secrets/liveSecrets';
import { agentOptions } from '../../../src/node/agentDeps';
import { UnsandboxedRunner } from '../../../src/node/sandbox/unsandboxedRunner';
import { createPathProbe } from '../../../src/node/pathProbe';
import { baseUrlOf, createTaskScope, type TaskScope } from '../../../src/node/taskScope';
import { PendingApprovals, type PendingApproval } from '../../../src/vscode/approvals/pendingApprovals';
import { startFakeAnthropic } from '../../fixtures/fake-anthropic/server';
import { harness, makeWorkspace, memoryAudit, shellParser } from './harness';
import { toolModule } from '../../../src/core/tools/registry';
import { createRipgrepSearch } from '../../../src/node/search/ripgrep';
import { createWorkspaceFs } from '../../../src/node/workspaceFs';

const ALPHA = 'alpha-secret-1111';
const BRAVO = 'bravo-secret-2222';

async function snapshotOf(root: string, user: Record<string, unknown> = {}): Promise<PolicySnapshot> {
  return policySnapshot(
    { user },
    {
      roots: [root],
      home: homedir(),
      probe: createPathProbe(),
      shell: await shellParser(),
      sandboxAvailable: () => false,
      trusted: () => true,
    },
  );
}

function waitFor(queue: PendingApprovals, test: (list: readonly PendingApproval[]) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (test(queue.list())) return resolve();
    const sub = queue.onDidChange(() => {
      if (test(queue.list())) {
        sub.dispose();
        resolve();
      }
    });
  });
}

describe('task scope', () => {
  it('two interleaved tasks of one window keep their own redactor, grants and approvals', async () => {
    const root = makeWorkspace({});
    const snapshot = await snapshotOf(root);
    const window = { approvals: new PendingApprovals(), liveSecrets: new LiveSecrets() };
    const write = (id: string, path: string, content: string) => ({
      type: 'tool_use' as const,
      id,
      name: 'write_file',
      input: { path, content },
    });
    const fakeA = await startFakeAnthropic({
      turns: [
        { content: [write('toolu_a1', 'a.txt', 'one')] },
        { content: [write('toolu_a2', 'a.txt', 'two')] },
        { content: [{ type: 'text', text: 'A done.' }] },
      ],
    });
    const fakeB = await startFakeAnthropic({
      turns: [
        { content: [write('toolu_b1', 'b.txt', 'bee')] },
        { content: [write('toolu_b2', 'a.txt', 'from b')] },
        { content: [{ type: 'text', text: 'B done.' }] },
      ],
    });
    const audit = memoryAudit();
    const open = (secret: string, url: string): Promise<TaskScope> =>
      createTaskScope({
        policy: () => snapshot,
        secretValues: [secret],
        apiKey: 'test-key',
        grants: new SessionGrants(),
        liveSecrets: window.liveSecrets,
        sandbox: (config) => Promise.resolve({ runner: new UnsandboxedRunner({ config }), kind: 'none', state: 'none', notes: [] }),
        envBaseUrl: url,
        keyHint: 'cli',
        user: 'tester',
      });
    const a = await open(ALPHA, fakeA.url);
    const b = await open(BRAVO, fakeB.url);
    try {
      assert.notEqual(a.id, b.id);
      assert.notEqual(a.grants, b.grants);
      // While both run, the shared audit log hides both tasks' values; each task's own redactor knows only its own.
      assert.equal(window.liveSecrets.redact(`${ALPHA} ${BRAVO}`), '[REDACTED] [REDACTED]');
      assert.equal(a.redactor.redact(ALPHA), '[REDACTED]');
      assert.equal(b.redactor.redact(ALPHA), ALPHA);

      const run = (scope: TaskScope, task: string): Promise<AgentRun> =>
        runAgent(
          agentOptions(scope.settings(), task, new AbortController().signal),
          scope.agentDeps({
            audit,
            approver: window.approvals.forTask({ id: scope.id, redact: (t) => scope.redactor.redact(t) }),
            events: () => undefined,
            secretValues: () => Promise.resolve({}),
          }),
        );
      const runA = run(a, 'task A');
      const runB = run(b, 'task B');
      await waitFor(window.approvals, (l) => l.length === 2);
      const [first, second] = window.approvals.list();
      const ofA = [first, second].find((p) => p?.request.callId === 'toolu_a1');
      const ofB = [first, second].find((p) => p?.request.callId === 'toolu_b1');
      assert.ok(ofA && ofB);
      assert.equal(ofA.task.id, a.id);
      assert.equal(ofB.task.id, b.id);
      // A pane showing A's proposal redacts with A's redactor, not with the last task's.
      assert.equal(ofA.task.redact(ALPHA), '[REDACTED]');
      assert.equal(ofB.task.redact(ALPHA), ALPHA);

      // An answer keyed to task B does not reach task A's call.
      assert.equal(window.approvals.answer('toolu_a1', { kind: 'approve-for-session' }, b.id), false);
      assert.ok(window.approvals.answer('toolu_a1', { kind: 'approve-for-session' }, a.id));
      // A finishes (its second write runs on its grant) while B still waits for its person.
      const doneA = await runA;
      assert.equal(doneA.status, 'done');
      assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'two');
      assert.deepEqual(
        window.approvals.list().map((p) => p.request.callId),
        ['toolu_b1'],
      );
      assert.deepEqual(
        a.grants.list().map((g) => g.tool),
        ['write_file'],
      );
      assert.deepEqual(b.grants.list(), [], "A's session grant is not B's");

      // Leaving task B's chat rejects only B's calls.
      window.approvals.rejectAll('left the chat', new Set([b.id]));
      // B's next write, to the very file A holds a grant for, asks B's person again.
      await waitFor(window.approvals, (l) => l.some((p) => p.request.callId === 'toolu_b2'));
      assert.equal(window.approvals.list().find((p) => p.request.callId === 'toolu_b2')?.task.id, b.id);
      assert.ok(window.approvals.answer('toolu_b2', { kind: 'reject', feedback: 'not yours' }, b.id));

      const doneB = await runB;
      assert.equal(doneB.status, 'done');
      // B wrote nothing.
      assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'two');
      assert.equal(existsSync(join(root, 'b.txt')), false);
      assert.deepEqual(fakeA.invalid(), []);
      assert.deepEqual(fakeB.invalid(), []);
    } finally {
      a.close();
      assert.equal(
        window.liveSecrets.redact(`${ALPHA} ${BRAVO}`),
        `${ALPHA} [REDACTED]`,
        'a closed scope leaves the shared set; a live one stays',
      );
      b.close();
      assert.equal(window.liveSecrets.size, 0);
      await a.sandbox.runner.dispose();
      await b.sandbox.runner.dispose();
      await fakeA.close();
      await fakeB.close();
    }
  });
});

describe('task policy: a settings change during a task', () => {
  const cases: {
    name: string;
    start: Record<string, unknown>;
    now: Record<string, unknown>;
    call: { tool: string; input: unknown };
    before: string;
    after: string;
    next: string;
  }[] = [
    {
      name: 'a stricter write rule applies at the next tool call',
      start: { 'warden.paths.autoApprove': ['**'] },
      now: { 'warden.paths.autoApprove': [] },
      call: { tool: 'write_file', input: { path: 'x.txt', content: 'x' } },
      before: 'allow',
      after: 'ask',
      next: 'ask',
    },
    {
      name: 'a new deny rule applies at the next tool call',
      start: { 'warden.commands.allow': ['pwd'] },
      now: { 'warden.commands.allow': ['pwd'], 'warden.commands.deny': ['pwd'] },
      call: { tool: 'run_command', input: { command: 'pwd' } },
      before: 'ask',
      after: 'deny',
      next: 'deny',
    },
    {
      name: 'a looser write rule waits for the next task',
      start: { 'warden.paths.autoApprove': [] },
      now: { 'warden.paths.autoApprove': ['**'] },
      call: { tool: 'write_file', input: { path: 'x.txt', content: 'x' } },
      before: 'ask',
      after: 'ask',
      next: 'allow',
    },
    {
      name: 'a removed denyRead entry stays denied for the running task',
      start: { 'warden.paths.denyRead': ['notes.txt'] },
      now: { 'warden.paths.denyRead': [] },
      call: { tool: 'read_file', input: { path: 'notes.txt' } },
      before: 'deny',
      after: 'deny',
      next: 'allow',
    },
    {
      name: 'settings made invalid deny at once',
      start: {},
      now: { 'warden.paths.write': 'not a list' },
      call: { tool: 'read_file', input: { path: 'notes.txt' } },
      before: 'allow',
      after: 'deny',
      next: 'deny',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const root = makeWorkspace({ 'notes.txt': 'n' });
      const start = await snapshotOf(root, c.start);
      let current = start;
      const policy = taskPolicy(start, () => current);
      assert.equal(policy.guard.decide(c.call).decision, c.before);
      current = await snapshotOf(root, c.now);
      assert.equal(policy.guard.decide(c.call).decision, c.after);
      // The next task starts from the new snapshot alone.
      assert.equal(taskPolicy(current, () => current).guard.decide(c.call).decision, c.next);
    });
  }

  it('in a multi-root workspace each folder keeps its own policy after a change during the task', async () => {
    const app = makeWorkspace({});
    const lib = makeWorkspace({});
    const env = {
      roots: [app, lib],
      folderNames: ['app', 'lib'],
      home: homedir(),
      probe: createPathProbe(),
      shell: await shellParser(),
      sandboxAvailable: () => true,
      trusted: () => true,
    };
    const user = { 'warden.paths.autoApprove': ['**/*.txt'] };
    const folders = [{}, { 'warden.paths.autoApprove': [] }];
    const start = policySnapshot({ user, folders }, env);
    let current = start;
    const policy = taskPolicy(start, () => current);
    const write = (path: string) => policy.guard.decide({ tool: 'write_file', input: { path, content: 'x' } }).decision;
    assert.deepEqual([write('app:a.txt'), write('lib:a.txt')], ['allow', 'ask']);
    // An unrelated change, then a stricter one in app only.
    current = policySnapshot({ user: { ...user, 'warden.commands.timeoutSeconds': 30 }, folders }, env);
    assert.deepEqual([write('app:a.txt'), write('lib:a.txt')], ['allow', 'ask']);
    current = policySnapshot({ user, folders: [{ 'warden.paths.denyRead': ['a.txt'] }, folders[1]] }, env);
    assert.deepEqual([write('app:a.txt'), write('lib:a.txt')], ['deny', 'ask']);
    assert.equal(policy.settings()['warden.commands.timeoutSeconds'], 30);
  });

  it('a denyRead entry added during the task hides a file from a listing kept from before it', async () => {
    const root = makeWorkspace({ 'notes.txt': 'n', 'src/a.ts': 'a' });
    const start = await snapshotOf(root);
    let current = start;
    const policy = taskPolicy(start, () => current);
    // One search for both listings, its listings kept however recent the tree's last change.
    const tools = { fs: createWorkspaceFs(createRipgrepSearch({ index: { now: () => Date.now() + 60_000 } })) };
    const h = await harness({ root, guard: policy.guard, tools });
    const list = async (): Promise<string> => {
      const out = await toolModule('list_files').run(
        {},
        policy.guard.decide({ tool: 'list_files', input: {} }),
        h.tools,
        { signal: new AbortController().signal, approvedByPerson: false },
        null,
      );
      return out.text;
    };
    const keyBefore = policy.guard.readFilter().key;
    assert.match(await list(), /^notes\.txt$/m);
    assert.match(await list(), /^notes\.txt$/m);
    current = await snapshotOf(root, { 'warden.paths.denyRead': ['notes.txt'] });
    assert.notEqual(policy.guard.readFilter().key, keyBefore);
    const after = await list();
    assert.doesNotMatch(after, /notes\.txt/);
    assert.match(after, /^src\/a\.ts$/m);
  });

  it('the tool context reads a lowered command timeout at the next call', async () => {
    const root = makeWorkspace({});
    const start = await snapshotOf(root, { 'warden.commands.timeoutSeconds': 60 });
    let current = start;
    const policy = taskPolicy(start, () => current);
    assert.equal(policy.settings()['warden.commands.timeoutSeconds'], 60);
    current = await snapshotOf(root, { 'warden.commands.timeoutSeconds': 5 });
    assert.equal(policy.settings()['warden.commands.timeoutSeconds'], 5);
    current = await snapshotOf(root, { 'warden.commands.timeoutSeconds': 600 });
    assert.equal(policy.settings()['warden.commands.timeoutSeconds'], 5, 'a raised timeout waits for the next task');
  });
});

describe('the API endpoint has one order in the extension and the CLI', () => {
  const cases = [
    {
      user: 'https://proxy.example',
      env: 'http://127.0.0.1:1',
      want: 'https://proxy.example',
      name: 'the user setting wins over ANTHROPIC_BASE_URL',
    },
    { user: '', env: 'http://127.0.0.1:1', want: 'http://127.0.0.1:1', name: 'ANTHROPIC_BASE_URL when the setting is empty' },
    { user: '', env: undefined, want: '', name: "Anthropic's API when neither is set" },
  ];
  for (const c of cases) it(c.name, () => assert.equal(baseUrlOf(c.user, c.env), c.want));
});
