import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approveLabel, cardLabel, cardTruth, detailsLabel } from '../../../src/vscode/chat/cardText';
import type { ToolCard } from '../../../src/vscode/chat/protocol';

const base: ToolCard = {
  id: 'c1',
  tool: 'run_command',
  summary: 'run: ls',
  decision: 'ask',
  reason: null,
  rule: null,
  approver: null,
  status: 'pending',
  outcome: null,
};

describe('chat card words', () => {
  const truths: [Partial<ToolCard>, string][] = [
    [{ status: 'awaiting-approval' }, 'Waiting for your approval'],
    [{ status: 'done', approver: 'person' }, 'Done · approved by you'],
    [{ status: 'done', approver: 'person-edited' }, 'Done · approved by you, with your edit'],
    [{ status: 'done', approver: 'session-grant' }, 'Done · by your grant for this session'],
    [{ status: 'done', approver: 'rule', rule: 'warden.commands.allow: ls' }, 'Done · by rule warden.commands.allow: ls'],
    [{ status: 'denied', approver: 'rule', rule: null }, 'Denied: nothing ran · by the policy'],
    [{ status: 'rejected', approver: 'person' }, 'Rejected: nothing ran · by you'],
    [{ status: 'failed', approver: 'person' }, 'Failed · approved by you'],
    [{ status: 'awaiting-approval', edited: true }, 'Waiting for your approval · edited by you: Approve uses your version'],
    [{ status: 'awaiting-approval', edited: false }, 'Waiting for your approval'],
    [{ status: 'done', approver: 'person-edited', edited: true }, 'Done · approved by you, with your edit'],
  ];
  for (const [patch, want] of truths) {
    it(`says "${want}"`, () => assert.equal(cardTruth({ ...base, ...patch }), want));
  }

  it('labels a card for a screen reader with tool, target, decision, who and outcome', () => {
    assert.equal(
      cardLabel({ ...base, status: 'done', approver: 'person-edited' }),
      'run_command: run: ls, decision ask, Done · approved by you, with your edit',
    );
  });

  it('names what Approve acts on, without the size note', () => {
    assert.equal(approveLabel({ summary: 'write src/cli.mjs (120 chars)' }), 'Approve write src/cli.mjs');
    assert.equal(approveLabel({ summary: 'run: npm test' }), 'Approve run: npm test');
    assert.equal(approveLabel({ summary: 'write src/cli.mjs (120 chars)', edited: true }), 'Approve your edit of write src/cli.mjs');
  });

  const details: [Partial<ToolCard>, string][] = [
    [{ status: 'awaiting-approval', outcome: 'Why it asks: …\nCommand: ls' }, 'Details: the plan'],
    [{ status: 'pending' }, 'Details'],
    [{ status: 'denied', outcome: 'sudo is denied by warden.commands.deny' }, 'Details: why'],
    [{ status: 'rejected', outcome: 'The person rejected this call.' }, 'Details: why'],
    [{ status: 'done', outcome: 'exit 0\na\n\nb\n' }, 'Details: output, 3 lines'],
    [{ status: 'failed', outcome: 'exit 1' }, 'Details: output, 1 line'],
    [{ status: 'done', outcome: null }, 'Details'],
  ];
  for (const [patch, want] of details) {
    it(`says what its folded details hold: "${want}" (${patch.status})`, () => assert.equal(detailsLabel({ ...base, ...patch }), want));
  }
});
