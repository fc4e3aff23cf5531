import { sameVersion, type Checkpoint, type FileVersion, type TaskHistory } from './model';
import type { CheckpointStore, RestoreWrite } from './port';

/** A file a restore would overwrite although a person changed it after the agent: the three versions. */
export interface RestoreConflict {
  readonly path: string;
  readonly why: 'changed-since' | 'changed-between-steps';
  /** What the restore would write (null: it would delete the file). */
  readonly checkpoint: FileVersion | null;
  /** What the task left there (the last checkpoint of the task). */
  readonly agent: FileVersion | null;
  /** What is there now. */
  readonly now: FileVersion | null;
}

export interface RestorePlan {
  readonly taskId: string;
  readonly checkpoint: Checkpoint;
  /** The tree of the workspace when the plan was made. */
  readonly nowTree: string;
  readonly agentTree: string;
  /** What the restore changes, conflicts included (they are written only when the person says so). */
  readonly writes: readonly RestoreWrite[];
  readonly conflicts: readonly RestoreConflict[];
  /** Paths the restore leaves alone because the store may not touch them (warden.paths.denyRead). */
  readonly skipped: readonly string[];
}

export interface RestoreInputs {
  /** Paths the task's steps (and restores) at or after the checkpoint changed. */
  readonly touched: ReadonlySet<string>;
  /** Paths changed outside the task's steps, between two of them, at or after the checkpoint. */
  readonly changedBetween: ReadonlySet<string>;
  readonly target: ReadonlyMap<string, FileVersion>;
  readonly agent: ReadonlyMap<string, FileVersion>;
  readonly now: ReadonlyMap<string, FileVersion>;
  /** False for a path the store may never write over (warden.paths.denyRead). */
  readonly mayRestore: (path: string) => boolean;
}

/**
 * The pure decision: each touched path goes back to its version at the
 * checkpoint; a path whose version now is not what the task left, or that
 * a person changed between two steps, is a conflict; a path already as it
 * was needs nothing.
 */
export function decideRestore(i: RestoreInputs): Pick<RestorePlan, 'writes' | 'conflicts' | 'skipped'> {
  const writes: RestoreWrite[] = [];
  const conflicts: RestoreConflict[] = [];
  const skipped: string[] = [];
  for (const path of [...i.touched].sort()) {
    if (!i.mayRestore(path)) {
      skipped.push(path);
      continue;
    }
    const to = i.target.get(path) ?? null;
    const now = i.now.get(path) ?? null;
    if (sameVersion(to, now)) continue;
    writes.push({ path, to });
    const agent = i.agent.get(path) ?? null;
    if (!sameVersion(agent, now)) conflicts.push({ path, why: 'changed-since', checkpoint: to, agent, now });
    else if (i.changedBetween.has(path)) conflicts.push({ path, why: 'changed-between-steps', checkpoint: to, agent, now });
  }
  return { writes, conflicts, skipped };
}

/**
 * What restoring the workspace to `checkpoint` (taken before a step) would
 * change: the files that step and every later one changed go back to how
 * they were; files the person changed meanwhile are conflicts.
 */
export async function planRestore(
  store: CheckpointStore,
  task: TaskHistory,
  checkpoint: Checkpoint,
  mayRestore: (path: string) => boolean,
  signal: AbortSignal,
): Promise<RestorePlan> {
  const list = task.checkpoints;
  const start = list.findIndex((c) => c.id === checkpoint.id);
  if (start < 0) throw new Error(`checkpoint ${checkpoint.id} is not part of task ${task.taskId}`);
  const last = list[list.length - 1] as Checkpoint;
  const touched = new Set<string>();
  const changedBetween = new Set<string>();
  for (let k = start; k + 1 < list.length; k++) {
    const a = list[k] as Checkpoint;
    const b = list[k + 1] as Checkpoint;
    if (a.tree === b.tree) continue;
    // From an `after` or a `restore` to the next checkpoint, nobody in the task acted: a person did.
    const byPerson = a.phase !== 'before';
    for (const c of await store.changes(a.tree, b.tree)) (byPerson ? changedBetween : touched).add(c.path);
  }
  const nowTree = await store.snapshotTree(signal);
  const paths = [...touched];
  const [target, agent, now] = await Promise.all([
    store.versions(checkpoint.tree, paths),
    store.versions(last.tree, paths),
    store.versions(nowTree, paths),
  ]);
  return {
    taskId: task.taskId,
    checkpoint,
    nowTree,
    agentTree: last.tree,
    ...decideRestore({ touched, changedBetween, target, agent, now, mayRestore }),
  };
}
