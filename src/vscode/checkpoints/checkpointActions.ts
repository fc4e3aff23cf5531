import * as vscode from 'vscode';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { AuditSink } from '../../core/audit/event';
import { findCheckpoint, shortId, type Checkpoint, type FileVersion, type TaskHistory } from '../../core/checkpoints/model';
import { executeRestore } from '../../core/checkpoints/restore';
import { planRestore, type RestorePlan } from '../../core/checkpoints/restorePlan';
import type { GitCheckpointStore } from '../../node/checkpoints/gitStore';
import { openCheckpointStore } from '../../node/checkpoints/taskCheckpoints';
import type { GuardHolder } from '../agent/guardHolder';

/** The read-only documents the diff editor shows on the checkpoint side. */
export const CHECKPOINT_SCHEME = 'warden-checkpoint';

export interface CheckpointActionsDeps {
  readonly guards: GuardHolder;
  /** Warden's storage folder (the stores live under it; hidden from every command). */
  readonly stateDir: string;
  readonly audit: AuditSink;
  /** True while a task runs: a restore waits until it ends. */
  readonly busy: () => boolean;
  readonly log: (m: string) => void;
}

/**
 * What the chat's checkpoint rows do: Compare (VS Code's diff editor, file
 * by file, the checkpoint's version — a read-only virtual document — against
 * the file now), Restore (to before a step) and Restore to here (the whole
 * task). A restore shows what it will change and asks first; files a person
 * changed since are left alone unless they choose otherwise, after seeing
 * the versions.
 */
export class CheckpointActions implements vscode.TextDocumentContentProvider {
  constructor(private readonly deps: CheckpointActionsDeps) {}

