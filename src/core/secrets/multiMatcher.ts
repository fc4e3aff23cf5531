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
  const step = n * width <= DENSE_CELL_LIMIT ? denseStep(children, fail, order, alphabet, width) : sparseStep(children, fail);
  return {
    patternCount: patterns.length,
    scan: (text) => scanWith(text, step, out, depthArr),
  };
}

type Step = (state: number, code: number) => number;

function denseStep(children: ReadonlyArray<Map<number, number>>, fail: Int32Array, order: readonly number[], alphabet: Map<number, number>, width: number): Step {
  const classOf = new Uint16Array(65536);
  for (const [c, k] of alphabet) classOf[c] = k;
  const delta = new Int32Array(children.length * width);
  for (const s of order) {
    const row = s * width;
    const frow = fail[s]! * width;
    for (let k = 1; k < width; k++) delta[row + k] = s === 0 ? 0 : delta[frow + k]!;
    for (const [c, child] of children[s]!) delta[row + classOf[c]!] = child;
  }
  return (state, code) => delta[state * width + classOf[code]!]!;
}

function sparseStep(children: ReadonlyArray<Map<number, number>>, fail: Int32Array): Step {
  return (state, code) => {
    let s = state;
    for (;;) {
      const next = children[s]!.get(code);
      if (next !== undefined) return next;
      if (s === 0) return 0;
      s = fail[s]!;
    }
  };
}

function scanWith(text: string, step: Step, out: Int32Array, depth: Int32Array): ScanResult {
  const ranges: Array<[number, number]> = [];
  let s = 0;
  for (let i = 0; i < text.length; i++) {
    s = step(s, text.charCodeAt(i));
    const len = out[s]!;
    if (len === 0) continue;
    let start = i + 1 - len;
    while (ranges.length > 0 && start <= ranges[ranges.length - 1]![1]) start = Math.min(start, ranges.pop()![0]);
    ranges.push([start, i + 1]);
  }
  // A state reached by a complete pattern may also be a prefix of a longer one; its depth says how long the open suffix is.
  return { ranges, pendingPrefix: depth[s]! };
}
