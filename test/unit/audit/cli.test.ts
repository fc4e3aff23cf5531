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
  const w = await openJsonlAuditWriter({ file, redact: (s) => s, clock: steppingClock(Date.parse('2026-03-01T12:00:00Z')), ...(maxBytes ? { maxBytes } : {}) });
  await w.append(toolEvent({ tool: 'run_command', input: { command: 'npm test' }, decision: 'ask', approver: 'person', answer: 'approved' }));
  await w.append(toolEvent({ tool: 'write_file', input: { path: 'src/a.ts', patch: '--- a\n+++ b\n' }, decision: 'allow', reason: 'auto-approved', approver: 'rule', answer: null, rule: 'warden.paths.autoApprove: src/**' }));
  await w.append(toolEvent({ tool: 'run_command', input: { command: 'sudo rm -rf /' }, decision: 'deny', reason: 'command-denied', approver: 'rule', answer: null, rule: 'warden.commands.deny: sudo *', outcome: { status: 'denied', error: '=cmd|"/c calc"!A1' } }));
  await w.append(toolEvent({ tool: 'read_file', input: { path: 'README.md' }, decision: 'allow', reason: 'read-allowed', approver: 'rule', answer: null }));
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