  register(): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(CHECKPOINT_SCHEME, this);
  }

  private async store(): Promise<{ store: GitCheckpointStore; root: string; mayRestore: (p: string) => boolean }> {
    const g = await this.deps.guards.current();
    const root = g.env.roots[0];
    if (root === undefined) throw new Error('no workspace folder is open');
    const store = await openCheckpointStore(this.deps.stateDir, root, g.settings, g.guard);
    const filter = g.guard.readFilter();
    return { store, root, mayRestore: (p) => filter.allows(root, p, false) };
  }

  /** The checkpoint's version of a file: `warden-checkpoint:/<path>?<checkpoint id>`. */
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = uri.query;
    if (!/^[0-9a-f]{40,64}$/.test(id)) return '(not a checkpoint)';
    const { store } = await this.store();
    const found = findCheckpoint(await store.history(), id);
    if (typeof found === 'string') return `(${found})`;
    const path = uri.path.replace(/^\//, '');
    const v = (await store.versions(found.checkpoint.tree, [path])).get(path);
    if (!v) return '';
    const bytes = Buffer.from(await store.read(v));
    return bytes.includes(0) ? `(binary file, ${bytes.length} bytes)` : bytes.toString('utf8');
  }

  async run(action: 'compare' | 'restore' | 'restoreTask', checkpointId: string, taskId: string): Promise<void> {
    try {
      const { store, root, mayRestore } = await this.store();
      const tasks = await store.history();
      const found = findCheckpoint(tasks, checkpointId);
      if (typeof found === 'string' || found.task.taskId !== taskId) {
        void vscode.window.showWarningMessage(
          `Warden: that checkpoint is no longer in the store (${typeof found === 'string' ? found : 'another task'}); old tasks are pruned (warden.checkpoints.keepTasks).`,
        );
        return;
      }
      if (action === 'compare') return await this.compare(store, root, found.task, found.checkpoint);
      const target = action === 'restoreTask' ? found.task.checkpoints.find((c) => c.phase === 'before') : found.checkpoint;
      if (!target) return;
      await this.restore(store, found.task, target, mayRestore);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.deps.log(`checkpoint ${action} failed: ${message}`);
      void vscode.window.showErrorMessage(`Warden: the checkpoint ${action === 'compare' ? 'comparison' : 'restore'} failed: ${message}`);
    }
  }

  private checkpointUri(path: string, checkpoint: Checkpoint): vscode.Uri {
    return vscode.Uri.from({ scheme: CHECKPOINT_SCHEME, path: `/${path}`, query: checkpoint.id });
  }

  private async openDiff(root: string, path: string, checkpoint: Checkpoint): Promise<void> {
    await vscode.commands.executeCommand(
      'vscode.diff',
      this.checkpointUri(path, checkpoint),
      vscode.Uri.file(join(root, path)),
      `${path} (checkpoint ${shortId(checkpoint.id)} ↔ now)`,
      { preview: false },
    );
  }

  /** The files the step changed, each checkpoint ↔ now; several: a pick list, one diff per file. */
  private async compare(store: GitCheckpointStore, root: string, task: TaskHistory, checkpoint: Checkpoint): Promise<void> {
    const next = task.checkpoints[task.checkpoints.indexOf(checkpoint) + 1];
    const files = next ? await store.changes(checkpoint.tree, next.tree) : [];
    if (files.length === 0) {
      void vscode.window.showInformationMessage('Warden: this step changed no files.');
      return;
    }
    if (files.length === 1) return this.openDiff(root, (files[0] as { path: string }).path, checkpoint);
    const picked = await vscode.window.showQuickPick(
      files.map((f) => ({ label: f.path, description: f.status })),
      { title: `Step ${checkpoint.step} changed ${files.length} files: compare (checkpoint ↔ now)`, canPickMany: true },
    );
    for (const p of picked ?? []) await this.openDiff(root, p.label, checkpoint);
  }

  private async restore(
    store: GitCheckpointStore,
    task: TaskHistory,
    checkpoint: Checkpoint,
    mayRestore: (p: string) => boolean,
  ): Promise<void> {
    if (this.deps.busy()) {
      void vscode.window.showWarningMessage('Warden: a task is running; stop it or wait for it to end before restoring files.');
      return;
    }
    const plan = await planRestore(store, task, checkpoint, mayRestore, new AbortController().signal);
    if (plan.writes.length === 0) {
      void vscode.window.showInformationMessage('Warden: nothing to restore: the files are as they were at that checkpoint.');
      return;
    }
    const overwrite = await this.ask(plan);
    if (overwrite === null) return;
    const identity = { sessionId: randomUUID(), workspace: store.root, user: userInfo().username, model: null };
    const report = await executeRestore(store, plan, {
      overwrite,
      audit: this.deps.audit,
      identity,
      by: 'the person (chat)',
      signal: new AbortController().signal,
    });
    const parts = [
      `${report.written.length} written`,
      `${report.deleted.length} deleted`,
      ...(report.kept.length ? [`${report.kept.length} you changed left as they are`] : []),
      ...(report.failed.length ? [`${report.failed.length} failed: ${report.failed.map((f) => `${f.path} (${f.why})`).join(', ')}`] : []),
    ];
    void vscode.window.showInformationMessage(`Warden: restored to checkpoint ${shortId(checkpoint.id)}: ${parts.join(', ')}.`);
  }

  /** The plan as a modal; null: the person cancelled; else the conflicting paths they chose to overwrite. */
  private async ask(plan: RestorePlan): Promise<Set<string> | null> {
    const conflicted = new Set(plan.conflicts.map((c) => c.path));
    const lines = plan.writes
      .slice(0, 30)
      .map((w) => `${w.to === null ? 'delete' : 'restore'} ${w.path}${conflicted.has(w.path) ? ' — changed since by you' : ''}`);
    if (plan.writes.length > 30) lines.push(`… and ${plan.writes.length - 30} more`);
    for (const s of plan.skipped) lines.push(`skip ${s} (warden.paths.denyRead)`);
    const detail = `${lines.join('\n')}${plan.conflicts.length ? `\n\n${plan.conflicts.length} file(s) changed since the task; they are left as they are unless you choose to overwrite them.` : ''}`;
    const restore = 'Restore';
    const overwriteAll = 'Restore and Overwrite My Changes';
    const show = 'Show Versions';
    const choices = plan.conflicts.length ? [restore, show, overwriteAll] : [restore];
    for (;;) {
      const answer = await vscode.window.showWarningMessage(
        `Restore ${plan.writes.length} file(s) to checkpoint ${shortId(plan.checkpoint.id)} (before step ${plan.checkpoint.step})?`,
        { modal: true, detail },
        ...choices,
      );
      if (answer === restore) return new Set();
      if (answer === overwriteAll) return conflicted;
      if (answer !== show) return null;
      await this.showVersions(plan);
    }
  }

  /** For each conflict: checkpoint ↔ now and what the task left ↔ now. */
  private async showVersions(plan: RestorePlan): Promise<void> {
    const root = (await this.store()).root;
    for (const c of plan.conflicts.slice(0, 5)) {
      await this.openDiff(root, c.path, plan.checkpoint);
      const label = (v: FileVersion | null) => (v ? v.oid.slice(0, 8) : 'absent');
      this.deps.log(`conflict ${c.path}: checkpoint ${label(c.checkpoint)}, task left ${label(c.agent)}, now ${label(c.now)}`);
    }
  }
}
