import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { realpathSync } from 'node:fs';
import { createGuard, effectiveSettings } from '../../core/policy/createGuard';
import type { Guard, ShellParser } from '../../core/policy/guard';
import { SETTING_KEYS, type Settings } from '../../core/policy/settings';
import { loadManagedPolicy } from '../../node/managedPolicy';
import { createPathProbe } from '../../node/pathProbe';
import { loadShellParser } from '../../node/shellParser';
import { readScopedSettings } from '../settings/readSettings';

export interface GuardState {
  readonly guard: Guard;
  readonly settings: Settings;
  readonly roots: readonly string[];
  /** The user-level API base URL: a workspace can never set it. */
  readonly userBaseUrl: string;
}

/** Workspace folders as real paths (a folder that cannot be resolved is left out). */
export function workspaceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).flatMap((f) => {
    if (f.uri.scheme !== 'file') return [];
    try {
      return [realpathSync(f.uri.fsPath)];
    } catch {
      return [];
    }
  });
}

/**
 * Builds the guard from the current settings and trust, once per change: the
 * next tool call sees a changed setting without a reload. The bash grammar
 * loads on first use, not at activation.
 */
export class GuardHolder {
  private parser: Promise<ShellParser> | undefined;
  private cached: GuardState | undefined;

  constructor(
    private readonly wasmDir: string,
    private readonly sandboxAvailable: () => boolean,
  ) {}

  invalidate(): void {
    this.cached = undefined;
  }

  async current(): Promise<GuardState> {
    if (this.cached) return this.cached;
    this.parser ??= loadShellParser(this.wasmDir);
    const shell = await this.parser;
    if (this.cached) return this.cached;
    const trusted = vscode.workspace.isTrusted;
    const scoped = { ...readScopedSettings(SETTING_KEYS, trusted), managed: loadManagedPolicy() };
    const roots = workspaceRoots();
    const guard = createGuard(scoped, {
      roots,
      home: homedir(),
      probe: createPathProbe(),
      shell,
      sandboxAvailable: this.sandboxAvailable,
      trusted: () => vscode.workspace.isTrusted,
    });
    const { effective: settings, userBaseUrl } = effectiveSettings(scoped);
    this.cached = { guard, settings, roots, userBaseUrl };
    return this.cached;
  }
}
