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

/** The trie as flat arrays: one map from (state, character) to state, and per-state edge lists. */
interface Trie {
  readonly goto: Map<number, number>;
  readonly edgeCode: number[];
  readonly edgeChild: number[];
  readonly edgeNext: number[];
  readonly firstEdge: number[];
  readonly depth: number[];
  readonly own: number[];
}

const key = (state: number, code: number): number => state * 65536 + code;

function buildTrie(patterns: readonly string[]): Trie {
  const t: Trie = { goto: new Map(), edgeCode: [], edgeChild: [], edgeNext: [], firstEdge: [-1], depth: [0], own: [0] };
  for (const p of new Set(patterns)) {
    if (p.length === 0) continue;
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      let next = t.goto.get(key(s, c));
      if (next === undefined) {
        next = t.depth.length;
        t.goto.set(key(s, c), next);
        t.depth.push(t.depth[s]! + 1);
        t.own.push(0);
        t.firstEdge.push(-1);
        t.edgeCode.push(c);
        t.edgeChild.push(next);
        t.edgeNext.push(t.firstEdge[s]!);
        t.firstEdge[s] = t.edgeCode.length - 1;
      }
      s = next;
    }
    t.own[s] = p.length;
  }
  return t;
}

export function buildMatcher(patterns: readonly string[]): MultiMatcher {
  const t = buildTrie(patterns);
  const n = t.depth.length;
  const fail = new Int32Array(n);
  const out = new Int32Array(n);
  const order = new Int32Array(n);
  let tail = 1;
  for (let q = 0; q < tail; q++) {
    const s = order[q]!;
    for (let e = t.firstEdge[s]!; e !== -1; e = t.edgeNext[e]!) {
      const c = t.edgeCode[e]!;
      const child = t.edgeChild[e]!;
      if (s !== 0) {
        let f = fail[s]!;
        while (f !== 0 && !t.goto.has(key(f, c))) f = fail[f]!;
        fail[child] = t.goto.get(key(f, c)) ?? 0;
      }
      out[child] = Math.max(t.own[child]!, out[fail[child]!]!);
      order[tail++] = child;
    }
  }
  const depthArr = Int32Array.from(t.depth);
  const alphabet = new Map<number, number>();
  for (const c of t.edgeCode) if (!alphabet.has(c)) alphabet.set(c, alphabet.size + 1);
  const width = alphabet.size + 1;
  const scan =
    n * width <= DENSE_CELL_LIMIT ? denseScan(t, fail, order, alphabet, width, out, depthArr) : sparseScan(t.goto, fail, out, depthArr);
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
function denseScan(
  t: Trie,
  fail: Int32Array,
  order: Int32Array,
  alphabet: Map<number, number>,
  width: number,
  out: Int32Array,
  depth: Int32Array,
): (text: string) => ScanResult {
  const classOf = new Uint16Array(65536);
  for (const [c, k] of alphabet) classOf[c] = k;
  const delta = new Int32Array(order.length * width);
  for (const s of order) {
    const row = s * width;
    const frow = fail[s]! * width;
    if (s !== 0) delta.copyWithin(row + 1, frow + 1, frow + width);
    for (let e = t.firstEdge[s]!; e !== -1; e = t.edgeNext[e]!) delta[row + classOf[t.edgeCode[e]!]!] = t.edgeChild[e]!;
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
function sparseScan(goto: Map<number, number>, fail: Int32Array, out: Int32Array, depth: Int32Array): (text: string) => ScanResult {
  return (text) => {
    const ranges: Ranges = [];
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      for (;;) {
        const next = goto.get(key(s, code));
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
