import * as vscode from 'vscode';
import type { ApprovalAnswer, ApprovalRequest, Approver } from '../../core/agent/approver';
import type { AgentEvent } from '../../core/agent/events';
import { confirmByModal } from './confirmations';
import { DiffPane } from './diffPane';
import { NO_TASK, type ApprovalTask, type PendingApproval, type PendingApprovals } from './pendingApprovals';
import { PreviewPanel } from './previewPanel';
import { offerAlwaysAllow } from './alwaysAllow';
import type { RuleWriter } from '../../core/policy/suggestRules';
import type { GrantScopeKind } from '../../core/tools/tool';

export interface ApprovalPanesDeps {
  readonly pending: PendingApprovals;
  readonly diff: DiffPane;
  readonly preview: PreviewPanel;
  /** Also show the request elsewhere (the chat card). */
  readonly notify: (req: ApprovalRequest) => void;
  readonly log: (message: string) => void;
  /** Where "Always allow…" writes a rule (user settings). */
  readonly rules?: RuleWriter;
  /** The modal for deletes, fetches and reads (replaceable in tests). */
  readonly confirm?: (req: ApprovalRequest) => Promise<ApprovalAnswer>;
}

/**
 * The `Approver` the agent calls in VS Code. Requests queue in
 * `PendingApprovals` (oldest first); the oldest is shown in its pane — a diff
 * editor for writes and edits, the command preview for commands, a modal for
 * deletes, fetches and reads — and the next one opens when it is answered.
 * Answers from the chat card and the accept/reject commands go through the
 * same queue; an Approve of a diff carries the person's edits.
 */
