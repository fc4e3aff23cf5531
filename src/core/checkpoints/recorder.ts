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
    o.events({ type: 'warning', message: `Checkpoints are off for the rest of this task: ${why}. The task goes on; what it changes from now cannot be restored from a checkpoint.` });
    o.onOff?.(why);
  };
  const snap = async (phase: 'before' | 'after', s: StepInfo, n: number) => {
    const signal = AbortSignal.timeout(o.timeoutMs);
    try {
      return await o.store.snapshot({ taskId: o.taskId, step: n, callId: s.callId, tool: s.tool, phase, at: now().toISOString(), summary: s.summary }, signal);
    } catch (err) {
      turnOff(
        signal.aborted
          ? `a snapshot of the workspace took longer than ${o.timeoutMs / 1000} s (warden.checkpoints.snapshotTimeoutSeconds; exclude large folders with warden.checkpoints.exclude)`
          : `a snapshot failed (${err instanceof Error ? err.message : String(err)})`,
      );
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
          o.events({ type: 'checkpoint', callId: s.callId, taskId: o.taskId, step: n, checkpointId: before.id, files: files.map((f) => ({ ...f, path: neutralise(f.path) })) });
        }
      }
    },
  };
}
