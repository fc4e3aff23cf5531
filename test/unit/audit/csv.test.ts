import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, csvHeader, toCsv } from '../../../src/core/audit/csv';
import type { AuditEvent } from '../../../src/core/audit/event';
import { sealedLines } from './helpers';

/** A minimal RFC 4180 reader, to check that what we write reads back cell for cell. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('CSV cells', () => {
  const cases: { name: string; value: string | number | null; cell: string }[] = [
    { name: 'plain text stays as is', value: 'npm test', cell: 'npm test' },
    { name: 'a comma is quoted', value: 'a,b', cell: '"a,b"' },
    { name: 'quotes are doubled inside quotes', value: 'say "hi"', cell: '"say ""hi"""' },
    { name: 'a newline is quoted', value: 'line1\nline2', cell: '"line1\nline2"' },
    { name: 'a CRLF is quoted', value: 'a\r\nb', cell: '"a\r\nb"' },
    { name: 'a leading space is quoted', value: ' x', cell: '" x"' },
    {
      name: 'a formula starting with = is neutralised',
      value: '=HYPERLINK("http://evil","x")',
      cell: `"'=HYPERLINK(""http://evil"",""x"")"`,
    },
    { name: 'a formula starting with + is neutralised', value: '+1+cmd|/c calc', cell: "'+1+cmd|/c calc" },
    { name: 'a formula starting with - is neutralised', value: '-2+3', cell: "'-2+3" },
    { name: 'a formula starting with @ is neutralised', value: '@SUM(A1:A2)', cell: "'@SUM(A1:A2)" },
    { name: 'a leading tab is neutralised', value: '\t=1', cell: "'\t=1" },
    { name: 'a leading CR is neutralised and quoted', value: '\r=1', cell: `"'\r=1"` },
    { name: 'a formula sign later in the text is left alone', value: 'a=b', cell: 'a=b' },
    { name: 'a negative number stays a number', value: -1, cell: '-1' },
    { name: 'null is an empty cell', value: null, cell: '' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(csvCell(c.value), c.cell));
});

describe('CSV export', () => {
  it('writes a header and one row per event that read back to the same values', () => {
    const { lines } = sealedLines(3);
    const events = lines.map((l) => JSON.parse(l) as AuditEvent);
    const rows = parseCsv(toCsv(events));
    assert.equal(rows.length, 4);
    const header = rows[0] ?? [];
    assert.equal(`${header.join(',')}\r\n`, csvHeader());
    assert.equal(rows[1]?.[header.indexOf('input')], '{"command":"echo 0"}');
    assert.equal(rows[3]?.[header.indexOf('seq')], '2');
    assert.ok(rows.every((r) => r.length === header.length));
  });
});
