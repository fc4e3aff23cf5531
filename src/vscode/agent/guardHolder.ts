import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { realpathSync } from 'node:fs';
import type { ShellParser } from '../../core/policy/guard';
import { SETTING_KEYS } from '../../core/policy/settings';
import { policySnapshot, type PolicySnapshot } from '../../core/policy/snapshot';
import { loadManagedPolicy } from '../../node/managedPolicy';
import { createPathProbe } from '../../node/pathProbe';
import { loadShellParser } from '../../node/shellParser';
import { readScopedSettings } from '../settings/readSettings';

/** Workspace folders as real paths, with their names and URIs (a folder that cannot be resolved is left out). */
export function workspaceFolders(): { path: string; name: string; uri: vscode.Uri }[] {
  return (vscode.workspace.workspaceFolders ?? []).flatMap((f) => {
    if (f.uri.scheme !== 'file') return [];
    try {
      return [{ path: realpathSync(f.uri.fsPath), name: f.name, uri: f.uri }];
    } catch {
      return [];
    }
  });
}

/**
 * The window's current settings snapshot (guard and effective settings),
 * derived once per change of settings, trust or folders. A running task asks
 * `now()` at every tool call (see TaskPolicy); the view, the status bar and
 * the command preview ask `current()`. The bash grammar loads on first use,
 * not at activation.
 */
export class GuardHolder {
  private parser: Promise<ShellParser> | undefined;
  private shell: ShellParser | undefined;
  private cached: PolicySnapshot | undefined;

  constructor(
    private readonly wasmDir: string,
    private readonly sandboxAvailable: () => boolean,
  ) {}

  invalidate(): void {
    this.cached = undefined;
  }

  async current(): Promise<PolicySnapshot> {
    if (this.cached) return this.cached;
    this.parser ??= loadShellParser(this.wasmDir);
    this.shell = await this.parser;
    return this.now();
  }

  /** The snapshot now, synchronously; only after `current()` resolved once (the grammar is loaded). */
  now(): PolicySnapshot {
    if (this.cached) return this.cached;
    if (!this.shell) throw new Error('the shell grammar is not loaded yet');
    const trusted = vscode.workspace.isTrusted;
    const folders = workspaceFolders();
    this.cached = policySnapshot(
      {
        ...readScopedSettings(
          SETTING_KEYS,
          trusted,
          folders.map((f) => f.uri),
        ),
        managed: loadManagedPolicy(),
      },
      {
        roots: folders.map((f) => f.path),
        folderNames: folders.map((f) => f.name),
        home: homedir(),
        probe: createPathProbe(),
        shell: this.shell,
        sandboxAvailable: this.sandboxAvailable,
        trusted: () => vscode.workspace.isTrusted,
      },
    );
    return this.cached;
  }
}
