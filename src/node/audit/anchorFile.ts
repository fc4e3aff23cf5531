import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { parseAnchor, type AnchorStore, type AuditAnchor } from '../../core/audit/anchor';

/**
 * The CLI's anchor store: a small JSON file (`FILE.anchor` beside the log by
 * default, or `--anchor A` elsewhere), replaced atomically (write, fsync,
 * rename) after every batch the writer writes. A file that is not a valid
 * anchor is an error, never silently a missing one.
 */
export function fileAnchorStore(path: string): AnchorStore {
  return {
    where: path,
    load(): Promise<AuditAnchor | null> {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve(null);
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
      const parsed = parseAnchor(text);
      return typeof parsed === 'string' ? Promise.reject(new Error(`${path}: ${parsed}`)) : Promise.resolve(parsed);
    },
    save(anchor: AuditAnchor): Promise<void> {
      const tmp = `${path}.tmp-${process.pid}`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(anchor)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
      return Promise.resolve();
    },
  };
}

/** The audit key for the CLI: `WARDEN_AUDIT_KEY` (64 hex digits), or null when the log is not sealed. */
export function auditKeyFromEnv(env: Readonly<Record<string, string | undefined>>): Uint8Array | null {
  const v = env.WARDEN_AUDIT_KEY;
  if (v === undefined || v === '') return null;
  if (!/^[0-9a-fA-F]{64}$/.test(v)) throw new Error('WARDEN_AUDIT_KEY must be 64 hex digits (32 bytes)');
  return Buffer.from(v, 'hex');
}
