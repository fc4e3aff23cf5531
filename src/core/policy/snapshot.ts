import { createGuard, effectiveSettings, type GuardSettingsInput } from './createGuard';
import type { Guard, GuardEnvironment } from './guard';
import { APPLICATION_SCOPED, narrow } from './narrowing';
import { parseFlatSettings, type SettingKey, type Settings } from './settings';

/**
 * One settings snapshot, derived once: the guard, the effective settings
 * (user narrowed by workspace) and the user-level values a workspace may
 * never set. The extension, `warden check` and `warden run` all derive it
 * here; nothing else parses or narrows the two levels.
 */
export interface PolicySnapshot {
  readonly guard: Guard;
  /**
   * Effective settings (user narrowed by workspace, and with several folders
   * by every folder: the strictest, for what is not decided per path);
   * when the settings are invalid, the valid user values over the defaults (the guard denies every call). */
  readonly settings: Settings;
  /** `warden.anthropic.baseUrl` from user settings only (empty: not set). */
  readonly userBaseUrl: string;
  readonly env: GuardEnvironment;
}

export function policySnapshot(levels: GuardSettingsInput, env: GuardEnvironment): PolicySnapshot {
  const guard = createGuard(levels, env);
  // Managed policy, then user, then workspace (./createGuard.ts); with several folders, the strictest of
  // them, for what no one folder decides (the sandbox's view, timeouts, hosts).
  const levelled = effectiveSettings(levels);
  const settings = (levels.folders ?? []).reduce<Settings>((acc, f) => narrow(acc, parseFlatSettings(f).values).effective, levelled.effective);
  return { guard, settings, userBaseUrl: levelled.userBaseUrl, env };
}

/**
 * The policy of one running task. Every tool call asks `guard` (and the tool
 * context reads `settings()`): the task's start snapshot narrowed by the
 * current one. So a setting made stricter while the task runs applies at the
 * next tool call, and invalid settings deny at once; a setting made looser
 * changes nothing for the running task (it keeps the narrower of the two) and
 * applies from the next task on.
 */
export interface TaskPolicy {
  readonly start: PolicySnapshot;
  readonly guard: Guard;
  readonly settings: () => Settings;
}

/** Settings only a user may set: left out when a later snapshot narrows the start one. */
function narrowable(s: Settings): Partial<Settings> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) if (!APPLICATION_SCOPED.has(k as SettingKey)) out[k] = v;
  return out;
}

export function taskPolicy(start: PolicySnapshot, current: () => PolicySnapshot): TaskPolicy {
  let seen = start;
  let derived: { guard: Guard; settings: Settings } = { guard: start.guard, settings: start.settings };
  const now = (): { guard: Guard; settings: Settings } => {
    const cur = current();
    if (cur === seen) return derived;
    seen = cur;
    if (start.guard.problems.length > 0 || cur.guard.problems.length > 0) {
      // Invalid settings at either end: the failing guard denies every call.
      derived = { guard: start.guard.problems.length > 0 ? start.guard : cur.guard, settings: start.settings };
    } else {
      const levels = { user: start.settings, workspace: narrowable(cur.settings) };
      derived = { guard: createGuard(levels, start.env), settings: narrow(start.settings, levels.workspace).effective };
    }
    return derived;
  };
  const guard: Guard = {
    get problems() {
      return now().guard.problems;
    },
    // What the task started with: a later snapshot's looser values are not news.
    ignoredWorkspaceValues: start.guard.ignoredWorkspaceValues,
    managed: start.guard.managed,
    decide: (call) => now().guard.decide(call),
    canRead: (absPath) => now().guard.canRead(absPath),
    decideChange: (absolute, kind) => now().guard.decideChange(absolute, kind),
    readFilter: () => now().guard.readFilter(),
    secretsGrantedTo: (line) => now().guard.secretsGrantedTo(line),
  };
  return { start, guard, settings: () => now().settings };
}
