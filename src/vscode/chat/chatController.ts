import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import type { AgentEvent, AgentEvents } from '../../core/agent/events';
import { loadHistory, trimHistory } from '../../core/agent/history';
import type { ModelMessage, Usage } from '../../core/agent/model';
import type { ApprovalAnswer, ApprovalRequest } from '../../core/agent/approver';
import type { PendingApprovals } from '../approvals/pendingApprovals';
import { Disposable } from '../dispose';
import type { ViewMessageHandlers } from './chatViewProvider';
import { ChatPresenter } from './presenter';
import type { HostMessage, ViewState } from './protocol';
import { Transcript, type TranscriptStorage } from './transcript';
import type { TaskOfChat, TaskStart } from '../agent/taskRunner';
import { SessionGrants } from '../../core/agent/sessionGrants';

const HISTORY_KEY = 'warden.chat.messages.v1';
/** The model that wrote the stored history: thinking blocks are bound to it. */
const HISTORY_MODEL_KEY = 'warden.chat.messagesModel.v1';

export interface ChatEnvironment {
  readonly storage: TranscriptStorage;
  readonly approvals: PendingApprovals;
  /** Runs one task of this chat (its key, the chat's grants); resolves when it ends. */
  readonly runTask: (
    task: TaskOfChat,
    text: string,
    history: readonly ModelMessage[],
    events: AgentEvents,
    signal: AbortSignal,
  ) => Promise<TaskStart>;
  /** The non-chat parts of the view state (trust, sandbox, model, key, settings problems). */
  readonly baseState: () => Promise<Omit<ViewState, 'busy' | 'meter'>>;
  /** Told whether a task is running whenever the view's state is pushed (the title bar's Stop shows only then). */
  readonly onBusy?: (busy: boolean) => void;
  /** Told when the person starts a new chat (the panes of the last one close). */
  readonly onNewChat?: () => void;
  readonly limits: () => Promise<{ maxTurns: number; maxCostUsd: number }>;
  /** A checkpoint row's Compare, Restore or Restore to here (src/vscode/checkpoints). */
  readonly checkpoint?: (action: 'compare' | 'restore' | 'restoreTask', checkpointId: string, taskId: string) => Promise<void>;
}

/**
 * The chat's host side: one handler per view message, one task at a time,
 * the transcript and the model history per workspace. The chat owns what
 * its tasks share: session grants (a new chat starts with none) and the
 * transcript; each task gets a key of its own, so its approvals are its own.
 * A task of a chat the person left (New Chat while it winds down) no longer
 * writes to the view, the transcript or the saved history.
 */
export class ChatController extends Disposable {
  private readonly transcript: Transcript;
  private readonly presenter: ChatPresenter;
  private post: (m: HostMessage) => void = () => undefined;
  private running: { controller: AbortController; task: TaskOfChat } | undefined;
  /** The tasks of the chat on show; New Chat replaces the set. */
  private chatTasks = new Set<string>();
  #grants = new SessionGrants();
  /** The person's last message, for Retry. */
  private lastTask: string | null = null;
  private meter = { turns: 0, costUsd: 0 as number | null, cacheRead: 0, cacheWrite: 0, input: 0 };

  constructor(private readonly env: ChatEnvironment) {
    super();
    this.transcript = new Transcript(env.storage);
    this.presenter = new ChatPresenter(
      this.transcript,
      (m) => this.post(m),
      () => randomUUID().slice(0, 8),
    );
    this._register(env.approvals.onDidChange(() => void this.pushState()));
  }

