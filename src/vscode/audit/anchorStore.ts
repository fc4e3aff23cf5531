import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';
import { parseAnchor, type AnchorStore, type AuditAnchor } from '../../core/audit/anchor';

/** Where the extension keeps a log's anchor: its global state (one entry per log file), outside every workspace and every sandbox's view. */
export const ANCHOR_STATE_KEY = 'warden.audit.anchor';
/** The audit key lives in SecretStorage under this name (not among the secrets people set, and never listed). */
export const AUDIT_KEY_SECRET = 'warden.audit.key';

export function globalStateAnchorStore(state: vscode.Memento, logFile: string): AnchorStore {
  const key = `${ANCHOR_STATE_KEY}:${logFile}`;
  return {
    where: 'the extension\u2019s global state',
    load(): Promise<AuditAnchor | null> {
      const raw = state.get<string>(key);
      if (raw === undefined) return Promise.resolve(null);
      const parsed = parseAnchor(raw);
      return typeof parsed === 'string'
        ? Promise.reject(new Error(`the audit anchor in global state: ${parsed}`))
        : Promise.resolve(parsed);
    },
    async save(anchor: AuditAnchor): Promise<void> {
      await state.update(key, JSON.stringify(anchor));
    },
  };
}

/** The key that seals the anchor: read from SecretStorage, made (32 random bytes) the first time. */
export async function auditKey(secrets: vscode.SecretStorage): Promise<Uint8Array> {
  const stored = await secrets.get(AUDIT_KEY_SECRET);
  if (stored !== undefined && /^[0-9a-f]{64}$/.test(stored)) return Buffer.from(stored, 'hex');
  const key = randomBytes(32);
  await secrets.store(AUDIT_KEY_SECRET, key.toString('hex'));
  return key;
}
