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
    assert.deepEqual(p.list().map((x) => x.request.callId), ['a', 'b']);
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
