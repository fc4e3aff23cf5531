import * as z from 'zod';
import type { AuditRecord } from './event';
import { compileFilter, recordFields } from './filterMatch';

export { compileFilter, recordFields, searchNeedle, type FilterFields } from './filterMatch';

/**
 * Which events to show. Every given field must match: `tool` exactly,
 * `decision` exactly (`none` for events without one), `approver` exactly,
 * `since` an ISO date or date-time (events at or after it), `text` a
 * case-insensitive substring of the event's serialised line.
 */
export const auditFilterSchema = z.object({
  tool: z.string().min(1).optional(),
  decision: z.enum(['allow', 'ask', 'deny', 'none']).optional(),
  approver: z.enum(['rule', 'person']).optional(),
  since: z.union([z.iso.datetime({ offset: true }), z.iso.date()]).optional(),
  text: z.string().optional(),
});

export type AuditFilter = z.infer<typeof auditFilterSchema>;

export function filterRecords(records: readonly AuditRecord[], filter: AuditFilter): AuditRecord[] {
  const match = compileFilter(filter);
  return records.filter((r) => match(recordFields(r)));
}
