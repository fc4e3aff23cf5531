// Audit log: append rate with hashing to a real file, beside plain appends
// without hashing in the same run; verify time for 100,000 events beside a
// bare JSON.parse of the same lines. Goals: >= 20,000 events/s, verify < 1 s.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainSealer } from '../src/core/audit/chain';
import type { AuditEventInput } from '../src/core/audit/event';
import { verifySegments } from '../src/core/audit/verify';
import { openJsonlAuditWriter, type AuditDurability } from '../src/node/audit/jsonlWriter';

function event(i: number): AuditEventInput {
  return {
    kind: 'tool_call',
    sessionId: 'b7c1d2e3-0000-4000-8000-000000000000',
    workspace: '/home/alice/projects/warden',
    actor: { user: 'alice', model: 'claude-sonnet-4-6' },
    tool: 'run_command',
    input: { command: `npm test -- --grep "case ${i}"`, cwd: 'packages/core', timeout_s: 120 },
    decision: 'ask',
    reason: 'needs-approval',
    rule: null,
    approver: 'person',
    answer: 'approved',
    edits: null,
    outcome: { status: 'ok', exitCode: 0, bytes: 18234, durationMs: 4211 },
  };
}

const redact = (s: string): string => (s.includes('sk-ant-') ? s.replaceAll('sk-ant-', '[REDACTED]') : s);
const rate = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString('en')} events/s`;

function plainAppends(dir: string, n: number): number {
  const fd = openSync(join(dir, 'plain.jsonl'), 'a');
  const t = performance.now();
  for (let i = 0; i < n; i++) writeSync(fd, `${JSON.stringify(event(i))}\n`);
  const ms = performance.now() - t;
  closeSync(fd);
  return ms;
}

async function hashedAppends(dir: string, name: string, n: number, durability: AuditDurability, wave: number): Promise<number> {
  const w = await openJsonlAuditWriter({ file: join(dir, `${name}.jsonl`), redact, durability });
  const t = performance.now();
  for (let i = 0; i < n; i += wave) {
    await Promise.all(Array.from({ length: Math.min(wave, n - i) }, (_, k) => w.append(event(i + k))));
  }
  const ms = performance.now() - t;
  await w.close();
  return ms;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-audit-bench-'));
  try {
    const N = 20_000;
    plainAppends(dir, 2000); // warm up
    await hashedAppends(dir, 'warm', 2000, 'write', 1);
    const base = plainAppends(dir, N);
    console.log(`plain appends, no hashing (write per line):    ${rate(N, base)}`);
    const rows: [string, number, AuditDurability, number][] = [
      ['hashed, durability write, one at a time', N, 'write', 1],
      ['hashed, durability write, 100 concurrent', N, 'write', 100],
      ['hashed, durability fsync, one at a time', 2000, 'fsync', 1],
      ['hashed, durability fsync, 100 concurrent', N, 'fsync', 100],
    ];
    for (const [label, n, durability, wave] of rows) {
      const ms = await hashedAppends(dir, label.replace(/\W+/g, '-'), n, durability, wave);
      console.log(`${`${label}:`.padEnd(48)}${rate(n, ms)}  (${(((n / ms) / (N / base)) * 100).toFixed(0)}% of plain)`);
    }

    const M = 100_000;
    const sealer = new ChainSealer(null, redact);
    const lines: string[] = [];
    for (let i = 0; i < M; i++) lines.push(sealer.seal(event(i)).line);
    const file = join(dir, 'verify.jsonl');
    writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
    const t0 = performance.now();
    const parseOnly = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown).length;
    const parseMs = performance.now() - t0;
    const t1 = performance.now();
    const r = verifySegments([{ name: file, text: readFileSync(file, 'utf8') }]);
    const verifyMs = performance.now() - t1;
    if (!r.ok || r.count !== M || parseOnly !== M) throw new Error(`verify failed: ${JSON.stringify(r)}`);
    console.log(`read + JSON.parse ${M.toLocaleString('en')} lines (baseline):   ${parseMs.toFixed(0)} ms`);
    console.log(`read + verify ${M.toLocaleString('en')} events:                ${verifyMs.toFixed(0)} ms  (${(verifyMs / parseMs).toFixed(1)}x the bare parse; goal < 1000 ms)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
