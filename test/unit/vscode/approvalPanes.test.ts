import './installFake';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import type { ApprovalAnswer, ApprovalRequest } from '../../../src/core/agent/approver';
import { createRedactor } from '../../../src/core/secrets/createRedactor';
import { ApprovalPanes } from '../../../src/vscode/approvals/approvalPanes';
import { DiffPane } from '../../../src/vscode/approvals/diffPane';
import { PendingApprovals } from '../../../src/vscode/approvals/pendingApprovals';
import type { PreviewPanel } from '../../../src/vscode/approvals/previewPanel';
import { PROPOSAL_SCHEME, ProposalFs } from '../../../src/vscode/approvals/proposalFs';
import { makeWorkspace } from '../agent/harness';
import { fake, fakeDocument, type FakeUri } from './fakeVscode';

const SECRET = 'sk-live-0123456789abcdef';

function writeRequest(callId: string, absolute: string, oldContent: string, newContent: string): ApprovalRequest {
  return {
    callId,
    tool: 'write_file',
    input: { path: 'config.txt', content: newContent },
    decision: { decision: 'ask', reason: 'needs-approval', rule: null, message: 'Writing config.txt needs approval.' },
    plan: {
      kind: 'write',
      tool: 'write_file',
      target: { absolute, relative: 'config.txt', root: '', exists: true, protected: false },
      oldContent,
      newContent,
      diff: '',
      summary: 'write config.txt',
    },
    sessionGrant: { allowed: true, description: 'writes to config.txt' },
    editable: 'content',
  };
}

/** The window's approval wiring with the real queue, diff pane and proposal file system. */
function panes() {
  const pending = new PendingApprovals();
  const fs = new ProposalFs();
  const notified: string[] = [];
  const diff = new DiffPane({
    fs,
    readCurrent: (abs, display) => Promise.resolve(display(readFileSync(abs, 'utf8'))),
    log: () => undefined,
  });
  const preview = {
    onAgentEvent: () => undefined,
    close: () => undefined,
    dispose: () => undefined,
    show: () => undefined,
  } as unknown as PreviewPanel;
  const approver = new ApprovalPanes({ pending, diff, preview, notify: (r) => notified.push(r.callId), log: () => undefined });
  return { pending, fs, approver, notified };
}

