import * as vscode from 'vscode';
import type { ApprovalAnswer, ApprovalRequest } from '../../core/agent/approver';
import type { AgentEvent } from '../../core/agent/events';
import type { GuardResult } from '../../core/policy/guard';
import type { ProposedCall } from '../../core/tools/schemas';
import { checkedCommands, commandAnswer, toCommandProposal } from './commandProposal';
import { previewHtml } from './previewHtml';
import { type CommandProposal, type PreviewHostMessage, type PreviewViewMessage, previewViewMessageSchema } from './previewMessages';
import { newNonce } from '../webviewSecurity';

export interface PreviewDeps {
  readonly extensionUri: vscode.Uri;
  /** Answers a pending call (PendingApprovals.answer). */
  answer(callId: string, answer: ApprovalAnswer): boolean;
  /** "Always allow…" for the call on show (the approval panes offer the rules and answer it). */
  alwaysAllow(callId: string): void;
  /** Stops the running task (the chat's stop). */
  stop(): void;
  /** The guard's decision for a call (the person's edit, checked as they type); decides nothing for the call itself. */
  decide(call: ProposedCall): Promise<GuardResult>;
  readonly log: (message: string) => void;
  /** Told when the command field starts (or stops) differing from the model's command. */
  readonly onEdited?: (callId: string, edited: boolean) => void;
}

/**
 * The command preview: one webview panel in the editor area that shows the
 * command awaiting approval (editable), what the guard found in it, and then
 * its output as it runs. Strict CSP with a nonce; messages validated with zod
 * both ways.
 */
