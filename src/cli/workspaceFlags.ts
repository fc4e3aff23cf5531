import { realpathSync } from 'node:fs';
import type { GuardSettingsInput } from '../core/policy/createGuard';
import { readSettingsFile } from '../node/settingsFiles';

/** One `--workspace DIR`, with the `--workspace-settings FILE` given after it (before the next `--workspace`). */
export interface WorkspaceFlag {
  readonly dir: string;
  readonly settings?: string;
}

/**
 * Takes every `--workspace` and `--workspace-settings` out of `argv` (either
 * `--flag value` or `--flag=value`); the rest goes to the command's own
 * parser. A `--workspace-settings` before any `--workspace`, or two for one
 * folder, is an error.
 */
export function takeWorkspaceFlags(argv: readonly string[]): { folders: WorkspaceFlag[]; rest: string[] } | string {
  const folders: { dir: string; settings?: string }[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const m = /^--(workspace|workspace-settings)(?:=(.*))?$/s.exec(a);
    if (!m) {
      rest.push(a);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') return `--${m[1]} needs a value`;
    if (m[1] === 'workspace') folders.push({ dir: value });
    else {
      const last = folders.at(-1);
      if (last === undefined) return '--workspace-settings belongs after the --workspace it narrows';
      if (last.settings !== undefined) return `--workspace ${last.dir} has two --workspace-settings`;
      last.settings = value;
    }
  }
  if (folders.length === 0) return '--workspace: at least one folder is needed';
  return { folders, rest };
}

/**
 * The folders as real paths and the settings levels: user settings, and for
 * one folder its `--workspace-settings` as the workspace level; for several,
 * each folder's own file narrows the policy of paths in that folder.
 */
export function loadWorkspaceFolders(
  folders: readonly WorkspaceFlag[],
  userFile: string | undefined,
): { roots: string[]; levels: GuardSettingsInput } | string {
  const roots: string[] = [];
  for (const f of folders) {
    try {
      roots.push(realpathSync(f.dir));
    } catch {
      return `the workspace ${f.dir} does not exist`;
    }
  }
  const read = (file: string | undefined): { ok: true; value: unknown } | { ok: false; message: string } =>
    file === undefined ? { ok: true, value: {} } : readSettingsFile(file);
  const user = read(userFile);
  if (!user.ok) return user.message;
  const own: unknown[] = [];
  for (const f of folders) {
    const r = read(f.settings);
    if (!r.ok) return r.message;
    own.push(r.value);
  }
  if (new Set(roots).size !== roots.length) return 'the same folder is given twice as --workspace';
  return {
    roots,
    levels: roots.length === 1 ? { user: user.value, workspace: own[0] } : { user: user.value, workspace: {}, folders: own },
  };
}
