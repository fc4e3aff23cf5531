import { noteEvent, type AuditSink } from '../audit/event';
import type { AuditIdentity } from '../agent/auditRecord';
import { shortId } from './model';
import type { ApplyReport, CheckpointStore } from './port';
import type { RestorePlan } from './restorePlan';

export interface RestoreReport extends ApplyReport {
  /** Conflicting paths left as they are (the person did not choose to overwrite them). */
  readonly kept: readonly string[];
  /** The checkpoint recording the workspace after the restore. */
  readonly recorded: string | null;
}

/**
 * Carries out a plan the person saw: every write but the conflicts they did
 * not choose to overwrite, then records the result on the task's history
 * (so a later restore knows what is the task's) and an audit event naming
 * every path.
 */
export async function executeRestore(
  store: CheckpointStore,
  plan: RestorePlan,
  opts: { overwrite: ReadonlySet<string>; audit: AuditSink; identity: AuditIdentity; by: string; signal: AbortSignal },
): Promise<RestoreReport> {
  const conflicted = new Set(plan.conflicts.map((c) => c.path));
  const kept = plan.writes.filter((w) => conflicted.has(w.path) && !opts.overwrite.has(w.path)).map((w) => w.path);
  const writes = plan.writes.filter((w) => !kept.includes(w.path));
  const record = async (phase: 'before' | 'restore', summary: string): Promise<string | null> => {
    try {
      return (
        await store.snapshot(
          { taskId: plan.taskId, step: plan.checkpoint.step, callId: null, tool: null, phase, at: new Date().toISOString(), summary },
          opts.signal,
        )
      ).id;
    } catch {
      return null;
    }
  };
  // The workspace just before: what the person changed since the task stays theirs for later restores, and the restore itself can be undone.
  await record('before', `before restoring to ${shortId(plan.checkpoint.id)}`);
  const applied = await store.apply(writes, plan.checkpoint.tree);
  const recorded = await record('restore', `restored to ${shortId(plan.checkpoint.id)}`);
  const paths = { written: applied.written, deleted: applied.deleted, failed: applied.failed, kept, skipped: plan.skipped };
  const note = `checkpoint restore to ${shortId(plan.checkpoint.id)} (task ${plan.taskId}, before step ${plan.checkpoint.step}) by ${opts.by}: ${applied.written.length} written, ${applied.deleted.length} deleted, ${kept.length} kept as the person changed them, ${applied.failed.length} failed`;
  await opts.audit.append(
    noteEvent({
      kind: 'session',
      sessionId: opts.identity.sessionId,
      workspace: store.root,
      actor: { user: opts.identity.user, model: null },
      note,
      input: { checkpoint: plan.checkpoint.id, task: plan.taskId, ...paths },
    }),
  );
  return { ...applied, kept, recorded };
}
