import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runAudit } from '../../../src/cli/audit';
import type { ParallelReading } from '../../../src/node/audit/parallelRead';
import { noteEvent, type AuditEventInput } from '../../../src/core/audit/event';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A tool-call-shaped event, `i` making each one different. */
export function event(i: number): AuditEventInput {
  return {
    ...noteEvent({
      kind: 'session',
      sessionId: 's-1',
      workspace: '/ws',
      actor: { user: 'dev', model: 'claude-sonnet-5-5' },
      note: `event ${i} — ünïcode and "quotes" ]`,
    }),
    kind: 'tool_call',
    tool: 'run_command',
    input: { command: `echo ${i}` },
    decision: i % 7 === 0 ? 'deny' : 'allow',
    reason: i % 7 === 0 ? 'command-denied' : 'command-allowed',
    rule: null,
    approver: 'rule',
  };
}

/** The local log's lines. */
export function localLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

/** Every local line arrived at least once, and the arrivals are in order of seq (a repeat may restart an earlier stretch only after a failure, never skip ahead). */
export function checkDelivery(
  local: readonly string[],
  arrived: readonly string[],
): { missing: number[]; outOfOrder: number; duplicates: number } {
  const bySeq = new Map(local.map((l) => [(JSON.parse(l) as { seq: number }).seq, l]));
  const got = new Set<number>();
  let outOfOrder = 0;
  let duplicates = 0;
  let highest = -1;
  for (const line of arrived) {
    const seq = (JSON.parse(line) as { seq: number }).seq;
    if (bySeq.get(seq) !== line) throw new Error(`line for seq ${seq} arrived changed`);
    if (got.has(seq)) duplicates++;
    // In order: a line never arrives before one with a lower seq that has not arrived yet.
    if (seq > highest + 1 && !got.has(seq - 1)) outOfOrder++;
    highest = Math.max(highest, seq);
    got.add(seq);
  }
  return { missing: [...bySeq.keys()].filter((s) => !got.has(s)), outOfOrder, duplicates };
}

/** `warden audit …` in process; returns the exit code and what it printed. */
export async function audit(args: string[], reading?: ParallelReading): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runAudit(args, { stdin: new PassThrough(), stdout, stderr }, {}, reading);
  return { code, out, err };
}

export async function waitFor(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
