import type * as z from 'zod';
import { nextLink } from './chain';
import { auditEventSchema, type AuditEvent, type AuditRecord, type ChainTip } from './event';
import { isExactAuditEvent } from './eventCheck';
import { checkLine, type DecideEvent, type LineFacts } from './lineFacts';
import { hashLineBytes } from './lineHash';

/**
 * Verifying a chain. Lines are checked in order; the first bad one is named
 * with the kind of damage:
 *  - `bad-json`   the line is not JSON (a blank line counts)
 *  - `schema`     JSON, but not an audit event of this version
 *  - `edited`     the line's own hash does not hold, or the next line's
 *                 `prev` no longer matches it (an edit that recomputed `hash`)
 *  - `removed`    lines are missing before this one (its `seq` jumps ahead and
 *                 its `prev` matches no line present)
 *  - `inserted`   this line does not belong: the chain continues around it,
 *                 or it repeats a `seq` already used
 *  - `reordered`  this line is out of place: the line it follows, or the line
 *                 expected here, comes later
 *  - `seq-gap`    the hashes link but `seq` is not the next number
 *  - `truncated`  the final line has no newline: a write was cut short
 * A chain must start at `seq 0` with `prev = GENESIS` unless `partial` is set
 * (then the first line may continue an earlier file that is not at hand).
 * Removing lines from the very end cannot be seen from the lines alone: pass
 * an `anchor` (a tip recorded elsewhere) to check that it is still there.
 */
export type AuditDamage = 'bad-json' | 'schema' | 'edited' | 'removed' | 'inserted' | 'reordered' | 'seq-gap' | 'truncated';

export interface VerifySegment {
  /** A name for messages (the file path). */
  readonly name: string;
  readonly text: string;
}

export interface VerifyOptions {
  readonly partial?: boolean;
  readonly anchor?: ChainTip;
  /**
   * Hears every line of the first reading that holds an event (after damage
   * too), and every one that does not (`null`): show and export list the
   * events from the same parse that verifies them.
   */
  readonly onRecord?: (r: AuditRecord | null) => void;
}

export type VerifyResult =
  | { readonly ok: true; readonly count: number; readonly tip: ChainTip | null }
  | {
      readonly ok: false;
      /** Lines that verified before the bad one. */
      readonly count: number;
      readonly name: string;
      /** 1-based line number within `name`. */
      readonly line: number;
      readonly damage: AuditDamage;
      readonly message: string;
    };

/**
 * `auditEventSchema.safeParse(obj)`, sooner for a well-formed event: a value the check
 * generated from auditEventSchema (./eventCheck.ts) passes is one zod would
 * hand back unchanged; any other value is parsed by zod, which decides.
 */
const decideEvent: DecideEvent = (obj) => auditEventSchema.safeParse(obj);

function parseEvent(obj: unknown): z.ZodSafeParseResult<AuditEvent> {
  return isExactAuditEvent(obj) ? { success: true, data: obj as AuditEvent } : auditEventSchema.safeParse(obj);
}

/** Splits JSONL text into complete lines and a torn tail (text after the last newline), if any. */
export function splitJsonl(text: string): { lines: string[]; tornTail: string | null } {
  if (text === '') return { lines: [], tornTail: null };
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  return { lines, tornTail: last === '' ? null : last };
}

interface Peek {
  readonly seq: number | null;
  readonly prev: string | null;
}

function peek(line: string | undefined): Peek | null {
  if (line === undefined) return null;
  try {
    const v = JSON.parse(line) as { seq?: unknown; prev?: unknown };
    return { seq: typeof v.seq === 'number' ? v.seq : null, prev: typeof v.prev === 'string' ? v.prev : null };
  } catch {
    return { seq: null, prev: null };
  }
}

/** One complete line of a chain: its text (no newline) and the UTF-8 bytes it came from, `bytes[start, end)`. */
export interface ChainLine {
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
}

/**
 * What a reader feeds a check, in order: each segment's name, its complete
 * lines, and a torn tail if its last line has no newline (nothing after a
 * torn tail can continue the chain, so the reader stops there).
 */
export interface ChainFeed {
  segment(name: string): void;
  line(l: ChainLine): void;
  torn(): void;
}

/**
 * A first reading that hands over each line's facts (./lineFacts.ts), found
 * elsewhere, instead of the line: segments, then lines, in order, as ChainFeed.
 */
export interface LineFactsFeed {
  segment(name: string): void;
  facts(f: LineFacts): void;
  torn(): void;
}

/**
 * A chain read once or twice, oldest first. The first reading decides; a
 * second is asked for only to name the damage of a line whose link is wrong
 * (is it reordered, inserted, removed?), which needs the lines around it.
 * Memory stays constant whatever the size: nothing is kept per line.
 */
