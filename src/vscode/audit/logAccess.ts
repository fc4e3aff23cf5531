import { writeFileSync } from 'node:fs';
import { checkAgainstAnchor, type AnchorStore, type AuditAnchor } from '../../core/audit/anchor';
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

export function auditLogAccess(file: string, anchored?: { readonly store: AnchorStore; readonly key: Uint8Array | null }): AuditLogAccess {
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
      let anchor: AuditAnchor | null = null;
      try {
        anchor = anchored ? await anchored.store.load() : null;
      } catch (e) {
        return { ok: false, text: `The audit log's anchor cannot be read (${e instanceof Error ? e.message : String(e)}).` };
      }
      const r = await verifyChain((feed) => feedFiles(files, feed), anchor ? { anchor: { seq: anchor.seq, hash: anchor.hash } } : {});
      if (!r.ok)
        return {
          ok: false,
          text: `Audit log damaged at ${r.name}:${r.line}: ${r.damage} (${r.message}). ${r.count} events verified before it.`,
        };
      const checked = anchored ? checkAgainstAnchor(r, anchor, anchored.key) : { ok: true as const, note: 'no anchor' };
      if (!checked.ok) return { ok: false, text: `Audit log not trustworthy: ${checked.message}. ${r.count} events verified.` };
      return {
        ok: true,
        text: `Audit log verified: ${r.count} events${files.length > 1 ? ` in ${files.length} files` : ''}, chain intact; ${checked.note}.`,
      };
    },
    write: (target, records, format) => {
      const text = format === 'csv' ? toCsv(records.map((r) => r.event)) : records.map((r) => `${r.line}\n`).join('');
      writeFileSync(target, text, { mode: 0o600 });
    },
  };
}
