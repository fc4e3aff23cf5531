import type { ApprovalRequest } from '../../core/agent/approver';
import type { ToolPlan } from '../../core/tools/tool';
import { hiddenSummary } from './hiddenFlags';

/** Texts the approval panes show. Pure (no `vscode`), so tests read them directly. */

export type WritePlan = Extract<ToolPlan, { kind: 'write' }>;

/** The title of a proposal diff: what the model asked for, the real target, and a protected mark. */
export function proposalTitle(req: ApprovalRequest, plan: WritePlan): string {
  const asked = typeof (req.input as { path?: unknown } | null)?.path === 'string' ? (req.input as { path: string }).path : null;
  const target = plan.target.relative || plan.target.absolute;
  const via = asked !== null && asked !== target && asked !== plan.target.absolute ? ` (asked: ${asked})` : '';
  const mark = plan.target.protected ? '⚠ PROTECTED ' : '';
  const side = plan.oldContent === null ? 'new file' : 'current ↔ proposed';
  return `${mark}Warden proposal: ${target}${via} — ${side}${req.why ? ` · ${req.why}` : ''}`;
}

/** The text of a modal confirmation, or null when the plan is not one a modal answers. Pure. */
export function confirmationText(req: ApprovalRequest): { message: string; detail: string; action: string } | null {
  const p = req.plan;
  const why = `${req.why ? `${req.why}. ` : ''}${req.decision.message}${req.decision.rule ? ` (rule: ${req.decision.rule})` : ''}`;
  switch (p.kind) {
    case 'write':
      if (p.newContent !== null) return null;
      return {
        message: `Delete ${p.target.relative}?`,
        detail: [
          `The agent asks to delete this file:`,
          p.target.absolute,
          p.target.protected ? 'This is a PROTECTED path.' : '',
          `Why it asks: ${why}`,
          hiddenSummary(p.target.absolute) ?? '',
        ]
          .filter(Boolean)
          .join('\n'),
        action: 'Delete',
      };
    case 'fetch':
      return {
        message: `Fetch ${p.url}?`,
        detail: [`The agent asks to fetch exactly this URL:`, p.url, `Host: ${p.host}`, `Why it asks: ${why}`, hiddenSummary(p.url) ?? '']
          .filter(Boolean)
          .join('\n'),
        action: 'Fetch',
      };
    case 'read':
      return {
        message: `Let the agent read ${p.target.relative || '.'}?`,
        detail: [p.summary, p.target.absolute, `Why it asks: ${why}`].join('\n'),
        action: 'Allow',
      };
    case 'mcp':
      return {
        message: `Let the agent call ${p.serverTool} on the MCP server ${p.server}?`,
        detail: [
          `Server: ${p.server} (${p.where})`,
          `Tool: ${p.tool}${p.annotations.destructiveHint ? ' — the server declares it DESTRUCTIVE' : p.annotations.readOnlyHint ? ' — the server declares it read-only' : ''}`,
          `The server's description (untrusted): ${p.description.slice(0, 500)}`,
          `Secrets the server holds: ${p.secrets.length ? p.secrets.join(', ') : 'none'}`,
          `Arguments:`,
          p.arguments.slice(0, 2000),
          `Why it asks: ${why}`,
          hiddenSummary(p.arguments) ?? '',
        ]
          .filter(Boolean)
          .join('\n'),
        action: 'Call',
      };
    case 'command':
    case 'invalid':
      return null;
  }
}