export type ChainReader<R> = (feed: ChainFeed) => R;

interface Loc {
  readonly name: string;
  readonly line: number;
}

interface LinkFailure {
  readonly index: number;
  readonly loc: Loc;
  /** The line before the bad one, for `edited` (the next line recorded a different hash for it). */
  readonly before: Loc | null;
  readonly seq: number;
  readonly prev: string;
  readonly expected: { readonly seq: number; readonly prev: string };
  continuesAround: boolean | null;
}

type Fail = { loc: Loc; count: number; damage: AuditDamage; message: string };

const INSERTED_AROUND = 'this line does not belong: the next line continues the chain from the line before it';

/** The first reading: verifies each line as it comes, keeping only the tip. */
class FirstPass implements ChainFeed, LineFactsFeed {
  private name = '<lines>';
  private first: string | null = null;
  private lineNo = 0;
  private index = 0;
  private tip: ChainTip | null = null;
  private last: Loc | null = null;
  private anchorHit: { index: number; hash: string; loc: Loc } | null = null;
  fail: Fail | null = null;
  /** A failure waiting for the next line, to tell an inserted line from an edited one. */
  private pendingSelf: { loc: Loc; index: number; expected: { seq: number; prev: string } } | null = null;
  link: LinkFailure | null = null;
  torn_: Loc | null = null;

  constructor(private readonly options: VerifyOptions) {}

  segment(name: string): void {
    this.name = name;
    this.first ??= name;
    this.lineNo = 0;
  }

  torn(): void {
    this.lineNo++;
    this.options.onRecord?.(null);
    if (this.fail === null && this.link === null && this.pendingSelf === null) this.torn_ = { name: this.name, line: this.lineNo };
    this.settle(null);
  }

  /** After damage the chain is no longer checked, but events are still handed on. */
  private afterDamage(text: string): void {
    const hear = this.options.onRecord;
    if (hear === undefined) return;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      hear(null);
      return;
    }
    const parsed = parseEvent(obj);
    hear(parsed.success ? { event: parsed.data, line: text } : null);
  }

  private settle(next: Peek | null): void {
    const around = (e: { seq: number; prev: string }): boolean => next !== null && next.prev === e.prev && next.seq === e.seq;
    if (this.pendingSelf) {
      const p = this.pendingSelf;
      this.pendingSelf = null;
      this.fail = around(p.expected)
        ? { loc: p.loc, count: p.index, damage: 'inserted', message: INSERTED_AROUND }
        : { loc: p.loc, count: p.index, damage: 'edited', message: "the line's own hash does not match its content" };
    }
    if (this.link && this.link.continuesAround === null) this.link.continuesAround = around(this.link.expected);
  }

  private get damaged(): boolean {
    return this.fail !== null || this.link !== null || this.pendingSelf !== null;
  }

  /** After damage, the next line tells an inserted line from an edited one, and whether the chain continues around a bad link. */
  private get looksAhead(): boolean {
    return this.pendingSelf !== null || this.link?.continuesAround === null;
  }

  line(l: ChainLine): void {
    if (this.damaged) {
      this.lineNo++;
      if (this.looksAhead) this.settle(peek(l.text));
      this.afterDamage(l.text);
      return;
    }
    const next = this.index === 0 && this.options.partial ? null : nextLink(this.tip);
    const f = checkLine(l, next === null ? null : next.prev, decideEvent);
    this.options.onRecord?.(f.kind === 'event' && f.event !== undefined ? { event: f.event, line: l.text } : null);
    this.facts(f);
  }

  facts(f: LineFacts): void {
    const after = f.kind === 'event' ? f.linkedAfter : undefined;
    this.one(f);
    if (after === undefined) return;
    if (this.damaged) {
      // The next line is the first linked after this one: its seq is one more, its prev this line's hash.
      if (this.looksAhead && f.kind === 'event') this.settle({ seq: f.seq + 1, prev: f.lineHash });
      this.lineNo += after.more;
      return;
    }
    // This line linked, so each linked after it does: the chain moves on to the last of them.
    const seq = (this.tip?.seq ?? 0) + after.more;
    const a = this.options.anchor;
    if (a !== undefined && this.tip !== null && a.seq > this.tip.seq && a.seq <= seq) {
      throw new Error(`the anchored seq ${a.seq} is among lines read without their hashes`);
    }
    this.lineNo += after.more;
    this.index += after.more;
    this.tip = { seq, hash: after.lastHash };
    this.last = { name: this.name, line: this.lineNo };
  }

  private one(f: LineFacts): void {
    this.lineNo++;
    if (this.damaged) {
      if (this.looksAhead) this.settle(f.kind === 'bad-json' ? { seq: null, prev: null } : f);
      return;
    }
    const loc: Loc = { name: this.name, line: this.lineNo };
    const i = this.index;
    if (f.kind === 'bad-json') {
      this.fail = { loc, count: i, damage: 'bad-json', message: f.blank ? 'blank line' : 'not valid JSON' };
      return;
    }
    if (f.kind === 'not-event') {
      this.fail = { loc, count: i, damage: 'schema', message: f.issue };
      return;
    }
    const next = i === 0 && this.options.partial ? null : nextLink(this.tip);
    const expected = next ?? { seq: f.seq, prev: f.prev };
    if (!f.selfHolds) {
      this.pendingSelf = { loc, index: i, expected };
      return;
    }
    if (f.seq !== expected.seq || f.prev !== expected.prev) {
      this.link = { index: i, loc, before: this.last, seq: f.seq, prev: f.prev, expected, continuesAround: null };
      return;
    }
    if (this.options.anchor?.seq === f.seq) this.anchorHit = { index: i, hash: f.lineHash, loc };
    this.tip = { seq: f.seq, hash: f.lineHash };
    this.last = loc;
    this.index++;
  }

  /** The result, or null when a second reading must name a link failure. */
  result(): VerifyResult | null {
    this.settle(null);
    const f = this.fail;
    if (f) return { ok: false, count: f.count, name: f.loc.name, line: f.loc.line, damage: f.damage, message: f.message };
    if (this.link) return null;
    if (this.torn_) {
      return {
        ok: false,
        count: this.index,
        name: this.torn_.name,
        line: this.torn_.line,
        damage: 'truncated',
        message: 'the final line has no newline: a write was cut short (the writer repairs this when it reopens the log)',
      };
    }
    const a = this.options.anchor;
    if (a !== undefined) {
      if (this.anchorHit === null) {
        const last = this.last ?? { name: this.first ?? '<lines>', line: 0 };
        const gone = a.seq - (this.tip?.seq ?? -1);
        return {
          ok: false,
          count: this.index,
          name: last.name,
          line: last.line + 1,
          damage: 'removed',
          message: `${gone} line${gone === 1 ? ' is' : 's are'} gone from the end: the anchor records seq ${a.seq}, which is no longer in the log`,
        };
      }
      if (this.anchorHit.hash !== a.hash) {
        return {
          ok: false,
          count: this.anchorHit.index,
          name: this.anchorHit.loc.name,
          line: this.anchorHit.loc.line,
          damage: 'edited',
          message: `seq ${a.seq} does not match the anchored hash`,
        };
      }
    }
    return { ok: true, count: this.index, tip: this.tip };
  }
}

