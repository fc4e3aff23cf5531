import { minimatch } from 'minimatch';
import { parseCommandPattern, patternCovers, type CommandPattern } from './commandPattern';
import type { IgnoredWorkspaceValue } from './guard';
import { hostEntryCovers, parseHostEntry, type HostEntry } from './hostEntry';
import { parseToolPattern } from '../mcp/names';
import { defaultSettings, type SecretRule, type SettingKey, type Settings } from './settings';

/**
 * A lower level can only narrow the one above it (user settings a managed
 * policy, workspace settings the user's): allowing lists are intersected (a
 * lower entry survives only if the list above already covers it),
 * restricting lists are united, numbers take the minimum, and
 * `approval.reads` the stricter value. Every dropped value is recorded with
 * its level and why.
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
  lv: Level = WORKSPACE,
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
      ? `wider than ${lv.above} ${key}; only what both allow is kept (${narrower.join(', ')})`
      : `not covered by ${lv.above} ${key}; ${lv.a} can only narrow it`;
    ignored.push({ key, value: entry, why, level: lv.level });
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
  lv: Level,
): Record<string, SecretRule> {
  const key = 'warden.secrets';
  const out: Record<string, SecretRule> = {};
  for (const [name, rule] of Object.entries(ws)) {
    const u = Object.hasOwn(user, name) ? user[name] : undefined;
    if (!u) {
      ignored.push({ key: `${key}.${name}`, value: rule, why: `${lv.aboveSettings} grant no such secret`, level: lv.level });
      continue;
    }
    const commands = narrowList(`${key}.${name}.commands`, u.commands, rule.commands, asPattern, patternCovers, ignored, lv);
    const hosts = narrowList(`${key}.${name}.hosts`, u.hosts ?? [], rule.hosts ?? [], asHost, hostEntryCovers, ignored, lv);
    out[name] = { commands, hosts };
  }
  return out;
}

/** The level being narrowed into the one above it, for the messages that say why a value was dropped. */
interface Level {
  readonly level: 'user' | 'workspace';
  /** `the user's` / `the managed policy's` */
  readonly above: string;
  readonly aboveSettings: string;
  /** `a workspace` / `user settings` */
  readonly a: string;
}
const WORKSPACE: Level = { level: 'workspace', above: "the user's", aboveSettings: 'the user settings', a: 'a workspace' };
const USER: Level = {
  level: 'user',
  above: "the managed policy's",
  aboveSettings: 'the managed policy and user settings',
  a: 'user settings',
};

/** User or managed settings only: a workspace can never set them (a repository must not redirect the key or the record, start an MCP server, or turn off or narrow the person's own undo history). */
export const APPLICATION_SCOPED: ReadonlySet<SettingKey> = new Set([
  'warden.model',
  'warden.thinking.effort',
  'warden.anthropic.baseUrl',
  'warden.anthropic.contextWindow',
  'warden.audit.export.otlp.endpoint',
  'warden.audit.export.otlp.headers',
  'warden.audit.export.otlp.caFile',
  'warden.audit.export.syslog.address',
  'warden.audit.export.syslog.tls',
  'warden.audit.export.syslog.caFile',
  'warden.mcp.servers',
  'warden.mcp.workspaceServers',
  'warden.checkpoints.enabled',
  'warden.checkpoints.exclude',
  'warden.checkpoints.includeIgnored',
  'warden.checkpoints.keepTasks',
  'warden.checkpoints.maxStoreMiB',
  'warden.checkpoints.snapshotTimeoutSeconds',
]);
const MINIMUM: ReadonlySet<SettingKey> = new Set(['warden.commands.timeoutSeconds', 'warden.limits.maxTurns', 'warden.limits.maxCostUsd']);
const INTERSECT_GLOBS: ReadonlySet<SettingKey> = new Set(['warden.paths.write', 'warden.paths.autoApprove']);
const UNION: ReadonlySet<SettingKey> = new Set([
  'warden.paths.denyRead',
  'warden.paths.protected',
  'warden.commands.deny',
  'warden.mcp.tools.ask',
  'warden.mcp.tools.deny',
]);

/** Keys only a managed policy sets (src/core/policy/managed.ts reads them). */
export function isManagedOnly(key: string): boolean {
  return key.startsWith('warden.managed.');
}

