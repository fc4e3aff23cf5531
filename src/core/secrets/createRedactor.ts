import { encodedForms } from './encodedForms';
import { buildMatcher, type MultiMatcher } from './multiMatcher';
import { REDACTED, type Redactor, type StreamRedactor } from './redactor';

/**
 * Builds the redactor for one set of secret values (rebuild it when the set
 * changes). Every form of every value (see ./encodedForms.ts) goes into one
 * Aho-Corasick automaton; overlapping occurrences are merged and replaced by
 * a single `[REDACTED]`.
 *
 * Limits, on purpose:
 * - values shorter than MIN_ENCODED_VALUE_LENGTH (4) are redacted raw only;
 * - of a base64 form, the one or two characters that mix the value's first or
 *   last bits with neighbouring bytes stay visible (at most 4 bits of a byte);
 * - other transformations (reversed, split by other characters, compressed,
 *   encrypted, JSON-escaped quotes inside the value, mixed-case hex) are not
 *   recognised: a command that received a secret can always re-encode it.
 */
export function createRedactor(values: readonly string[]): Redactor {
  const patterns = [...new Set(values.filter((v) => typeof v === 'string' && v.length > 0))].flatMap(encodedForms);
  if (patterns.length === 0) return passThrough;
  const matcher = buildMatcher(patterns);
  return {
    redact: (text) => replaceRanges(text, matcher.scan(text).ranges, text.length),
    stream: () => streamRedactor(matcher),
  };
}

const passThrough: Redactor = {
  redact: (text) => text,
  stream: () => ({ push: (chunk) => chunk, flush: () => '' }),
};

/** `text` up to `end`, with every range replaced (ranges end at or before `end`). */
function replaceRanges(text: string, ranges: ReadonlyArray<readonly [number, number]>, end: number): string {
  if (ranges.length === 0) return end === text.length ? text : text.slice(0, end);
  let out = '';
  let at = 0;
  for (const [s, e] of ranges) {
    out += text.slice(at, s) + REDACTED;
    at = e;
  }
  return out + text.slice(at, end);
}

/**
 * Holds back the longest suffix that could still become a secret form, and
 * any complete occurrence that overlaps it, so a value split across chunks is
 * still replaced as a whole.
 */
function streamRedactor(matcher: MultiMatcher): StreamRedactor {
  let held = '';
  return {
    push(chunk: string): string {
      const text = held + chunk;
      const { ranges, pendingPrefix } = matcher.scan(text);
      let cut = text.length - pendingPrefix;
      const kept: Array<readonly [number, number]> = [];
      for (const r of ranges) {
        if (r[1] <= cut) kept.push(r);
        else {
          cut = Math.min(cut, r[0]);
          break;
        }
      }
      held = text.slice(cut);
      return replaceRanges(text, kept, cut);
    },
    flush(): string {
      const text = held;
      held = '';
      return replaceRanges(text, matcher.scan(text).ranges, text.length);
    },
  };
}