/** The second reading: the few facts about other lines that name a link failure. */
class SecondPass implements ChainFeed {
  private name = '<lines>';
  private lineNo = 0;
  private index = 0;
  /** Last line anywhere whose hash is the bad line's `prev`, and its seq. */
  lastWithPrev: { index: number; seq: number | null } | null = null;
  /** Last line before the bad one whose hash is its `prev`, its seq, and where the line after it is. */
  earlier: { index: number; seq: number | null; nextLoc: Loc | null } | null = null;
  /** A line after the bad one carries the seq expected at it. */
  expectedLater = false;
  private wantLoc = false;

  constructor(private readonly f: LinkFailure) {}

  segment(name: string): void {
    this.name = name;
    this.lineNo = 0;
  }

  torn(): void {
    this.lineNo++;
  }

  line(l: ChainLine): void {
    this.lineNo++;
    const k = this.index++;
    if (this.wantLoc && this.earlier) {
      this.earlier.nextLoc = { name: this.name, line: this.lineNo };
      this.wantLoc = false;
    }
    const hash = hashLineBytes(l.text, l.bytes, l.start, l.end).line;
    if (hash === this.f.prev) {
      const seq = peek(l.text)?.seq ?? null;
      this.lastWithPrev = { index: k, seq };
      if (k < this.f.index) {
        this.earlier = { index: k, seq, nextLoc: null };
        this.wantLoc = true;
      }
    }
    if (k > this.f.index && !this.expectedLater && peek(l.text)?.seq === this.f.expected.seq) this.expectedLater = true;
  }

