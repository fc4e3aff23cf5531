import type * as z from 'zod';
import { csvRow } from './csv';
import type { AuditEvent } from './event';
import { isExactAuditEvent, isExactLinkedEvent } from './eventCheck';
import type { AuditFilter } from './filter';
import { compileFilter, recordFields } from './filterMatch';
import { tableRow } from './format';
import { sha256Hex } from './hash';
import { hashLineBytes } from './lineHash';
import type { ChainLine } from './verify';

/**
 * What verifying a chain needs to know of one line that no other line
 * decides: whether it is JSON, whether it is an audit event (and zod's first
 * objection when not), its `seq` and `prev`, whether its own hash holds, and
 * the hash of the whole line (the next line's `prev`). Finding these is most
 * of the work and can be done anywhere, in any order (src/node/audit/
 * parallelRead.ts spreads it over worker threads); the links between lines
 * are then checked in order by the verifier (./verify.ts, `LineFactsFeed`).
 * `seq` and `prev` of a line that is not an event are what JSON holds there
 * (null when not a number, not a string), as the verifier's look ahead reads
 * them.
 */
export type LineFacts =
  | { readonly kind: 'bad-json'; readonly blank: boolean }
  | {
      readonly kind: 'not-event';
      readonly seq: number | null;
      readonly prev: string | null;
      /** The verifier's message: `not an audit event: <path>: <zod's first issue>`. */
      readonly issue: string;
      /** sha256 of the line's text (set when asked for): what an exported stream's repeats are told by. */
      readonly textHash?: string;
    }
  | {
      readonly kind: 'event';
      readonly seq: number;
      readonly prev: string;
      /** The line's `hash` is the sha256 of the line without it. */
      readonly selfHolds: boolean;
      /** sha256 of the line's bytes. */
      readonly lineHash: string;
      readonly textHash?: string;
      /** The event, where the facts were found (not carried across threads). */
      readonly event?: AuditEvent;
      /**
       * The lines after this one that need no look of their own: `more` lines,
       * each an event whose own hash holds and which links to the line before
       * it (`seq` one more, `prev` its hash); `lastHash` is the last one's
       * hash. If this line links to the chain, so does every one of them.
       */
      readonly linkedAfter?: { readonly more: number; readonly lastHash: string };
    };

/**
 * `auditEventSchema.safeParse` (./event.ts), asked only of a value the
 * generated check (./eventCheck.ts) does not pass, to decide it. Passed in,
 * so that a worker thread loads zod only when a line needs it.
 */
export type DecideEvent = (obj: unknown) => z.ZodSafeParseResult<AuditEvent>;

/**
 * The facts of one line. `expectedPrev` (the hash the chain expects as this
 * line's `prev`, when known) only saves work: a line that links is checked
 * without its two hex patterns, which the digests it matched already satisfy.
 */