/** `''` is Anthropic's API; trailing slashes do not make another endpoint. */
export function sameEndpoint(a: string, b: string): boolean {
  const norm = (u: string) => (u === '' ? 'https://api.anthropic.com' : u).replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

/**
 * Narrows `lower` into `base`: every value of `lower` is kept only as far as
 * `base` already allows it, and each dropped one is recorded with why.
 */
function narrowInto(base: Settings, lower: Partial<Settings>, lv: Level, ignored: IgnoredWorkspaceValue[]): Settings {
  const eff: Record<string, unknown> = { ...base };
  const drop = (key: string, value: unknown, why: string) => ignored.push({ key, value, why, level: lv.level });
  for (const [k, value] of Object.entries(lower)) {
    const key = k as SettingKey;
    if (value === undefined) continue;
    if (isManagedOnly(key)) {
      narrowManagedKey(eff, base, key, value, drop);
    } else if (APPLICATION_SCOPED.has(key)) {
      if (lv.level === 'workspace') drop(key, value, 'user settings only: a workspace cannot set it');
      else drop(key, value, 'fixed by the managed policy');
    } else if (MINIMUM.has(key)) {
      const u = base[key] as number;
      if ((value as number) <= u) eff[key] = value;
      else drop(key, value, `higher than ${lv.above} ${u}; ${lv.a} can only lower it`);
    } else if (INTERSECT_GLOBS.has(key)) {
      eff[key] = narrowList(key, base[key] as string[], value as string[], (s) => s, globCovers, ignored, lv);
    } else if (UNION.has(key)) {
      eff[key] = union(base[key] as string[], value as string[]);
    } else if (key === 'warden.commands.allow') {
      eff[key] = narrowList(key, base[key], value as string[], asPattern, patternCovers, ignored, lv);
    } else if (key === 'warden.mcp.tools.allow') {
      eff[key] = narrowList(key, base[key], value as string[], asToolPattern, toolPatternCovers, ignored, lv);
    } else if (key === 'warden.network.allowedHosts') {
      eff[key] = narrowList(key, base[key], value as string[], asHost, hostEntryCovers, ignored, lv);
    } else if (key === 'warden.secrets') {
      eff[key] = narrowSecrets(base[key], value as Record<string, SecretRule>, ignored, lv);
    } else if (key === 'warden.approval.reads') {
      if (value === 'ask') eff[key] = 'ask';
      else if (base[key] === 'ask') drop(key, value, `${lv.above} 'ask' is stricter; ${lv.a} can only make it stricter`);
    } else {
      drop(key, value, 'unknown setting');
    }
  }
  return eff as Settings;
}

/**
 * `warden.managed.*` below the managed policy: a lower level may only make
 * them stricter (a `forbid…`/`require…` switched on, fewer endpoints); the
 * organisation id, once set above, cannot change.
 */
function narrowManagedKey(
  eff: Record<string, unknown>,
  base: Settings,
  key: SettingKey,
  value: unknown,
  drop: (key: string, value: unknown, why: string) => void,
): void {
  const above = base[key];
  if (JSON.stringify(above) === JSON.stringify(value)) return;
  if (typeof above === 'boolean') {
    if (value === true) eff[key] = true;
    else drop(key, value, 'the managed policy switched it on; only a managed policy can switch it off');
  } else if (Array.isArray(above)) {
    const list = value as string[];
    if (above.length === 0) eff[key] = list;
    else {
      const kept = list.filter((u) => above.some((a) => sameEndpoint(a, u)));
      if (kept.length < list.length) drop(key, value, `the managed policy allows only ${above.join(', ')}`);
      eff[key] = kept.length > 0 ? kept : above;
    }
  } else if (above === '') eff[key] = value;
  else drop(key, value, 'set by the managed policy');
}

/** Managed-only rules that bind the effective settings whatever the levels below said. */
function applyManagedRules(eff: Settings, user: Partial<Settings>, workspace: Partial<Settings>, ignored: IgnoredWorkspaceValue[]): void {
  if (eff['warden.managed.forbidAutoReads'] && eff['warden.approval.reads'] !== 'ask') {
    for (const [level, v] of [
      ['user', user],
      ['workspace', workspace],
    ] as const) {
      if (v['warden.approval.reads'] === 'auto')
        ignored.push({ key: 'warden.approval.reads', value: 'auto', why: "the managed policy forbids 'auto': every read asks", level });
    }
    eff['warden.approval.reads'] = 'ask';
  }
  const endpoints = eff['warden.managed.allowedModelEndpoints'];
  const url = eff['warden.anthropic.baseUrl'];
  if (endpoints.length > 0 && !endpoints.some((e) => sameEndpoint(e, url))) {
    if (user['warden.anthropic.baseUrl'] !== undefined) {
      ignored.push({
        key: 'warden.anthropic.baseUrl',
        value: url,
        why: `the managed policy allows only these model endpoints: ${endpoints.join(', ')}`,
        level: 'user',
      });
    }
    eff['warden.anthropic.baseUrl'] = endpoints[0] ?? '';
  }
}

/**
 * The one merge of every level, top down: defaults, then the managed policy
 * (an administrator's; src/core/policy/managed.ts), then user settings, then
 * workspace settings. User settings may set freely what the managed policy
 * leaves unset and only narrow what it sets; workspace settings only narrow
 * what is above them; managed-only keys (`warden.managed.*`) come from the
 * managed policy alone and bind every level.
 */
export function narrow(user: Partial<Settings>, workspace: Partial<Settings>, managed: Partial<Settings> = {}): Narrowed {
  const ignored: IgnoredWorkspaceValue[] = [];
  const top = { ...defaultSettings(), ...managed };
  const free: Record<string, unknown> = {};
  const bound: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(user)) {
    if (value === undefined) continue;
    if (Object.hasOwn(managed, key) || isManagedOnly(key)) bound[key] = value;
    else free[key] = value;
  }
  const userLevel = narrowInto({ ...top, ...free }, bound, USER, ignored);
  const eff = narrowInto(userLevel, workspace, WORKSPACE, ignored);
  applyManagedRules(eff, user, workspace, ignored);
  return { effective: eff, ignored };
}
