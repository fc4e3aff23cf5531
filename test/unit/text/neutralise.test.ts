import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasHiddenCharacters, neutralise } from '../../../src/core/text/neutralise';

const tag = (s: string) => [...s].map((c) => String.fromCodePoint(0xe0000 + (c.codePointAt(0) ?? 0))).join('');

describe('neutralise makes hidden text visible', () => {
  const cases: Array<[string, string, string]> = [
    ['zero-width space', 'a\u200bb', 'a<U+200B>b'],
    ['zero-width joiner and non-joiner', '\u200c\u200d', '<U+200C><U+200D>'],
    ['byte order mark inside text', 'x\ufeffy', 'x<U+FEFF>y'],
    ['word joiner', 'a\u2060b', 'a<U+2060>b'],
    ['right-to-left override (Trojan Source)', 'if (admin\u202e) {', 'if (admin<U+202E>) {'],
    ['bidi isolates', '\u2066x\u2069', '<U+2066>x<U+2069>'],
    ['left-to-right and right-to-left marks', '\u200e\u200f', '<U+200E><U+200F>'],
    ['Arabic letter mark', '\u061c', '<U+061C>'],
    ['ANSI colour escape', '\u001b[31mred\u001b[0m', '<U+001B>[31mred<U+001B>[0m'],
    ['ANSI clear-screen', '\u001b[2J', '<U+001B>[2J'],
    ['C1 CSI', '\u009b31m', '<U+009B>31m'],
    ['bell and backspace', 'a\u0007\u0008', 'a<U+0007><U+0008>'],
    ['NUL', 'a\u0000b', 'a<U+0000>b'],
    ['carriage-return overwrite trick keeps \\r (visible in panes as a line break)', 'safe\rEVIL', 'safe\rEVIL'],
    ['Unicode tag characters (ASCII smuggling)', `hi${tag('rm -rf')}`, 'hi<U+E0072><U+E006D><U+E0020><U+E002D><U+E0072><U+E0066>'],
    ['variation selector', 'a\ufe0fb', 'a<U+FE0F>b'],
    ['line separator', 'a\u2028b', 'a<U+2028>b'],
    ['soft hyphen', 'pass\u00adword', 'pass<U+00AD>word'],
    ['Hangul filler', 'a\u3164b', 'a<U+3164>b'],
    ['lone surrogate', 'a\ud800b', 'a<U+D800>b'],
  ];
  for (const [name, input, expected] of cases) {
    it(`marks ${name}`, () => {
      assert.equal(neutralise(input), expected);
      assert.equal(hasHiddenCharacters(input), input !== expected);
    });
  }

  const benign: Array<[string, string]> = [
    ['plain ASCII with newlines and tabs', 'const x = 1;\n\tif (x) {}\r\n'],
    ['accented and CJK text', 'café 日本語 Ελληνικά'],
    ['emoji with surrogate pairs', 'ok 👍🏽 🎉'],
    ['Arabic and Hebrew letters themselves', 'مرحبا שלום'],
    ['markers already visible', 'literal <U+200B> text'],
  ];
  for (const [name, input] of benign) {
    it(`leaves ${name} unchanged`, () => {
      assert.equal(neutralise(input), input);
      assert.equal(hasHiddenCharacters(input), false);
    });
  }
});
