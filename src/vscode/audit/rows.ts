import { REASON_CODES, type ReasonCode } from '../../core/policy/decision';
import type { AuditRecord } from '../../core/audit/event';
import type { FilterFields } from '../../core/audit/filter';
import { displaySafe, displaySafeMultiline, formatEventLine, shortInput, truncate } from '../../core/audit/format';
import { isContentSummary } from '../../core/audit/summarise';
import type { AuditDetail, AuditRow } from './messages';

/** How much of a line the panel's search looks at (the start of the line: every short field). */
export const SEARCH_CHARS = 2000;

export function searchText(r: AuditRecord): string {
  return r.line.slice(0, SEARCH_CHARS).toLowerCase();
}

export function toRow(r: AuditRecord): AuditRow {
  const e = r.event;
  return {
    seq: e.seq,
    time: e.time,
    kind: e.kind,
    tool: e.tool === null ? null : truncate(displaySafe(e.tool), 60),
    decision: e.decision,
    approver: e.approver,
    answer: e.answer,
    rule: e.rule === null ? null : truncate(displaySafe(e.rule), 200),
    reason: e.reason === null ? null : truncate(displaySafe(e.reason), 60),
    status: e.outcome?.status ?? null,
    summary: e.kind === 'tool_call' ? shortInput(e.input, 120) : truncate(displaySafe(e.note ?? ''), 120),
  };
}

/** The fields the shared filter reads (the panel's list and its export filter the same way). */
export function recordFilterFields(r: AuditRecord): FilterFields {
  const e = r.event;
  return { tool: e.tool, decision: e.decision, approver: e.approver, time: e.time, haystack: searchText(r) };
}

function field(value: unknown, key: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = (value as Record<string, unknown>)[key];
  if (typeof v === 'string') return displaySafeMultiline(v);
  if (isContentSummary(v)) return displaySafeMultiline(`[${v.bytes} bytes, sha256 ${v.sha256}]\n${v.preview}…`);
  return null;
}

/** The file name an export is offered under, by date. Pure. */
export function exportFileName(format: 'csv' | 'jsonl', now: Date): string {
  return `warden-audit-${now.toISOString().slice(0, 10)}.${format}`;
}

export function toDetail(r: AuditRecord): AuditDetail {
  const e = r.event;
  const reason = e.reason === null ? null : e.reason in REASON_CODES ? `${e.reason}: ${REASON_CODES[e.reason as ReasonCode]}` : e.reason;
  return {
    seq: e.seq,
    title: formatEventLine(e),
    command: field(e.input, 'command'),
    editedCommand: field(e.edits, 'command'),
    patch: field(e.input, 'patch') ?? field(e.input, 'diff'),
    editedPatch: field(e.edits, 'patch') ?? field(e.edits, 'diff'),
    rule: e.rule === null ? null : displaySafe(e.rule),
    reason: reason === null ? null : displaySafe(reason),
    feedback: e.outcome?.feedback ? displaySafeMultiline(e.outcome.feedback) : null,
    record: displaySafeMultiline(JSON.stringify(e, null, 2)),
  };
}
