import { BUILTIN_PROTECTED } from './builtins';
import { parseCommandPattern, type CommandPattern } from './commandPattern';
import { GlobList } from './globList';
import { parseHostEntry, type HostEntry } from './hostEntry';
import type { Settings } from './settings';

/** The effective settings with every glob, pattern and host compiled once. */
export interface CompiledPolicy {
  readonly settings: Settings;
  readonly write: GlobList;
  readonly autoApprove: GlobList;
  readonly denyRead: GlobList;
  readonly protectedPaths: GlobList;
  readonly allow: readonly CommandPattern[];
  readonly deny: readonly CommandPattern[];
  readonly hosts: readonly HostEntry[];
  readonly secrets: ReadonlyMap<string, { readonly commands: readonly CommandPattern[]; readonly hosts: readonly HostEntry[] }>;
  /** Some workspace folder is on a case-folding file system. */
  readonly nocase: boolean;
}

const patterns = (list: readonly string[]): CommandPattern[] =>
  list.map(parseCommandPattern).filter((p): p is CommandPattern => typeof p !== 'string');
const hostList = (list: readonly string[]): HostEntry[] => list.map(parseHostEntry).filter((h): h is HostEntry => h !== null);
const globs = (setting: string, list: readonly string[], nocase: boolean): GlobList =>
  new GlobList(
    list.map((pattern) => ({ setting, pattern })),
    nocase,
  );

export function compilePolicy(settings: Settings, nocase: boolean): CompiledPolicy {
  const secrets = new Map<string, { commands: CommandPattern[]; hosts: HostEntry[] }>();
  for (const [name, rule] of Object.entries(settings['warden.secrets'])) {
    secrets.set(name, { commands: patterns(rule.commands), hosts: hostList(rule.hosts ?? []) });
  }
  return {
    settings,
    write: globs('warden.paths.write', settings['warden.paths.write'], nocase),
    autoApprove: globs('warden.paths.autoApprove', settings['warden.paths.autoApprove'], nocase),
    denyRead: globs('warden.paths.denyRead', settings['warden.paths.denyRead'], nocase),
    protectedPaths: new GlobList(
      [
        ...BUILTIN_PROTECTED.map((pattern) => ({ setting: 'warden.paths.protected (built-in)', pattern })),
        ...settings['warden.paths.protected'].map((pattern) => ({ setting: 'warden.paths.protected', pattern })),
      ],
      nocase,
    ),
    allow: patterns(settings['warden.commands.allow']),
    deny: patterns(settings['warden.commands.deny']),
    hosts: hostList(settings['warden.network.allowedHosts']),
    secrets,
    nocase,
  };
}
