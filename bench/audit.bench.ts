// Audit log: append rate with hashing to a real file, beside plain appends
// without hashing in the same run; verify time for 100,000 events beside a
// bare JSON.parse of the same lines; then logs of 100,000 and 1,000,000
// events (WARDEN_BENCH_AUDIT_EVENTS=n[,n…]) streamed: verify, show and export
// each beside a bare streaming parse, each in a process of its own so its
// peak memory is its own, in three interleaved rounds (medians). Goals:
// >= 20,000 events/s, verify 100k < 1 s, streaming <= 1.2x the bare parse,
// peak memory the same at every size.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainSealer } from '../src/core/audit/chain';
import type { AuditEventInput } from '../src/core/audit/event';
import { segmentReader, verifyChain, verifySegments, type ChainFeed } from '../src/core/audit/verify';
import { runAudit } from '../src/cli/audit';
import { feedFiles } from '../src/node/audit/files';
import { EventList } from '../src/vscode/audit/eventList';
import { createRedactor } from '../src/core/secrets/createRedactor';
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

// The real redactor with two secrets (raw and encoded forms), as the extension would run it.
const redactor = createRedactor(['sk-ant-api03-bench-0123456789abcdefghij', 'ghp_bench0123456789abcdefghijklmnopqrstu']);
const redact = (text: string): string => redactor.redact(text);
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const rate = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString('en')} events/s`;

function plainAppends(dir: string, n: number): { ms: number; cpu: number } {
  const fd = openSync(join(dir, 'plain.jsonl'), 'a');
  const c = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < n; i++) writeSync(fd, `${JSON.stringify(event(i))}\n`);
  const ms = performance.now() - t;
  const cpu = cpuMs(c);
  closeSync(fd);
  return { ms, cpu };
}

async function hashedAppends(
  dir: string,
  name: string,
  n: number,
  durability: AuditDurability,
  wave: number,
): Promise<{ ms: number; cpu: number }> {
  const w = await openJsonlAuditWriter({ file: join(dir, `${name}.jsonl`), redact, durability });
  const c = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < n; i += wave) {
    await Promise.all(Array.from({ length: Math.min(wave, n - i) }, (_, k) => w.append(event(i + k))));
  }
  const ms = performance.now() - t;
  const cpu = cpuMs(c);
  await w.close();
  return { ms, cpu };
}

function writeChain(file: string, count: number): void {
  const sealer = new ChainSealer(null, redact);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(`${sealer.seal(event(i)).line}\n`);
  writeFileSync(file, parts.join(''));
}

/** The audit panel's host-side list on the 100,000 events: each search keystroke and filter beside a bare scan of the same rows. */
function panelList(file: string): void {
  const list = new EventList();
  const t0 = performance.now();
  verifyChain(segmentReader([{ name: file, text: readFileSync(file, 'utf8') }]), { onRecord: (r) => void (r && list.add(r)) });
  const loadMs = performance.now() - t0;
  const cpu: number[] = [];
  const timeFilter = (f: Parameters<EventList['setFilter']>[0]): number => {
    const c = process.cpuUsage();
    const t = performance.now();
    list.setFilter(f);
    list.window(0, 120);
    cpu.push(cpuMs(c));
    return performance.now() - t;
  };
  const keys = ['c', 'ca', 'cas', 'case', 'case ', 'case 9', 'case 99'].map((text) => timeFilter({ text }));
  const keysCpu = cpu.splice(0);
  const cleared = timeFilter({});
  const fresh = timeFilter({ text: 'zzz-not-there' });
  const deny = timeFilter({ decision: 'deny' });
  console.log(`\naudit panel list, ${list.total.toLocaleString('en')} events (loaded and verified in ${loadMs.toFixed(0)} ms):`);
  console.log(
    `  search keystrokes "c" … "case 99": ${keys.map((k) => k.toFixed(1)).join(', ')} ms  [cpu ${keysCpu.map((k) => k.toFixed(1)).join(', ')} ms] (goal <= 50 ms each)`,
  );
  console.log(
    `  a new search over every event: ${fresh.toFixed(1)} ms; cleared: ${cleared.toFixed(1)} ms; decision filter: ${deny.toFixed(1)} ms  [cpu ${cpu.map((k) => k.toFixed(1)).join(', ')} ms]`,
  );
}

/** Writes `count` sealed events in batches (constant memory). */
function writeBigChain(file: string, count: number): void {
  const sealer = new ChainSealer(null, redact);
  const fd = openSync(file, 'w');
  for (let i = 0; i < count; i += 10_000) {
    const parts: string[] = [];
    for (let k = i; k < Math.min(count, i + 10_000); k++) parts.push(`${sealer.seal(event(k)).line}\n`);
    writeSync(fd, parts.join(''));
  }
  closeSync(fd);
}

/** One streamed reading in this process: prints `ms maxRssMiB`. */
async function child(mode: string, file: string): Promise<void> {
  const c = process.cpuUsage();
  const t = performance.now();
  if (mode === 'parse') {
    let n = 0;
    const feed: ChainFeed = { segment: () => undefined, torn: () => undefined, line: (l) => void (JSON.parse(l.text) !== null && n++) };
    await feedFiles([file], feed);
  } else {
    const sink = { write: () => true, once: () => undefined } as unknown as NodeJS.WritableStream;
    const args =
      mode === 'verify'
        ? ['verify', file]
        : mode === 'show'
          ? ['show', file, '--search', 'no such text']
          : ['export', file, '--format', 'csv'];
    const code = await runAudit(args, { stdout: sink, stderr: process.stderr } as never);
    if (code !== 0) throw new Error(`${mode} exited ${code}`);
  }
  console.log(`${(performance.now() - t).toFixed(0)} ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} ${cpuMs(c).toFixed(0)}`);
}

function streamed(dir: string, M: number): void {
  const file = join(dir, `big-${M}.jsonl`);
  writeBigChain(file, M);
  console.log(`\nstreamed, ${M.toLocaleString('en')} events (${(statSync(file).size / 2 ** 20).toFixed(0)} MiB), each in its own process:`);
  const run = (mode: string): { ms: number; rss: number; cpu: number } => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, 'child', mode, file], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`${mode}: ${r.stderr}`);
    const [ms, rss, cpu] = r.stdout.trim().split(' ').map(Number);
    return { ms: ms ?? NaN, rss: rss ?? NaN, cpu: cpu ?? NaN };
  };
  // Three rounds, each running every reading once, so that a busy machine slows them alike; the median of each.
  const modes = ['parse', 'verify', 'show', 'export'] as const;
  const rounds = modes.map(() => [] as { ms: number; rss: number; cpu: number }[]);
  for (let round = 0; round < 3; round++) for (const [i, mode] of modes.entries()) rounds[i]?.push(run(mode));
  const mid = (i: number, key: 'ms' | 'rss' | 'cpu'): number => {
    const xs = (rounds[i] ?? []).map((r) => r[key]).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)] ?? NaN;
  };
  const base = { ms: mid(0, 'ms'), rss: mid(0, 'rss'), cpu: mid(0, 'cpu') };
  console.log(
    `${'bare streaming read + JSON.parse (baseline):'.padEnd(48)}${base.ms.toFixed(0)} ms [cpu ${base.cpu} ms], peak RSS ${base.rss} MiB`,
  );
  for (const [label, i] of [
    ['warden audit verify', 1],
    ['warden audit show (search, no match)', 2],
    ['warden audit export --format csv', 3],
  ] as const) {
    const r = { ms: mid(i, 'ms'), rss: mid(i, 'rss'), cpu: mid(i, 'cpu') };
    console.log(
      `${`${label}:`.padEnd(48)}${r.ms.toFixed(0)} ms [cpu ${r.cpu} ms], peak RSS ${r.rss} MiB (${(r.ms / base.ms).toFixed(2)}x the bare parse [cpu ${(r.cpu / base.cpu).toFixed(2)}x]; goal <= 1.2x)`,
    );
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'child') return child(process.argv[3] ?? '', process.argv[4] ?? '');
  const dir = mkdtempSync(join(tmpdir(), 'warden-audit-bench-'));
  try {
    const N = 20_000;
    plainAppends(dir, 2000); // warm up
    await hashedAppends(dir, 'warm', 2000, 'write', 1);
    const base = plainAppends(dir, N);
    console.log(`(wall-clock rates, and in brackets the rate per CPU-second of this process, which a busy machine distorts less)`);
    console.log(`${'plain appends, no hashing (write per line):'.padEnd(48)}${rate(N, base.ms)}  [${rate(N, base.cpu)}]`);
    const rows: [string, number, AuditDurability, number][] = [
      ['hashed, durability write, one at a time', N, 'write', 1],
      ['hashed, durability write, 100 concurrent', N, 'write', 100],
      ['hashed, durability fsync, one at a time', 2000, 'fsync', 1],
      ['hashed, durability fsync, 100 concurrent', N, 'fsync', 100],
    ];
    for (const [label, n, durability, wave] of rows) {
      const r = await hashedAppends(dir, label.replace(/\W+/g, '-'), n, durability, wave);
      const ratio = n / r.ms / (N / base.ms);
      console.log(
        `${`${label}:`.padEnd(48)}${rate(n, r.ms)}  [${rate(n, r.cpu)}]  (${(ratio * 100).toFixed(0)}% of plain; goal >= 20,000 events/s)`,
      );
    }

    const M = 100_000;
    const file = join(dir, 'verify.jsonl');
    writeChain(file, M); // in its own function, so the sealed lines are garbage before timing starts
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let parseOnly = 0;
    for (const l of readFileSync(file, 'utf8').split('\n')) if (l !== '' && JSON.parse(l) !== null) parseOnly++;
    const parseMs = performance.now() - t0;
    const parseCpu = cpuMs(c0);
    const c1 = process.cpuUsage();
    const t1 = performance.now();
    const r = verifySegments([{ name: file, text: readFileSync(file, 'utf8') }]);
    const verifyMs = performance.now() - t1;
    const verifyCpu = cpuMs(c1);
    if (!r.ok || r.count !== M || parseOnly !== M) throw new Error(`verify failed: ${JSON.stringify(r)}`);
    console.log(
      `read + JSON.parse ${M.toLocaleString('en')} lines (baseline):   ${parseMs.toFixed(0)} ms  [cpu ${parseCpu.toFixed(0)} ms]`,
    );
    console.log(
      `read + verify ${M.toLocaleString('en')} events:                ${verifyMs.toFixed(0)} ms  [cpu ${verifyCpu.toFixed(0)} ms]  (${(verifyMs / parseMs).toFixed(1)}x the bare parse; goal < 1000 ms)`,
    );
    panelList(file);
    // Peak memory must not grow with the log: the same readings at each size (WARDEN_BENCH_AUDIT_EVENTS=n[,n…]).
    for (const m of (process.env.WARDEN_BENCH_AUDIT_EVENTS ?? '100000,1000000').split(',')) streamed(dir, Number(m));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
