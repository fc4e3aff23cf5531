import { sessionEvent, type AuditIdentity } from '../../core/agent/auditRecord';
import type { AgentEvents } from '../../core/agent/events';
import type { AuditSink } from '../../core/audit/event';
import { createStepCheckpoints, type StepCheckpoints } from '../../core/checkpoints/recorder';
import type { Guard } from '../../core/policy/guard';
import type { Settings } from '../../core/policy/settings';
import type { Redactor } from '../../core/secrets/redactor';
import { GitCheckpointStore, storeDirFor } from './gitStore';

export type CheckpointSettings = Pick<
  Settings,
  | 'warden.checkpoints.enabled'
  | 'warden.checkpoints.exclude'
  | 'warden.checkpoints.includeIgnored'
  | 'warden.checkpoints.keepTasks'
  | 'warden.checkpoints.maxStoreMiB'
  | 'warden.checkpoints.snapshotTimeoutSeconds'
>;

/** Opens the checkpoint store of a workspace folder under a state folder (the extension's storage, the CLI's state folder). */
export function openCheckpointStore(
  stateDir: string,
  root: string,
  settings: CheckpointSettings,
  guard: Guard,
): Promise<GitCheckpointStore> {
  const filter = guard.readFilter();
  return GitCheckpointStore.open({
    root,
    dir: storeDirFor(stateDir, root),
    exclude: settings['warden.checkpoints.exclude'],
    includeIgnored: settings['warden.checkpoints.includeIgnored'],
    mayStore: (relative) => filter.allows(root, relative, false),
  });
}

export interface TaskCheckpointsWiring {
  readonly stateDir: string;
  readonly root: string;
  readonly settings: CheckpointSettings;
  readonly guard: Guard;
  readonly taskId: string;
  readonly events: AgentEvents;
  readonly audit: AuditSink;
  readonly identity: AuditIdentity;
  readonly redactor: Redactor;
}

/**
 * The checkpoints of one task, or undefined when they are off (the setting,
 * or a store that cannot be opened — said in the chat and the audit log; the
 * task runs without them). Prunes old tasks first.
 */
export async function openTaskCheckpoints(
  w: TaskCheckpointsWiring,
): Promise<{ checkpoints: StepCheckpoints; store: GitCheckpointStore } | undefined> {
  if (!w.settings['warden.checkpoints.enabled']) return undefined;
  const off = async (why: string) => {
    w.events({ type: 'warning', message: `Checkpoints are off for this task: ${why}.` });
    await w.audit.append(sessionEvent(w.identity, `checkpoints off for task ${w.taskId}: ${why}`, w.redactor));
  };
  let store: GitCheckpointStore;
  try {
    store = await openCheckpointStore(w.stateDir, w.root, w.settings, w.guard);
    await store.prune({
      keepTasks: w.settings['warden.checkpoints.keepTasks'],
      maxBytes: w.settings['warden.checkpoints.maxStoreMiB'] * 1024 * 1024,
      keep: w.taskId,
    });
  } catch (e) {
    await off(`the checkpoint store could not be opened (${e instanceof Error ? e.message : String(e)})`);
    return undefined;
  }
  const checkpoints = createStepCheckpoints({
    store,
    taskId: w.taskId,
    timeoutMs: w.settings['warden.checkpoints.snapshotTimeoutSeconds'] * 1000,
    events: w.events,
    onOff: (why) =>
      void w.audit
        .append(sessionEvent(w.identity, `checkpoints off for the rest of task ${w.taskId}: ${why}`, w.redactor))
        .catch(() => undefined),
  });
  return { checkpoints, store };
}
