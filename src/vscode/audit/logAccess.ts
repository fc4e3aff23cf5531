import { writeFileSync } from 'node:fs';
import { toCsv } from '../../core/audit/csv';
import type { AuditRecord } from '../../core/audit/event';
import { parseRecords } from '../../core/audit/records';
import { verifySegments } from '../../core/audit/verify';
import { chainFiles, readSegments } from '../../node/audit/files';
import type { VerifyStatus } from './messages';

/** Reading, verifying and exporting the log on disk, for the panel and the verify command. */
export interface AuditLogAccess {
  /** The live file; rotated files sit beside it. */
  readonly file: string;
  read(): { records: AuditRecord[]; skipped: number };
  verify(): VerifyStatus;
  write(target: string, records: readonly AuditRecord[], format: 'jsonl' | 'csv'): void;
}

export function auditLogAccess(file: string): AuditLogAccess {
  return {
    file,
    read: () => parseRecords(readSegments(chainFiles(file))),
    verify: () => {
      const files = chainFiles(file);
      if (files.length === 0) return { ok: true, text: 'No audit events yet.' };
      const r = verifySegments(readSegments(files));
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