  result(): VerifyResult {
    const f = this.f;
    const fail = (loc: Loc, count: number, damage: AuditDamage, message: string): VerifyResult => ({
      ok: false,
      count,
      name: loc.name,
      line: loc.line,
      damage,
      message,
    });
    const follows = this.lastWithPrev;
    if (follows !== null && follows.index > f.index) {
      return fail(f.loc, f.index, 'reordered', `out of order: seq ${f.seq} follows a line that comes later (seq ${follows.seq ?? '?'})`);
    }
    if (f.continuesAround) return fail(f.loc, f.index, 'inserted', INSERTED_AROUND);
    const j = this.earlier;
    if (j !== null && j.index < f.index - 1 && f.seq === (j.seq ?? -2) + 1) {
      return fail(
        j.nextLoc ?? f.loc,
        j.index + 1,
        'inserted',
        `does not belong: the chain skips it (seq ${f.seq} continues from seq ${j.seq ?? '?'})`,
      );
    }
    if (f.prev === f.expected.prev)
      return fail(f.loc, f.index, 'seq-gap', `the hashes link but seq is ${f.seq}, expected ${f.expected.seq}`);
    if (this.expectedLater)
      return fail(f.loc, f.index, 'reordered', `out of order: seq ${f.expected.seq} was expected here and comes later`);
    if (f.seq > f.expected.seq) {
      const what =
        f.index === 0
          ? `the chain does not start at genesis (first seq is ${f.seq}): earlier lines or files are missing`
          : `seq ${f.expected.seq}–${f.seq - 1} missing before this line`;
      return fail(f.loc, f.index, 'removed', what);
    }
    if (f.seq < f.expected.seq)
      return fail(f.loc, f.index, 'inserted', `seq ${f.seq} was already used: this line is a copy or does not belong`);
    if (f.index === 0) return fail(f.loc, 0, 'edited', 'the first line does not start at genesis');
    return fail(f.before ?? f.loc, f.index - 1, 'edited', `changed: the next line (seq ${f.seq}) recorded a different hash for it`);
  }
}

/**
 * Verifies a chain whose first reading hands over the facts of its lines
 * (found elsewhere: worker threads, src/node/audit/parallelRead.ts) and whose
 * second, when a link failure must be named, reads the lines themselves.
 * Gives what verifyChain gives for the same lines.
 */
export async function verifyLineFacts(
  first: (feed: LineFactsFeed) => Promise<void>,
  second: ChainReader<Promise<void>>,
  options: Omit<VerifyOptions, 'onRecord'> = {},
): Promise<VerifyResult> {
  const pass = new FirstPass(options);
  await first(pass);
  const r = pass.result();
  if (r !== null || pass.link === null) return r as VerifyResult;
  const again = new SecondPass(pass.link);
  await second(again);
  return again.result();
}

/** Verifies a chain read by `read` (twice at most; see ChainReader), synchronously or not as the reader is. */
export function verifyChain(read: ChainReader<Promise<void>>, options?: VerifyOptions): Promise<VerifyResult>;
export function verifyChain(read: ChainReader<void>, options?: VerifyOptions): VerifyResult;
export function verifyChain(read: ChainReader<void | Promise<void>>, options: VerifyOptions = {}): VerifyResult | Promise<VerifyResult> {
  const first = new FirstPass(options);
  const then = (): VerifyResult | Promise<VerifyResult> => {
    const r = first.result();
    if (r !== null || first.link === null) return r as VerifyResult;
    const second = new SecondPass(first.link);
    const again = read(second);
    return again instanceof Promise ? again.then(() => second.result()) : second.result();
  };
  const once = read(first);
  return once instanceof Promise ? once.then(then) : then();
}

const encoder = new TextEncoder();

/** Feeds in-memory segments, line by line, from one UTF-8 encoding of each. */
export function segmentReader(segments: readonly VerifySegment[]): ChainReader<void> {
  return (feed) => {
    for (const seg of segments) {
      feed.segment(seg.name);
      const bytes = encoder.encode(seg.text);
      let at = 0;
      let chars = 0;
      for (;;) {
        const end = bytes.indexOf(0x0a, at);
        if (end < 0) break;
        const nl = seg.text.indexOf('\n', chars);
        feed.line({ text: seg.text.slice(chars, nl), bytes, start: at, end });
        at = end + 1;
        chars = nl + 1;
      }
      if (chars < seg.text.length) {
        feed.torn();
        return;
      }
    }
  };
}

/** Verifies complete lines (no newlines) of one chain; `tornTail` is text after the last newline. */
export function verifyLines(
  lines: readonly string[],
  options: VerifyOptions & { name?: string; tornTail?: string | null } = {},
): VerifyResult {
  return verifySegments(
    [{ name: options.name ?? '<lines>', text: lines.map((l) => `${l}\n`).join('') + (options.tornTail ?? '') }],
    options,
  );
}

/** Verifies several files as one chain, oldest first (rotated files, then the current one). */
export function verifySegments(segments: readonly VerifySegment[], options: VerifyOptions = {}): VerifyResult {
  return verifyChain(segmentReader(segments), options);
}
