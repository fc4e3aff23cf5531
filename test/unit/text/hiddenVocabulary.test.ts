import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { ShellParser } from '../../../src/core/policy/guard';
import { resolvePath } from '../../../src/core/policy/paths';
import { parseCommandLine } from '../../../src/core/shell/walk';
import { isHiddenCodePoint } from '../../../src/core/text/hiddenCharacters';
import { neutralise } from '../../../src/core/text/neutralise';
import { createPathProbe } from '../../../src/node/pathProbe';
import { displaySafe } from '../../../src/core/audit/format';
import { hiddenFlags } from '../../../src/vscode/approvals/hiddenFlags';
import { shellParser } from '../policy/harness';

/**
 * One definition of a hidden character, three places that must agree: every
 * character `neutralise` marks is refused by the path check and keeps a
 * command line from being allowed by the shell walk.
 */
const RANGES: readonly [number, number][] = [
  [0x00, 0x08],
  [0x0b, 0x0c],
  [0x0e, 0x1f],
  [0x7f, 0x9f],
  [0xad, 0xad],
  [0x34f, 0x34f],
  [0x61c, 0x61c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180e, 0x180e],
  [0x200b, 0x200f],
  [0x2028, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff9, 0xfffb],
  [0x1d173, 0x1d17a],
  [0xe0000, 0xe007f],
  [0xe0100, 0xe01ef],
];
const hiddenCodePoint = fc.oneof(...RANGES.map(([a, b]) => fc.integer({ min: a, max: b })));

describe('hidden characters: one definition, used everywhere', () => {
  let shell: ShellParser;
  before(async () => {
    shell = await shellParser();
  });
  const ctx = { roots: [{ path: '/ws', fold: false }], home: '/home/u', probe: createPathProbe() };

  it('marks exactly the code points the definition names', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0x10ffff }).filter((cp) => cp < 0xd800 || cp > 0xdfff),
        (cp) => {
          const ch = String.fromCodePoint(cp);
          assert.equal(neutralise(`a${ch}b`) !== `a${ch}b`, isHiddenCodePoint(cp), cp.toString(16));
        },
      ),
      { numRuns: 5000, seed: 3 },
    );
  });

  it('refuses every marked character in a path and flags it in a command', () => {
    fc.assert(
      fc.property(
        hiddenCodePoint,
        fc.constantFrom('src/a%b.ts', '%README.md', 'docs/%', 'a%'),
        fc.constantFrom('cat %', 'echo "x%y"', "ls '%'", 'git%status'),
        (cp, pathShape, lineShape) => {
          const ch = String.fromCodePoint(cp);
          assert.ok(neutralise(ch) !== ch, `neutralise marks U+${cp.toString(16)}`);
          assert.equal(resolvePath(pathShape.replace('%', ch), '/ws', ctx).kind, 'invalid', `path with U+${cp.toString(16)}`);
          const parsed = parseCommandLine(shell, lineShape.replace('%', ch));
          assert.ok(
            parsed.parseError || parsed.constructs.length > 0,
            `command with U+${cp.toString(16)}: ${JSON.stringify(parsed.constructs)}`,
          );
        },
      ),
      { numRuns: 3000, seed: 5 },
    );
  });

  it('the audit display escapes, and the command preview flags, exactly the characters neutralise marks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0x10ffff }).filter((cp) => (cp < 0xd800 || cp > 0xdfff) && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d),
        (cp) => {
          const ch = String.fromCodePoint(cp);
          const marked = neutralise(`a${ch}b`) !== `a${ch}b`;
          assert.equal(displaySafe(`a${ch}b`) !== `a${ch}b`, marked, `audit display, U+${cp.toString(16)}`);
          assert.equal(hiddenFlags(`a${ch}b`).length === 1, marked, `preview flags, U+${cp.toString(16)}`);
          // The preview also recognises the marker neutralise left in its place.
          if (marked)
            assert.deepEqual(
              hiddenFlags(neutralise(ch)).map((f) => f.codePoint),
              [cp],
            );
        },
      ),
      { numRuns: 5000, seed: 7 },
    );
    for (const cp of RANGES.flatMap(([a, b]) => [a, b])) {
      const ch = String.fromCodePoint(cp);
      assert.equal(displaySafe(ch), `\\u{${cp.toString(16)}}`, `audit display of U+${cp.toString(16)}`);
      assert.equal(hiddenFlags(ch).length, 1, `preview flag of U+${cp.toString(16)}`);
    }
  });

  it('flags tag characters, which the shell walk and the path check once let through', () => {
    const smuggled = 'cat README.md\u{E0020}\u{E0069}\u{E0064}';
    assert.match(parseCommandLine(shell, smuggled).constructs.join(' '), /invisible/);
    assert.equal(resolvePath('src/a\u{E0041}.ts', '/ws', ctx).kind, 'invalid');
    assert.equal(resolvePath('src/a\u00ad.ts', '/ws', ctx).kind, 'invalid');
  });
});
