import { minimatch } from 'minimatch';
import { parseCommandPattern, patternCovers, type CommandPattern } from './commandPattern';
import type { IgnoredWorkspaceValue } from './guard';
import { hostEntryCovers, parseHostEntry, type HostEntry } from './hostEntry';
import { parseToolPattern } from '../mcp/names';
import { defaultSettings, type SecretRule, type SettingKey, type Settings } from './settings';

/**
 * Workspace settings can only narrow: allowing lists are intersected (a
 * workspace entry survives only if the user's list already covers it),
 * restricting lists are united, numbers take the minimum, and
 * `approval.reads` the stricter value. Every dropped workspace value is
 * recorded with why.
 */
export interface Narrowed {
  readonly effective: Settings;
  readonly ignored: readonly IgnoredWorkspaceValue[];
}

const MAGIC = /[*?[\]{}()!+@]/;

/** Whether user glob `u` matches every path workspace glob `w` matches (conservative: false when unsure). */
export function globCovers(u: string, w: string): boolean {
  if (u === w || u === '**') return true;
  if (!MAGIC.test(w)) return minimatch(w, u, { dot: true });
  if (u.endsWith('/**')) {
    const prefix = u.slice(0, -3);
    if (!MAGIC.test(prefix)) return w.startsWith(`${prefix}/`);
  }
  return false;
}

/**
 * The intersection of two allowing lists, as far as it can be told entry by
 * entry: workspace entries a user entry covers, and user entries a workspace
 * entry covers. A workspace entry the user does not cover is recorded.
 */
function narrowList<T>(
  key: string,
  user: readonly string[],
  ws: readonly string[],
  parse: (s: string) => T | null,
  covers: (u: T, w: T) => boolean,
  ignored: IgnoredWorkspaceValue[],
): string[] {
  const us = user.map((s) => [s, parse(s)] as const).filter((x): x is readonly [string, T] => x[1] !== null);
  const kept = new Set<string>();
  for (const entry of ws) {
    const w = parse(entry);
    if (w !== null && us.some(([, u]) => covers(u, w))) {
      kept.add(entry);
      continue;
    }
    const narrower = w === null ? [] : us.filter(([, u]) => covers(w, u)).map(([s]) => s);
    for (const s of narrower) kept.add(s);
    const why = narrower.length
      ? `wider than the user's ${key}; only what both allow is kept (${narrower.join(', ')})`
      : `not covered by the user's ${key}; a workspace can only narrow it`;
    ignored.push({ key, value: entry, why });
  }
  return [...kept];
}

const asPattern = (s: string): CommandPattern | null => {
  const p = parseCommandPattern(s);
  return typeof p === 'string' ? null : p;
};
const asToolPattern = (s: string): string | null => (typeof parseToolPattern(s) === 'string' ? null : s);
/** A user tool pattern covers a workspace one when it matches it read as a literal name (a `*` in it only by a `*`). */
const toolPatternCovers = (u: string, w: string): boolean => {
  const re = parseToolPattern(u);
  return typeof re !== 'string' && re.test(w);
};
const asHost = (s: string): HostEntry | null => parseHostEntry(s);
const union = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])];

function narrowSecrets(
  user: Record<string, SecretRule>,
  ws: Record<string, SecretRule>,
  ignored: IgnoredWorkspaceValue[],
): Record<string, SecretRule> {
  const key = 'warden.secrets';
  const out: Record<string, SecretRule> = {};
  for (const [name, rule] of Object.entries(ws)) {
    const u = Object.hasOwn(user, name) ? user[name] : undefined;
    if (!u) {
      ignored.push({ key: `${key}.${name}`, value: rule, why: 'the user settings grant no such secret' });
      continue;
    }
    const commands = narrowList(`${key}.${name}.commands`, u.commands, rule.commands, asPattern, patternCovers, ignored);
    const hosts = narrowList(`${key}.${name}.hosts`, u.hosts ?? [], rule.hosts ?? [], asHost, hostEntryCovers, ignored);
    out[name] = { commands, hosts };
  }
  return out;
}

/** Settings only user settings may hold (a workspace value is ignored): where the key goes, which MCP servers start, and how the person's own undo history works (a repository may not turn it off or narrow it). */
export const APPLICATION_SCOPED: ReadonlySet<SettingKey> = new Set([
  'warden.model', 'warden.anthropic.baseUrl',
  'warden.mcp.servers', 'warden.mcp.workspaceServers',
  'warden.checkpoints.enabled', 'warden.checkpoints.exclude', 'warden.checkpoints.includeIgnored',
  'warden.checkpoints.keepTasks', 'warden.checkpoints.maxStoreMiB', 'warden.checkpoints.snapshotTimeoutSeconds',
]);
const MINIMUM: ReadonlySet<SettingKey> = new Set(['warden.commands.timeoutSeconds', 'warden.limits.maxTurns', 'warden.limits.maxCostUsd']);
const INTERSECT_GLOBS: ReadonlySet<SettingKey> = new Set(['warden.paths.write', 'warden.paths.autoApprove']);
const UNION: ReadonlySet<SettingKey> = new Set(['warden.paths.denyRead', 'warden.paths.protected', 'warden.commands.deny', 'warden.mcp.tools.ask', 'warden.mcp.tools.deny']);

export function narrow(user: Partial<Settings>, workspace: Partial<Settings>): Narrowed {
  const eff: Record<string, unknown> = { ...defaultSettings(), ...user };
  const base = eff as Settings;
  const ignored: IgnoredWorkspaceValue[] = [];
  for (const [k, value] of Object.entries(workspace)) {
    const key = k as SettingKey;
    if (value === undefined) continue;
    if (APPLICATION_SCOPED.has(key)) {
      ignored.push({ key, value, why: 'user settings only: a workspace cannot set it' });
    } else if (MINIMUM.has(key)) {
      const u = base[key] as number;
      if ((value as number) <= u) eff[key] = value;
      else ignored.push({ key, value, why: `higher than the user's ${u}; a workspace can only lower it` });
    } else if (INTERSECT_GLOBS.has(key)) {
      eff[key] = narrowList(key, base[key] as string[], value as string[], (s) => s, globCovers, ignored);
    } else if (UNION.has(key)) {
      eff[key] = union(base[key] as string[], value as string[]);
    } else if (key === 'warden.commands.allow') {
      eff[key] = narrowList(key, base[key], value as string[], asPattern, patternCovers, ignored);
    } else if (key === 'warden.mcp.tools.allow') {
      eff[key] = narrowList(key, base[key], value as string[], asToolPattern, toolPatternCovers, ignored);
    } else if (key === 'warden.network.allowedHosts') {
      eff[key] = narrowList(key, base[key], value as string[], asHost, hostEntryCovers, ignored);
    } else if (key === 'warden.secrets') {
      eff[key] = narrowSecrets(base[key], value as Record<string, SecretRule>, ignored);
    } else if (key === 'warden.approval.reads') {
      if (value === 'ask') eff[key] = 'ask';
      else if (base[key] === 'ask') ignored.push({ key, value, why: "the user's 'ask' is stricter; a workspace can only make it stricter" });
    } else {
      ignored.push({ key, value, why: 'unknown setting' });
    }
  }
  return { effective: eff as Settings, ignored };
}
