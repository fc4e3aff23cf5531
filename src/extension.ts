import * as vscode from 'vscode';
import { ChatViewProvider } from './vscode/chatViewProvider';
import { CHAT_VIEW_ID } from './vscode/commands/ids';
import { notYetAvailable, registerCommands } from './vscode/commands/register';

/** Composition root: builds the adapters, wires them, and hands every registration to the context. */
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, new ChatViewProvider(context.extensionUri)),
    registerCommands({
      'warden.newChat': notYetAvailable('New Chat'),
      'warden.stop': notYetAvailable('Stop'),
      'warden.setApiKey': notYetAvailable('Set API Key'),
      'warden.setSecret': notYetAvailable('Set Secret'),
      'warden.deleteSecret': notYetAvailable('Delete Secret'),
      'warden.acceptProposal': notYetAvailable('Accept Proposal'),
      'warden.rejectProposal': notYetAvailable('Reject Proposal'),
      'warden.showAuditLog': notYetAvailable('Show Audit Log'),
      'warden.verifyAuditLog': notYetAvailable('Verify Audit Log'),
    }),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
