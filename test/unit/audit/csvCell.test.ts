import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { csvCell } from '../../../src/core/audit/csv';

/** The cell as it was written with two regular expressions, before it was made cheaper for streamed exports. */
function regexCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^ | $/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

describe('CSV cells, written without regular expressions per rule (property)', () => {
  it('are what the regular expressions wrote, formula guard and quoting included', () => {
    const tricky = fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ',', ' ', "'", 'a', 'é', '😀', '\u0000');
    const text = fc.oneof(
      fc.string(),
      fc.array(tricky, { maxLength: 8 }).map((cs) => cs.join('')),
    );
    const value = fc.oneof(text, fc.double(), fc.integer(), fc.constant(null), fc.constant(undefined));
    fc.assert(
      fc.property(value, (v) => assert.equal(csvCell(v), regexCell(v))),
      { numRuns: 5000 },
    );
  });
});
