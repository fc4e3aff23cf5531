import { isSessionBoundary } from '../../core/agent/auditRecord';
import type { AuditRecord } from '../../core/audit/event';
import { compileFilter, type FilterFields } from '../../core/audit/filter';
import { recordOf } from '../../core/audit/records';
import type { AuditRow, PanelFilter } from './messages';
import { recordFilterFields, toRow } from './rows';

/**
 * The audit panel's events, kept on the host: each as its short row, the
 * fields the filter reads and its line (the full record is parsed again only
 * when selected). The filtered view is a list of positions, newest first;
 * the webview asks for the rows it has in view and nothing else crosses.
 * A search that only adds to the text it refines (typing) filters the
 * previous matches rather than every event. Imports nothing from `vscode`.
 */
interface Entry {
  readonly row: AuditRow;
  readonly fields: FilterFields;
  readonly line: string;
  /** A session's start or end note (hidden unless asked for). */
  readonly boundary: boolean;
}

const sameExceptText = (a: PanelFilter, b: PanelFilter): boolean => a.tool === b.tool && a.decision === b.decision && a.approver === b.approver && a.sessions === b.sessions;

/** The panel's filter: the shared one, and session start/end rows only when asked for. */
function panelMatcher(filter: PanelFilter): (e: Entry) => boolean {
  const { sessions, ...shared } = filter;
  const match = compileFilter(shared);
  return (e) => (sessions === true || !e.boundary) && match(e.fields);
}
const needle = (f: PanelFilter): string => f.text?.trim().toLowerCase() ?? '';

export class EventList {
  private readonly entries: Entry[] = [];
  private readonly bySeq = new Map<number, number>();
  /** Indices into `entries` that match, oldest first (the newest is last). */
  private view: number[] = [];
  private filter: PanelFilter = {};
  private match = panelMatcher({});
  private readonly toolNames = new Set<string>();

  get total(): number {
    return this.entries.length;
  }

  get matched(): number {
    return this.view.length;
  }

  tools(): string[] {
    return [...this.toolNames].sort();
  }

  /** Adds a record unless its seq is already there; true when added (and whether it matches the filter). */
  add(r: AuditRecord): { added: boolean; matches: boolean } {
    if (this.bySeq.has(r.event.seq)) return { added: false, matches: false };
    const entry: Entry = { row: toRow(r), fields: recordFilterFields(r), line: r.line, boundary: isSessionBoundary(r.event) };
    this.bySeq.set(r.event.seq, this.entries.length);
    this.entries.push(entry);
    if (r.event.tool !== null) this.toolNames.add(entry.row.tool ?? r.event.tool);
    const matches = this.match(entry);
    if (matches) this.view.push(this.entries.length - 1);
    return { added: true, matches };
  }

  /** Applies a filter; false when it is the one already applied. */
  setFilter(filter: PanelFilter): boolean {
    const before = this.filter;
    if (JSON.stringify(before) === JSON.stringify(filter)) return false;
    const match = panelMatcher(filter);
    const refines = sameExceptText(before, filter) && needle(filter).includes(needle(before));
    const from = refines ? this.view : null;
    const out: number[] = [];
    if (from) {
      for (const i of from) if (match(this.entries[i] as Entry)) out.push(i);
    } else {
      for (let i = 0; i < this.entries.length; i++) if (match(this.entries[i] as Entry)) out.push(i);
    }
    this.filter = filter;
    this.match = match;
    this.view = out;
    return true;
  }

  /** Rows at positions [start, start + count) of the view, newest first. */
  window(start: number, count: number): AuditRow[] {
    const rows: AuditRow[] = [];
    const n = this.view.length;
    for (let p = Math.max(0, start); p < Math.min(n, start + count); p++) rows.push((this.entries[this.view[n - 1 - p] as number] as Entry).row);
    return rows;
  }

  /** Position of an event in the view (newest first), or null when the filter hides it. */
  positionOf(seq: number): number | null {
    const idx = this.bySeq.get(seq);
    if (idx === undefined) return null;
    let lo = 0;
    let hi = this.view.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.view[mid] as number;
      if (v === idx) return this.view.length - 1 - mid;
      if (v < idx) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  }

  /** The full record of an event, parsed from its line again. */
  record(seq: number): AuditRecord | null {
    const idx = this.bySeq.get(seq);
    return idx === undefined ? null : recordOf((this.entries[idx] as Entry).line);
  }

  /** Every record a filter selects, oldest first (for an export). */
  select(filter: PanelFilter): AuditRecord[] {
    const match = panelMatcher(filter);
    const out: AuditRecord[] = [];
    for (const e of this.entries) {
      if (!match(e)) continue;
      const r = recordOf(e.line);
      if (r) out.push(r);
    }
    return out;
  }
}
