import * as vscode from 'vscode';

/** Flat `{ "warden.x.y": value }` objects, as the CLI's settings files hold them. */
export type FlatSettings = Record<string, unknown>;

export interface ScopedSettings {
  readonly user: FlatSettings;
  /** Workspace values (a folder's `.vscode/settings.json`, or a `.code-workspace` file's settings); empty in Restricted Mode. */
  readonly workspace: FlatSettings;
  /**
   * In a multi-root workspace, each folder's own values (its
   * `.vscode/settings.json`), in the order of `folders`; they narrow the
   * policy of that folder's paths. Empty in Restricted Mode and with one folder
   * (whose values are the workspace's).
   */
  readonly folders: readonly FlatSettings[];
}

/** The slice of the `vscode.workspace` API the settings are read through (a fake in unit tests). */
export interface SettingsSource {
  readonly workspaceFile: unknown;
  getConfiguration(section?: string, scope?: vscode.Uri): Pick<vscode.WorkspaceConfiguration, 'inspect'>;
}

/**
 * Reads every `warden.*` key at user level, workspace level and, for each
 * folder of a multi-root workspace, folder level (`getConfiguration` with the
 * folder's URI: the security settings are resource-scoped), so the guard can
 * let the workspace and each folder only narrow what the user allows.
 * Defaults are left out: the core's schema supplies them.
 */
export function readScopedSettings(
  keys: readonly string[],
  trusted: boolean,
  folders: readonly vscode.Uri[],
  source: SettingsSource = vscode.workspace,
): ScopedSettings {
  const config = source.getConfiguration();
  const user: FlatSettings = {};
  const workspace: FlatSettings = {};
  const multi = source.workspaceFile !== undefined && folders.length > 0;
  const perFolder: FlatSettings[] = trusted && multi ? folders.map(() => ({})) : [];
  const folderConfigs = perFolder.length ? folders.map((f) => source.getConfiguration(undefined, f)) : [];
  for (const key of keys) {
    const seen = config.inspect(key);
    if (!seen) continue;
    if (seen.globalValue !== undefined) user[key] = seen.globalValue;
    if (!trusted) continue;
    const ws = multi ? seen.workspaceValue : (seen.workspaceFolderValue ?? seen.workspaceValue);
    if (ws !== undefined) workspace[key] = ws;
    folderConfigs.forEach((c, i) => {
      const v = c.inspect(key)?.workspaceFolderValue;
      const own = perFolder[i];
      if (v !== undefined && own) own[key] = v;
    });
  }
  return { user, workspace, folders: perFolder };
}

/** Fires when any `warden.*` setting or the workspace trust changes. */
export function onDidChangeWardenSettings(listener: () => void): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('warden')) listener();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(listener),
    vscode.workspace.onDidChangeWorkspaceFolders(listener),
  );
}
