/**
 * Aho-Corasick over UTF-16 code units: one automaton for every form of every
 * secret, built once per secret set. A scan is one table look-up per
 * character; it finds every occurrence (overlapping ones too) and tells how
 * long a suffix of the text could still grow into a match (what a stream must
 * hold back).
 */
export interface ScanResult {
  /** Merged [start, end) ranges covering every occurrence, in order. */
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  /** Length of the longest suffix of the text that is a proper prefix of some pattern. */
  readonly pendingPrefix: number;
}

export interface MultiMatcher {
  readonly patternCount: number;
  scan(text: string): ScanResult;
}

/** Above this many table cells the automaton keeps sparse transitions (less memory, somewhat slower). */
const DENSE_CELL_LIMIT = 4_000_000;

export function buildMatcher(patterns: readonly string[]): MultiMatcher {
  const children: Array<Map<number, number>> = [new Map<number, number>()];
  const depth: number[] = [0];
  const own: number[] = [0];
  for (const p of new Set(patterns)) {
    if (p.length === 0) continue;
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      let next = children[s]!.get(c);
      if (next === undefined) {
        next = children.length;
        children.push(new Map<number, number>());
        depth.push(depth[s]! + 1);
        own.push(0);
        children[s]!.set(c, next);
      }
      s = next;
    }
    own[s] = p.length;
  }
  const n = children.length;
  const fail = new Int32Array(n);
  const out = new Int32Array(n);
  const order: number[] = [];
  const queue: number[] = [0];
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q]!;
    order.push(s);
    for (const [c, child] of children[s]!) {
      if (s !== 0) {
        let f = fail[s]!;
        while (f !== 0 && !children[f]!.has(c)) f = fail[f]!;
        fail[child] = children[f]!.get(c) ?? 0;
      }
      out[child] = Math.max(own[child]!, out[fail[child]!]!);
      queue.push(child);
    }
  }
  const depthArr = Int32Array.from(depth);
  const alphabet = new Map<number, number>();
  for (const m of children) for (const c of m.keys()) if (!alphabet.has(c)) alphabet.set(c, alphabet.size + 1);
  const width = alphabet.size + 1;
  const scan = n * width <= DENSE_CELL_LIMIT ? denseScan(children, fail, order, alphabet, width, out, depthArr) : sparseScan(children, fail, out, depthArr);
  return { patternCount: patterns.length, scan };
}

type Ranges = Array<[number, number]>;

/** Records an occurrence ending at `end` (exclusive), merging it with every range it touches. */
function addRange(ranges: Ranges, start: number, end: number): void {
  let s = start;
  while (ranges.length > 0 && s <= ranges[ranges.length - 1]![1]) s = Math.min(s, ranges.pop()![0]);
  ranges.push([s, end]);
}

/** A full transition table over the characters the patterns use (one look-up per character). */
function denseScan(children: ReadonlyArray<Map<number, number>>, fail: Int32Array, order: readonly number[], alphabet: Map<number, number>, width: number, out: Int32Array, depth: Int32Array): (text: string) => ScanResult {
  const classOf = new Uint16Array(65536);
  for (const [c, k] of alphabet) classOf[c] = k;
  const delta = new Int32Array(children.length * width);
  for (const s of order) {
    const row = s * width;
    const frow = fail[s]! * width;
    if (s !== 0) delta.copyWithin(row + 1, frow + 1, frow + width);
    for (const [c, child] of children[s]!) delta[row + classOf[c]!] = child;
  }
  return (text) => {
    const ranges: Ranges = [];
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      s = delta[s * width + classOf[text.charCodeAt(i)]!]!;
      const len = out[s]!;
      if (len !== 0) addRange(ranges, i + 1 - len, i + 1);
    }
    // A state's depth is the longest suffix of the text that is still a prefix of some pattern.
    return { ranges, pendingPrefix: depth[s]! };
  };
}

/** Sparse transitions with failure links, for very large secret sets. */
function sparseScan(children: ReadonlyArray<Map<number, number>>, fail: Int32Array, out: Int32Array, depth: Int32Array): (text: string) => ScanResult {
  return (text) => {
    const ranges: Ranges = [];
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      for (;;) {
        const next = children[s]!.get(code);
        if (next !== undefined) {
          s = next;
          break;
        }
        if (s === 0) break;
        s = fail[s]!;
      }
      const len = out[s]!;
      if (len !== 0) addRange(ranges, i + 1 - len, i + 1);
    }
    return { ranges, pendingPrefix: depth[s]! };
  };
}
