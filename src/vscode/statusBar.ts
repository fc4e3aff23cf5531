import * as vscode from 'vscode';
import { Disposable } from './dispose';
import { managedPolicyLines, type ManagedPolicyReport } from '../core/policy/managed';

export interface StatusBarState {
  /** `sandboxed`, `fallback (bubblewrap, no network)`, `none`, or `checking`. */
  readonly sandbox: string;
  readonly pendingApprovals: number;
  readonly trusted: boolean;
  /** Settings Warden could not use (`key: why`); the guard fell back to its defaults for them. */
  readonly settingsProblems: readonly string[];
  /** The managed policy in force, if any. */
  readonly managed?: ManagedPolicyReport | undefined;
}

const OPEN_SETTINGS = { command: 'workbench.action.openSettings', arguments: ['@ext:warden-dev.warden'], title: 'Open Settings' };

/**
 * One status bar entry, shown from startup: sandbox state, pending approvals
 * and invalid settings. A click opens the chat, or the settings while some
 * setting is invalid.
 */
export class WardenStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('warden.status', vscode.StatusBarAlignment.Left, 50));

  constructor() {
    super();
    this.item.name = 'Warden';
    this.item.command = 'warden.chat.focus';
    this.item.show();
  }

  update(state: StatusBarState): void {
    const shield = state.sandbox.startsWith('sandboxed') ? '$(shield)' : state.sandbox === 'none' ? '$(warning)' : '$(shield)';
    const pending = state.pendingApprovals > 0 ? ` $(bell-dot) ${state.pendingApprovals}` : '';
    const restricted = state.trusted ? '' : ' $(lock)';
    const bad = state.settingsProblems.length;
    const invalid = bad > 0 ? ` $(error) ${bad} invalid setting${bad === 1 ? '' : 's'}` : '';
    const managed = state.managed?.inForce === true ? ' $(organization) managed' : '';
    this.item.text = `${shield} Warden${managed}${pending}${restricted}${invalid}`;
    this.item.command = bad > 0 ? OPEN_SETTINGS : 'warden.chat.focus';
    this.item.tooltip = new vscode.MarkdownString(
      [
        `**Warden** — sandbox: ${state.sandbox}`,
        state.sandbox === 'none' ? 'No working sandbox: every command needs your approval and runs with full access.' : '',
        state.pendingApprovals > 0 ? `${state.pendingApprovals} approval(s) waiting.` : 'No approvals waiting.',
        state.trusted ? '' : 'Restricted Mode: nothing is written and no command runs.',
        state.managed && (state.managed.inForce || state.managed.refused.length > 0)
          ? managedPolicyLines(state.managed)
              .map((l) => `- ${escapeMarkdown(l)}`)
              .join('\n')
          : '',
        bad > 0
          ? `Invalid settings (Warden uses its safe defaults for them):\n\n${state.settingsProblems.map((p) => `- ${escapeMarkdown(p)}`).join('\n')}`
          : '',
        bad > 0 ? 'Click to open the settings.' : 'Click to open the chat.',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
    this.item.backgroundColor =
      bad > 0
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : state.pendingApprovals > 0
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, (c) => `\\${c}`);
}
