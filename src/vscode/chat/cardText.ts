import type { ToolCard } from './protocol';

/**
 * The words of a chat card that are not its raw facts: the line saying what
 * happened and by whose decision, and the label a screen reader announces for
 * the card. Pure, shared by the webview.
 */

const STATUS: Record<ToolCard['status'], string> = {
  pending: 'Waiting for the guard',
  'awaiting-approval': 'Waiting for your approval',
  running: 'Running',
  done: 'Done',
  denied: 'Denied: nothing ran',
  rejected: 'Rejected: nothing ran',
  failed: 'Failed',
  cancelled: 'Stopped',
};

/** Whose decision it was, in words; empty while nobody has decided. */
export function deciderText(card: Pick<ToolCard, 'approver' | 'rule' | 'status'>): string {
  switch (card.approver) {
    case 'rule':
      return card.rule ? `by rule ${card.rule}` : 'by the policy';
    case 'person':
      return card.status === 'rejected' ? 'by you' : 'approved by you';
    case 'person-edited':
      return 'approved by you, with your edit';
    case 'session-grant':
      return 'by your grant for this session';
    case null:
      return '';
  }
}

/** The card's truth line: the outcome, then whose decision (`Done · approved by you, with your edit`); a waiting proposal the person changed says so. */
export function cardTruth(card: Pick<ToolCard, 'approver' | 'rule' | 'status' | 'edited'>): string {
  if (card.status === 'awaiting-approval' && card.edited) return `${STATUS[card.status]} · edited by you: Approve uses your version`;
  const who = deciderText(card);
  return who ? `${STATUS[card.status]} · ${who}` : STATUS[card.status];
}

/** The card's accessible name: tool, target, decision, who, outcome. */
export function cardLabel(card: ToolCard): string {
  return [`${card.tool}: ${card.summary}`, card.decision ? `decision ${card.decision}` : '', cardTruth(card)].filter(Boolean).join(', ');
}

/**
 * What a card's folded details hold, said on the disclosure that opens them
 * (`Details: output, 3 lines`): the plan while it waits, why when nothing
 * ran, the output after.
 */
export function detailsLabel(card: Pick<ToolCard, 'status' | 'outcome'>): string {
  if (card.status === 'pending' || card.status === 'awaiting-approval') return card.outcome ? 'Details: the plan' : 'Details';
  if (!card.outcome) return 'Details';
  if (card.status === 'denied' || card.status === 'rejected') return 'Details: why';
  const lines = card.outcome.split('\n').filter((l) => l.trim() !== '').length;
  return `Details: output, ${lines} line${lines === 1 ? '' : 's'}`;
}

/** What the Approve button acts on (`Approve write notes/a.md`, `Approve your edit of write notes/a.md`). */
export function approveLabel(card: Pick<ToolCard, 'summary' | 'edited'>): string {
  return `Approve ${card.edited ? 'your edit of ' : ''}${card.summary.replace(/ \(\d+ chars\)$/, '')}`;
}
