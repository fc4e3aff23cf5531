import { auditEventSchema, type AuditRecord } from './event';
import { splitJsonl, type VerifySegment } from './verify';

export interface ParsedLog {
  readonly records: AuditRecord[];
  /** Lines that are not valid events (bad JSON, wrong schema, a torn tail): shown as a count, never guessed at. */
  readonly skipped: number;
}

/** The event on one line, or null when the line is not a valid event. */
export function recordOf(line: string): AuditRecord | null {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = auditEventSchema.safeParse(obj);
  return parsed.success ? { event: parsed.data, line } : null;
}

/** Reads the events of a log for display (oldest first). Does not verify: see ./verify.ts for that. */
export function parseRecords(segments: readonly VerifySegment[]): ParsedLog {
  const records: AuditRecord[] = [];
  let skipped = 0;
  for (const seg of segments) {
    const { lines, tornTail } = splitJsonl(seg.text);
    if (tornTail !== null) skipped++;
    for (const line of lines) {
      const r = recordOf(line);
      if (r === null) skipped++;
      else records.push(r);
    }
  }
  return { records, skipped };
}