export function checkLine(l: ChainLine, expectedPrev: string | null, decide: DecideEvent): LineFacts {
  let obj: unknown;
  try {
    obj = JSON.parse(l.text);
  } catch {
    return { kind: 'bad-json', blank: l.text.trim() === '' };
  }
  const d = hashLineBytes(l.text, l.bytes, l.start, l.end);
  const o = typeof obj === 'object' && obj !== null ? (obj as { hash?: unknown; prev?: unknown; seq?: unknown }) : null;
  const linked = expectedPrev !== null && o !== null && o.hash === d.self && o.prev === expectedPrev;
  const parsed: z.ZodSafeParseResult<AuditEvent> =
    (linked && isExactLinkedEvent(obj)) || isExactAuditEvent(obj) ? { success: true, data: obj as AuditEvent } : decide(obj);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind: 'not-event',
      seq: typeof o?.seq === 'number' ? o.seq : null,
      prev: typeof o?.prev === 'string' ? o.prev : null,
      issue: `not an audit event: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
    };
  }
  const ev = parsed.data;
  return { kind: 'event', seq: ev.seq, prev: ev.prev, selfHolds: d.self === ev.hash, lineHash: d.line, event: ev };
}

/** sha256 of a line's text: its bytes' hash, unless decoding replaced bytes that were not UTF-8 (then the text differs from them). */
function textHashOf(l: ChainLine, lineHash: string | null): string {
  return lineHash !== null && !l.text.includes('\ufffd') ? lineHash : sha256Hex(l.text);
}

/** A listing of the events, as `warden audit show` and `export` write them. */
export interface ListSpec {
  readonly filter: AuditFilter;
  /** `table`: show's rows; `csv`: export's rows; `jsonl`: each line verbatim. */
  readonly format: 'table' | 'csv' | 'jsonl';
}

/** The text an event adds to a listing, or null when the filter leaves it out. */
export function listRenderer(spec: ListSpec): (event: AuditEvent, line: string) => string | null {
  const match = compileFilter(spec.filter);
  const row = spec.format === 'table' ? tableRow : spec.format === 'csv' ? csvRow : (_: AuditEvent, line: string) => `${line}\n`;
  return (event, line) => (match(recordFields({ event, line })) ? row(event, line) : null);
}

/** What is asked of each line of a chunk beside its facts. */
export interface ChunkSpec {
  /** Carry each line's text hash (`--exported`: repeats are dropped by it); every line then has facts of its own. */
  readonly textHashes?: boolean;
  /** The anchor's seq: a line of that seq always has facts of its own (its hash is checked against the anchor). */
  readonly anchorSeq?: number;
  /** List the events (the listing of each chunk, and how many events it saw, showed and could not read). */
  readonly list?: ListSpec;
}

/**
 * The facts of a run of lines, packed to cross a thread cheaply: numbers in
 * typed arrays (transferred, not copied) and every string in one. Per entry
 * (a line, or an event and the lines linked after it), `flags` holds the kind
 * and booleans, `seqs` the seq (NaN: none), `more` the lines linked after it,
 * and the strings follow one another, `ends` marking where each ends: for an
 * event `prev`, the line hash, the text hash if asked, then the last linked
 * line's hash if `more`; for a line that is not an event its `prev` (if any),
 * the issue, then the text hash if asked.
 */
export interface PackedFacts {
  /** Entries. */
  readonly count: number;
  readonly flags: Uint8Array;
  readonly seqs: Float64Array;
  readonly more: Uint32Array;
  readonly strings: string;
  readonly ends: Uint32Array;
  /** The listing's text for these lines (with `list`), in pieces small enough to be short-lived garbage. */
  readonly listed: readonly string[];
  readonly listedEvents: number;
  readonly shownEvents: number;
  readonly unreadable: number;
}

/** Characters of listing per piece: under V8's large-object size, so a piece dies young. */
const LISTING_PIECE = 32 * 1024;

const KIND_BAD_JSON = 0;
const KIND_NOT_EVENT = 1;
const KIND_EVENT = 2;
const KIND_MASK = 3;
const BLANK = 4;
const SELF_HOLDS = 8;
const HAS_PREV = 16;
const HAS_TEXT_HASH = 32;

/** Finds and packs the facts of lines, in order (the per-line half of a verification; see LineFacts). */
export class FactsPacker {
  private readonly render: ((event: AuditEvent, line: string) => string | null) | null;
  private count = 0;
  private flags: Uint8Array;
  private seqs: Float64Array;
  private more: Uint32Array;
  private ends: Uint32Array;
  private nEnds = 0;
  private strings = '';
  private listed = '';
  private readonly pieces: string[] = [];
  private listedEvents = 0;
  private shownEvents = 0;
  private unreadable = 0;
  /** The last line's seq and hash when it was an event: what the next line links to. */
  private lastSeq = NaN;
  private lastHash: string | null = null;
  /** The entry lines are being linked after, or -1. */
  private open = -1;

  constructor(
    private readonly spec: ChunkSpec,
    private readonly decide: DecideEvent,
    capacity = 1024,
  ) {
    this.render = spec.list ? listRenderer(spec.list) : null;
    this.flags = new Uint8Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.more = new Uint32Array(capacity);
    this.ends = new Uint32Array(capacity * 4);
  }

  add(l: ChainLine): void {
    const f = checkLine(l, this.lastHash, this.decide);
    if (f.kind === 'event') {
      if (this.render && f.event) {
        this.listedEvents++;
        const text = this.render(f.event, l.text);
        if (text !== null) {
          this.shownEvents++;
          this.listed += text;
          if (this.listed.length >= LISTING_PIECE) {
            this.pieces.push(this.listed);
            this.listed = '';
          }
        }
      }
      const links =
        this.open >= 0 && f.selfHolds && f.seq === this.lastSeq + 1 && f.prev === this.lastHash && f.seq !== this.spec.anchorSeq;
      if (!links) this.close();
      this.lastSeq = f.seq;
      this.lastHash = f.lineHash;
      if (links) {
        this.more[this.open] = (this.more[this.open] ?? 0) + 1;
        return;
      }
    } else {
      this.close();
      this.lastSeq = NaN;
      this.lastHash = null;
      if (this.render) this.unreadable++;
    }
    const i = this.entry();
    switch (f.kind) {
      case 'bad-json':
        this.flags[i] = KIND_BAD_JSON | (f.blank ? BLANK : 0);
        this.seqs[i] = NaN;
        return;
      case 'not-event':
        this.flags[i] = KIND_NOT_EVENT | (f.prev !== null ? HAS_PREV : 0) | (this.spec.textHashes ? HAS_TEXT_HASH : 0);
        this.seqs[i] = f.seq ?? NaN;
        if (f.prev !== null) this.push(f.prev);
        this.push(f.issue);
        if (this.spec.textHashes) this.push(textHashOf(l, null));
        return;
      case 'event':
        this.flags[i] = KIND_EVENT | (f.selfHolds ? SELF_HOLDS : 0) | (this.spec.textHashes ? HAS_TEXT_HASH : 0);
        this.seqs[i] = f.seq;
        this.push(f.prev);
        this.push(f.lineHash);
        if (this.spec.textHashes) this.push(textHashOf(l, f.lineHash));
        // Lines of an exported stream each need their text hash: none is linked after another.
        else if (f.selfHolds) this.open = i;
        return;
    }
  }

  finish(): PackedFacts {
    this.close();
    return {
      count: this.count,
      flags: this.flags.slice(0, this.count),
      seqs: this.seqs.slice(0, this.count),
      more: this.more.slice(0, this.count),
      strings: this.strings,
      ends: this.ends.slice(0, this.nEnds),
      listed: this.listed === '' ? this.pieces : [...this.pieces, this.listed],
      listedEvents: this.listedEvents,
      shownEvents: this.shownEvents,
      unreadable: this.unreadable,
    };
  }

  /** Ends the lines linked after the open entry: their last hash follows its strings. */
  private close(): void {
    if (this.open >= 0 && (this.more[this.open] ?? 0) > 0) this.push(this.lastHash ?? '');
    this.open = -1;
  }

  private entry(): number {
    if (this.count === this.flags.length) this.grow();
    if (this.ends.length - this.nEnds < 4) this.growEnds();
    const i = this.count++;
    this.more[i] = 0;
    return i;
  }

  private push(s: string): void {
    this.strings += s;
    this.ends[this.nEnds++] = this.strings.length;
  }

  private grow(): void {
    const n = this.flags.length * 2;
    const flags = new Uint8Array(n);
    flags.set(this.flags);
    this.flags = flags;
    const seqs = new Float64Array(n);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const more = new Uint32Array(n);
    more.set(this.more);
    this.more = more;
  }

  private growEnds(): void {
    const ends = new Uint32Array(this.ends.length * 2);
    ends.set(this.ends);
    this.ends = ends;
  }
}

/** The facts packed by FactsPacker, one entry at a time, in order. */
export function unpackFacts(p: PackedFacts, each: (f: LineFacts) => void): void {
  let e = 0;
  let at = 0;
  const next = (): string => {
    const end = p.ends[e++] ?? at;
    const s = p.strings.slice(at, end);
    at = end;
    return s;
  };
  for (let i = 0; i < p.count; i++) {
    const flags = p.flags[i] ?? 0;
    const seq = p.seqs[i] ?? NaN;
    switch (flags & KIND_MASK) {
      case KIND_BAD_JSON:
        each({ kind: 'bad-json', blank: (flags & BLANK) !== 0 });
        break;
      case KIND_NOT_EVENT: {
        const prev = flags & HAS_PREV ? next() : null;
        const issue = next();
        const base = { kind: 'not-event', seq: Number.isNaN(seq) ? null : seq, prev, issue } as const;
        each(flags & HAS_TEXT_HASH ? { ...base, textHash: next() } : base);
        break;
      }
      default: {
        const prev = next();
        const lineHash = next();
        const textHash = flags & HAS_TEXT_HASH ? next() : undefined;
        const more = p.more[i] ?? 0;
        each({
          kind: 'event',
          seq,
          prev,
          selfHolds: (flags & SELF_HOLDS) !== 0,
          lineHash,
          ...(textHash !== undefined ? { textHash } : {}),
          ...(more > 0 ? { linkedAfter: { more, lastHash: next() } } : {}),
        });
      }
    }
  }
}
