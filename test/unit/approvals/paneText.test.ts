import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../../../src/core/agent/approver';
import type { ToolPlan } from '../../../src/core/tools/tool';
import { confirmationText, proposalTitle, type WritePlan } from '../../../src/vscode/approvals/paneText';

const target = (relative: string, prot = false) => ({ absolute: `/ws/${relative}`, relative, root: '/ws', exists: true, protected: prot });
const ask = { decision: 'ask', reason: 'needs-approval', rule: 'warden.paths.protected: .vscode/**', message: 'Protected path.' } as const;
const request = (input: unknown, plan: ToolPlan, tool = 'write_file'): ApprovalRequest => ({
  callId: 'c1',
  tool,
  input,
  decision: ask,
  plan,
  sessionGrant: { allowed: false, description: 'no' },
  editable: 'content',
});
const write = (relative: string, prot = false, oldContent: string | null = 'a'): WritePlan => ({
  kind: 'write',
  tool: 'write_file',
  target: target(relative, prot),
  oldContent,
  newContent: 'b',
  diff: '',
  summary: '',
});

describe('approval pane texts', () => {
  it('names the resolved target of a symlinked write, and what the model asked for', () => {
    const plan = write('real/target.txt');
    assert.equal(
      proposalTitle(request({ path: 'link.txt' }, plan), plan),
      'Warden proposal: real/target.txt (asked: link.txt) — current ↔ proposed',
    );
  });

  it('marks a protected path in the diff title', () => {
    const plan = write('.vscode/settings.json', true);
    assert.match(
      proposalTitle(request({ path: '.vscode/settings.json' }, plan), plan),
      /^⚠ PROTECTED Warden proposal: \.vscode\/settings\.json — current ↔ proposed$/,
    );
  });

  it('says "new file" when there is no current content', () => {
    const plan = write('n.txt', false, null);
    assert.match(proposalTitle(request({ path: 'n.txt' }, plan), plan), /— new file$/);
  });

  it('asks to confirm a delete by its resolved absolute path and the rule', () => {
    const plan: ToolPlan = { ...write('real/x.txt'), newContent: null, tool: 'delete_file' };
    const t = confirmationText(request({ path: 'link' }, plan, 'delete_file'));
    assert.ok(t);
    assert.equal(t.message, 'Delete real/x.txt?');
    assert.match(t.detail, /\/ws\/real\/x\.txt/);
    assert.match(t.detail, /rule: warden\.paths\.protected/);
    assert.equal(t.action, 'Delete');
  });

  it('asks to confirm a fetch by the exact URL and host, flagging hidden characters in it', () => {
    const url = 'https://exa<U+200B>mple.com/p?q=1';
    const t = confirmationText(request({ url }, { kind: 'fetch', tool: 'fetch_url', url, host: 'example.com', summary: '' }, 'fetch_url'));
    assert.ok(t);
    assert.ok(t.message.includes(url));
    assert.match(t.detail, /Host: example\.com/);
    assert.match(t.detail, /1 hidden character \(zero-width\)/);
  });

  it('leaves writes with content and commands to their panes', () => {
    assert.equal(confirmationText(request({}, write('a.txt'))), null);
  });
});