export class ApprovalPanes implements Approver, vscode.Disposable {
  private onShow: string | null = null;
  private pumping: Promise<void> = Promise.resolve();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly deps: ApprovalPanesDeps) {
    deps.pending.refineWith(
      (p, a) => this.refine(p, a),
      (e) => deps.log(`approval: ${e instanceof Error ? e.message : String(e)}`),
    );
    this.subs.push(deps.pending.onDidChange(() => this.schedule()));
  }

  request(req: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer> {
    return this.forTask(NO_TASK).request(req, signal);
  }

  /** The `Approver` one task calls: its requests are keyed by the task and shown with its redactor. */
  forTask(task: ApprovalTask): Approver {
    const pending = this.deps.pending.forTask(task);
    return {
      request: (req, signal) => {
        const answer = pending.request(req, signal);
        this.deps.notify(req);
        return answer;
      },
    };
  }

  /** Forward every agent event here (command output, answers, results for the preview). */
  onAgentEvent(e: AgentEvent): void {
    this.deps.preview.onAgentEvent(e);
  }

  /** At start: proposal tabs the workbench restored from before a reload (their tasks are gone) close clean. */
  closeLeftovers(): Promise<void> {
    return this.deps.diff.closeOrphans();
  }

  /** A new chat: the command preview of the last chat closes (diffs close as their calls are answered). */
  newChat(): void {
    this.deps.preview.close();
  }

  /** Accept: the proposal in the active diff editor, else the oldest waiting. */
  accept(): void {
    this.answerTarget({ kind: 'approve' });
  }

  reject(): void {
    this.answerTarget({ kind: 'reject' });
  }

  /**
   * "Accept for This Session…": the proposal in the active diff editor (else
   * the oldest waiting) is accepted, and the scope the person picks — this
   * file, or its folder — is granted for the session.
   */
  async acceptForSession(pick = pickGrantScope): Promise<void> {
    const id = this.deps.diff.activeCallId() ?? this.deps.pending.oldest()?.request.callId;
    const p = this.deps.pending.list().find((x) => x.request.callId === id);
    if (!p) {
      void vscode.window.showInformationMessage('Warden: no proposal is waiting.');
      return;
    }
    const g = p.request.sessionGrant;
    if (!g.allowed) {
      void vscode.window.showInformationMessage(`Warden: no session grant is offered for this call: ${g.description}`);
      return;
    }
    const scopes = g.scopes ?? [];
    const scope = scopes.length > 0 ? await pick(scopes) : undefined;
    if (scopes.length > 0 && scope === undefined) return;
    this.deps.pending.answer(p.request.callId, { kind: 'approve-for-session', ...(scope ? { scope } : {}) });
  }

  /** Per-hunk choice for the proposal on show; confirming the choice accepts the chosen hunks. */
  async chooseHunks(): Promise<void> {
    const id = this.deps.diff.activeCallId() ?? this.deps.pending.oldest()?.request.callId;
    if (!id || !this.deps.diff.has(id)) {
      void vscode.window.showInformationMessage('Warden: no proposed file change is open.');
      return;
    }
    if (await this.deps.diff.chooseHunks(id)) this.deps.pending.answer(id, { kind: 'approve' });
  }

  /**
   * "Always allow…" for a waiting call (the one named, else the proposal in
   * the active diff editor, else the oldest): the person picks and confirms
   * a rule, it is written to user settings, and the call is approved.
   */
  async alwaysAllow(callId?: string): Promise<void> {
    const id = callId ?? this.deps.diff.activeCallId() ?? this.deps.pending.oldest()?.request.callId;
    const p = this.deps.pending.list().find((x) => x.request.callId === id);
    if (!p || !this.deps.rules) {
      void vscode.window.showInformationMessage('Warden: no proposal is waiting.');
      return;
    }
    try {
      if (await offerAlwaysAllow(p.request, this.deps.rules)) this.deps.pending.answer(p.request.callId, { kind: 'approve' });
    } catch (e) {
      void vscode.window.showErrorMessage(`Warden: the rule was not written: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private answerTarget(answer: ApprovalAnswer): void {
    const id = this.deps.diff.activeCallId() ?? this.deps.pending.oldest()?.request.callId;
    if (!id) {
      void vscode.window.showInformationMessage('Warden: no proposal is waiting.');
      return;
    }
    this.deps.pending.answer(id, answer);
  }

  private async refine(p: PendingApproval, answer: ApprovalAnswer): Promise<ApprovalAnswer | null> {
    if (answer.kind !== 'approve' && answer.kind !== 'approve-for-session') return answer;
    // An approval of a diff the person changed carries their content (and grants nothing: edited calls ask again).
    const refined = this.deps.diff.has(p.request.callId)
      ? await this.deps.diff.acceptAnswer(p.request.callId)
      : // The chat card's Approve of a command the person is editing in the preview runs their edit.
        this.deps.preview.showing(p.request.callId)
        ? this.deps.preview.approveAnswer(p.request.callId)
        : answer;
    return refined?.kind === 'approve' ? answer : refined;
  }

  /** Runs one pump after the previous one, so panes open one at a time, in order. */
  private schedule(): void {
    this.pumping = this.pumping.then(() => this.pump());
  }

  /** Shows the oldest waiting call, and closes the pane of one that is no longer waiting. */
  private async pump(): Promise<void> {
    const oldest = this.deps.pending.oldest();
    const waiting = new Set(this.deps.pending.list().map((p) => p.request.callId));
    if (this.onShow !== null && !waiting.has(this.onShow)) {
      const done = this.onShow;
      this.onShow = null;
      await this.deps.diff.close(done);
    }
    if (!oldest || this.onShow === oldest.request.callId) return;
    const req = oldest.request;
    this.onShow = req.callId;
    try {
      if (DiffPane.handles(req)) await this.deps.diff.show(req, oldest.task.redact);
      else if (PreviewPanel.handles(req)) this.deps.preview.show(req);
      else {
        const answer = await (this.deps.confirm ?? confirmByModal)(req);
        this.deps.pending.answer(req.callId, answer, oldest.task.id);
      }
    } catch (e) {
      this.deps.log(`approval pane for ${req.tool} failed: ${e instanceof Error ? e.message : String(e)}; the chat card still answers it`);
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.deps.pending.refineWith(null);
    this.deps.preview.dispose();
    this.deps.diff.dispose();
  }
}

type OfferedScopes = NonNullable<ApprovalRequest['sessionGrant']['scopes']>;

/** The grant scopes offered, narrowest first, as a quick pick; undefined when dismissed. */
async function pickGrantScope(scopes: OfferedScopes): Promise<GrantScopeKind | undefined> {
  const icon: Record<GrantScopeKind, string> = { file: '$(file)', folder: '$(folder)', exact: '$(check)' };
  const picked = await vscode.window.showQuickPick(
    scopes.map((s) => ({ label: `${icon[s.scope]} Accept, and allow ${s.label} for this session`, detail: s.description, scope: s.scope })),
    {
      title: 'Warden: accept for this session',
      placeHolder: 'Later calls inside the scope you pick run without asking (the guard still decides each one)',
    },
  );
  return picked?.scope;
}
