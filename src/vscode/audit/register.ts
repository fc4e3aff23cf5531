import * as vscode from 'vscode';
import { join } from 'node:path';
import type { AnchorStore } from '../../core/audit/anchor';
import type { RecordingAuditSink } from '../../core/audit/event';
import { ObservedAuditSink } from '../../core/audit/observe';
import { AuditPanel } from './auditPanel';
import { auditLogAccess } from './logAccess';
import { AuditOutputChannel } from './outputChannel';

/**
 * Where the extension keeps its audit log: the extension's storage folder
 * (per workspace, else global), never the workspace, so the agent cannot
 * write it. Open the writer on this path with `openJsonlAuditWriter`.
 */
export function auditLogFile(context: Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri'>): string {
  return join((context.storageUri ?? context.globalStorageUri).fsPath, 'audit', 'audit.jsonl');
}

export interface AuditViewDeps {
  /** The live audit file (rotated files sit beside it), e.g. `auditLogFile(context)`. */
  readonly file: string;
  /** The writer, e.g. `await openJsonlAuditWriter({ file, redact })`. */
  readonly writer: RecordingAuditSink;
  /** The log's anchor and the key that seals it, which Verify checks. */
  readonly anchor?: { readonly store: AnchorStore; readonly key: Uint8Array | null };
}

export interface AuditViews {
  /** Hand this to the agent loop: it appends through the writer, then feeds the output channel and the panel. */
  readonly sink: ObservedAuditSink;
  /** Handlers for `registerCommands`. */
  readonly commands: {
    readonly 'warden.showAuditLog': () => void;
    readonly 'warden.verifyAuditLog': () => Promise<void>;
  };
}

/**
 * Builds the "Warden Audit" output channel and the audit panel, and the sink
 * that feeds them. Everything created is pushed to `context.subscriptions`.
 * It registers no commands itself: put `commands` into `registerCommands`.
 */
export function registerAuditViews(
  context: Pick<vscode.ExtensionContext, 'extensionUri' | 'subscriptions'>,
  deps: AuditViewDeps,
): AuditViews {
  const channel = new AuditOutputChannel();
  const access = auditLogAccess(deps.file, deps.anchor);
  const panel = new AuditPanel(context.extensionUri, access, (m) => channel.channel.warn(m));
  const sink = new ObservedAuditSink(deps.writer, (err) =>
    channel.channel.error(`audit view listener failed: ${err instanceof Error ? err.message : String(err)}`),
  );
  const unsubscribe = [sink.subscribe(channel.onRecord), sink.subscribe(panel.onRecord)];
  context.subscriptions.push(channel, panel, { dispose: () => unsubscribe.forEach((u) => u()) });

  const verify = async (): Promise<void> => {
    const status = await access.verify();
    channel.channel.info(status.text);
    const pick = status.ok
      ? await vscode.window.showInformationMessage(status.text, 'Show Log')
      : await vscode.window.showErrorMessage(status.text, 'Show Log');
    if (pick === 'Show Log') panel.show();
  };
  return { sink, commands: { 'warden.showAuditLog': () => panel.show(), 'warden.verifyAuditLog': verify } };
}
