import type { AgentEvents } from '../agent/events';
import type { FileChange } from './model';
import type { CheckpointStore } from './port';
import { neutralise } from '../text/neutralise';

/** A step about to run that can change the workspace. */
export interface StepInfo {
  readonly callId: string;
  readonly tool: string;
  /** One line for people: the file or the command. */
  readonly summary: string;
}

/**
 * The pipeline's hook (PipelineDeps.checkpoints): `around` takes a
 * checkpoint before the step, runs it, takes one after, and tells the
 * listeners which files the step changed. A snapshot that fails or takes
 * longer than the limit turns checkpoints off for the rest of the task,
 * with a warning; the step itself always runs.
 */
export interface StepCheckpoints {
  around<T>(step: StepInfo, run: () => Promise<T>): Promise<T>;
  /** Ids of the `before` checkpoints made so far, in order. */
  made(): readonly string[];
}

export interface RecorderOptions {
  readonly store: CheckpointStore;
  readonly taskId: string;
  readonly timeoutMs: number;
  readonly events: AgentEvents;
  /** Called once when checkpoints stop for this task, with why (for the audit log). */
  readonly onOff?: (why: string) => void;
  readonly now?: () => Date;
}

export function createStepCheckpoints(o: RecorderOptions): StepCheckpoints {
  let step = 0;
  let off: string | null = null;
  const made: string[] = [];
  const now = o.now ?? (() => new Date());
  const turnOff = (why: string): void => {
    if (off !== null) return;
    off = why;
    o.events({
      type: 'warning',
      message: `Checkpoints are off for the rest of this task: ${why}. The task goes on; what it changes from now cannot be restored from a checkpoint.`,
    });
    o.onOff?.(why);
  };
  // The store's index is brought up to date while the model thinks: on a large workspace the first one hashes every file.
  let indexing: Promise<unknown> = o.store.snapshotTree(NEVER).catch(() => undefined);
  /**
   * The tree now, or null when it took too long or failed. A late index
   * refresh is left to finish (never killed), so the next task starts from
   * it; its tree is not recorded, since the step has begun meanwhile.
   */
  const treeInTime = async (): Promise<string | null> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), o.timeoutMs)));
    const tree = indexing.then(() => o.store.snapshotTree(NEVER));
    indexing = tree.catch(() => undefined);
    try {
      const r = await Promise.race([tree, late]);
      if (r === 'late') {
        turnOff(
          `a snapshot of the workspace took longer than ${o.timeoutMs / 1000} s (warden.checkpoints.snapshotTimeoutSeconds; exclude large folders with warden.checkpoints.exclude)`,
        );
        return null;
      }
      return r;
    } catch (err) {
      turnOff(`a snapshot failed (${err instanceof Error ? err.message : String(err)})`);
      return null;
    } finally {
      clearTimeout(timer);
    }
  };
  const snap = async (phase: 'before' | 'after', s: StepInfo, n: number) => {
    const tree = await treeInTime();
    if (tree === null) return null;
    try {
      return await o.store.commit(
        { taskId: o.taskId, step: n, callId: s.callId, tool: s.tool, phase, at: now().toISOString(), summary: s.summary },
        tree,
        NEVER,
      );
    } catch (err) {
      turnOff(`a checkpoint could not be recorded (${err instanceof Error ? err.message : String(err)})`);
      return null;
    }
  };
  return {
    made: () => [...made],
    async around(s, run) {
      if (off !== null) return run();
      const n = ++step;
      const before = await snap('before', s, n);
      if (before === null) return run();
      made.push(before.id);
      try {
        return await run();
      } finally {
        const after = await snap('after', s, n);
        if (after !== null) {
          let files: FileChange[] = [];
          try {
            files = before.tree === after.tree ? [] : await o.store.changes(before.tree, after.tree);
          } catch {
            files = [];
          }
          o.events({
            type: 'checkpoint',
            callId: s.callId,
            taskId: o.taskId,
            step: n,
            checkpointId: before.id,
            files: files.map((f) => ({ ...f, path: neutralise(f.path) })),
          });
        }
      }
    },
  };
}

const NEVER = new AbortController().signal;
