import * as z from 'zod';

/**
 * Messages between the audit panel's webview and the extension host: one
 * discriminated union per direction, validated with zod on arrival on both
 * sides. This file imports nothing from `vscode`, so the webview bundle
 * shares it.
 */

/** One event as the list shows it: short, display-safe texts only. The full record is sent on selection. */
export const auditRowSchema = z.object({
  seq: z.number().int().min(0),
  time: z.string(),
  kind: z.string(),
  tool: z.string().nullable(),
  decision: z.enum(['allow', 'ask', 'deny']).nullable(),
  approver: z.enum(['rule', 'person']).nullable(),
  answer: z.string().nullable(),
  rule: z.string().nullable(),
  reason: z.string().nullable(),
  status: z.string().nullable(),
  /** The command, path or note, one line, at most ~120 characters. */
  summary: z.string(),
});
export type AuditRow = z.infer<typeof auditRowSchema>;

export const verifyStatusSchema = z.object({ ok: z.boolean(), text: z.string() });
export type VerifyStatus = z.infer<typeof verifyStatusSchema>;

/** What the panel filters on; the host applies the same filter to an export. */
export const panelFilterSchema = z.object({
  tool: z.string().max(200).optional(),
  decision: z.enum(['allow', 'ask', 'deny', 'none']).optional(),
  approver: z.enum(['rule', 'person']).optional(),
  text: z.string().max(1000).optional(),
  /** Show session start and end rows too (hidden unless asked for). */
  sessions: z.boolean().optional(),
});
export type PanelFilter = z.infer<typeof panelFilterSchema>;

export const auditDetailSchema = z.object({
  seq: z.number().int().min(0),
  /** One-line summary (the output channel's format). */
  title: z.string(),
  /** The command the call ran (as proposed, and as edited by the person if they did). */
  command: z.string().nullable(),
  editedCommand: z.string().nullable(),
  /** A write's unified patch, and the person's edited patch if any. */
  patch: z.string().nullable(),
  editedPatch: z.string().nullable(),
  rule: z.string().nullable(),
  /** The reason code and what it means. */
  reason: z.string().nullable(),
  /** The words the person typed when they rejected the call, if any. */
  feedback: z.string().nullable().default(null),
  /** The full record, pretty-printed JSON. */
  record: z.string(),
});
export type AuditDetail = z.infer<typeof auditDetailSchema>;

/** Most rows one page carries: the rows in view and some either side. */
export const MAX_PAGE_ROWS = 500;

const count = z.number().int().min(0);

export const hostMessageSchema = z.discriminatedUnion('type', [
  /** The log is read: its file, unreadable lines, and the tools seen. Rows come on request. */
  z.object({ type: z.literal('init'), file: z.string(), skipped: count, tools: z.array(z.string()) }),
  /**
   * The rows at positions [start, start + rows.length) of the filtered list
   * (newest first), for the view request `version`; `matched` of `total`
   * events pass the filter; `selectedAt` is where the selected event now is;
   * `hostMs` is how long the host took to filter and cut the page.
   */
  z.object({
    type: z.literal('page'),
    version: count,
    start: count,
    total: count,
    matched: count,
    rows: z.array(auditRowSchema).max(MAX_PAGE_ROWS),
    selectedAt: count.nullable(),
    hostMs: z.number().min(0),
  }),
  /** New events arrived: the counts, and the tools seen; the view asks again for what it shows. */
  z.object({ type: z.literal('grew'), total: count, matched: count, added: count, tools: z.array(z.string()) }),
  z.object({ type: z.literal('detail'), detail: auditDetailSchema }),
  z.object({ type: z.literal('verified'), status: verifyStatusSchema }),
  z.object({ type: z.literal('notice'), level: z.enum(['info', 'error']), text: z.string() }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

export const viewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** What the view shows: the filter (the host filters and searches) and the positions in view. */
  z.object({
    type: z.literal('view'),
    version: count,
    filter: panelFilterSchema,
    start: count,
    count: z.number().int().min(1).max(MAX_PAGE_ROWS),
    selected: count.nullable(),
  }),
  z.object({ type: z.literal('select'), seq: z.number().int().min(0) }),
  z.object({ type: z.literal('verify') }),
  z.object({ type: z.literal('export'), format: z.enum(['jsonl', 'csv']), filter: panelFilterSchema }),
]);
export type ViewMessage = z.infer<typeof viewMessageSchema>;
