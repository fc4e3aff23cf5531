import { writeFileSync } from 'node:fs';
import { toCsv } from '../../core/audit/csv';
import type { AuditRecord } from '../../core/audit/event';
import { recordOf } from '../../core/audit/records';
import { verifyChain } from '../../core/audit/verify';
import { chainFiles, feedFiles } from '../../node/audit/files';
import type { VerifyStatus } from './messages';

/** Reading, verifying and exporting the log on disk, for the panel and the verify command. */
export interface AuditLogAccess {
  /** The live file; rotated files sit beside it. */
  readonly file: string;
  /** Streams every event to `onRecord`, oldest first; resolves to the number of unreadable lines. */
  read(onRecord: (r: AuditRecord) => void): Promise<number>;
  verify(): Promise<VerifyStatus>;
  write(target: string, records: readonly AuditRecord[], format: 'jsonl' | 'csv'): void;
}

export function auditLogAccess(file: string): AuditLogAccess {
  return {
    file,
    read: async (onRecord) => {
      let skipped = 0;
      await feedFiles(chainFiles(file), {
        segment: () => undefined,
        torn: () => void skipped++,
        line: (l) => {
          const r = recordOf(l.text);
          if (r) onRecord(r);
          else skipped++;
        },
      });
      return skipped;
    },
    verify: async () => {
      const files = chainFiles(file);
      if (files.length === 0) return { ok: true, text: 'No audit events yet.' };
      const r = await verifyChain((feed) => feedFiles(files, feed));
      return r.ok
        ? { ok: true, text: `Audit log verified: ${r.count} events${files.length > 1 ? ` in ${files.length} files` : ''}, chain intact.` }
        : { ok: false, text: `Audit log damaged at ${r.name}:${r.line}: ${r.damage} (${r.message}). ${r.count} events verified before it.` };
    },
    write: (target, records, format) => {
      const text = format === 'csv' ? toCsv(records.map((r) => r.event)) : records.map((r) => `${r.line}\n`).join('');
      writeFileSync(target, text, { mode: 0o600 });
    },
  };
}
