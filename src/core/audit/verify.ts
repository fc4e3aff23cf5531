import { hashLineBytes, lineHash, nextLink } from './chain';
import { auditEventSchema, type ChainTip } from './event';

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

type Fail = { index: number; damage: AuditDamage; message: string };

/** Verifies complete lines (no newlines) of one chain; `tornTail` is text after the last newline. */
export function verifyLines(
  lines: readonly string[],
  options: VerifyOptions & { name?: string; tornTail?: string | null } = {},
): VerifyResult {
  return verifySegments([{ name: options.name ?? '<lines>', text: lines.map((l) => `${l}\n`).join('') + (options.tornTail ?? '') }], options);
}

/** Verifies several files as one chain, oldest first (rotated files, then the current one). */
export function verifySegments(segments: readonly VerifySegment[], options: VerifyOptions = {}): VerifyResult {
  let lines: string[] = [];
  /** Index in `lines` of each segment's first line, to name a line by file and number. */
  const starts: { name: string; first: number }[] = [];
  const digests: LineDigests = { line: [], self: [] };
  let torn: { name: string; line: number } | null = null;
  for (const seg of segments) {
    const split = splitJsonl(seg.text);
    hashSegment(seg.text, split.lines, digests);
    starts.push({ name: seg.name, first: lines.length });
    lines = lines.length === 0 ? split.lines : lines.concat(split.lines);
    if (split.tornTail !== null) {
      torn = { name: seg.name, line: split.lines.length + 1 };
      break; // nothing after a torn line can continue the chain
    }
  }
  const result = check(lines, digests, options, options.anchor !== undefined);
  const at = (i: number): { name: string; line: number } => {
    for (let k = starts.length - 1; k >= 0; k--) {
      const s = starts[k];
      if (s !== undefined && s.first <= i) return { name: s.name, line: i - s.first + 1 };
    }
    return { name: segments[0]?.name ?? '<lines>', line: i + 1 };
  };
  if ('index' in result) {
    const loc = at(result.index);
    return { ok: false, count: result.index, name: loc.name, line: loc.line, damage: result.damage, message: result.message };
  }
  if (torn !== null) {
    const t: { name: string; line: number } = torn;
    return { ok: false, count: lines.length, name: t.name, line: t.line, damage: 'truncated', message: 'the final line has no newline: a write was cut short (the writer repairs this when it reopens the log)' };
  }
  if (options.anchor !== undefined) {
    const a = options.anchor;
    const idx = result.seqIndex.get(a.seq);
    if (idx === undefined) {
      const lastLoc = at(lines.length - 1);
      const gone = a.seq - (result.tip?.seq ?? -1);
      return { ok: false, count: lines.length, name: lastLoc.name, line: lastLoc.line + 1, damage: 'removed', message: `${gone} line${gone === 1 ? ' is' : 's are'} gone from the end: the anchor records seq ${a.seq}, which is no longer in the log` };
    }
    if (result.hashes[idx] !== a.hash) {
      const loc = at(idx);
      return { ok: false, count: idx, name: loc.name, line: loc.line, damage: 'edited', message: `seq ${a.seq} does not match the anchored hash` };
    }
  }
  return { ok: true, count: lines.length, tip: result.tip };
}

interface LineDigests {
  /** sha256 of each line (what the next line's `prev` must be). */
  readonly line: string[];
  /** sha256 of each line without its hash suffix (what its `hash` must be), null without one. */
  readonly self: (string | null)[];
}

const encoder = new TextEncoder();

/** Hashes every whole line of a segment from one UTF-8 encoding of its text. */
function hashSegment(text: string, lines: readonly string[], out: LineDigests): void {
  const bytes = encoder.encode(text);
  let start = 0;
  for (const line of lines) {
    const end = bytes.indexOf(0x0a, start);
    const d = hashLineBytes(line, bytes, start, end);
    out.line.push(d.line);
    out.self.push(d.self);
    start = end + 1;
  }
}

