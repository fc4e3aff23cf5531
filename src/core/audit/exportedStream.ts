import { sha256Hex } from './hash';
import type { ChainFeed, ChainLine } from './verify';

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
  private readonly seen = new Map<number, string>();
  private lastSeq = -1;
  duplicates = 0;

  constructor(
    private readonly next: ChainFeed,
    private readonly window = 100_000,
  ) {}

  segment(name: string): void {
    this.next.segment(name);
  }

  torn(): void {
    this.next.torn();
  }

  line(l: ChainLine): void {
    const seq = seqOf(l.text);
    if (seq === null) {
      this.next.line(l);
      return;
    }
    const hash = sha256Hex(l.text);
    if (seq <= this.lastSeq && this.seen.get(seq) === hash) {
      this.duplicates++;
      return;
    }
    if (seq > this.lastSeq) this.lastSeq = seq;
    this.seen.set(seq, hash);
    if (this.seen.size > this.window) {
      const oldest = this.seen.keys().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    this.next.line(l);
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
