import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stripJsonc } from '../../../src/core/text/jsonc';

/** settings.json and mcp.json are JSON with comments: what JSON.parse reads after the comments go. */
describe('JSON with comments', () => {
  const cases: Array<{ name: string; text: string; value: unknown }> = [
    { name: 'plain JSON is unchanged', text: '{"a": [1, 2]}', value: { a: [1, 2] } },
    { name: 'a line comment goes, its line break stays', text: '{\n  // note\n  "a": 1\n}', value: { a: 1 } },
    { name: 'a block comment goes', text: '{ /* x */ "a": /* y */ 1 }', value: { a: 1 } },
    { name: 'trailing commas go', text: '{"a": [1, 2,], "b": 3,}', value: { a: [1, 2], b: 3 } },
    {
      name: 'comment markers inside strings stay',
      text: '{"url": "https://x.example/a//b", "g": "/* not */"}',
      value: { url: 'https://x.example/a//b', g: '/* not */' },
    },
    { name: 'an escaped quote does not end the string', text: '{"a": "say \\"//hi\\"" // c\n}', value: { a: 'say "//hi"' } },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(JSON.parse(stripJsonc(c.text)), c.value));
  }

  it('an unterminated block comment leaves nothing for JSON.parse to accept by accident', () => {
    assert.throws(() => JSON.parse(stripJsonc('{"a": 1 /* open')));
  });
});
