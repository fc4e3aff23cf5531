import type { ApprovalAnswer, ApprovalRequest, Approver } from '../../core/agent/approver';

export interface PendingApproval {
  readonly request: ApprovalRequest;
  readonly since: number;
}

type Listener = () => void;

/**
 * The approvals waiting for a person, oldest first. It is the `Approver` the
 * agent calls; the chat cards, the editor commands and the approval panes
 * answer through `answer()`. A stopped task rejects what it left waiting.
 */
export class PendingApprovals implements Approver {
  private readonly queue: { pending: PendingApproval; resolve: (a: ApprovalAnswer) => void }[] = [];
  private readonly listeners = new Set<Listener>();

  constructor(private readonly now: () => number = Date.now) {}

  request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer> {
    if (signal.aborted) return Promise.resolve({ kind: 'reject', feedback: 'The task was stopped.' });
    return new Promise<ApprovalAnswer>((resolve) => {
      const entry = { pending: { request, since: this.now() }, resolve };
      const onAbort = (): void => {
        this.settle(request.callId, { kind: 'reject', feedback: 'The task was stopped.' });
      };
      signal.addEventListener('abort', onAbort, { once: true });
      entry.resolve = (a) => {
        signal.removeEventListener('abort', onAbort);
        resolve(a);
      };
      this.queue.push(entry);
      this.changed();
    });
  }

  list(): readonly PendingApproval[] {
    return this.queue.map((e) => e.pending);
  }

  get size(): number {
    return this.queue.length;
  }

  oldest(): PendingApproval | undefined {
    return this.queue[0]?.pending;
  }

  /** Answers one pending call; false when it is no longer waiting (answered twice, or stopped). */
  answer(callId: string, answer: ApprovalAnswer): boolean {
    return this.settle(callId, answer);
  }

  /** Rejects everything waiting (new chat, window closing). */
  rejectAll(feedback: string): void {
    for (const e of [...this.queue]) this.settle(e.pending.request.callId, { kind: 'reject', feedback });
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private settle(callId: string, answer: ApprovalAnswer): boolean {
    const at = this.queue.findIndex((e) => e.pending.request.callId === callId);
    if (at < 0) return false;
    const [entry] = this.queue.splice(at, 1);
    entry?.resolve(answer);
    this.changed();
    return true;
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
