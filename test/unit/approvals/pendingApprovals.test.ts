import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../../../src/core/agent/approver';
import { PendingApprovals } from '../../../src/vscode/approvals/pendingApprovals';

const req = (callId: string): ApprovalRequest => ({
  callId,
  tool: 'write_file',
  input: { path: 'a.txt', content: 'x' },
  decision: { decision: 'ask', reason: 'needs-approval', rule: null, message: 'asks' },
  plan: { kind: 'fetch', tool: 'fetch_url', url: 'https://example.com', host: 'example.com', summary: 'fetch' },
  sessionGrant: { allowed: false, description: 'no' },
  editable: null,
});

describe('pending approvals', () => {
  it('queues requests oldest first and resolves each with its own answer', async () => {
    const p = new PendingApprovals();
    const signal = new AbortController().signal;
    const a = p.request(req('a'), signal);
    const b = p.request(req('b'), signal);
    assert.deepEqual(
      p.list().map((x) => x.request.callId),
      ['a', 'b'],
    );
    assert.ok(p.answer('b', { kind: 'reject', feedback: 'no' }));
    assert.ok(p.answer('a', { kind: 'approve' }));
    assert.deepEqual(await a, { kind: 'approve' });
    assert.deepEqual(await b, { kind: 'reject', feedback: 'no' });
    assert.equal(p.size, 0);
  });

  it('refuses a second answer to the same call', async () => {
    const p = new PendingApprovals();
    const a = p.request(req('a'), new AbortController().signal);
    assert.ok(p.answer('a', { kind: 'approve' }));
    assert.equal(p.answer('a', { kind: 'reject' }), false);
    assert.deepEqual(await a, { kind: 'approve' });
  });

  it('rejects what a stopped task left waiting', async () => {
    const p = new PendingApprovals();
    const ctl = new AbortController();
    const a = p.request(req('a'), ctl.signal);
    ctl.abort();
    assert.equal((await a).kind, 'reject');
    assert.equal(p.size, 0);
  });

  it('rejects at once when the task is already stopped', async () => {
    const p = new PendingApprovals();
    const ctl = new AbortController();
    ctl.abort();
    assert.equal((await p.request(req('a'), ctl.signal)).kind, 'reject');
    assert.equal(p.size, 0);
  });

  it('tells listeners whenever the queue changes (status bar count)', async () => {
    const p = new PendingApprovals();
    const sizes: number[] = [];
    p.onDidChange(() => sizes.push(p.size));
    const a = p.request(req('a'), new AbortController().signal);
    p.rejectAll('new chat');
    await a;
    assert.deepEqual(sizes, [1, 0]);
  });
});

describe('pending approvals with a refiner (the approval panes)', () => {
  it('settles with the refined answer: an Approve from the chat carries the edit made in the pane', async () => {
    const p = new PendingApprovals();
    p.refineWith((_pending, a) => Promise.resolve(a.kind === 'approve' ? { kind: 'approve-edited', content: 'edited' } : a));
    const a = p.request(req('a'), new AbortController().signal);
    assert.ok(p.answer('a', { kind: 'approve' }));
    assert.deepEqual(await a, { kind: 'approve-edited', content: 'edited' });
    assert.equal(p.size, 0);
  });

  it('keeps the call waiting when the refiner says not yet (file changed on disk), and refuses answers while refining', async () => {
    const p = new PendingApprovals();
    let release: (v: null) => void = () => undefined;
    p.refineWith(() => new Promise((r) => (release = r)));
    void p.request(req('a'), new AbortController().signal);
    assert.ok(p.answer('a', { kind: 'approve' }));
    assert.equal(p.answer('a', { kind: 'approve' }), false, 'a second answer while the first is refined');
    release(null);
    await new Promise((r) => setImmediate(r));
    assert.equal(p.size, 1, 'still waiting');
    p.refineWith(null);
    assert.ok(p.answer('a', { kind: 'reject' }));
    assert.equal(p.size, 0);
  });

  it('reports a refiner that throws and keeps the call waiting', async () => {
    const p = new PendingApprovals();
    const errors: unknown[] = [];
    p.refineWith(
      () => Promise.reject(new Error('pane broke')),
      (e) => errors.push(e),
    );
    void p.request(req('a'), new AbortController().signal);
    p.answer('a', { kind: 'approve' });
    await new Promise((r) => setImmediate(r));
    assert.equal(p.size, 1);
    assert.match(String(errors[0]), /pane broke/);
  });
});
