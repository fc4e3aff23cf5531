import * as vscode from 'vscode';
import { ChatViewProvider } from './vscode/chat/chatViewProvider';
import type { ViewState } from './vscode/chat/protocol';
import { CHAT_VIEW_ID } from './vscode/commands/ids';
import { notYetAvailable, registerCommands } from './vscode/commands/register';

/** Composition root: builds the adapters, wires them, and hands every registration to the context. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Warden', { log: true });
  const state = (): ViewState => ({
    busy: false,
    trusted: vscode.workspace.isTrusted,
    sandbox: 'checking',
    model: vscode.workspace.getConfiguration('warden').get<string>('model') ?? '',
    apiKeySet: false,
    policyProblems: [],
    ignoredWorkspaceValues: [],
    meter: { turns: 0, maxTurns: 0, costUsd: 0, maxCostUsd: 0 },
  });
  const notice = (text: string) => ({ kind: 'notice' as const, id: 'not-connected', level: 'info' as const, text, action: null });
  const chat: ChatViewProvider = new ChatViewProvider(
    context.extensionUri,
    {
      ready: () => chat.post({ type: 'init', items: [notice('Warden is ready. The agent is not connected yet.')], state: state() }),
      send: () => chat.post({ type: 'item', item: notice('The agent is not connected yet.') }),
      stop: () => undefined,
      newChat: () => chat.post({ type: 'cleared' }),
      openLink: () => undefined,
      action: () => undefined,
      approval: () => undefined,
    },
    (m) => log.warn(m),
  );
  context.subscriptions.push(
    log,
    chat,
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, chat),
    registerCommands({
      'warden.newChat': notYetAvailable('New Chat'),
      'warden.stop': notYetAvailable('Stop'),
      'warden.setApiKey': notYetAvailable('Set API Key'),
      'warden.setSecret': notYetAvailable('Set Secret'),
      'warden.listSecrets': notYetAvailable('List Secret Names'),
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
