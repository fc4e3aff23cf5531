import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chainFiles } from '../../../src/node/audit/files';
import { openJsonlAuditWriter } from '../../../src/node/audit/jsonlWriter';
import { steppingClock, tempDir, toolEvent } from './helpers';

const root = join(__dirname, '..', '..', '..');

function warden(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'audit', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function sampleLog(dir: string, maxBytes?: number): Promise<string> {
  const file = join(dir, 'audit.jsonl');
  const w = await openJsonlAuditWriter({
    file,
    redact: (s) => s,
    clock: steppingClock(Date.parse('2026-03-01T12:00:00Z')),
    ...(maxBytes ? { maxBytes } : {}),
  });
  await w.append(
    toolEvent({ tool: 'run_command', input: { command: 'npm test' }, decision: 'ask', approver: 'person', answer: 'approved' }),
  );
  await w.append(
    toolEvent({
      tool: 'write_file',
      input: { path: 'src/a.ts', patch: '--- a\n+++ b\n' },
      decision: 'allow',
      reason: 'auto-approved',
      approver: 'rule',
      answer: null,
      rule: 'warden.paths.autoApprove: src/**',
    }),
  );
  await w.append(
    toolEvent({
      tool: 'run_command',
      input: { command: 'sudo rm -rf /' },
      decision: 'deny',
      reason: 'command-denied',
      approver: 'rule',
      answer: null,
      rule: 'warden.commands.deny: sudo *',
      outcome: { status: 'denied', error: '=cmd|"/c calc"!A1' },
    }),
  );
  await w.append(
    toolEvent({
      tool: 'read_file',
      input: { path: 'README.md' },
      decision: 'allow',
      reason: 'read-allowed',
      approver: 'rule',
      answer: null,
    }),
  );
  await w.close();
  return file;
}

describe('warden audit (CLI, end to end)', () => {
  it('verify: exit 0 and "ok: N events" on an intact log', async (t) => {
    const file = await sampleLog(tempDir(t));
    const r = warden('verify', file);
    assert.deepEqual([r.code, r.stdout], [0, 'ok: 4 events\n']);
  });

  it('verify: exit 1 naming the file, line and damage of an edited log', async (t) => {
    const file = await sampleLog(tempDir(t));
    writeFileSync(file, readFileSync(file, 'utf8').replace('npm test', 'npm publish'));
    const r = warden('verify', file);
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: edited: `));
  });

  it('verify: several rotated files are one chain, in the order given', async (t) => {
    const file = await sampleLog(tempDir(t), 700);
    const files = chainFiles(file);
    assert.ok(files.length >= 3);
    assert.deepEqual(warden('verify', ...files), { code: 0, stdout: `ok: 4 events in ${files.length} files\n`, stderr: '' });
    const swapped = warden('verify', ...files.slice().reverse());
    assert.equal(swapped.code, 1);
    assert.match(swapped.stdout, /:1: (reordered|removed): /);
    assert.equal(warden('verify', file).code, 1);
    assert.equal(warden('verify', '--partial', file).code, 0);
  });

  it('show: a readable table, filtered by tool, decision, approver and since', async (t) => {
    const file = await sampleLog(tempDir(t));
    const all = warden('show', file);
    assert.equal(all.code, 0);
    assert.match(all.stdout, /^SEQ\s+TIME\s+TOOL/);
    assert.match(all.stdout, /4 of 4 events/);
    const denied = warden('show', file, '--tool', 'run_command', '--decision', 'deny');
    assert.match(denied.stdout, /warden\.commands\.deny: sudo \*/);
    assert.match(denied.stdout, /1 of 4 events/);
    assert.match(warden('show', file, '--approver', 'person').stdout, /1 of 4 events/);
    assert.match(warden('show', file, '--since', '2026-03-01T12:00:03Z').stdout, /2 of 4 events/);
    assert.match(warden('show', file, '--search', 'README').stdout, /1 of 4 events/);
  });

  it('show: a bad flag value is a usage error naming the flag', async (t) => {
    const file = await sampleLog(tempDir(t));
    const r = warden('show', file, '--approver', 'robot');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--approver: /);
    assert.equal(warden('show', file, '--since', 'last week').code, 2);
    assert.equal(warden('show', file, '--colour').code, 2);
    assert.equal(warden('show', join(file, 'missing')).code, 2);
  });

  it('export jsonl: the lines verbatim, so the export verifies too', async (t) => {
    const dir = tempDir(t);
    const file = await sampleLog(dir);
    const r = warden('export', file, '--format', 'jsonl');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, readFileSync(file, 'utf8'));
  });

  it('export csv: quoted, with a formula in a cell neutralised', async (t) => {
    const file = await sampleLog(tempDir(t));
    const r = warden('export', file, '--format', 'csv', '--decision', 'deny');
    assert.equal(r.code, 0);
    const rows = r.stdout.split('\r\n');
    assert.equal(rows.length, 3);
    assert.match(rows[0] ?? '', /^seq,time,kind,/);
    assert.ok((rows[1] ?? '').includes(`,"'=cmd|""/c calc""!A1",`), rows[1]);
    assert.equal(warden('export', file, '--format', 'xml').code, 2);
  });
});

describe('warden audit verify with an anchor and a key', () => {
  const KEY = 'ab'.repeat(32);
  const verify = (env: Record<string, string>, ...args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'audit', 'verify', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
    return { code: r.status, stdout: r.stdout };
  };
  async function anchoredLog(dir: string, n: number, key: string): Promise<string> {
    const file = join(dir, 'audit.jsonl');
    const { fileAnchorStore } = await import('../../../src/node/audit/anchorFile');
    const w = await openJsonlAuditWriter({
      file,
      redact: (s) => s,
      clock: steppingClock(),
      anchor: { store: fileAnchorStore(`${file}.anchor`), key: Buffer.from(key, 'hex') },
    });
    for (let i = 0; i < n; i++) await w.append(toolEvent({ input: { command: `echo ${i}` } }));
    await w.close();
    return file;
  }

  it('reads FILE.anchor and checks its seal with WARDEN_AUDIT_KEY', async (t) => {
    const file = await anchoredLog(tempDir(t), 5, KEY);
    assert.deepEqual(verify({ WARDEN_AUDIT_KEY: KEY }, file), {
      code: 0,
      stdout: 'ok: 5 events; sealed: the anchor at seq 4 holds under the key\n',
    });
    assert.deepEqual(verify({}, file), { code: 0, stdout: 'ok: 5 events; anchored at seq 4; its seal was not checked (no key)\n' });
  });

  for (const cut of [1, 3]) {
    it(`fails with how many lines are gone when ${cut} are cut from the end`, async (t) => {
      const file = await anchoredLog(tempDir(t), 6, KEY);
      const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      writeFileSync(
        file,
        lines
          .slice(0, -cut)
          .map((l) => `${l}\n`)
          .join(''),
      );
      const r = verify({ WARDEN_AUDIT_KEY: KEY }, file);
      assert.equal(r.code, 1);
      assert.match(r.stdout, new RegExp(`: removed: ${cut} lines? (is|are) gone from the end`));
    });
  }

  it('fails a log and anchor rewritten without the key', async (t) => {
    const dir = tempDir(t);
    const file = await anchoredLog(dir, 4, KEY);
    const forged = await anchoredLog(join(dir, 'f'), 2, 'cd'.repeat(32));
    writeFileSync(file, readFileSync(forged));
    writeFileSync(`${file}.anchor`, readFileSync(`${forged}.anchor`));
    const r = verify({ WARDEN_AUDIT_KEY: KEY }, file);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /seal does not hold under the audit key/);
  });

  it('takes --anchor from elsewhere', async (t) => {
    const dir = tempDir(t);
    const file = await anchoredLog(dir, 3, KEY);
    writeFileSync(join(dir, 'moved.anchor'), readFileSync(`${file}.anchor`));
    assert.equal(verify({ WARDEN_AUDIT_KEY: KEY }, file, '--anchor', join(dir, 'moved.anchor')).code, 0);
  });
});
