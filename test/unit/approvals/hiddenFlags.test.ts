import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { neutralise } from '../../../src/core/text/neutralise';
import { hiddenFlags, hiddenSummary, segments } from '../../../src/vscode/approvals/hiddenFlags';

describe('hidden character flags', () => {
  const attacks: Array<[string, string, string]> = [
    ['a zero-width space', 'rm -rf ./build\u200B /', 'zero-width'],
    ['a zero-width joiner', 'curl\u200D evil', 'zero-width'],
    ['a byte-order mark', '\uFEFFls', 'zero-width'],
    ['a right-to-left override', 'echo safe\u202E;txt.exe', 'bidi control'],
    ['a bidi isolate', 'git \u2066log\u2069', 'bidi control'],
    ['a tag character', 'ls \u{E0041}\u{E0042}', 'tag character'],
    ['an ANSI escape', 'echo \u001b[2Jclear', 'control character'],
    ['a C1 control', 'echo \u009b', 'control character'],
  ];
  for (const [name, raw, kind] of attacks) {
    it(`flags ${name}, raw or already neutralised by the pipeline`, () => {
      for (const text of [raw, neutralise(raw)]) {
        const flags = hiddenFlags(text);
        assert.ok(flags.length > 0, `${JSON.stringify(text)} flagged`);
        assert.equal(flags[0]?.kind, kind);
        assert.match(hiddenSummary(text) ?? '', new RegExp(`hidden character.*${kind}`));
      }
    });
  }

  const benign: Array<[string, string]> = [
    ['a plain command', 'npm test -- --grep "a b"'],
    ['tabs and newlines', 'echo a\tb\nls'],
    ['non-Latin text', 'echo héllo 日本語 Ωμέγα'],
    ['an emoji', 'echo 🎉'],
    ['a literal marker of a visible character', 'echo <U+0041>'],
    ['angle brackets', 'cat <in >out'],
  ];
  for (const [name, text] of benign) {
    it(`does not flag ${name}`, () => {
      assert.deepEqual(hiddenFlags(text), []);
      assert.equal(hiddenSummary(text), null);
      assert.equal(
        segments(text)
          .map((s) => s.text)
          .join(''),
        text,
      );
    });
  }

  it('cuts text into plain runs and markers, each hidden character shown as <U+XXXX>', () => {
    const segs = segments('a\u200Bb<U+202E>c');
    assert.deepEqual(
      segs.map((s) => [s.text, s.hidden]),
      [
        ['a', false],
        ['<U+200B>', true],
        ['b', false],
        ['<U+202E>', true],
        ['c', false],
      ],
    );
  });

  it('counts several hidden characters in its summary', () => {
    assert.match(hiddenSummary('a\u200B\u200Bb\u202E') ?? '', /^3 hidden characters \(zero-width, bidi control\): <U\+200B> <U\+202E>/);
  });
});
