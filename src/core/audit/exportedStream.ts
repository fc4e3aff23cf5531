import { sha256Hex } from './hash';
import type { LineFacts } from './lineFacts';
import type { ChainFeed, ChainLine, LineFactsFeed } from './verify';

/**
 * An exported stream (what a collector or syslog server wrote, one audit
 * line per line) is the chain delivered at least once: after a retry a
 * receiver may hold a line twice. This feed goes in front of the verifier and
 * drops a line only when it repeats, byte for byte, a line already passed
 * with the same `seq`; anything else reaches the verifier, which names it
 * (a changed repeat is `inserted` or `reordered`, a missing stretch `removed`
 * or `seq-gap`). Memory is bounded: the last `window` lines are remembered.
 */
export class ExportedStreamFeed implements ChainFeed {
  private readonly repeats: Repeats;

  constructor(
    private readonly next: ChainFeed,
    window = 100_000,
  ) {
    this.repeats = new Repeats(window);
  }

  get duplicates(): number {
    return this.repeats.duplicates;
  }

  segment(name: string): void {
    this.next.segment(name);
  }

  torn(): void {
    this.next.torn();
  }

  line(l: ChainLine): void {
    const seq = seqOf(l.text);
    if (seq !== null && this.repeats.repeat(seq, sha256Hex(l.text))) return;
    this.next.line(l);
  }
}

/** ExportedStreamFeed for a reading that hands over line facts: each must carry its text hash (ChunkSpec `textHashes`). */
export class ExportedStreamFacts implements LineFactsFeed {
  private readonly repeats: Repeats;

  constructor(
    private readonly next: LineFactsFeed,
    window = 100_000,
  ) {
    this.repeats = new Repeats(window);
  }

  get duplicates(): number {
    return this.repeats.duplicates;
  }

  segment(name: string): void {
    this.next.segment(name);
  }

  torn(): void {
    this.next.torn();
  }

  facts(f: LineFacts): void {
    if (f.kind !== 'bad-json' && f.seq !== null && Number.isInteger(f.seq)) {
      if (f.textHash === undefined) throw new Error('an exported stream is read without the text hash of each line');
      if (this.repeats.repeat(f.seq, f.textHash)) return;
    }
    this.next.facts(f);
  }
}

/** The lines already passed, by seq, and the rule that drops a repeat. */
class Repeats {
  private readonly seen = new Map<number, string>();
  private lastSeq = -1;
  duplicates = 0;

  constructor(private readonly window: number) {}

  /** True when a line of this `seq` and text hash was passed already (it is counted, and to be dropped). */
  repeat(seq: number, hash: string): boolean {
    if (seq <= this.lastSeq && this.seen.get(seq) === hash) {
      this.duplicates++;
      return true;
    }
    if (seq > this.lastSeq) this.lastSeq = seq;
    this.seen.set(seq, hash);
    if (this.seen.size > this.window) {
      const oldest = this.seen.keys().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    return false;
  }
}

function seqOf(text: string): number | null {
  try {
    const v = JSON.parse(text) as { seq?: unknown };
    return typeof v.seq === 'number' && Number.isInteger(v.seq) ? v.seq : null;
  } catch {
    return null;
  }
}
