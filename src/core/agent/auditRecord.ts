import { noteEvent, type AuditEventInput } from '../audit/event';
import type { Redactor } from '../secrets/redactor';
import { sanitise } from './untrusted';

/** Who this session is, for every audit event. */
export interface AuditIdentity {
  readonly sessionId: string;
  readonly workspace: string;
  readonly user: string;
  readonly model: string | null;
}

/**
 * A redacted copy of a tool input for the audit log. Sizes are bounded once,
 * by the writer (src/core/audit/summarise.ts: 4 KiB inline, 64 KiB for a
 * diff), so the log holds what those limits document.
 */
export function auditInput(input: unknown, redactor: Redactor): unknown {
  if (typeof input === 'string') return sanitise(input, redactor);
  if (Array.isArray(input)) return input.map((v) => auditInput(v, redactor));
  if (input !== null && typeof input === 'object') {
    return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, auditInput(v, redactor)]));
  }
  return input;
}

export type ToolCallAudit = Pick<AuditEventInput, 'tool' | 'decision' | 'reason' | 'rule' | 'approver' | 'answer' | 'outcome' | 'grant'> & {
  readonly input: unknown;
  readonly edits?: unknown;
  readonly diff?: string;
};

export function toolCallEvent(who: AuditIdentity, call: ToolCallAudit, redactor: Redactor): AuditEventInput {
  const input = auditInput(call.input, redactor);
  const withDiff =
    call.diff !== undefined && input !== null && typeof input === 'object' ? { ...input, diff: sanitise(call.diff, redactor) } : input;
  return {
    kind: 'tool_call',
    sessionId: who.sessionId,
    workspace: who.workspace,
    actor: { user: who.user, model: who.model },
    tool: call.tool,
    input: withDiff,
    decision: call.decision,
    reason: call.reason,
    rule: call.rule,
    approver: call.approver,
    answer: call.answer,
    ...(call.grant
      ? {
          grant: {
            scope: call.grant.scope,
            key: sanitise(call.grant.key, redactor),
            description: sanitise(call.grant.description, redactor),
          },
        }
      : {}),
    edits: call.edits === undefined ? null : auditInput(call.edits, redactor),
    outcome: call.outcome
      ? {
          ...call.outcome,
          ...(call.outcome.error !== undefined ? { error: sanitise(call.outcome.error, redactor) } : {}),
          ...(call.outcome.feedback !== undefined ? { feedback: sanitise(call.outcome.feedback, redactor) } : {}),
        }
      : null,
  };
}

/**
 * The notes that open and close a task's session (`chat task started; …`,
 * `warden run ended: …`), which views may fold away; other session notes
 * (an approval whose call changed, say) are not boundaries.
 */
const SESSION_BOUNDARY = /^(?:chat task|warden run) (?:started|ended)\b/;

export function isSessionBoundary(e: { readonly kind: string; readonly note?: string | undefined }): boolean {
  return e.kind === 'session' && SESSION_BOUNDARY.test(e.note ?? '');
}

export function sessionEvent(
  who: AuditIdentity,
  note: string,
  redactor: Redactor,
  kind: 'session' | 'sandbox' | 'settings' = 'session',
): AuditEventInput {
  return noteEvent({
    kind,
    sessionId: who.sessionId,
    workspace: who.workspace,
    actor: { user: who.user, model: who.model },
    note: sanitise(note, redactor),
  });
}
