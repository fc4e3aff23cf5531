import type { AuditEvent, AuditRecord } from './event';
import type { AuditFilter } from './filter';

/**
 * Matching events against a filter (./filter.ts), apart from the filter's
 * schema so that code which only matches (the parallel reader's worker
 * threads) loads no zod.
 */
/** The fields a filter looks at, so that summaries (in the panel) filter the same way as full records. */
export interface FilterFields {
  readonly tool: string | null;
  readonly decision: string | null;
  readonly approver: string | null;
  readonly time: string;
  /** Lowercase text searched by `text`. */
  readonly haystack: string;
}

/** What `text` searches for: trimmed and lowercase ('' when there is nothing to search for). */
export function searchNeedle(text: string | undefined): string {
  return text?.trim().toLowerCase() ?? '';
}

export function compileFilter(filter: AuditFilter): (f: FilterFields) => boolean {
  const since = filter.since === undefined ? undefined : Date.parse(filter.since);
  const needle = searchNeedle(filter.text) || undefined;
  return (f) =>
    (filter.tool === undefined || f.tool === filter.tool) &&
    (filter.decision === undefined || (f.decision ?? 'none') === filter.decision) &&
    (filter.approver === undefined || f.approver === filter.approver) &&
    (since === undefined || Date.parse(f.time) >= since) &&
    (needle === undefined || f.haystack.includes(needle));
}

/**
 * The fields of a record; the lowercase haystack is made only when a text
 * filter asks for it. A class, so the lazy getter lives once on its
 * prototype: an object literal with a getter costs an accessor per record,
 * which a streamed log of a million records pays for in garbage collection.
 */
class RecordFields implements FilterFields {
  readonly tool: string | null;
  readonly decision: string | null;
  readonly approver: string | null;
  readonly time: string;

  constructor(
    event: AuditEvent,
    private readonly line: string,
  ) {
    this.tool = event.tool;
    this.decision = event.decision;
    this.approver = event.approver;
    this.time = event.time;
  }

  get haystack(): string {
    return this.line.toLowerCase();
  }
}

export function recordFields(r: AuditRecord): FilterFields {
  return new RecordFields(r.event, r.line);
}
