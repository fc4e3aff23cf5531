import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import type { ChainTip } from './event';
import type { VerifyResult } from './verify';

const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');

/**
 * The audit log's anchor: its last `seq` and line hash, kept outside the
 * file (the extension's global storage; for the CLI `FILE.anchor` or
 * `--anchor A`). Lines removed from the end of a log — which the chain alone
 * cannot show — then fail verification, naming how many are gone. With a
 * key (kept in SecretStorage, or `WARDEN_AUDIT_KEY` for the CLI; never in the
 * workspace or a sandbox's view) the anchor carries an HMAC: a process that
 * can rewrite the log and its anchor cannot make a chain that verifies,
 * since any change to any line changes the tip the keyed anchor pins.
 * Hashing and HMAC are computation, not I/O: they belong in the core.
 */
export const anchorSchema = z.strictObject({
  v: z.literal(1),
  seq: z.number().int().min(0),
  hash: sha256HexSchema,
  time: z.string(),
  /** HMAC-SHA256 (hex) of the seq and hash under the audit key, or null when the log is not sealed. */
  mac: sha256HexSchema.nullable(),
});
export type AuditAnchor = z.infer<typeof anchorSchema>;

/** Where an anchor is kept; the writer saves one after every batch it writes. */
export interface AnchorStore {
  load(): Promise<AuditAnchor | null>;
  save(anchor: AuditAnchor): Promise<void>;
  /** For messages: where the anchor lives. */
  readonly where: string;
}

function mac(key: Uint8Array, tip: ChainTip): string {
  return createHmac('sha256', key).update(`warden-audit-anchor\u0000${tip.seq}\u0000${tip.hash}`).digest('hex');
}

export function makeAnchor(tip: ChainTip, key: Uint8Array | null, now: Date): AuditAnchor {
  return { v: 1, seq: tip.seq, hash: tip.hash, time: now.toISOString(), mac: key ? mac(key, tip) : null };
}

/** Parses stored anchor text; a reason when it is not one. */
export function parseAnchor(text: string): AuditAnchor | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return 'the anchor is not JSON';
  }
  const r = anchorSchema.safeParse(raw);
  return r.success
    ? r.data
    : `the anchor is not valid (${r.error.issues.map((i) => `${i.path.join('.') || 'anchor'}: ${i.message}`).join('; ')})`;
}

/**
 * Whether the anchor's seal holds under `key`. A sealed anchor without the
 * key cannot be checked; with the key, an unsealed or wrongly sealed anchor
 * fails (a forger who rewrote it had no key).
 */
export function anchorSealProblem(anchor: AuditAnchor, key: Uint8Array | null): string | null {
  if (key === null) return null;
  if (anchor.mac === null) return 'the anchor carries no seal, but the log is sealed with a key: it was replaced';
  const want = Buffer.from(mac(key, anchor), 'hex');
  const got = Buffer.from(anchor.mac, 'hex');
  return want.length === got.length && timingSafeEqual(want, got)
    ? null
    : 'the anchor\u2019s seal does not hold under the audit key: the anchor (or the log it pins) was forged';
}

/**
 * What the anchor adds to a verification of the log made with the anchor's
 * tip (`verifySegments(…, { anchor })`, which already finds lines removed
 * from the end and a replaced anchored line): a missing anchor when the log
 * is sealed, a forged or unsealed anchor, and lines after a sealed anchor
 * that no seal covers.
 */
export function checkAgainstAnchor(
  verified: VerifyResult,
  anchor: AuditAnchor | null,
  key: Uint8Array | null,
): { ok: true; note: string } | { ok: false; message: string } {
  if (anchor === null) {
    if (key)
      return { ok: false, message: 'the log is sealed with a key but its anchor is missing: lines removed from its end could not be seen' };
    return verified.ok
      ? { ok: true, note: 'no anchor: lines removed from the very end cannot be seen' }
      : { ok: false, message: verified.message };
  }
  const seal = anchorSealProblem(anchor, key);
  if (seal) return { ok: false, message: seal };
  if (!verified.ok) return { ok: false, message: verified.message };
  const after = (verified.tip?.seq ?? -1) - anchor.seq;
  if (after > 0 && anchor.mac !== null && key !== null) {
    return {
      ok: false,
      message: `${after} line${after === 1 ? '' : 's'} after seq ${anchor.seq} ${after === 1 ? 'is' : 'are'} not covered by the seal (written after the last seal by a crash, or appended by someone without the key)`,
    };
  }
  if (anchor.mac === null) return { ok: true, note: `anchored at seq ${anchor.seq} (no seal)` };
  return {
    ok: true,
    note: key
      ? `sealed: the anchor at seq ${anchor.seq} holds under the key`
      : `anchored at seq ${anchor.seq}; its seal was not checked (no key)`,
  };
}
