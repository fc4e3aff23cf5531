import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical';
import {
  AUDIT_SCHEMA_VERSION,
  GENESIS,
  auditEventInputSchema,
  auditEventSchema,
  type AuditEvent,
  type AuditEventInput,
  type AuditRecord,
  type ChainTip,
} from './event';
import { INLINE_LIMIT_BYTES, summariseString } from './summarise';

export { hashLine, hashLineBytes, lineHash, selfHashHolds } from './lineHash';

/**
 * The line format. Each line is the canonical JSON (./canonical.ts: keys
 * sorted, no whitespace) of the event without `hash`, with `,"hash":"<hex>"`
 * spliced in before the closing brace, so `hash` is always the last key:
 *
 *   body = canonicalJson(event without hash)        // after redaction
 *   hash = sha256(body)
 *   line = body minus its final "}" + ',"hash":"' + hash + '"}'
 *
 * `prev` of a line is sha256 of the previous line's exact bytes (the whole
 * line, `hash` included, without the newline). The first line of a chain has
 * `prev = GENESIS` (64 zeros) and `seq = 0`. A chain continues across rotated
 * files: the first line of `audit.jsonl` after a rotation carries the hash of
 * the last line of the file rotated before it, and `seq` keeps counting.
 */
const bodySchema = auditEventSchema.omit({ hash: true });

export type Redact = (text: string) => string;

/** Expected `seq` and `prev` of the line that follows `tip` (null: a new chain). */
export function nextLink(tip: ChainTip | null): { seq: number; prev: string } {
  return tip === null ? { seq: 0, prev: GENESIS } : { seq: tip.seq + 1, prev: tip.hash };
}

/** Characters JSON.stringify escapes: in a string holding one, a secret would not appear verbatim in the line. */
// eslint-disable-next-line no-control-regex
const ESCAPED_IN_JSON = /["\\\u0000-\u001f\ud800-\udfff]/;
/** Strings this long may need summarising, so they are redacted first (the preview and hash are of redacted text). */
const MAY_BE_LARGE = Math.floor(INLINE_LIMIT_BYTES / 3);

/**
 * One walk: large strings are redacted then summarised (./summarise.ts);
 * strings (keys too) that JSON would escape are redacted here, since the
 * escaped form in the line would hide a secret from the line-level pass.
 * Every other string appears verbatim in the line, which is redacted whole.
 */
function redactDeep(value: unknown, redact: Redact, key?: string): unknown {
  if (typeof value === 'string') {
    if (value.length > MAY_BE_LARGE) return summariseString(redact(value), key);
    return ESCAPED_IN_JSON.test(value) ? redact(value) : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, redact));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const clean = ESCAPED_IN_JSON.test(k) || k.length > MAY_BE_LARGE ? redact(k) : k;
    out[clean] = redactDeep((value as Record<string, unknown>)[k], redact, clean);
  }
  return out;
}

function withheld(body: Omit<AuditEvent, 'hash'>): Omit<AuditEvent, 'hash'> {
  return {
    ...body,
    input: null,
    edits: null,
    outcome: body.outcome === null ? null : { status: body.outcome.status },
    note: 'content withheld: redacting the serialised line left it invalid',
  };
}

/**
 * Turns event inputs into chained lines. Pure: the caller supplies the clock
 * and writes the lines, in the order they were sealed. Strings a line would
 * not show verbatim (escaped by JSON, or summarised) are redacted one by one,
 * then the serialised body is redacted whole before it is hashed; should that
 * last pass break the JSON, the event's content is withheld rather than
 * written unredacted.
 */
export class ChainSealer {
  private current: ChainTip | null;

  constructor(
    tip: ChainTip | null,
    private readonly redact: Redact,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.current = tip;
  }

  get tip(): ChainTip | null {
    return this.current;
  }

  /** Validates and seals one event, advancing the tip. Throws (naming the field) on invalid input. */
  seal(input: AuditEventInput): AuditRecord {
    const parsed = auditEventInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`audit event rejected: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`);
    }
    const clean = redactDeep(parsed.data, this.redact) as AuditEventInput;
    const { seq, prev } = nextLink(this.current);
    let body: Omit<AuditEvent, 'hash'> = { ...clean, v: AUDIT_SCHEMA_VERSION, seq, time: this.now().toISOString(), prev };
    const plain = canonicalJson(body);
    let text = this.redactLine(plain);
    if (text === undefined) {
      body = withheld(body);
      text = this.redactLine(canonicalJson(body));
      if (text === undefined) throw new Error('audit event rejected: redaction leaves no valid line to write');
    }
    const prefix = text.slice(0, -1);
    const h = createHash('sha256').update(prefix, 'utf8');
    const whole = h.copy();
    const hash = h.update('}').digest('hex');
    const suffix = `,"hash":"${hash}"}`;
    const line = prefix + suffix;
    this.current = { seq, hash: whole.update(suffix, 'utf8').digest('hex') };
    // Unchanged by the line-level redaction: the body object is exactly what was written.
    const event = text === plain ? { ...body, hash } : (JSON.parse(line) as AuditEvent);
    return { event, line };
  }

  /** The redacted body, or undefined when redaction made it unparseable or invalid. */
  private redactLine(body: string): string | undefined {
    const text = this.redact(body);
    if (text === body) return text;
    try {
      const obj: unknown = JSON.parse(text);
      return bodySchema.safeParse(obj).success && text.endsWith('}') ? text : undefined;
    } catch {
      return undefined;
    }
  }
}
