import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { verifyLines } from '../../../src/core/audit/verify';
import { sealedLines } from './helpers';

/**
 * Whatever is done to a chain — a line removed (not the last), inserted,
 * duplicated, swapped with another, or a character changed — verification
 * fails, and the line it names is at or before the first line that differs
 * from the original, plus one (an edit recomputed in place is named on the
 * line whose `prev` no longer matches it).
 */
const { lines } = sealedLines(12);
const n = lines.length;

type Tamper =
  | { kind: 'remove'; at: number }
  | { kind: 'duplicate'; at: number; to: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'edit'; at: number; pos: number; char: string };

const tamper = fc.oneof(
  fc.record({ kind: fc.constant('remove' as const), at: fc.integer({ min: 0, max: n - 2 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.integer({ min: 0, max: n - 1 }), to: fc.integer({ min: 0, max: n - 1 }) }),
  fc
    .record({ kind: fc.constant('swap' as const), a: fc.integer({ min: 0, max: n - 1 }), b: fc.integer({ min: 0, max: n - 1 }) })
    .filter((t) => t.a !== t.b),
  fc.record({
    kind: fc.constant('edit' as const),
    at: fc.integer({ min: 0, max: n - 1 }),
    pos: fc.nat(),
    char: fc.constantFrom('x', '0', '"', '}', ' ', 'é'),
  }),
);

function apply(t: Tamper): string[] {
  const out = [...lines];
  switch (t.kind) {
    case 'remove':
      out.splice(t.at, 1);
      break;
    case 'duplicate':
      out.splice(t.to, 0, lines[t.at] ?? '');
      break;
    case 'swap':
      [out[t.a], out[t.b]] = [lines[t.b] ?? '', lines[t.a] ?? ''];
      break;
    case 'edit': {
      const l = lines[t.at] ?? '';
      const pos = t.pos % l.length;
      out[t.at] = l.slice(0, pos) + t.char + l.slice(pos + 1);
      break;
    }
  }
  return out;
}

describe('any tampering is detected (property)', () => {
  it('verification fails and names a line no later than the first difference', () => {
    fc.assert(
      fc.property(tamper, (t) => {
        const changed = apply(t);
        fc.pre(changed.join('\n') !== lines.join('\n'));
        const firstDiff = changed.findIndex((l, i) => l !== lines[i]);
        const r = verifyLines(changed);
        assert.equal(r.ok, false, `${JSON.stringify(t)} was not detected`);
        if (!r.ok)
          assert.ok(
            r.line <= firstDiff + 2,
            `${JSON.stringify(t)}: named line ${r.line} (${r.damage}), first change at line ${firstDiff + 1}`,
          );
      }),
      { numRuns: 400 },
    );
  });
});
