import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintRules } from '../../../src/core/policy/ruleLint';
import { defaultSettings } from '../../../src/core/policy/settings';

/** [behaviour, allow rule, warning (regex) or null for none] */
const rows: Array<[string, string, RegExp | null]> = [
  [
    'warns that npm test runs the repository scripts',
    'npm test',
    /'npm test' lets .*|'npm test' npm runs the repository's package\.json scripts/,
  ],
  [
    'warns that make ** grants any code',
    'make **',
    /'make \*\*' lets the agent run, unasked in the sandbox, make with any arguments, and GTFOBins lists make for file-write, shell/,
  ],
  ['says make * admits only the bare program', 'make *', /'make \*' admits only the bare 'make'/],
  ['warns that python * runs any code its arguments name', 'python *', /python runs whatever code its arguments name/],
  ['warns that pytest runs conftest files', 'pytest', /conftest\.py/],
  ['warns that eslint loads JavaScript configs', 'eslint src', /eslint\.config\.js/],
  ['does not warn on a read-only program', 'wc -l *', null],
  ['does not warn on cat *', 'cat *', null],
  ['does not warn on git status (the report lists what git may run)', 'git status', null],
  ['does not warn on npm ls', 'npm ls', null],
];

describe('rule lint: what an allow rule really grants', () => {
  for (const [name, rule, expected] of rows) {
    it(name, () => {
      const w = lintRules({ ...defaultSettings(), 'warden.commands.allow': [rule] });
      if (expected === null) assert.deepEqual(w, []);
      else {
        assert.ok(w.length > 0, 'no warning');
        assert.ok(
          w.some((x) => expected.test(x.message)),
          w.map((x) => x.message).join('\n'),
        );
        assert.ok(
          w.every((x) => /^https:\/\//.test(x.source)),
          'every warning names its public source',
        );
      }
    });
  }
  it('warns when a secret reaches code the repository controls', () => {
    const w = lintRules({ ...defaultSettings(), 'warden.secrets': { NPM_TOKEN: { commands: ['npm install'] } } });
    assert.match(
      w.map((x) => `${x.key} ${x.message}`).join('\n'),
      /warden\.secrets\.NPM_TOKEN\.commands 'npm install' hands the secret NPM_TOKEN to code the repository controls/,
    );
  });
  it('never warns on the defaults', () => assert.deepEqual(lintRules(defaultSettings()), []));
});
