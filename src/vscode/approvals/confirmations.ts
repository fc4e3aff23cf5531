import * as vscode from 'vscode';
import type { ApprovalAnswer, ApprovalRequest } from '../../core/agent/approver';
import { hiddenSummary } from './hiddenFlags';

/** The text of a modal confirmation, or null when the plan is not one a modal answers. Pure. */
export function confirmationText(req: ApprovalRequest): { message: string; detail: string; action: string } | null {
  const p = req.plan;
  const why = `${req.decision.message}${req.decision.rule ? ` (rule: ${req.decision.rule})` : ''}`;
  switch (p.kind) {
    case 'write':
      if (p.newContent !== null) return null;
      return {
        message: `Delete ${p.target.relative}?`,
        detail: [`The agent asks to delete this file:`, p.target.absolute, p.target.protected ? 'This is a PROTECTED path.' : '', `Why it asks: ${why}`, hiddenSummary(p.target.absolute) ?? ''].filter(Boolean).join('\n'),
        action: 'Delete',
      };
    case 'fetch':
      return {
        message: `Fetch ${p.url}?`,
        detail: [`The agent asks to fetch exactly this URL:`, p.url, `Host: ${p.host}`, `Why it asks: ${why}`, hiddenSummary(p.url) ?? ''].filter(Boolean).join('\n'),
        action: 'Fetch',
      };
    case 'read':
      return {
        message: `Let the agent read ${p.target.relative || '.'}?`,
        detail: [p.summary, p.target.absolute, `Why it asks: ${why}`].join('\n'),
        action: 'Allow',
      };
    case 'command':
    case 'invalid':
      return null;
  }
}

/** Asks with a modal dialog; closing it is a reject. */
export async function confirmByModal(req: ApprovalRequest): Promise<ApprovalAnswer> {
  const text = confirmationText(req);
  if (!text) return { kind: 'reject', feedback: 'Warden could not show this call for approval.' };
  const forSession = req.sessionGrant.allowed ? `${text.action} for this session` : undefined;
  const choice = await vscode.window.showWarningMessage(text.message, { modal: true, detail: text.detail }, text.action, ...(forSession ? [forSession] : []));
  if (choice === text.action) return { kind: 'approve' };
  if (forSession !== undefined && choice === forSession) return { kind: 'approve-for-session' };
  return { kind: 'reject', feedback: 'The person declined in the confirmation dialog.' };
}
