import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { splitJsonl, verifySegments } from '../../../src/core/audit/verify';
import { chainFiles, readSegments } from '../../../src/node/audit/files';
import { openJsonlAuditWriter } from '../../../src/node/audit/jsonlWriter';
import { tempDir, toolEvent } from './helpers';

const burst = join(__dirname, 'fixtures', 'burst.ts');

/** Starts the burst writer, waits until it has written at least `bytes`, then kill -9s it. */
async function killMidBurst(file: string, bytes: number, durability: 'write' | 'fsync'): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', burst, file, '100000000', durability], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  for (let i = 0; i < 600 && !(existsSync(file) && statSync(file).size >= bytes); i++) {
    if (child.exitCode !== null) break;
    await sleep(25);
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL', `the writer ended before it was killed: ${stderr}`);
}

describe('a writer killed with SIGKILL in the middle of a burst', () => {
  for (const durability of ['write', 'fsync'] as const) {
    it(`(${durability}) leaves a log that verifies up to its last whole line, and a reopened writer continues it`, async (t) => {
      const file = join(tempDir(t), 'audit.jsonl');
      await killMidBurst(file, 400_000, durability);

      const text = readFileSync(file, 'utf8');
      const { lines, tornTail } = splitJsonl(text);
      assert.ok(lines.length >= 50, `only ${lines.length} lines were written`);
      const r = verifySegments([{ name: file, text }]);
      if (tornTail === null) assert.deepEqual(r, { ...r, ok: true, count: lines.length });
      else assert.deepEqual(r.ok ? r : [r.damage, r.count, r.line], ['truncated', lines.length, lines.length + 1]);

      const w = await openJsonlAuditWriter({ file, redact: (s) => s });
      await w.append(toolEvent({ input: { command: 'after the crash' } }));
      await w.close();
      const after = verifySegments(readSegments(chainFiles(file)));
      assert.deepEqual(after.ok && after.count, lines.length + (tornTail === null ? 1 : 2));
    });
  }
});