/** Waits until `test()` is true (asked once per turn of the event loop: it may act, like an answer). */
const until = async (test: () => boolean): Promise<void> => {
  for (let i = 0; i < 200; i++) {
    if (test()) return;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail('the condition never came true');
};

const proposedUri = (): FakeUri | undefined =>
  fake.calls
    .filter((c) => c.api === 'commands.executeCommand' && c.args[0] === 'vscode.diff')
    .map((c) => c.args[2] as FakeUri)
    .at(-1);

describe('approval panes: the edited-answer round trip', () => {
  beforeEach(() => fake.reset());

  it("an Approve from the chat card carries the person's edit of the proposed side", async () => {
    const root = makeWorkspace({ 'config.txt': 'old\n' });
    const { approver, pending, notified } = panes();
    const task = { id: 'task-1', redact: (t: string) => t };
    const answer = approver
      .forTask(task)
      .request(writeRequest('call-1', join(root, 'config.txt'), 'old\n', 'model\n'), new AbortController().signal);
    assert.deepEqual(notified, ['call-1']);
    await until(() => proposedUri() !== undefined);
    const proposed = proposedUri();
    assert.equal(proposed?.scheme, PROPOSAL_SCHEME);
    // The person edits the proposed side in the diff editor.
    if (proposed) fake.documents.push(fakeDocument(proposed, 'person\n'));
    assert.ok(pending.answer('call-1', { kind: 'approve' }, 'task-1'));
    assert.deepEqual(await answer, { kind: 'approve-edited', content: 'person\n' } satisfies ApprovalAnswer);
  });

  it('an unedited proposal is approved as it is', async () => {
    const root = makeWorkspace({ 'config.txt': 'old\n' });
    const { approver, pending } = panes();
    const answer = approver
      .forTask({ id: 't', redact: (x) => x })
      .request(writeRequest('call-2', join(root, 'config.txt'), 'old\n', 'model\n'), new AbortController().signal);
    await until(() => proposedUri() !== undefined);
    assert.ok(pending.answer('call-2', { kind: 'approve' }, 't'));
    assert.deepEqual(await answer, { kind: 'approve' });
  });

  const forSession: Array<[string, string | null, ApprovalAnswer]> = [
    ['an unedited proposal approved for its folder keeps the grant', null, { kind: 'approve-for-session', scope: 'folder' }],
    [
      'an edited proposal approved for its folder runs the edit once and grants nothing',
      'person\n',
      { kind: 'approve-edited', content: 'person\n' },
    ],
  ];
  for (const [name, edit, expected] of forSession) {
    it(name, async () => {
      const root = makeWorkspace({ 'config.txt': 'old\n' });
      const { approver, pending } = panes();
      const answer = approver
        .forTask({ id: 't', redact: (x) => x })
        .request(writeRequest('call-s', join(root, 'config.txt'), 'old\n', 'model\n'), new AbortController().signal);
      await until(() => proposedUri() !== undefined);
      const proposed = proposedUri();
      if (edit !== null && proposed) fake.documents.push(fakeDocument(proposed, edit));
      assert.ok(pending.answer('call-s', { kind: 'approve-for-session', scope: 'folder' }, 't'));
      assert.deepEqual(await answer, expected);
    });
  }

  it('"Accept for This Session…" answers with the scope the person picks, and nothing when they dismiss the pick', async () => {
    const root = makeWorkspace({ 'config.txt': 'old\n' });
    const { approver } = panes();
    const req: ApprovalRequest = {
      ...writeRequest('call-p', join(root, 'config.txt'), 'old\n', 'model\n'),
      sessionGrant: {
        allowed: true,
        description: 'writes to lib/config.txt (file)',
        scopes: [
          { scope: 'file', label: 'this file', description: 'writes to lib/config.txt (file)' },
          { scope: 'folder', label: 'folder lib/**', description: 'writes under lib/** (folder)' },
        ],
      },
    };
    let settled = false;
    const answer = approver
      .forTask({ id: 't', redact: (x) => x })
      .request(req, new AbortController().signal)
      .then((a) => ((settled = true), a));
    await until(() => proposedUri() !== undefined);
    const offered: string[][] = [];
    await approver.acceptForSession((scopes) => (offered.push(scopes.map((x) => x.description)), Promise.resolve(undefined)));
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, 'dismissing the pick answers nothing');
    await approver.acceptForSession(() => Promise.resolve('folder'));
    assert.deepEqual(await answer, { kind: 'approve-for-session', scope: 'folder' });
    assert.deepEqual(offered, [['writes to lib/config.txt (file)', 'writes under lib/** (folder)']]);
  });

  it("compares the file as it is now through the requesting task's redactor", async () => {
    // The plan showed the file redacted by the task; the file on disk holds the secret.
    const root = makeWorkspace({ 'config.txt': `key=${SECRET}\n` });
    const { approver, pending } = panes();
    const redactor = createRedactor([SECRET]);
    const answer = approver
      .forTask({ id: 'with-secret', redact: (t) => redactor.redact(t) })
      .request(
        writeRequest('call-3', join(root, 'config.txt'), 'key=[REDACTED]\n', 'key=[REDACTED]\nmore\n'),
        new AbortController().signal,
      );
    await until(() => proposedUri() !== undefined);
    assert.ok(pending.answer('call-3', { kind: 'approve' }, 'with-secret'));
    assert.deepEqual(await answer, { kind: 'approve' }, 'no false "changed on disk": the same redaction on both sides');
    assert.equal(
      fake.calls.some((c) => c.api === 'window.showWarningMessage'),
      false,
    );
  });

  it('a file changed on disk since the proposal is not written over: the call keeps waiting, or the person rejects', async () => {
    const root = makeWorkspace({ 'config.txt': 'old\n' });
    const file = join(root, 'config.txt');
    const { approver, pending } = panes();
    const answer = approver
      .forTask({ id: 't', redact: (x) => x })
      .request(writeRequest('call-4', file, 'old\n', 'model\n'), new AbortController().signal);
    await until(() => proposedUri() !== undefined);
    writeFileSync(file, 'changed by someone\n');
    assert.ok(pending.answer('call-4', { kind: 'approve' }, 't'));
    await until(() => fake.calls.some((c) => c.api === 'window.showWarningMessage'));
    // The warning was dismissed: nothing is written, the call still waits.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(pending.size, 1);
    // Approving again shows the warning again; this time the person rejects from it.
    fake.warningAnswer = 'Reject (agent re-reads)';
    await until(() => pending.answer('call-4', { kind: 'approve' }, 't'));
    await until(() => pending.size === 0);
    assert.equal(readFileSync(file, 'utf8'), 'changed by someone\n');
    const got = await answer;
    assert.equal(got.kind, 'reject');
    assert.match(got.kind === 'reject' ? (got.feedback ?? '') : '', /changed on disk/);
  });
});
