import type { Checkpoint, CheckpointMeta, FileChange, FileVersion, TaskHistory } from './model';

/** One file a restore sets: to a stored version, or removed (`to: null`). */
export interface RestoreWrite {
  readonly path: string;
  readonly to: FileVersion | null;
}

export interface ApplyReport {
  readonly written: readonly string[];
  readonly deleted: readonly string[];
  /** Paths left as they are, with why (a link or a folder in the way). */
  readonly failed: readonly { readonly path: string; readonly why: string }[];
}

/**
 * The shadow history of one workspace folder (src/node/checkpoints/gitStore.ts).
 * Paths are workspace-relative with `/`. Files the store may not hold
 * (warden.paths.denyRead, the excluded folders) are never read by it.
 */
export interface CheckpointStore {
  /** The workspace folder it covers. */
  readonly root: string;
  /**
   * Records the workspace as it is now. With `meta`, a checkpoint on the
   * task's history; without, only the tree (for comparing with now).
   * Stops, leaving the history as it was, when `signal` aborts.
   */
  snapshot(meta: CheckpointMeta, signal: AbortSignal): Promise<Checkpoint>;
  snapshotTree(signal: AbortSignal): Promise<string>;
  /** Records a tree that `snapshotTree` returned as a checkpoint on the task's history. */
  commit(meta: CheckpointMeta, tree: string, signal: AbortSignal): Promise<Checkpoint>;
  /** Every task's history, newest task first. */
  history(): Promise<TaskHistory[]>;
  changes(fromTree: string, toTree: string): Promise<FileChange[]>;
  /** The stored version of each path in a tree; absent paths are left out. */
  versions(tree: string, paths: readonly string[]): Promise<Map<string, FileVersion>>;
  /** A unified diff between two trees (`paths` narrows it). */
  diff(fromTree: string, toTree: string, paths?: readonly string[]): Promise<string>;
  read(version: FileVersion): Promise<Uint8Array>;
  /** Writes the versions into the workspace, following no link. `targetTree` tells which emptied folders to remove. */
  apply(writes: readonly RestoreWrite[], targetTree: string): Promise<ApplyReport>;
  /** Bytes the store takes on disk and how many tasks it holds. */
  usage(): Promise<{ bytes: number; tasks: number }>;
  /** Drops the oldest tasks beyond `keepTasks`, then more while the store exceeds `maxBytes`; never `keep`. */
  prune(limits: { keepTasks: number; maxBytes: number; keep?: string }): Promise<{ removedTasks: number; bytes: number }>;
}
