import * as z from 'zod';

/**
 * The audit event, version 1. What the agent loop hands to an `AuditSink`
 * (`AuditEventInput`) carries no chain fields; the writer adds `v`, `seq`,
 * `time`, `prev` (the hash of the previous line) and `hash` (of the line
 * itself) and appends one JSONL line. Inputs and outcomes are redacted before
 * they get here; the writer redacts again (every string, then the whole line)
 * and summarises large text (see ./summarise.ts). Line format: ./chain.ts.
 */
export const AUDIT_SCHEMA_VERSION = 1;

export const auditOutcomeSchema = z.object({
  status: z.enum(['ok', 'error', 'denied', 'rejected', 'cancelled', 'timeout']),
  exitCode: z.number().int().nullable().optional(),
  bytes: z.number().int().min(0).optional(),
  durationMs: z.number().min(0).optional(),
  error: z.string().optional(),
  /** With `rejected`: the words the person typed as their reason (nothing when they typed none). */
  feedback: z.string().optional(),
});

export const auditEventInputSchema = z.object({
  /** `audit` is written by the log itself (e.g. a torn final line repaired on open). */
  kind: z.enum(['session', 'tool_call', 'sandbox', 'settings', 'audit']),
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
  /**
   * With `approved-for-session`: the session grant the person gave with this
   * answer, or the one that let the call run unasked (its scope, key and
   * what it covers in words).
   */
  grant: z
    .object({ scope: z.enum(['file', 'folder', 'exact']), key: z.string().max(40_000), description: z.string().max(4_000) })
    .optional(),
  /** The person's edits (edited content as a patch, or the edited command). */
  edits: z.unknown().nullable(),
  outcome: auditOutcomeSchema.nullable(),
  /** Free text for session/sandbox/settings events. */
  note: z.string().optional(),
  /** The machine that wrote the event (its host name); stamped by the writer. */
  machine: z.string().max(255).optional(),
  /** The organisation id a managed policy sets (`warden.managed.organizationId`); stamped by the writer. */
  org: z.string().max(200).optional(),
});

export type AuditEventInput = z.infer<typeof auditEventInputSchema>;

const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');

export const auditEventSchema = auditEventInputSchema.extend({
  v: z.literal(AUDIT_SCHEMA_VERSION),
  seq: z.number().int().min(0),
  time: z.string(),
  /** sha256 (hex) of the previous line's exact bytes (without its newline); `GENESIS` on the first line of a chain. */
  prev: sha256HexSchema,
  /**
   * sha256 (hex) of this line's own bytes with the `,"hash":"…"` suffix taken
   * out. Always the last key of the line (the others are sorted). It makes an
   * edit of the final line visible, which `prev` alone cannot.
   */
  hash: sha256HexSchema,
});

export type AuditEvent = z.infer<typeof auditEventSchema>;

/**
 * The event schema less its two hex patterns, for a line whose `hash` and
 * `prev` were just found equal to digests (64 lowercase hex digits, all the
 * patterns ask): it accepts exactly what auditEventSchema accepts there.
 */
export const linkedEventSchema = auditEventSchema.extend({ prev: z.string(), hash: z.string() });

/** `prev` of the first line of a chain (a chain spans rotated files: only its very first line carries it). */
export const GENESIS = '0'.repeat(64);

/** The end of a chain: the last line's `seq` and the sha256 of its exact bytes. */
export interface ChainTip {
  readonly seq: number;
  readonly hash: string;
}

/** One written line and the event it holds. */
export interface AuditRecord {
  readonly event: AuditEvent;
  /** The exact line as written, without its newline. */
  readonly line: string;
}

/** Where audit events go. `append` resolves once the line is written and flushed. */
export interface AuditSink {
  append(event: AuditEventInput): Promise<void>;
}

/** A sink that also hands back what it wrote (the chain fields added), for views that show it. */
export interface RecordingAuditSink extends AuditSink {
  appendRecord(event: AuditEventInput): Promise<AuditRecord>;
}

/** An event that records a note (session start, sandbox state, log repair) rather than a tool call. */
export function noteEvent(fields: {
  kind: Exclude<AuditEventInput['kind'], 'tool_call'>;
  sessionId: string;
  workspace: string;
  actor: AuditEventInput['actor'];
  note: string;
  input?: unknown;
}): AuditEventInput {
  return {
    kind: fields.kind,
    sessionId: fields.sessionId,
    workspace: fields.workspace,
    actor: fields.actor,
    tool: null,
    input: fields.input ?? null,
    decision: null,
    reason: null,
    rule: null,
    approver: null,
    answer: null,
    edits: null,
    outcome: null,
    note: fields.note,
  };
}
