import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { contentFromHunks, hunkLabel, proposalHunks } from '../../../src/vscode/approvals/hunks';

const OLD = 'a\nb\nc\nd\ne\nf\ng\nh\n';
const NEW = 'a\nB\nc\nd\ne\nf\nG\nh\n';

describe('proposal hunks', () => {
  it('cuts a change into one hunk per run of changed lines, with unified-diff headers', () => {
    const hunks = proposalHunks(OLD, NEW);
    assert.equal(hunks.length, 2);
    assert.deepEqual(
      hunks.map((h) => [h.header, h.removed, h.added]),
      [
        ['@@ -2,1 +2,1 @@', 'b\n', 'B\n'],
        ['@@ -7,1 +7,1 @@', 'g\n', 'G\n'],
      ],
    );
  });

  const table: Array<[string, number[], string]> = [
    ['all hunks: the proposal', [0, 1], NEW],
    ['no hunk: the current file', [], OLD],
    ['the first hunk only', [0], 'a\nB\nc\nd\ne\nf\ng\nh\n'],
    ['the second hunk only', [1], 'a\nb\nc\nd\ne\nf\nG\nh\n'],
  ];
  for (const [name, accepted, expected] of table) {
    it(`builds the content to approve from ${name}`, () => {
      assert.equal(contentFromHunks(OLD, NEW, accepted), expected);
    });
  }

  it('treats a new file as one hunk against empty', () => {
    const hunks = proposalHunks(null, 'x\ny\n');
    assert.equal(hunks.length, 1);
    assert.equal(hunks[0]?.header, '@@ -0,0 +1,2 @@');
    assert.equal(contentFromHunks(null, 'x\ny\n', []), '');
    assert.equal(contentFromHunks(null, 'x\ny\n', [0]), 'x\ny\n');
  });

  it('keeps CRLF line endings and a missing final newline byte for byte', () => {
    const old = 'one\r\ntwo\r\nthree\r\nfour\r\nfive';
    const neu = 'ONE\r\ntwo\r\nthree\r\nfour\r\nFIVE';
    assert.equal(proposalHunks(old, neu).length, 2);
    assert.equal(contentFromHunks(old, neu, [1]), 'one\r\ntwo\r\nthree\r\nfour\r\nFIVE');
  });

  it('handles pure insertions and deletions between unchanged lines', () => {
    const old = 'a\nb\nc\nd\ne\n';
    const neu = 'a\ninserted\nb\nc\ne\n';
    const hunks = proposalHunks(old, neu);
    assert.deepEqual(
      hunks.map((h) => [h.removed, h.added]),
      [
        ['', 'inserted\n'],
        ['d\n', ''],
      ],
    );
    assert.equal(contentFromHunks(old, neu, [1]), 'a\nb\nc\ne\n');
    assert.equal(contentFromHunks(old, neu, [0]), 'a\ninserted\nb\nc\nd\ne\n');
  });

  it('labels a hunk with its header and first changed lines', () => {
    const [first] = proposalHunks(OLD, NEW);
    assert.ok(first);
    assert.deepEqual(hunkLabel(first), { label: 'Hunk 1: changes line 2', detail: '- b   + B' });
  });

  it('labels hunks by the lines they touch, never by a raw @@ header', () => {
    const table: [string, string, string][] = [
      ['a\nb\nc\nd\n', 'a\nB\nC\nd\n', 'Hunk 1: changes lines 2–3'],
      ['a\nb\n', 'a\nnew\nb\n', 'Hunk 1: adds 1 line after line 1'],
      ['a\nb\n', 'x\ny\na\nb\n', 'Hunk 1: adds 2 lines at the start'],
      ['a\nb\nc\nd\n', 'a\nd\n', 'Hunk 1: removes lines 2–3'],
      ['a\nb\nc\n', 'a\nc\n', 'Hunk 1: removes line 2'],
    ];
    for (const [old, neu, label] of table) {
      const [h] = proposalHunks(old, neu);
      assert.ok(h);
      assert.equal(hunkLabel(h).label, label, `${JSON.stringify(old)} → ${JSON.stringify(neu)}`);
    }
  });

  it('property: every hunk accepted gives the proposal, none gives the current text', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd', ''), { maxLength: 12 }).map((l) => l.join('\n'));
    fc.assert(
      fc.property(lines, lines, (old, neu) => {
        const all = proposalHunks(old, neu).map((h) => h.index);
        assert.equal(contentFromHunks(old, neu, all), neu);
        assert.equal(contentFromHunks(old, neu, []), old);
      }),
      { numRuns: 300 },
    );
  });
});
