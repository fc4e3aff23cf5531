// The approval panes' answers through the real pipeline: PendingApprovals as
// the approver, the answer the diff pane builds from chosen hunks (or the
// command preview from an edited field), the real guard, the real file system,
// and the audit event that records the person's edit.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { handleToolCall } from '../../../src/core/agent/pipeline';
import { UnsandboxedRunner } from '../../../src/node/sandbox/unsandboxedRunner';
import { commandAnswer } from '../../../src/vscode/approvals/commandProposal';
import { contentFromHunks, proposalHunks } from '../../../src/vscode/approvals/hunks';
import { PendingApprovals } from '../../../src/vscode/approvals/pendingApprovals';
import { harness, makeWorkspace } from '../agent/harness';

const signal = (): AbortSignal => new AbortController().signal;

/** Answers each request as soon as it is queued, the way a person would in the pane. */
function answering(
  p: PendingApprovals,
  decide: (req: Parameters<PendingApprovals['request']>[0]) => Parameters<PendingApprovals['answer']>[1],
): void {
  p.onDidChange(() => {
    const oldest = p.oldest();
    if (oldest) queueMicrotask(() => p.answer(oldest.request.callId, decide(oldest.request)));
  });
}

describe('edited approvals through the pipeline', () => {
  it('writes only the accepted hunk, tells the model the person edited it, and audits the edit', async () => {
    const root = makeWorkspace({ 'a.txt': 'a\nb\nc\nd\ne\nf\ng\n' });
    const pending = new PendingApprovals();
    answering(pending, (req) => {
      assert.equal(req.plan.kind, 'write');
      if (req.plan.kind !== 'write' || req.plan.newContent === null) throw new Error('not a write');
      assert.equal(proposalHunks(req.plan.oldContent, req.plan.newContent).length, 2);
      return { kind: 'approve-edited', content: contentFromHunks(req.plan.oldContent, req.plan.newContent, [0]) };
    });
    const h = { ...(await harness({ root })), approver: pending };
    const r = await handleToolCall(
      { id: 'toolu_h', name: 'write_file', input: { path: 'a.txt', content: 'a\nB\nc\nd\ne\nf\nG\n' }, inputError: null },
      h,
      signal(),
    );
    assert.equal(r.isError, false, r.content);
    assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'a\nB\nc\nd\ne\nf\ng\n');
    assert.match(r.content, /The person edited the change before approving it/);
    const audited = h.auditLog.at(-1);
    assert.equal(audited?.approver, 'person');
    assert.equal(audited?.answer, 'approved-edited');
    assert.deepEqual(audited?.edits, { content: 'a\nB\nc\nd\ne\nf\ng\n' });
  });

  it('runs the command as edited in the preview, and audits the edited command', async () => {
    const root = makeWorkspace();
    const runner = new UnsandboxedRunner({ config: { writableRoots: [root], hiddenPaths: [], readOnlyPaths: [], allowedHosts: [] } });
    try {
      const pending = new PendingApprovals();
      answering(pending, (req) =>
        req.plan.kind === 'command' ? commandAnswer(req.plan.command, 'touch edited.txt', req.editable === 'command') : { kind: 'reject' },
      );
      const h = { ...(await harness({ root, runner })), approver: pending };
      const r = await handleToolCall(
        { id: 'toolu_c', name: 'run_command', input: { command: 'touch model.txt' }, inputError: null },
        h,
        signal(),
      );
      assert.equal(r.isError, false, r.content);
      assert.match(r.content, /this ran instead: touch edited\.txt/);
      const audited = h.auditLog.at(-1);
      assert.deepEqual(
        [audited?.approver, audited?.answer, audited?.edits],
        ['person', 'approved-edited', { command: 'touch edited.txt' }],
      );
    } finally {
      await runner.dispose();
    }
  });

  it('audits a rejection from the pane as the person’s, and leaves the file alone', async () => {
    const root = makeWorkspace({ 'a.txt': 'keep\n' });
    const pending = new PendingApprovals();
    answering(pending, () => ({ kind: 'reject', feedback: 'Rejected by the person.' }));
    const h = { ...(await harness({ root })), approver: pending };
    const r = await handleToolCall(
      { id: 'toolu_r', name: 'write_file', input: { path: 'a.txt', content: 'gone\n' }, inputError: null },
      h,
      signal(),
    );
    assert.equal(r.isError, true);
    assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'keep\n');
    assert.deepEqual([h.auditLog.at(-1)?.approver, h.auditLog.at(-1)?.answer], ['person', 'rejected']);
  });
});
