import * as vscode from 'vscode';

/** Flat `{ "warden.x.y": value }` objects, as the CLI's settings files hold them. */
export type FlatSettings = Record<string, unknown>;

export interface ScopedSettings {
  readonly user: FlatSettings;
  /** Workspace and folder values; empty in Restricted Mode, where they are not read at all. */
  readonly workspace: FlatSettings;
}

/**
 * Reads every `warden.*` key at user level and at workspace level separately,
 * so the guard can let the workspace only narrow what the user allows.
 * Defaults are left out: the core's schema supplies them.
 */
export function readScopedSettings(keys: readonly string[], trusted: boolean): ScopedSettings {
  const config = vscode.workspace.getConfiguration();
  const user: FlatSettings = {};
  const workspace: FlatSettings = {};
  for (const key of keys) {
    const seen = config.inspect(key);
    if (!seen) continue;
    if (seen.globalValue !== undefined) user[key] = seen.globalValue;
    if (!trusted) continue;
    const ws = seen.workspaceFolderValue ?? seen.workspaceValue;
    if (ws !== undefined) workspace[key] = ws;
  }
  return { user, workspace };
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
