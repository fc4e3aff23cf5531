import { z } from 'zod';

/**
 * The audit event, version 1. What the agent loop hands to an `AuditSink`
 * (`AuditEventInput`) carries no chain fields; the writer adds `v`, `seq`,
 * `time` and `prev` (the hash of the previous line) and appends one JSONL line.
 * Inputs and outcomes are redacted before they get here.
 */
export const AUDIT_SCHEMA_VERSION = 1;

export const auditOutcomeSchema = z.object({
  status: z.enum(['ok', 'error', 'denied', 'rejected', 'cancelled', 'timeout']),
  exitCode: z.number().int().nullable().optional(),
  bytes: z.number().int().min(0).optional(),
  durationMs: z.number().min(0).optional(),
  error: z.string().optional(),
});

export const auditEventInputSchema = z.object({
  kind: z.enum(['session', 'tool_call', 'sandbox', 'settings']),
  sessionId: z.string().min(1),
  workspace: z.string(),
  actor: z.object({ user: z.string(), model: z.string().nullable() }),
  tool: z.string().nullable(),
  /** Redacted input; large text as `{sha256, bytes, preview}`; a write's diff as a unified patch. */
  input: z.unknown(),
  decision: z.enum(['allow', 'ask', 'deny']).nullable(),
  reason: z.string().nullable(),
  rule: z.string().nullable(),
  /** Who decided: a rule, or a person answering an approval. */
  approver: z.enum(['rule', 'person']).nullable(),
  /** A person's answer, when one was asked. */
  answer: z.enum(['approved', 'approved-edited', 'approved-for-session', 'rejected', 'timed-out']).nullable(),
  /** The person's edits (edited content as a patch, or the edited command). */
  edits: z.unknown().nullable(),
  outcome: auditOutcomeSchema.nullable(),
  /** Free text for session/sandbox/settings events. */
  note: z.string().optional(),
});

export type AuditEventInput = z.infer<typeof auditEventInputSchema>;

export const auditEventSchema = auditEventInputSchema.extend({
  v: z.literal(AUDIT_SCHEMA_VERSION),
  seq: z.number().int().min(0),
  time: z.string(),
  prev: z.string(),
});

export type AuditEvent = z.infer<typeof auditEventSchema>;

/** Where audit events go. `append` resolves once the line is written and flushed. */
export interface AuditSink {
  append(event: AuditEventInput): Promise<void>;
}
