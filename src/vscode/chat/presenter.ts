import type { AgentEvent } from '../../core/agent/events';
import type { ApprovalRequest } from '../../core/agent/approver';
import type { ModelErrorKind } from '../../core/agent/model';
import type { ChatItem, HostMessage, NoticeAction, ToolCard } from './protocol';
import { planText } from './planText';
import { summarizeBuiltin } from '../../core/tools/registry';
import type { Transcript } from './transcript';

/** One line saying what a call does, from its (already sanitised) input: the tool entry's own summary. */
export function summarizeCall(tool: string, input: unknown): string {
  return summarizeBuiltin(tool, input);
}

/** What failed, in a few words, by the kind of model error. */
const RETRY_HEADLINE: Partial<Record<ModelErrorKind, string>> = {
  'rate-limit': 'Rate limited',
  overloaded: 'The API is overloaded',
  network: 'The connection failed',
  incomplete: 'The reply was cut off',
};

/** What the chat says while a failed model call waits for its next attempt: what failed, when the next attempt goes, then the details (endpoint, request id). */
export function retryNotice(why: string, delayMs: number, attempt: number, maxAttempts: number, kind?: ModelErrorKind): string {
  const headline = (kind && RETRY_HEADLINE[kind]) ?? 'The model call failed';
  return `${headline} — retrying in ${Math.max(1, Math.round(delayMs / 1000))} s (attempt ${attempt} of ${maxAttempts}). ${why}`;
}

/**
 * Turns the agent's events into chat items: streamed text, one card per tool
 * call (decision, rule, approver, outcome), notices. It keeps the transcript
 * and the webview in step; it knows nothing of VS Code.
 */
export class ChatPresenter {
  private turn = 0;
  private textId: string | null = null;
  private thinkingId: string | null = null;
  /** Text and thinking items of the model call in progress: a retry takes them back. */
  private attemptItems: string[] = [];
  private readonly cards = new Map<string, ToolCard>();

  constructor(
    private readonly transcript: Transcript,
    private readonly post: (m: HostMessage) => void,
    private readonly newId: () => string,
  ) {}

  user(text: string): void {
    this.show({ kind: 'user', id: this.newId(), text });
  }

  notice(level: 'info' | 'warning' | 'error', text: string, action: NoticeAction | null = null): void {
    this.show({ kind: 'notice', id: this.newId(), level, text, action });
  }

  /** A call now waits for a person: the card shows what would happen, with Approve / Reject. */
  approvalRequested(req: ApprovalRequest): void {
    const grants = req.sessionGrant.allowed
      ? (req.sessionGrant.scopes ?? []).map(({ scope, label, description }) => ({ scope, label, description }))
      : [];
    this.updateCard(req.callId, { status: 'awaiting-approval', outcome: planText(req), why: req.why ?? null, grants });
  }

  /** The person's side of a waiting proposal now differs from the model's (or no longer does). */
  proposalEdited(callId: string, edited: boolean): void {
    const card = this.cards.get(callId);
    if (!card || card.status !== 'awaiting-approval' || (card.edited ?? false) === edited) return;
    this.updateCard(callId, { edited });
  }

