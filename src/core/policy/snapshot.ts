import { createGuard, effectiveSettings, type GuardSettingsInput } from './createGuard';
import type { Guard, GuardEnvironment, GuardResult } from './guard';
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
  const settings = (levels.folders ?? []).reduce<Settings>(
    (acc, f) => narrow(acc, parseFlatSettings(f).values).effective,
    levelled.effective,
  );
  return { guard, settings, userBaseUrl: levelled.userBaseUrl, env };
}

/**
 * The policy of one running task. Every tool call asks `guard` (and the tool
 * context reads `settings()`): the task's start snapshot, narrowed by every
 * snapshot seen since. So a setting made stricter while the task runs
 * applies at the next tool call, and invalid settings deny at once; a setting
 * made looser (even back to what the task started with) changes nothing for
 * the running task and applies from the next task on.
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

const SEVERITY = { allow: 0, ask: 1, deny: 2 } as const;

/** The most restrictive of the results (the first of equals, so the start snapshot's details are kept). */
function strictest(results: readonly GuardResult[]): GuardResult {
  return results.reduce((a, b) => (SEVERITY[b.decision] > SEVERITY[a.decision] ? b : a));
}

/**
 * One guard over several snapshots' guards: a call is decided by each and
 * takes the most restrictive result, so each snapshot keeps its own
 * per-folder policy.
 */
function allOf(guards: readonly Guard[]): Guard {
  const [first] = guards;
  if (first === undefined) throw new Error('allOf needs at least one guard');
  if (guards.length === 1) return first;
  return {
    problems: first.problems,
    ignoredWorkspaceValues: first.ignoredWorkspaceValues,
    // The newest snapshot's account of the managed policy (its decisions are combined like the rest).
    managed: guards[guards.length - 1]?.managed ?? first.managed,
    decide: (call) => strictest(guards.map((g) => g.decide(call))),
    decideRequest: (request) => strictest(guards.map((g) => g.decideRequest(request))),
    canRead: (absPath) => guards.every((g) => g.canRead(absPath)),
    decideChange: (absolute, kind) => strictest(guards.map((g) => g.decideChange(absolute, kind))),
    readFilter: () => {
      const filters = guards.map((g) => g.readFilter());
      return {
        globs: [...new Set(filters.flatMap((f) => f.globs))],
        allows: (root, relative, isLink) => filters.every((f) => f.allows(root, relative, isLink)),
        key: JSON.stringify(filters.map((f) => f.key)),
      };
    },
    secretsGrantedTo: (line) => guards.map((g) => g.secretsGrantedTo(line)).reduce((a, b) => a.filter((n) => b.includes(n))),
  };
}

export function taskPolicy(start: PolicySnapshot, current: () => PolicySnapshot): TaskPolicy {
  let seen = start;
  // What the task may do only ever narrows: every valid snapshot seen keeps deciding, and the strictest answer wins.
  const chain: Guard[] = [start.guard];
  let settings = start.settings;
  let derived: Guard = start.guard;
  const now = (): Guard => {
    const cur = current();
    if (cur === seen) return derived;
    seen = cur;
    if (start.guard.problems.length > 0 || cur.guard.problems.length > 0) {
      // Invalid settings at either end: the failing guard denies every call while they stay invalid.
      derived = start.guard.problems.length > 0 ? start.guard : cur.guard;
    } else {
      chain.push(cur.guard);
      settings = narrow(settings, narrowable(cur.settings)).effective;
      derived = allOf(chain);
    }
    return derived;
  };
  const guard: Guard = {
    get problems() {
      return now().problems;
    },
    // What the task started with: a later snapshot's looser values are not news.
    ignoredWorkspaceValues: start.guard.ignoredWorkspaceValues,
    managed: start.guard.managed,
    decide: (call) => now().decide(call),
    decideRequest: (request) => now().decideRequest(request),
    canRead: (absPath) => now().canRead(absPath),
    decideChange: (absolute, kind) => now().decideChange(absolute, kind),
    readFilter: () => now().readFilter(),
    secretsGrantedTo: (line) => now().secretsGrantedTo(line),
  };
  return {
    start,
    guard,
    settings: () => {
      now();
      return settings;
    },
  };
}
