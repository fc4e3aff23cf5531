/**
 * Checkpoints: the workspace as it was before each step of a task that can
 * change it (a write, edit or delete; a command), kept in a shadow history
 * outside the workspace (src/node/checkpoints). Pure types and helpers.
 */

/** `before`: taken before a step ran; `after`: once it ended; `restore`: after a person restored files. */
export type CheckpointPhase = 'before' | 'after' | 'restore';

export interface CheckpointMeta {
  readonly taskId: string;
  /** 1-based step of the task; a restore carries the step it went back to. */
  readonly step: number;
  /** The tool call the step belongs to (null for a restore). */
  readonly callId: string | null;
  readonly tool: string | null;
  readonly phase: CheckpointPhase;
  /** ISO time. */
  readonly at: string;
  /** One line for people: what the step was (`write_file src/a.ts`, the command). */
  readonly summary: string;
}

export interface Checkpoint extends CheckpointMeta {
  /** The commit id in the shadow history. */
  readonly id: string;
  /** The tree id: the workspace's content at that moment. */
  readonly tree: string;
}

/** One task's checkpoints, oldest first. */
export interface TaskHistory {
  readonly taskId: string;
  readonly checkpoints: readonly Checkpoint[];
}

/** One file as stored: git's mode (`100644`, `100755`, `120000` for a link) and blob id. */
export interface FileVersion {
  readonly mode: string;
  readonly oid: string;
}

export type ChangeStatus = 'added' | 'modified' | 'deleted';

export interface FileChange {
  /** Workspace-relative, `/`-separated. */
  readonly path: string;
  readonly status: ChangeStatus;
}

/** How people name a checkpoint: the first 12 hex digits of its id. */
export function shortId(id: string): string {
  return id.slice(0, 12);
}

export function sameVersion(a: FileVersion | null | undefined, b: FileVersion | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.mode === b.mode && a.oid === b.oid;
}

/** The checkpoint a person names by id or by a prefix of at least 7 hex digits; a string saying why not otherwise. */
export function findCheckpoint(tasks: readonly TaskHistory[], ref: string): { task: TaskHistory; checkpoint: Checkpoint } | string {
  if (!/^[0-9a-f]{7,64}$/.test(ref)) return `'${ref}' is not a checkpoint id (7 to 64 lowercase hex digits)`;
  const found = tasks.flatMap((task) => task.checkpoints.filter((c) => c.id.startsWith(ref)).map((checkpoint) => ({ task, checkpoint })));
  if (found.length === 0) return `no checkpoint ${ref} in this workspace's store`;
  if (found.length > 1) return `${ref} names ${found.length} checkpoints; give more digits`;
  return found[0] as { task: TaskHistory; checkpoint: Checkpoint };
}
