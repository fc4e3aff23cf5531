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
import { sha256Hex } from './hash';
import { summariseLarge } from './summarise';

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
const HASH_SUFFIX_LENGTH = ',"hash":"'.length + 64 + '"}'.length;

const bodySchema = auditEventSchema.omit({ hash: true });

export type Redact = (text: string) => string;

/** sha256 of a line's exact bytes: what the next line's `prev` must be. */
export function lineHash(line: string): string {
  return sha256Hex(line);
}

/** True when `line` ends with `,"hash":"<hash>"}` and `hash` is the sha256 of the rest. */
export function selfHashHolds(line: string, hash: string): boolean {
  if (line.length <= HASH_SUFFIX_LENGTH || !line.endsWith(`,"hash":"${hash}"}`)) return false;
  return sha256Hex(line.slice(0, line.length - HASH_SUFFIX_LENGTH) + '}') === hash;
}

/** Expected `seq` and `prev` of the line that follows `tip` (null: a new chain). */
export function nextLink(tip: ChainTip | null): { seq: number; prev: string } {
  return tip === null ? { seq: 0, prev: GENESIS } : { seq: tip.seq + 1, prev: tip.hash };
}

function redactDeep(value: unknown, redact: Redact): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, redact));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redact(k)] = redactDeep(v, redact);
    return out;
  }
  return value;
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
 * and writes the lines, in the order they were sealed. Every string (keys
 * too) is redacted, large strings are summarised, then the serialised body is
 * redacted once more before it is hashed; should that last pass break the
 * JSON, the event's content is withheld rather than written unredacted.
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
    const clean = summariseLarge(redactDeep(parsed.data, this.redact)) as AuditEventInput;
    const { seq, prev } = nextLink(this.current);
    let body: Omit<AuditEvent, 'hash'> = { ...clean, v: AUDIT_SCHEMA_VERSION, seq, time: this.now().toISOString(), prev };
    const plain = canonicalJson(body);
    let text = this.redactLine(plain);
    if (text === undefined) {
      body = withheld(body);
      text = this.redactLine(canonicalJson(body));
      if (text === undefined) throw new Error('audit event rejected: redaction leaves no valid line to write');
    }
    const hash = sha256Hex(text);
    const line = `${text.slice(0, -1)},"hash":"${hash}"}`;
    this.current = { seq, hash: sha256Hex(line) };
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
