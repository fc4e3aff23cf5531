import { isSessionBoundary } from '../../core/agent/auditRecord';
import type { AuditRecord } from '../../core/audit/event';
import { compileFilter, searchNeedle, type FilterFields } from '../../core/audit/filter';
import { recordOf } from '../../core/audit/records';
import type { AuditRow, PanelFilter } from './messages';
import { recordFilterFields, toRow } from './rows';

/**
 * The audit panel's events, kept on the host: each as its short row, the
 * fields the filter reads and its line (the full record is parsed again only
 * when selected). The filtered view is a list of positions, newest first;
 * the webview asks for the rows it has in view and nothing else crosses.
 * A search that only adds to the text it refines (typing) filters the
 * previous matches rather than every event, and one typed further at its end
 * looks in each from where the shorter text was first found (no earlier
 * place can hold the longer one). Imports nothing from `vscode`.
 */
interface Entry {
  readonly row: AuditRow;
  readonly fields: FilterFields;
  readonly line: string;
  /** A session's start or end note (hidden unless asked for). */
  readonly boundary: boolean;
}

const sameExceptText = (a: PanelFilter, b: PanelFilter): boolean =>
  a.tool === b.tool && a.decision === b.decision && a.approver === b.approver && a.sessions === b.sessions;

/** The panel's filter on an entry: the shared one (with `withText`, its search too), and session start/end rows only when asked for. */
function entryMatcher(filter: PanelFilter, withText: boolean): (e: Entry) => boolean {
  const { sessions, text, ...shared } = filter;
  const match = compileFilter(withText && text !== undefined ? { ...shared, text } : shared);
  return (e) => (sessions === true || !e.boundary) && match(e.fields);
}

export class EventList {
  private readonly entries: Entry[] = [];
  private readonly bySeq = new Map<number, number>();
  /** Indices into `entries` that match, oldest first (the newest is last). */
  private view: number[] = [];
  /** For each position of `view`, where the search text first occurs in that entry's haystack (0 without a search). */
  private at: number[] = [];
  private filter: PanelFilter = {};
  private needle = '';
  /** The filter without its search text, which setFilter and add look for themselves. */
  private fieldsMatch = entryMatcher({}, false);
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
    const at = this.fieldsMatch(entry) ? this.find(entry, 0) : -1;
    if (at >= 0) {
      this.view.push(this.entries.length - 1);
      this.at.push(at);
    }
    return { added: true, matches: at >= 0 };
  }

  /** Where the search text first occurs in an entry's haystack at or after `from`; 0 without a search, -1 when absent. */
  private find(e: Entry, from: number): number {
    return this.needle === '' ? 0 : e.fields.haystack.indexOf(this.needle, from);
  }

  /** Applies a filter; false when it is the one already applied. */
  setFilter(filter: PanelFilter): boolean {
    const before = this.filter;
    if (JSON.stringify(before) === JSON.stringify(filter)) return false;
    const text = searchNeedle(filter.text);
    const refines = sameExceptText(before, filter) && text.includes(this.needle);
    const further = refines && text.startsWith(this.needle);
    const fieldsMatch = refines ? this.fieldsMatch : entryMatcher(filter, false);
    const view: number[] = [];
    const at: number[] = [];
    this.needle = text;
    if (refines) {
      for (let k = 0; k < this.view.length; k++) {
        const i = this.view[k] as number;
        const p = this.find(this.entries[i] as Entry, further ? (this.at[k] as number) : 0);
        if (p < 0) continue;
        view.push(i);
        at.push(p);
      }
    } else {
      for (let i = 0; i < this.entries.length; i++) {
        const e = this.entries[i] as Entry;
        const p = fieldsMatch(e) ? this.find(e, 0) : -1;
        if (p < 0) continue;
        view.push(i);
        at.push(p);
      }
    }
    this.filter = filter;
    this.fieldsMatch = fieldsMatch;
    this.view = view;
    this.at = at;
    return true;
  }

  /** Rows at positions [start, start + count) of the view, newest first. */
  window(start: number, count: number): AuditRow[] {
    const rows: AuditRow[] = [];
    const n = this.view.length;
    for (let p = Math.max(0, start); p < Math.min(n, start + count); p++)
      rows.push((this.entries[this.view[n - 1 - p] as number] as Entry).row);
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
    const match = entryMatcher(filter, true);
    const out: AuditRecord[] = [];
    for (const e of this.entries) {
      if (!match(e)) continue;
      const r = recordOf(e.line);
      if (r) out.push(r);
    }
    return out;
  }
}