function check(lines: readonly string[], digests: LineDigests, options: VerifyOptions, indexSeqs: boolean): Fail | { tip: ChainTip | null; hashes: string[]; seqIndex: Map<number, number> } {
  const hashes: string[] = [];
  const seqs: number[] = [];
  const seqIndex = new Map<number, number>();
  let tip: ChainTip | null = null;
  let later: Map<string, number> | null = null; // hash → index, computed on the first failure only
  const laterHashes = (): Map<string, number> => (later ??= new Map(digests.line.map((h, i) => [h, i])));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const h = digests.line[i] ?? lineHash(line);
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      return { index: i, damage: 'bad-json', message: line.trim() === '' ? 'blank line' : 'not valid JSON' };
    }
    const parsed = auditEventSchema.safeParse(obj);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { index: i, damage: 'schema', message: `not an audit event: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}` };
    }
    const ev = parsed.data;
    const expected: { seq: number; prev: string } = i === 0 && options.partial ? { seq: ev.seq, prev: ev.prev } : nextLink(tip);
    const continuesAround = (): boolean => {
      const next = peek(lines[i + 1]);
      return next !== null && next.prev === expected.prev && next.seq === expected.seq;
    };
    if ((digests.self[i] ?? null) !== ev.hash) {
      if (continuesAround()) return { index: i, damage: 'inserted', message: 'this line does not belong: the next line continues the chain from the line before it' };
      return { index: i, damage: 'edited', message: "the line's own hash does not match its content" };
    }
    if (ev.seq !== expected.seq || ev.prev !== expected.prev) {
      return classify(i, ev.seq, ev.prev, expected, continuesAround(), hashes, seqs, laterHashes(), lines);
    }
    hashes.push(h);
    seqs.push(ev.seq);
    if (indexSeqs) seqIndex.set(ev.seq, i);
    tip = { seq: ev.seq, hash: h };
  }
  return { tip, hashes, seqIndex };
}

function classify(
  i: number,
  seq: number,
  prev: string,
  expected: { seq: number; prev: string },
  continuesAround: boolean,
  hashes: readonly string[],
  seqs: readonly number[],
  all: Map<string, number>,
  lines: readonly string[],
): Fail {
  const follows = all.get(prev);
  if (follows !== undefined && follows > i) {
    return { index: i, damage: 'reordered', message: `out of order: seq ${seq} follows a line that comes later (seq ${peek(lines[follows])?.seq ?? '?'})` };
  }
  if (continuesAround) {
    return { index: i, damage: 'inserted', message: 'this line does not belong: the next line continues the chain from the line before it' };
  }
  const j = hashes.lastIndexOf(prev);
  if (j >= 0 && j < i - 1 && seq === (seqs[j] ?? -2) + 1) {
    return { index: j + 1, damage: 'inserted', message: `does not belong: the chain skips it (seq ${seq} continues from seq ${seqs[j] ?? '?'})` };
  }
  if (prev === expected.prev) {
    return { index: i, damage: 'seq-gap', message: `the hashes link but seq is ${seq}, expected ${expected.seq}` };
  }
  for (let k = i + 1; k < lines.length; k++) {
    if (peek(lines[k])?.seq === expected.seq) {
      return { index: i, damage: 'reordered', message: `out of order: seq ${expected.seq} was expected here and comes later` };
    }
  }
  if (seq > expected.seq) {
    const what = i === 0 ? `the chain does not start at genesis (first seq is ${seq}): earlier lines or files are missing` : `seq ${expected.seq}–${seq - 1} missing before this line`;
    return { index: i, damage: 'removed', message: what };
  }
  if (seq < expected.seq) {
    return { index: i, damage: 'inserted', message: `seq ${seq} was already used: this line is a copy or does not belong` };
  }
  if (i === 0) return { index: 0, damage: 'edited', message: 'the first line does not start at genesis' };
  return { index: i - 1, damage: 'edited', message: `changed: the next line (seq ${seq}) recorded a different hash for it` };
}
