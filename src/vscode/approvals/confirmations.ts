import * as vscode from 'vscode';
import type { ApprovalAnswer, ApprovalRequest } from '../../core/agent/approver';
import { confirmationText } from './paneText';

/** Asks with a modal dialog; closing it is a reject. */
export async function confirmByModal(req: ApprovalRequest): Promise<ApprovalAnswer> {
  const text = confirmationText(req);
  if (!text) return { kind: 'reject', feedback: 'Warden could not show this call for approval.' };
  const forSession = req.sessionGrant.allowed ? `${text.action} for this session` : undefined;
  const choice = await vscode.window.showWarningMessage(
    text.message,
    { modal: true, detail: text.detail },
    text.action,
    ...(forSession ? [forSession] : []),
  );
  if (choice === text.action) return { kind: 'approve' };
  if (forSession !== undefined && choice === forSession) return { kind: 'approve-for-session' };
  return { kind: 'reject' };
}
