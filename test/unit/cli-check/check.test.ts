import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

/** `warden check` end to end: the real CLI in a child process over a temp workspace. */
const repo = new URL('../../../', import.meta.url).pathname;

function check(args: string[], lines: string[]): { code: number | null; out: unknown[]; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'check', ...args], {
    cwd: repo,
    input: lines.join('\n') + '\n',
    encoding: 'utf8',
    timeout: 60_000,
  });
  const out = r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
  return { code: r.status, out, err: r.stderr };
}

describe('warden check (CLI)', () => {
  let base: string;
  let ws: string;
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'warden-check-'));
    ws = join(base, 'ws');
    mkdirSync(join(ws, 'src'), { recursive: true });
    writeFileSync(join(ws, 'src/a.ts'), '');
    writeFileSync(join(ws, '.env'), 'SECRET=1');
    symlinkSync(base, join(ws, 'up'));
    writeFileSync(
      join(base, 'user.json'),
      JSON.stringify({
        'warden.paths.autoApprove': ['src/**'],
        'warden.network.allowedHosts': ['example.com'],
        'editor.fontSize': 12,
      }),
    );
    writeFileSync(
      join(base, 'ws.json'),
      '{\n  // a workspace trying to widen\n  "warden.paths.autoApprove": ["**"],\n  "warden.commands.deny": ["rm *"],\n}\n',
    );
    writeFileSync(join(base, 'bad.json'), JSON.stringify({ 'warden.commands.allow': ['a * b'] }));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('answers one JSON line per input line, in order', () => {
    const r = check(
      ['--workspace', ws, '--settings', join(base, 'user.json'), '--workspace-settings', join(base, 'ws.json'), '--sandbox', 'available'],
      [
        JSON.stringify({ tool: 'read_file', input: { path: 'src/a.ts' } }),
        JSON.stringify({ tool: 'read_file', input: { path: '.env' } }),
        JSON.stringify({ tool: 'write_file', input: { path: 'src/b.ts', content: '' } }),
        JSON.stringify({ tool: 'write_file', input: { path: 'README.md', content: '' } }),
        JSON.stringify({ tool: 'write_file', input: { path: 'up/escape.txt', content: '' } }),
        JSON.stringify({ tool: 'run_command', input: { command: 'git status' } }),
        JSON.stringify({ tool: 'run_command', input: { command: 'rm -rf src' } }),
        JSON.stringify({ tool: 'run_command', input: { command: 'bash -c "sudo id"' } }),
        JSON.stringify({ tool: 'fetch_url', input: { url: 'https://example.com/' } }),
        JSON.stringify({ tool: 'fetch_url', input: { url: 'http://169.254.169.254/' } }),
        JSON.stringify({ tool: 'launch_missiles', input: {} }),
      ],
    );
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.out, [
      { decision: 'allow', reason: 'read-allowed', rule: null },
      { decision: 'deny', reason: 'denied-read', rule: 'warden.paths.denyRead: **/.env' },
      { decision: 'allow', reason: 'auto-approved', rule: 'warden.paths.autoApprove: src/**' },
      { decision: 'ask', reason: 'needs-approval', rule: 'warden.paths.write: **' },
      { decision: 'deny', reason: 'outside-workspace', rule: null },
      { decision: 'allow', reason: 'command-allowed', rule: 'warden.commands.allow: git status' },
      { decision: 'deny', reason: 'command-denied', rule: 'warden.commands.deny: rm *' },
      { decision: 'deny', reason: 'command-denied', rule: 'warden.commands.deny: sudo *' },
      { decision: 'allow', reason: 'host-allowed', rule: 'warden.network.allowedHosts: example.com' },
      { decision: 'deny', reason: 'host-not-allowed', rule: null },
      { decision: 'deny', reason: 'unknown-tool', rule: null },
    ]);
    assert.match(r.err, /ignored workspace value warden\.paths\.autoApprove/);
  });

  it('answers a malformed line with invalid-input and goes on', () => {
    const r = check(
      ['--workspace', ws, '--sandbox', 'available'],
      [
        'not json',
        '{"tool": "read_file"}',
        JSON.stringify({ tool: 'read_file', input: { path: 5 } }),
        JSON.stringify({ tool: 'read_file', input: { path: 'src/a.ts' }, extra: 1 }),
        '',
        JSON.stringify({ tool: 'read_file', input: { path: 'src/a.ts' } }),
      ],
    );
    assert.equal(r.code, 0);
    assert.deepEqual(
      r.out.map((o) => (o as { reason: string }).reason),
      ['invalid-input', 'invalid-input', 'invalid-input', 'invalid-input', 'read-allowed'],
    );
  });

  it('asks instead of allowing when told no sandbox works', () => {
    const r = check(['--workspace', ws, '--sandbox', 'unavailable'], [JSON.stringify({ tool: 'run_command', input: { command: 'ls' } })]);
    assert.deepEqual(r.out, [{ decision: 'ask', reason: 'no-sandbox', rule: 'warden.commands.allow: ls *' }]);
  });

  it('detects the sandbox when not told', () => {
    const r = check(['--workspace', ws], [JSON.stringify({ tool: 'run_command', input: { command: 'ls' } })]);
    assert.equal(r.code, 0);
    assert.ok(['command-allowed', 'no-sandbox'].includes((r.out[0] as { reason: string }).reason));
  });

  it('exits 2 naming the bad key when settings are invalid', () => {
    const r = check(['--workspace', ws, '--settings', join(base, 'bad.json')], []);
    assert.equal(r.code, 2);
    assert.match(r.err, /warden\.commands\.allow/);
    assert.deepEqual(r.out, []);
  });

  it('exits 2 on a missing settings file, naming it', () => {
    const r = check(['--workspace', ws, '--settings', join(base, 'missing.json')], []);
    assert.equal(r.code, 2);
    assert.match(r.err, /missing\.json/);
  });

  it('exits 2 on bad flags', () => {
    assert.equal(check(['--sandbox', 'maybe', '--workspace', ws], []).code, 2);
    assert.equal(check([], []).code, 2);
  });
});
