import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

/**
 * `warden check` over the two-folder fixture: every path is decided in the
 * folder its address names, by that folder's settings, and a folder cannot
 * widen the user's policy.
 */
const repo = new URL('../../../', import.meta.url).pathname;
const fixture = join(repo, 'test/fixtures/workspaces/multi-root');

interface Line {
  decision: string;
  reason: string;
  rule: string | null;
}

function check(args: string[], calls: unknown[]): { code: number | null; out: Line[]; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'check', ...args], {
    cwd: repo,
    input: calls.map((c) => JSON.stringify(c)).join('\n') + '\n',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return {
    code: r.status,
    out: r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Line),
    err: r.stderr,
  };
}

describe('warden check: a workspace of two folders', () => {
  let ws: string;
  let flags: string[];
  before(() => {
    ws = realpathSync(mkdtempSync(join(tmpdir(), 'warden-multi-')));
    cpSync(fixture, ws, { recursive: true });
    flags = [
      '--workspace',
      join(ws, 'app'),
      '--workspace-settings',
      join(ws, 'app/.vscode/settings.json'),
      '--workspace',
      join(ws, 'lib'),
      '--workspace-settings',
      join(ws, 'lib/.vscode/settings.json'),
      '--settings',
      join(ws, 'user-settings.json'),
      '--sandbox',
      'available',
    ];
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  const read = (path: string) => ({ tool: 'read_file', input: { path } });
  const write = (path: string) => ({ tool: 'write_file', input: { path, content: 'x' } });
  const run = (command: string, cwd?: string) => ({ tool: 'run_command', input: { command, ...(cwd === undefined ? {} : { cwd }) } });
  const cases: { name: string; call: unknown; decision: string; reason: string }[] = [
    { name: 'a bare name in both folders is ambiguous', call: read('notes.txt'), decision: 'deny', reason: 'invalid-input' },
    { name: "app's notes, addressed by folder name, are read", call: read('app:notes.txt'), decision: 'allow', reason: 'read-allowed' },
    { name: "lib's notes are denied by lib's own settings", call: read('lib:notes.txt'), decision: 'deny', reason: 'denied-read' },
    {
      name: "lib's notes by absolute path are denied too",
      call: () => read(join(ws, 'lib/notes.txt')),
      decision: 'deny',
      reason: 'denied-read',
    },
    { name: 'a bare name in one folder only is found there', call: read('only-app.txt'), decision: 'allow', reason: 'read-allowed' },
    { name: 'a new file needs its folder named', call: write('new.txt'), decision: 'deny', reason: 'invalid-input' },
    {
      name: "a .txt write in app is auto-approved by the user's rule",
      call: write('app:new.txt'),
      decision: 'allow',
      reason: 'auto-approved',
    },
    { name: 'a .txt write in lib asks: lib narrowed autoApprove', call: write('lib:new.txt'), decision: 'ask', reason: 'needs-approval' },
    { name: 'app cannot widen autoApprove to .md', call: write('app:x.md'), decision: 'ask', reason: 'needs-approval' },
    { name: 'an unknown folder name is not an address', call: read('nowhere:notes.txt'), decision: 'deny', reason: 'invalid-input' },
    { name: 'a command needs its folder named', call: run('ls'), decision: 'deny', reason: 'invalid-input' },
    { name: 'a command in app on the allow list runs', call: run('cat notes.txt', 'app:'), decision: 'allow', reason: 'command-allowed' },
    {
      name: "a command in app reading lib's denied notes is refused",
      call: run('cat ../lib/notes.txt', 'app:'),
      decision: 'deny',
      reason: 'denied-read',
    },
    {
      name: 'a command in lib reading its own notes is refused',
      call: run('cat notes.txt', 'lib:'),
      decision: 'deny',
      reason: 'denied-read',
    },
    {
      name: 'app cannot widen the allow list to rm',
      call: run('rm only-app.txt', 'app:'),
      decision: 'ask',
      reason: 'destructive-operation',
    },
  ];

  it('decides every call against the folder and the settings its path belongs to', () => {
    const calls = cases.map((c) => (typeof c.call === 'function' ? (c.call as () => unknown)() : c.call));
    const r = check(flags, calls);
    assert.equal(r.code, 0, r.err);
    const got = r.out.map((o, i) => ({ name: cases[i]?.name, decision: o.decision, reason: o.reason }));
    assert.deepEqual(
      got,
      cases.map((c) => ({ name: c.name, decision: c.decision, reason: c.reason })),
    );
    // The widening values are reported, named by folder.
    assert.match(r.err, /app: warden\.paths\.autoApprove/);
    assert.match(r.err, /app: warden\.commands\.allow/);
    assert.doesNotMatch(r.err, /lib: /);
  });

  it('the same folder with the same files but no folder settings decides by the user settings alone', () => {
    const r = check(
      [
        '--workspace',
        join(ws, 'app'),
        '--workspace',
        join(ws, 'lib'),
        '--settings',
        join(ws, 'user-settings.json'),
        '--sandbox',
        'available',
      ],
      [read('lib:notes.txt'), write('lib:new.txt')],
    );
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(
      r.out.map((o) => o.decision),
      ['allow', 'allow'],
    );
  });

  const usage: { name: string; args: string[]; message: RegExp }[] = [
    {
      name: 'workspace settings before any workspace',
      args: ['--workspace-settings', 'x.json', '--workspace', '.'],
      message: /belongs after the --workspace/,
    },
    {
      name: 'two settings files for one folder',
      args: ['--workspace', '.', '--workspace-settings', 'a.json', '--workspace-settings', 'b.json'],
      message: /two --workspace-settings/,
    },
    { name: 'no workspace at all', args: ['--settings', 'x.json'], message: /at least one folder/ },
  ];
  for (const u of usage) {
    it(`refuses ${u.name}`, () => {
      const r = check(u.args, []);
      assert.equal(r.code, 2);
      assert.match(r.err, u.message);
    });
  }
});
