import * as vscode from 'vscode';
import { folderPolicy, policyReport, reportMarkdown } from '../../core/policy/report';
import { SETTING_KEYS } from '../../core/policy/settings';
import { readScopedSettings } from '../settings/readSettings';
import { loadManagedPolicy } from '../../node/managedPolicy';

export const REPORT_SCHEME = 'warden-report';

/**
 * "Warden: Show What the Agent Can Do": the policy report of each workspace
 * folder (core/policy/report.ts) as a read-only Markdown document shown in
 * VS Code's Markdown preview. Every word from settings is escaped, so a
 * workspace value cannot become a link, an image or HTML on the page.
 */
export class ReportPage implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration: vscode.Disposable;
  private text = '';
  private readonly uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: '/What the agent can do.md' });

  constructor(private readonly sandbox: () => { available: boolean; state: string }) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, {
      onDidChange: this.changed.event,
      provideTextDocumentContent: () => this.text,
    });
  }

  /** The report of every folder, now. */
  build(): string {
    const trusted = vscode.workspace.isTrusted;
    const folders = vscode.workspace.workspaceFolders ?? [];
    const scoped = readScopedSettings(
      SETTING_KEYS,
      trusted,
      folders.map((f) => f.uri),
    );
    const managed = loadManagedPolicy();
    if (folders.length === 0) return '# What the agent can do now\n\nNo workspace folder is open: every call is denied.\n';
    const restricted = trusted ? '' : '> Restricted Mode: the agent may read and answer; nothing is written and no command runs.\n\n';
    return (
      restricted +
      folders
        .map((f, i) =>
          reportMarkdown(
            policyReport(folderPolicy(f.uri.fsPath, scoped.user, scoped.workspace, this.sandbox(), scoped.folders[i], managed)),
          ),
        )
        .join('\n---\n\n')
    );
  }

  async show(): Promise<void> {
    this.text = this.build();
    this.changed.fire(this.uri);
    await vscode.commands.executeCommand('markdown.showPreview', this.uri);
  }

  /** Settings or the sandbox changed: an open page shows the policy as it is now. */
  refresh(): void {
    if (this.text === '') return;
    this.text = this.build();
    this.changed.fire(this.uri);
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
