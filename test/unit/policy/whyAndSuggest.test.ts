import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ShellParser } from '../../../src/core/policy/guard';
import { whyLine } from '../../../src/core/policy/explain';
import { suggestRules } from '../../../src/core/policy/suggestRules';
import type { ProposedCall } from '../../../src/core/tools/schemas';
import { guardFor, makeWorkspace, shellParser, type Workspace } from './harness';

const run = (command: string, extra: Record<string, unknown> = {}): ProposedCall => ({ tool: 'run_command', input: { command, ...extra } });
const write = (path: string): ProposedCall => ({ tool: 'write_file', input: { path, content: 'x\n' } });

const USER = {
  'warden.commands.allow': ['git status', 'npm test', 'ls *', 'cat *', 'sed *'],
  'warden.paths.autoApprove': ['docs/**'],
  'warden.secrets': { NPM_TOKEN: { commands: ['npm whoami'], hosts: ['registry.npmjs.org'] } },
};

/** [behaviour, call, the why-line holds (regex), the suggestions' entries (null: none offered)] */
type Row = readonly [string, ProposedCall, RegExp, readonly (readonly string[])[] | null, boolean?];
const rows: Row[] = [
  [
    'names the command off the list and the closest rule',
    run('npm run build'),
    /^Asks: 'npm run build' is not in warden\.commands\.allow · closest rule: warden\.commands\.allow: npm test$/,
    [['npm run build']],
  ],
  [
    'names the dangerous argument of an allowed program',
    run('sed -i s/a/b/ src/a.js'),
    /'sed -i s\/a\/b\/ src\/a\.js': sed -i \(in-place edit\).*closest rule: warden\.commands\.allow: sed \*/,
    null,
  ],
  ['names the construct (a substitution)', run('cat $(ls)'), /^Asks: .*(substitution|not literal)/, null],
  [
    'names a destructive command first',
    run('rm -rf dist && npm run x'),
    /^Asks: 'rm -rf dist': rm .*\(destructive: asks every time\) \(\+2 more: not-allowed\)/,
    null,
  ],
  ['names the missing sandbox', run('git status'), /no sandbox works here.*closest rule: warden\.commands\.allow: git status/, null, false],
  [
    'names a secret the command receives',
    run('npm whoami', { secrets: ['NPM_TOKEN'] }),
    /'npm whoami' is not in warden\.commands\.allow.*\+1 more: receives-secret/,
    null,
  ],
  ['names the file outside autoApprove and the nearest glob', write('docs/deep/a.md'), /never/, null],
  [
    'names the file outside autoApprove',
    write('src/lib/util.ts'),
    /^Asks: src\/lib\/util\.ts is not in warden\.paths\.autoApprove$/,
    [['src/lib/util.ts'], ['src/lib/**'], ['src/**']],
  ],
  [
    'names the protected path and its rule',
    write('.vscode/settings.json'),
    /^Asks: \.vscode\/settings\.json is a protected path \(warden\.paths\.protected \(built-in\): \*\*\/\.vscode\/\*\*\)$/,
    null,
  ],
  [
    'offers a * for the trailing files of a program that only reads',
    run('wc -l src/a.js src/b.js'),
    /'wc -l src\/a\.js src\/b\.js' is not in/,
    [['wc -l src/a.js src/b.js'], ['wc -l *']],
  ],
  [
    'never offers a * for an interpreter',
    run('node --test test/a.test.js'),
    /not in warden\.commands\.allow/,
    [['node --test test/a.test.js']],
  ],
  ['never offers a * for make', run('make -C sub all.o'), /not in/, [['make -C sub all.o']]],
  ['never offers a * for find', run('find src/a.js'), /not in/, [['find src/a.js']]],
  ['never offers a * for git', run('git diff src/a.js'), /not in/, [['git diff src/a.js']]],
  ['never offers a * for a program Warden knows nothing of', run('pytest tests/test_a.py'), /not in/, [['pytest tests/test_a.py']]],
  ['never offers a * for a script of the workspace', run('./bin/cat src/a.js'), /not in/, [['./bin/cat src/a.js']]],
  [
    'covers every simple command off the list',
    run('head -n 5 src/a.js && npm run lint'),
    /\+1 more: not-allowed/,
    [
      ['head -n 5 src/a.js', 'npm run lint'],
      ['head -n 5 *', 'npm run lint'],
    ],
  ],
  ['offers nothing for an argument with a blank', run("grep 'a b' src/a.js"), /not in/, null],
];

describe('why a call asks, and which rules would allow it', () => {
  let ws: Workspace;
  let shell: ShellParser;
  before(async () => {
    ws = makeWorkspace();
    shell = await shellParser();
    ws.file('src/a.js');
    ws.file('src/b.js');
    ws.file('src/lib/util.ts');
    ws.file('bin/cat');
  });
  after(() => ws.dispose());

  for (const [name, call, why, entries, sandbox] of rows) {
    it(name, () => {
      const guard = guardFor(ws, shell, { user: USER, sandbox: sandbox ?? true });
      const d = guard.decide(call);
      if (why.source === 'never') {
        assert.equal(d.decision, 'allow', `${d.reason}: ${d.message}`);
        return;
      }
      assert.equal(d.decision, 'ask', `${d.reason}: ${d.message}`);
      assert.match(whyLine(d.why, d.message), why);
      const s = suggestRules(d);
      if (entries === null) assert.ok('none' in s, JSON.stringify(s));
      else {
        assert.ok('rules' in s, JSON.stringify(s));
        assert.deepEqual(
          s.rules.map((r) => r.entries),
          entries,
        );
        // Every suggestion, added to user settings, lets this very call run unasked.
        for (const r of s.rules) {
          const list = [...((USER as Record<string, unknown>)[r.setting] as string[]), ...r.entries];
          const after = guardFor(ws, shell, { user: { ...USER, [r.setting]: list } }).decide(call);
          assert.equal(after.decision, 'allow', `${r.entries.join(', ')}: ${after.reason} ${after.message}`);
        }
      }
    });
  }
});
