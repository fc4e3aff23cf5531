import { canonicalJson } from './canonical';
import type { AuditEvent } from './event';

/**
 * CSV export (RFC 4180: comma-separated, CRLF line ends, a cell quoted when it
 * holds a comma, quote, CR or LF, or starts or ends with a space; quotes
 * doubled). A text cell that a spreadsheet would run as a formula — starting
 * with `=`, `+`, `-`, `@`, a tab or a CR — is prefixed with `'`. Numbers are
 * written as numbers (a negative exit code is not a formula).
 */
type Cell = string | number | null | undefined;

const COLUMNS: { title: string; get: (e: AuditEvent) => Cell }[] = [
  { title: 'seq', get: (e) => e.seq },
  { title: 'time', get: (e) => e.time },
  { title: 'kind', get: (e) => e.kind },
  { title: 'session', get: (e) => e.sessionId },
  { title: 'workspace', get: (e) => e.workspace },
  { title: 'user', get: (e) => e.actor.user },
  { title: 'model', get: (e) => e.actor.model },
  { title: 'tool', get: (e) => e.tool },
  { title: 'decision', get: (e) => e.decision },
  { title: 'reason', get: (e) => e.reason },
  { title: 'rule', get: (e) => e.rule },
  { title: 'approver', get: (e) => e.approver },
  { title: 'answer', get: (e) => e.answer },
  { title: 'status', get: (e) => e.outcome?.status },
  { title: 'exit_code', get: (e) => e.outcome?.exitCode },
  { title: 'bytes', get: (e) => e.outcome?.bytes },
  { title: 'duration_ms', get: (e) => e.outcome?.durationMs },
  { title: 'error', get: (e) => e.outcome?.error },
  { title: 'input', get: (e) => json(e.input) },
  { title: 'edits', get: (e) => json(e.edits) },
  { title: 'note', get: (e) => e.note },
  { title: 'prev', get: (e) => e.prev },
  { title: 'hash', get: (e) => e.hash },
];

function json(v: unknown): string | null {
  return v === null || v === undefined ? null : typeof v === 'string' ? v : canonicalJson(v);
}

/** Characters that make a cell quoted (a leading or trailing space does too). */
const NEEDS_QUOTES = /[",\r\n]/;
const SPACE = 0x20;

/** `=`, `+`, `-`, `@`, a tab or a CR: a spreadsheet would run the cell as a formula. */
function startsFormula(c: number): boolean {
  return c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === 0x0d;
}

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = startsFormula(value.charCodeAt(0)) ? `'${value}` : value;
  const quoted = NEEDS_QUOTES.test(text) || text.charCodeAt(0) === SPACE || text.charCodeAt(text.length - 1) === SPACE;
  return quoted ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(): string {
  return COLUMNS.map((c) => c.title).join(',') + '\r\n';
}

export function csvRow(e: AuditEvent): string {
  return COLUMNS.map((c) => csvCell(c.get(e))).join(',') + '\r\n';
}

export function toCsv(events: readonly AuditEvent[]): string {
  return csvHeader() + events.map(csvRow).join('');
}
