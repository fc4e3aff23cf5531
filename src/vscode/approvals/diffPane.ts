import * as vscode from 'vscode';
import type { ApprovalAnswer, ApprovalRequest } from '../../core/agent/approver';
import { neutralise } from '../../core/text/neutralise';
import { contentFromHunks, hunkLabel, proposalHunks } from './hunks';
import { proposalTitle, type WritePlan } from './paneText';
import { CURRENT_SCHEME, PROPOSAL_SCHEME, ProposalFs } from './proposalFs';

export interface DiffPaneDeps {
  readonly fs: ProposalFs;
  /**
   * The target's text on disk now, shown through `display` as the pipeline
   * shows text to a person (the requesting task's redaction, hidden
   * characters made visible); null when missing.
   */
  readCurrent(absolute: string, display: (raw: string) => string): Promise<string | null>;
  readonly log: (message: string) => void;
  /** Told the moment the proposed side starts (or stops) differing from the model's content. */
  readonly onEdited?: (callId: string, edited: boolean) => void;
}

interface Shown {
  readonly req: ApprovalRequest;
  readonly plan: WritePlan;
  readonly current: vscode.Uri;
  readonly proposed: vscode.Uri;
  readonly redact: (text: string) => string;
  edited: boolean;
}

/**
 * Proposed writes and edits as VS Code diff editors: the current file (or
 * nothing, for a new file) beside the proposed content, which the person may
 * edit. Nothing touches the real file here; the answer carries the content.
 */
export class DiffPane implements vscode.Disposable {
  private readonly shown = new Map<string, Shown>();
  private hint: vscode.Disposable | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private readonly decorationsChanged = new vscode.EventEmitter<vscode.Uri>();

