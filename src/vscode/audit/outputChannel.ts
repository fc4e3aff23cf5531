import * as vscode from 'vscode';
import type { AuditRecord } from '../../core/audit/event';
import { formatEventLine } from '../../core/audit/format';

export const AUDIT_CHANNEL_NAME = 'Warden Audit';

/**
 * The "Warden Audit" log output channel: one readable line per event (time,
 * seq, tool, short input, decision, rule, approver, outcome). Denials are
 * warnings, failures errors, the rest info. Text is display-safe (no control
 * or bidi characters) and comes from the redacted record.
 */
export class AuditOutputChannel implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor(channel: vscode.LogOutputChannel = vscode.window.createOutputChannel(AUDIT_CHANNEL_NAME, { log: true })) {
    this.channel = channel;
  }

  /** A listener for `ObservedAuditSink.subscribe`. */
  readonly onRecord = (record: AuditRecord): void => {
    const e = record.event;
    const line = formatEventLine(e);
    if (e.outcome?.status === 'error' || e.outcome?.status === 'timeout') this.channel.error(line);
    else if (e.decision === 'deny' || e.answer === 'rejected') this.channel.warn(line);
    else this.channel.info(line);
  };

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