export class PreviewPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private proposal: CommandProposal | null = null;
  /** The person's edit of the call on show, once the pipeline says it runs instead. */
  private ranInstead: string | null = null;
  /** The model's input of the call on show (an edit changes only its command). */
  private input: Record<string, unknown> = {};
  /** What the command field last held (told with each `check`), null until the person edits. */
  private field: string | null = null;
  /** The tool of the call on show; an edited command is decided as a call of that same tool. */
  private tool = '';
  /** Messages for the current call, replayed when the webview (re)loads. */
  private backlog: PreviewHostMessage[] = [];

  constructor(private readonly deps: PreviewDeps) {}

  /** Commands, and calls of MCP tools (shown like commands: what runs, where, with which secrets). */
  static handles(req: ApprovalRequest): boolean {
    return req.plan.kind === 'command' || req.plan.kind === 'mcp';
  }

  show(req: ApprovalRequest): void {
    const proposal = toCommandProposal(req);
    if (!proposal) return;
    this.proposal = proposal;
    this.ranInstead = null;
    this.field = null;
    this.tool = req.tool;
    this.input = typeof req.input === 'object' && req.input !== null ? { ...(req.input as Record<string, unknown>) } : {};
    this.backlog = [];
    this.post({ type: 'show', proposal });
    this.open(proposal);
  }

  /**
   * The answer an Approve from elsewhere (the chat card) gives for the call
   * on show: the person's edit in the field when there is one.
   */
  approveAnswer(callId: string): ApprovalAnswer {
    const p = this.proposal;
    if (!p || p.callId !== callId || this.field === null) return { kind: 'approve' };
    return commandAnswer(p.command, this.field, p.editable);
  }

  /** Whether this call is the one on show. */
  showing(callId: string): boolean {
    return this.proposal?.callId === callId;
  }

  /** Agent events for the call on show: output chunks, the answer and the result. */
  onAgentEvent(e: AgentEvent): void {
    if (!this.proposal || !('callId' in e) || e.callId !== this.proposal.callId) return;
    const callId = e.callId;
    switch (e.type) {
      case 'tool_output':
        this.post({ type: 'output', callId, stream: e.stream, chunk: e.chunk });
        break;
      case 'tool_answered':
        if (e.edited && 'command' in e.edited) this.ranInstead = e.edited.command;
        if (e.answer === 'reject') this.post({ type: 'state', callId, state: 'rejected', text: 'Rejected: nothing ran.' });
        else
          this.post({
            type: 'state',
            callId,
            state: 'running',
            text: e.answer === 'approve-edited' ? 'Running your edited command…' : 'Running…',
          });
        break;
      case 'tool_result': {
        const [state, label] =
          e.status === 'cancelled'
            ? (['stopped', 'Stopped'] as const)
            : e.status === 'rejected'
              ? (['rejected', 'Rejected: nothing ran'] as const)
              : e.status === 'denied'
                ? (['failed', 'Denied by the policy: nothing ran'] as const)
                : e.isError
                  ? (['failed', 'Failed'] as const)
                  : (['done', 'Finished'] as const);
        this.post({ type: 'state', callId, state, text: `${label}. ${e.preview.slice(0, 300)}` });
        if (this.panel) {
          const cmd = this.proposal.mcp
            ? `${this.proposal.mcp.serverTool} (${this.proposal.mcp.server})`
            : shortCommand(this.ranInstead ?? this.proposal.command);
          this.panel.title =
            state === 'done'
              ? `Warden: Ran ${cmd}`
              : state === 'failed'
                ? `Warden: Ran ${cmd} (failed)`
                : state === 'stopped'
                  ? `Warden: Stopped ${cmd}`
                  : `Warden: Rejected ${cmd}`;
        }
        break;
      }
      default:
        break;
    }
  }

  private open(proposal: CommandProposal): void {
    const title = proposal.mcp
      ? `Warden: Call ${proposal.mcp.serverTool} (${proposal.mcp.server})?`
      : `Warden: Run ${shortCommand(proposal.command)}?`;
    if (this.panel) {
      this.panel.title = title;
      this.panel.reveal(vscode.ViewColumn.Active, true);
      return;
    }
    const dist = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'media');
    const media = vscode.Uri.joinPath(this.deps.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(
      'warden.commandPreview',
      title,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: true },
      {
        enableScripts: true,
        enableCommandUris: false,
        localResourceRoots: [dist, media],
        retainContextWhenHidden: true,
      },
    );
    this.panel = panel;
    this.ready = false;
    const nonce = newNonce();
    panel.webview.html = previewHtml({
      nonce,
      cspSource: panel.webview.cspSource,
      script: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'preview.js')).toString(),
      style: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'preview.css')).toString(),
    });
    const sub = panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    panel.onDidDispose(() => {
      sub.dispose();
      if (this.panel === panel) this.panel = undefined;
    });
  }

  private post(m: PreviewHostMessage): void {
    if (m.type !== 'show' && m.type !== 'checked') this.backlog.push(m);
    if (this.panel && this.ready) void this.panel.webview.postMessage(m);
  }

  private receive(raw: unknown): void {
    const parsed = previewViewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.deps.log(`command preview: dropped a malformed message (${parsed.error.issues.map((i) => i.message).join('; ')})`);
      return;
    }
    this.handle(parsed.data);
  }

  private handle(m: PreviewViewMessage): void {
    if (m.type === 'ready') {
      this.ready = true;
      if (this.proposal && this.panel) {
        void this.panel.webview.postMessage({ type: 'show', proposal: this.proposal } satisfies PreviewHostMessage);
        for (const b of this.backlog) void this.panel.webview.postMessage(b);
      }
      return;
    }
    const p = this.proposal;
    if (!p || m.callId !== p.callId) {
      this.deps.log(`command preview: a message for ${m.callId}, which is not on show, was ignored`);
      return;
    }
    switch (m.type) {
      case 'run':
        this.settle(p, commandAnswer(p.command, m.command, p.editable));
        break;
      case 'always-allow':
        this.deps.alwaysAllow(p.callId);
        break;
      case 'run-for-session':
        this.settle(p, p.sessionGrant.allowed ? { kind: 'approve-for-session' } : { kind: 'approve' });
        break;
      case 'reject':
        this.settle(p, m.feedback?.trim() ? { kind: 'reject', feedback: m.feedback.trim() } : { kind: 'reject' });
        break;
      case 'check':
        if (p.editable) {
          this.field = m.command;
          this.deps.onEdited?.(p.callId, m.command !== p.command);
          void this.check(p, m.command);
        }
        break;
      case 'stop':
        this.deps.stop();
        this.post({ type: 'state', callId: p.callId, state: 'stopped', text: 'Stopping…' });
        break;
    }
  }

  /** The guard's verdicts for the edited text, posted back for the call still on show. */
  private async check(p: CommandProposal, command: string): Promise<void> {
    try {
      const result = await this.deps.decide({ tool: this.tool, input: { ...this.input, command } });
      if (this.proposal?.callId !== p.callId) return;
      this.post({ type: 'checked', callId: p.callId, command, ...checkedCommands(result, p.hosts) });
    } catch (e) {
      this.deps.log(`command preview: checking the edit failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private settle(p: CommandProposal, answer: ApprovalAnswer): void {
    if (!this.deps.answer(p.callId, answer)) {
      this.post({
        type: 'state',
        callId: p.callId,
        state: 'failed',
        text: 'This call is no longer waiting (already answered, or the task stopped).',
      });
    }
  }

  /** Closes the preview (a new chat): nothing it showed is waiting any more. */
  close(): void {
    this.proposal = null;
    this.backlog = [];
    this.panel?.dispose();
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

function shortCommand(command: string): string {
  return command.length > 40 ? `${command.slice(0, 39)}…` : command;
}
