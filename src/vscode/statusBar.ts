import * as vscode from 'vscode';
import { Disposable } from './dispose';

export interface StatusBarState {
  /** `sandboxed`, `fallback (bubblewrap, no network)`, `none`, or `checking`. */
  readonly sandbox: string;
  readonly pendingApprovals: number;
  readonly trusted: boolean;
}

/** One status bar entry: sandbox state and pending approvals; a click opens the chat. */
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
    this.item.text = `${shield} Warden${pending}${restricted}`;
    this.item.tooltip = new vscode.MarkdownString(
      [
        `**Warden** — sandbox: ${state.sandbox}`,
        state.sandbox === 'none' ? 'No working sandbox: every command needs your approval and runs with full access.' : '',
        state.pendingApprovals > 0 ? `${state.pendingApprovals} approval(s) waiting.` : 'No approvals waiting.',
        state.trusted ? '' : 'Restricted Mode: nothing is written and no command runs.',
        'Click to open the chat.',
      ].filter(Boolean).join('\n\n'),
    );
    this.item.backgroundColor = state.pendingApprovals > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }
}