  onEvent(e: AgentEvent): void {
    switch (e.type) {
      case 'turn_start':
        this.endThinking();
        this.turn = e.turn;
        this.textId = null;
        this.attemptItems = [];
        break;
      case 'thinking_delta':
      case 'thinking_redacted': {
        const fresh = !this.thinkingId;
        if (!this.thinkingId) {
          this.thinkingId = `${this.newId()}-k${this.turn}`;
          this.attemptItems.push(this.thinkingId);
        }
        this.transcript.appendThinking(this.thinkingId, e.type === 'thinking_delta' ? e.text : '', e.type === 'thinking_redacted' ? 1 : 0);
        const item = this.transcript.get(this.thinkingId);
        if (fresh || e.type === 'thinking_redacted') {
          if (item) this.post({ type: 'item', item });
        } else if (e.type === 'thinking_delta') this.post({ type: 'thinkingDelta', id: this.thinkingId, text: e.text });
        break;
      }
      case 'text_delta': {
        this.endThinking();
        if (!this.textId) {
          this.textId = `${this.newId()}-t${this.turn}`;
          this.attemptItems.push(this.textId);
        }
        this.transcript.appendText(this.textId, e.text);
        const item = this.transcript.get(this.textId);
        if (item?.kind === 'assistant' && item.text === e.text) this.post({ type: 'item', item });
        else this.post({ type: 'textDelta', id: this.textId, text: e.text });
        break;
      }
      case 'tool_proposed':
        this.endThinking();
        this.textId = null;
        this.cards.set(e.callId, {
          id: e.callId,
          tool: e.tool,
          summary: e.summary ?? summarizeCall(e.tool, e.input),
          decision: null,
          reason: null,
          rule: null,
          approver: null,
          status: 'pending',
          outcome: null,
        });
        this.updateCard(e.callId, {});
        break;
      case 'tool_decided':
        this.updateCard(e.callId, {
          decision: e.decision,
          reason: e.reason,
          rule: e.rule,
          approver: e.decision === 'ask' ? null : 'rule',
          status: e.decision === 'deny' ? 'denied' : e.decision === 'allow' ? 'running' : 'pending',
          outcome: e.decision === 'deny' ? e.message : null,
        });
        break;
      case 'tool_answered': {
        // The card shows what runs: the person's edit, not the model's proposal.
        const summary = this.cards.get(e.callId)?.summary ?? '';
        const edited = !e.edited
          ? {}
          : 'command' in e.edited
            ? // Why it asked was about the model's command, which did not run.
              { summary: `run: ${e.edited.command}`, why: null }
            : { summary: `${summary.replace(/ \(\d+ chars\)$/, '')} (${e.edited.chars} chars, your version)` };
        const approver = e.answer === 'session-grant' ? 'session-grant' : e.edited ? 'person-edited' : 'person';
        this.updateCard(e.callId, { ...edited, approver, status: e.answer === 'reject' ? 'rejected' : 'running', outcome: e.note || null });
        break;
      }
      case 'tool_output':
        break;
      case 'tool_result': {
        const card = this.cards.get(e.callId);
        const status: ToolCard['status'] =
          card?.status === 'denied' || card?.status === 'rejected'
            ? card.status
            : e.status === 'cancelled'
              ? 'cancelled'
              : e.isError
                ? 'failed'
                : 'done';
        this.updateCard(e.callId, { status, outcome: e.preview.slice(0, 2000) || null });
        break;
      }
      case 'model_retry': {
        // What the failed attempt streamed is void: take it back before the next attempt.
        for (const id of this.attemptItems) {
          this.transcript.remove(id);
          this.post({ type: 'remove', id });
        }
        this.attemptItems = [];
        this.textId = null;
        this.thinkingId = null;
        this.notice('info', retryNotice(e.why, e.delayMs, e.attempt, e.maxAttempts, e.kind));
        break;
      }
      case 'usage':
        break;
      case 'checkpoint':
        if (e.files.length)
          this.show({
            kind: 'checkpoint',
            id: `cp-${e.checkpointId.slice(0, 12)}`,
            taskId: e.taskId,
            checkpointId: e.checkpointId,
            step: e.step,
            files: [...e.files],
          });
        break;
      case 'warning':
        this.notice('warning', e.message);
        break;
      case 'done':
        this.endThinking();
        if (e.outcome.status !== 'done') {
          const level = e.outcome.status === 'cancelled' ? 'info' : 'error';
          const kind = e.outcome.errorKind;
          // A failure another attempt may cure offers Retry; a key, a model or a full context needs the person first.
          const action =
            kind === 'auth'
              ? 'setApiKey'
              : e.outcome.contextFull
                ? 'newChat'
                : kind === 'not-found'
                  ? 'openSettings'
                  : e.outcome.status === 'error' && kind !== 'spend-limit' && kind !== 'bad-request' && kind !== 'cancelled'
                    ? 'retry'
                    : null;
          this.notice(level, e.outcome.message, action);
        }
        break;
    }
  }

  /** The live thinking row ends when text, a tool call or the next turn begins. */
  private endThinking(): void {
    const item = this.thinkingId ? this.transcript.get(this.thinkingId) : undefined;
    this.thinkingId = null;
    if (item?.kind === 'thinking' && item.live) this.show({ ...item, live: false });
  }

  private updateCard(id: string, patch: Partial<ToolCard>): void {
    const base = this.cards.get(id) ?? {
      id,
      tool: '?',
      summary: '',
      decision: null,
      reason: null,
      rule: null,
      approver: null,
      status: 'pending' as const,
      outcome: null,
    };
    const card = { ...base, ...patch };
    this.cards.set(id, card);
    this.show({ kind: 'tool', id, card });
  }

  private show(item: ChatItem): void {
    this.transcript.upsert(item);
    this.post({ type: 'item', item });
  }
}