  attach(post: (m: HostMessage) => void): void {
    this.post = post;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** The session grants of the chat on show. */
  get grants(): SessionGrants {
    return this.#grants;
  }

  /** An approval the agent now waits for: the card shows what would happen. */
  showApproval(req: ApprovalRequest): void {
    this.presenter.approvalRequested(req);
  }

  /** The person edited a waiting proposal (or undid the edit): its card says so at once. */
  proposalEdited(callId: string, edited: boolean): void {
    this.presenter.proposalEdited(callId, edited);
  }

  readonly handlers: ViewMessageHandlers = {
    ready: async () => {
      this.post({ type: 'init', items: [...this.transcript.items()], state: await this.state() });
    },
    send: async (m) => this.send(m.text),
    stop: () => this.stop(),
    newChat: async () => this.newChat(),
    openLink: async (m) => {
      let uri: vscode.Uri;
      try {
        uri = vscode.Uri.parse(m.href, true);
      } catch {
        return;
      }
      if (uri.scheme !== 'https' && uri.scheme !== 'http') {
        void vscode.window.showWarningMessage(`Warden: not opening a ${uri.scheme}: link from the chat.`);
        return;
      }
      await vscode.env.openExternal(uri);
    },
    action: async (m) => {
      if (m.action === 'retry') return this.retry();
      const command = {
        setApiKey: 'warden.setApiKey',
        manageTrust: 'workbench.trust.manage',
        openSettings: 'workbench.action.openSettings',
        newChat: 'warden.newChat',
      }[m.action];
      await vscode.commands.executeCommand(command, ...(m.action === 'openSettings' ? ['warden.'] : []));
    },
    approval: (m) => {
      const task = this.running?.task.id;
      if (task === undefined) return;
      const answer: ApprovalAnswer =
        m.answer === 'approve-for-session' ? { kind: 'approve-for-session', ...(m.scope ? { scope: m.scope } : {}) } : { kind: m.answer };
      this.env.approvals.answer(m.id, answer, task);
    },
    checkpoint: async (m) => {
      await this.env.checkpoint?.(m.action, m.checkpointId, m.taskId);
    },
  };

  stop(): void {
    this.running?.controller.abort();
  }

  async newChat(): Promise<void> {
    this.stop();
    this.lastTask = null;
    this.env.approvals.rejectAll('The person started a new chat.', this.chatTasks);
    // What belonged to the last chat ends with it; its task, if still winding down, writes nowhere here.
    this.chatTasks = new Set();
    this.#grants = new SessionGrants();
    this.running = undefined;
    this.env.onNewChat?.();
    this.transcript.clear();
    await this.transcript.save();
    await this.env.storage.update(HISTORY_KEY, []);
    await this.env.storage.update(HISTORY_MODEL_KEY, undefined);
    this.meter = { turns: 0, costUsd: 0, cacheRead: 0, cacheWrite: 0, input: 0 };
    this.post({ type: 'cleared' });
    await this.pushState();
  }

  async pushState(): Promise<void> {
    this.env.onBusy?.(this.busy);
    this.post({ type: 'state', state: await this.state() });
  }

  private async state(): Promise<ViewState> {
    const [base, limits] = await Promise.all([this.env.baseState(), this.env.limits()]);
    return {
      ...base,
      busy: this.busy,
      meter: {
        turns: this.meter.turns,
        maxTurns: limits.maxTurns,
        costUsd: this.meter.costUsd,
        maxCostUsd: limits.maxCostUsd,
        cacheReadTokens: this.meter.cacheRead,
        cacheWriteTokens: this.meter.cacheWrite,
        inputTokens: this.meter.input,
      },
    };
  }

  /**
   * Retry after a failed task: the person's last message goes again. The
   * failed run left it as the history's last message (nothing answered it),
   * so it is taken off first rather than sent twice.
   */
  private async retry(): Promise<void> {
    const text = this.lastTask;
    if (text === null || this.running) return;
    const model = (await this.env.baseState()).model;
    const history = loadHistory(this.env.storage.get(HISTORY_KEY), this.env.storage.get(HISTORY_MODEL_KEY), model);
    const last = history.at(-1);
    if (last?.role === 'user' && last.content === text) await this.env.storage.update(HISTORY_KEY, history.slice(0, -1));
    await this.send(text);
  }

  private async send(text: string): Promise<void> {
    if (this.running) {
      this.presenter.notice('info', 'Warden is still working on the last message: stop it first.');
      return;
    }
    const controller = new AbortController();
    this.lastTask = text;
    const task: TaskOfChat = { id: randomUUID(), grants: this.#grants };
    const tasks = this.chatTasks;
    tasks.add(task.id);
    this.running = { controller, task };
    const current = (): boolean => this.chatTasks === tasks;
    this.meter = { turns: 0, costUsd: 0, cacheRead: 0, cacheWrite: 0, input: 0 };
    this.presenter.user(text);
    await this.pushState();
    const model = (await this.env.baseState()).model;
    const history = loadHistory(this.env.storage.get(HISTORY_KEY), this.env.storage.get(HISTORY_MODEL_KEY), model);
    const events = (e: AgentEvent): void => {
      if (!current()) return;
      this.presenter.onEvent(e);
      if (e.type === 'usage') this.onUsage(e.turn, e.costUsd, e.total);
    };
    try {
      const result = await this.env.runTask(task, text, history, events, controller.signal);
      if (!current()) return;
      if (!result.ok) this.presenter.notice('warning', result.message, result.action);
      else {
        this.meter = { ...this.meter, turns: result.run.turns, costUsd: result.run.costUsd };
        // Saved after every run, failed and refused ones too: always valid for the next request.
        await this.env.storage.update(HISTORY_KEY, trimHistory(result.run.messages));
        await this.env.storage.update(HISTORY_MODEL_KEY, model);
      }
    } catch (e) {
      if (current()) this.presenter.notice('error', `Warden failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      tasks.delete(task.id);
      if (current()) {
        this.running = undefined;
        await this.transcript.save();
        await this.pushState();
      }
    }
  }

  private onUsage(turns: number, costUsd: number | null, total: Usage): void {
    this.meter = {
      turns,
      costUsd,
      cacheRead: total.cacheReadInputTokens,
      cacheWrite: total.cacheCreationInputTokens,
      input: total.inputTokens,
    };
    void this.pushState();
  }
}