  constructor(private readonly deps: DiffPaneDeps) {
    this.subs.push(
      this.decorationsChanged,
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme === PROPOSAL_SCHEME) this.onProposalChanged(e.document);
      }),
      // The diff's tab is marked while the person's side differs from the model's (a tab's title is fixed once open).
      vscode.window.registerFileDecorationProvider({
        onDidChangeFileDecorations: this.decorationsChanged.event,
        provideFileDecoration: (uri) => {
          if (uri.scheme !== PROPOSAL_SCHEME) return undefined;
          const s = [...this.shown.values()].find((x) => x.proposed.toString() === uri.toString());
          return s?.edited
            ? new vscode.FileDecoration(
                'E',
                'edited by you: Accept writes your version',
                new vscode.ThemeColor('gitDecoration.modifiedResourceForeground'),
              )
            : undefined;
        },
      }),
    );
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.hint?.dispose();
  }

  /** Marks a proposal "edited by you" (card and tab) as soon as its proposed side differs from the model's. */
  private onProposalChanged(doc: vscode.TextDocument): void {
    const s = [...this.shown.values()].find((x) => x.proposed.toString() === doc.uri.toString());
    if (!s) return;
    const edited = doc.getText() !== s.plan.newContent;
    if (edited === s.edited) return;
    s.edited = edited;
    this.deps.onEdited?.(s.req.callId, edited);
    this.decorationsChanged.fire(s.proposed);
  }

  static handles(req: ApprovalRequest): boolean {
    return req.plan.kind === 'write' && req.plan.newContent !== null;
  }

  has(callId: string): boolean {
    return this.shown.has(callId);
  }

  /** `redact` is the requesting task's redactor, for the file as it is when the person accepts. */
  async show(req: ApprovalRequest, redact: (text: string) => string): Promise<void> {
    const plan = req.plan;
    if (plan.kind !== 'write' || plan.newContent === null) return;
    const rel = plan.target.relative || plan.target.absolute;
    const current = ProposalFs.uri(CURRENT_SCHEME, req.callId, rel);
    const proposed = ProposalFs.uri(PROPOSAL_SCHEME, req.callId, rel);
    this.deps.fs.set(current, plan.oldContent ?? '');
    this.deps.fs.set(proposed, plan.newContent);
    this.shown.set(req.callId, { req, plan, current, proposed, redact, edited: false });
    await vscode.commands.executeCommand('vscode.diff', current, proposed, proposalTitle(req, plan), {
      preview: false,
      preserveFocus: true,
    });
    if ((plan.target.protected || plan.oldContent === null) && hasLongLine(plan.newContent)) await this.wrapLines(proposed);
    const hunks = proposalHunks(plan.oldContent, plan.newContent).length;
    if (plan.target.protected)
      void vscode.window.showWarningMessage(`Warden: ${rel} is a protected path. Read this change carefully before accepting.`);
    else if (hunks > 1)
      this.hint = vscode.window.setStatusBarMessage(`Warden: ${hunks} hunks — "Choose Hunks to Accept" keeps some of them`);
  }

  /**
   * A protected or new file with long lines wraps them, so no part of a line
   * (where a dangerous part may hide) is off screen. Word wrap is turned on
   * for the diff just opened, and only when the person's settings leave it
   * off; focus stays where it was.
   */
  private async wrapLines(proposed: vscode.Uri): Promise<void> {
    const editor = vscode.workspace.getConfiguration('editor');
    const diff = vscode.workspace.getConfiguration('diffEditor');
    if (editor.get<string>('wordWrap') !== 'off' || diff.get<string>('wordWrap') === 'on') return;
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (!(tab instanceof vscode.TabInputTextDiff) || tab.modified.toString() !== proposed.toString()) return;
    await vscode.commands
      .executeCommand('editor.action.toggleWordWrap')
      .then(undefined, (e: unknown) => this.deps.log(`proposal: wrapping long lines failed: ${String(e)}`));
  }

  /** The call whose proposal diff is the active editor, if any. */
  activeCallId(): string | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const tabInput = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const fromTab = tabInput instanceof vscode.TabInputTextDiff ? tabInput.modified : undefined;
    for (const u of [uri, fromTab]) {
      if (u?.scheme === PROPOSAL_SCHEME || u?.scheme === CURRENT_SCHEME) {
        for (const [id, s] of this.shown) if (s.proposed.query === u.query) return id;
      }
    }
    return undefined;
  }

  /** What the proposed side holds now, unsaved edits included. */
  private proposedText(s: Shown): string {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === s.proposed.toString());
    return doc ? doc.getText() : (this.deps.fs.text(s.proposed) ?? s.plan.newContent ?? '');
  }

  /**
   * The answer Accept gives: plain approve when the proposed side is as the
   * agent proposed, approve-edited with the content when the person changed
   * it. When the file changed on disk since the proposal, nothing is
   * answered: the current side is refreshed and the person is told (a
   * reject, if they choose it, tells the agent to read the file again).
   */
  async acceptAnswer(callId: string): Promise<ApprovalAnswer | null> {
    const s = this.shown.get(callId);
    if (!s) return { kind: 'approve' };
    const now = await this.deps
      .readCurrent(s.plan.target.absolute, (t) => neutralise(s.redact(t)))
      .catch((e: unknown) => {
        this.deps.log(`proposal: cannot read ${s.plan.target.absolute}: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      });
    if (now !== s.plan.oldContent) {
      this.deps.fs.set(s.current, now ?? '');
      const rel = s.plan.target.relative;
      const what = now === undefined ? 'could not be read' : now === null ? 'was deleted' : 'changed on disk';
      const choice = await vscode.window.showWarningMessage(
        `${rel} ${what} after this change was proposed.`,
        {
          modal: true,
          detail:
            'The left side now shows the file as it is now. Warden never writes over a change you have not seen, so nothing was written. Reject to let the agent read the file again, or keep reviewing.',
        },
        'Reject (agent re-reads)',
      );
      if (choice)
        return {
          kind: 'reject',
          feedback: `${rel} changed on disk after you proposed this change; nothing was written. Read it again before proposing a change.`,
        };
      return null;
    }
    const text = this.proposedText(s);
    return text === s.plan.newContent ? { kind: 'approve' } : { kind: 'approve-edited', content: text };
  }

  /**
   * Lets the person keep some hunks: a multi-select pick over the hunks of the
   * agent's proposal; the proposed side becomes the current file with only
   * the chosen hunks applied, which the caller then accepts (the hunk-count
   * hint goes away at once).
   */
  async chooseHunks(callId: string, pick = pickHunks): Promise<boolean> {
    const s = this.shown.get(callId);
    if (!s || s.plan.newContent === null) return false;
    const hunks = proposalHunks(s.plan.oldContent, s.plan.newContent);
    const chosen = await pick(hunks.map((h) => ({ ...hunkLabel(h), index: h.index })));
    if (chosen === undefined) return false;
    this.hint?.dispose();
    this.hint = undefined;
    const text = contentFromHunks(s.plan.oldContent, s.plan.newContent, chosen);
    const doc = await vscode.workspace.openTextDocument(s.proposed);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(s.proposed, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
    await vscode.workspace.applyEdit(edit);
    await doc.save();
    return true;
  }

  /** A proposal's tab that no waiting call is shown in: restored by the workbench after a reload, its task gone. */
  private isOrphan(tab: vscode.Tab): boolean {
    const input = tab.input;
    if (!(input instanceof vscode.TabInputTextDiff) || input.modified.scheme !== PROPOSAL_SCHEME) return false;
    const call = ProposalFs.callOf(input.modified);
    return call === null || !this.shown.has(call);
  }

  /**
   * Closes the proposal tabs no call is shown in — the workbench restores an
   * open diff, and the person's unsaved edit in it, after a reload, when the
   * task that proposed it is gone; run once as Warden starts — clean: the edit is kept in memory (never
   * written anywhere) so no save prompt or save error follows, then the tab
   * closes and its documents are forgotten.
   */
  async closeOrphans(): Promise<void> {
    const orphans = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => this.isOrphan(t));
    if (orphans.length === 0) return;
    const calls = new Set<string>();
    for (const tab of orphans) {
      const input = tab.input as vscode.TabInputTextDiff;
      calls.add(ProposalFs.callOf(input.modified) ?? '');
      await this.settleDocument(input.modified, input.original, true);
    }
    await vscode.window.tabGroups
      .close(orphans)
      .then(undefined, (e: unknown) => this.deps.log(`proposal: closing a leftover diff failed: ${String(e)}`));
    for (const call of calls) this.deps.fs.drop(call);
  }

  /**
   * Leaves a proposal's document clean before its tab closes: both sides
   * exist in memory, and unsaved edits are saved there (nothing touches the
   * real file), so closing neither asks to save nor fails to.
   */
  private async settleDocument(proposed: vscode.Uri, current: vscode.Uri, restored = false): Promise<void> {
    if (this.deps.fs.text(current) === undefined) this.deps.fs.set(current, '');
    if (this.deps.fs.text(proposed) === undefined) this.deps.fs.set(proposed, '');
    // A restored tab's document may not be loaded yet (its unsaved edit waits in the workbench's backup).
    const doc =
      vscode.workspace.textDocuments.find((d) => d.uri.toString() === proposed.toString()) ??
      (restored ? await Promise.resolve(vscode.workspace.openTextDocument(proposed)).catch(() => undefined) : undefined);
    // A save the workbench is still running for this document makes another return false: try again shortly.
    for (let attempt = 0; doc?.isDirty && attempt < SAVE_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, SAVE_RETRY_MS));
      if (doc.isDirty) await Promise.resolve(doc.save()).catch(() => false);
    }
    if (doc?.isDirty) this.deps.log(`proposal: ${proposed.path} could not be left clean before its tab closed`);
  }

  /** Closes a call's diff (answered, stopped) and forgets its documents. */
  async close(callId: string): Promise<void> {
    const s = this.shown.get(callId);
    if (!s) return;
    this.shown.delete(callId);
    this.hint?.dispose();
    this.hint = undefined;
    await this.settleDocument(s.proposed, s.current);
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === s.proposed.toString());
    if (tabs.length > 0)
      await vscode.window.tabGroups
        .close(tabs)
        .then(undefined, (e: unknown) => this.deps.log(`proposal: closing the diff failed: ${String(e)}`));
    this.deps.fs.drop(callId);
  }
}

/** Saves of a decided proposal's document into memory before its tab closes, and the pause between them. */
const SAVE_ATTEMPTS = 5;
const SAVE_RETRY_MS = 200;

/** Longer than a diff side shows at the default width. */
const LONG_LINE = 100;

function hasLongLine(text: string): boolean {
  return text.split('\n').some((l) => l.length > LONG_LINE);
}

async function pickHunks(items: { label: string; detail: string; index: number }[]): Promise<number[] | undefined> {
  const picked = await vscode.window.showQuickPick(
    items.map((i) => ({ ...i, picked: true })),
    { canPickMany: true, title: 'Warden: keep which hunks?', placeHolder: 'Unchecked hunks keep the current lines' },
  );
  return picked?.map((p) => p.index);
}
