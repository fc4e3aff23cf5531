import type { ApprovalAnswer, ApprovalRequest, Approver } from '../../core/agent/approver';

/**
 * The task a request belongs to: its id keys the request (answers and
 * rejections reach only that task's calls) and its redactor is the one any
 * pane uses for text it reads itself (the file as it is now).
 */
export interface ApprovalTask {
  readonly id: string;
  readonly redact: (text: string) => string;
}

/** Requests that came without a task (tests, a single-task caller). */
export const NO_TASK: ApprovalTask = { id: '', redact: (t) => t };

export interface PendingApproval {
  readonly request: ApprovalRequest;
  readonly task: ApprovalTask;
  readonly since: number;
}

type Listener = () => void;

/**
 * Turns an answer into the one to give, before it settles: e.g. an Approve
 * from a chat card becomes approve-edited when the person edited the
 * proposed side of the diff. null means "do not answer yet" (the pane told
 * the person why); a thrown error keeps the call waiting too.
 */
export type AnswerRefiner = (pending: PendingApproval, answer: ApprovalAnswer) => Promise<ApprovalAnswer | null>;

/**
 * The approvals waiting for a person, oldest first. It is the `Approver` the
 * agent calls; the chat cards, the editor commands and the approval panes
 * answer through `answer()`. A stopped task rejects what it left waiting.
 * Every request is keyed by its task: an answer given with a task id reaches
 * only that task's call, and a new chat rejects only its own tasks' calls.
 */
export class PendingApprovals implements Approver {
  private readonly queue: { pending: PendingApproval; resolve: (a: ApprovalAnswer) => void }[] = [];
  private readonly listeners = new Set<Listener>();
  private refiner: AnswerRefiner | null = null;
  private readonly refining = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  request(request: ApprovalRequest, signal: AbortSignal, task: ApprovalTask = NO_TASK): Promise<ApprovalAnswer> {
    if (signal.aborted) return Promise.resolve({ kind: 'reject', feedback: 'The task was stopped.' });
    return new Promise<ApprovalAnswer>((resolve) => {
      const entry = { pending: { request, task, since: this.now() }, resolve };
      const onAbort = (): void => {
        this.settle(request.callId, { kind: 'reject', feedback: 'The task was stopped.' }, task.id);
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

  /**
   * Answers one pending call; false when it is no longer waiting (answered
   * twice, or stopped) or an answer to it is being refined. With a refiner,
   * true means the answer was handed to it.
   */
  answer(callId: string, answer: ApprovalAnswer, taskId?: string): boolean {
    const entry = this.find(callId, taskId);
    if (!entry || this.refining.has(callId)) return false;
    const task = entry.pending.task.id;
    if (!this.refiner) return this.settle(callId, answer, task);
    this.refining.add(callId);
    this.refiner(entry.pending, answer)
      .then((refined) => {
        if (refined) this.settle(callId, refined, task);
      })
      .catch((e: unknown) => this.onRefineError(e))
      .finally(() => this.refining.delete(callId));
    return true;
  }

  /** Sets the refiner every later answer goes through (the approval panes). */
  refineWith(refiner: AnswerRefiner | null, onError: (e: unknown) => void = () => undefined): void {
    this.refiner = refiner;
    this.onRefineError = onError;
  }

  private onRefineError: (e: unknown) => void = () => undefined;

  /** Rejects everything waiting (window closing), or only what the given tasks wait for (their chat was left). */
  rejectAll(feedback: string, taskIds?: ReadonlySet<string>): void {
    for (const e of [...this.queue]) {
      if (taskIds === undefined || taskIds.has(e.pending.task.id))
        this.settle(e.pending.request.callId, { kind: 'reject', feedback }, e.pending.task.id);
    }
  }

  /** The `Approver` one task calls: its requests carry its key and redactor. */
  forTask(task: ApprovalTask): Approver {
    return { request: (request, signal) => this.request(request, signal, task) };
  }

  private find(callId: string, taskId: string | undefined): { pending: PendingApproval } | undefined {
    return this.queue.find((e) => e.pending.request.callId === callId && (taskId === undefined || e.pending.task.id === taskId));
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private settle(callId: string, answer: ApprovalAnswer, taskId: string): boolean {
    const at = this.queue.findIndex((e) => e.pending.request.callId === callId && e.pending.task.id === taskId);
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
