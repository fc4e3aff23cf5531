// Per-command overhead of the sandboxed runners, beside a plain spawn and a
// plain bwrap measured in the same run. Goal: a warm sandbox-runtime runner
// costs at most 2x plain bubblewrap per command. 20 runs each, after warm-up.
// Also the redactor every byte of output passes: MB/s over 8 MB of output
// with 20 secrets, beside a bare indexOf scan for the same raw values.
// Run: node --import tsx bench/sandbox.bench.ts (or npm run bench -- sandbox).
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { CommandRunner } from '../src/core/exec/runner';
import { createRedactor } from '../src/core/secrets/createRedactor';
import { BubblewrapRunner } from '../src/node/sandbox/bubblewrapRunner';
import { findExecutable } from '../src/node/sandbox/findExecutable';
import { SandboxRuntimeRunner } from '../src/node/sandbox/sandboxRuntimeRunner';
import { makeWorkspace, req } from '../test/fixtures/sandbox/workspace';

const RUNS = 20;
const WARMUP = 3;

function spawnOnce(file: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 && out === 'ok\n' ? resolve() : reject(new Error(`${file} exited ${code}: ${out}`))));
  });
}

interface Stats { median: number; mean: number; }

async function measure(name: string, once: () => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < WARMUP; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const s = { median: times[Math.floor(times.length / 2)]!, mean: times.reduce((a, b) => a + b, 0) / times.length };
  console.log(`${name.padEnd(34)} median ${s.median.toFixed(1).padStart(7)} ms   mean ${s.mean.toFixed(1).padStart(7)} ms`);
  return s;
}

async function ranOk(runner: CommandRunner, ws: ReturnType<typeof makeWorkspace>): Promise<number> {
  const r = await runner.run(req(ws, 'echo ok'));
  if (r.stdout !== 'ok\n') throw new Error(`${runner.kind}: ${r.stderr}`);
  return r.durationMs;
}

function redactorThroughput(): void {
  const secrets = Array.from({ length: 20 }, (_, i) => `sk-${i}-${'x7Q9'.repeat(8)}${i}`);
  const line = 'npm info  it worked if it ends with ok; building src/core/secrets/createRedactor.ts 1234 modules\n';
  const text = line.repeat(Math.ceil((8 * 1024 * 1024) / line.length)) + secrets[3];
  const t0 = performance.now();
  const redactor = createRedactor(secrets);
  const build = performance.now() - t0;
  const t1 = performance.now();
  const out = redactor.redact(text);
  const redact = performance.now() - t1;
  if (out.includes(secrets[3]!)) throw new Error('redactor missed a value');
  const s = redactor.stream();
  const t2 = performance.now();
  for (let i = 0; i < text.length; i += 4096) s.push(text.slice(i, i + 4096));
  s.flush();
  const stream = performance.now() - t2;
  const t3 = performance.now();
  let hits = 0;
  for (const v of secrets) if (text.indexOf(v) >= 0) hits++;
  const scan = performance.now() - t3;
  const mb = text.length / (1024 * 1024);
  console.log(`\nredactor: 20 secrets (raw + 17 encoded forms each), built in ${build.toFixed(1)} ms`);
  console.log(`redact ${mb.toFixed(0)} MB: ${(mb / (redact / 1000)).toFixed(0)} MB/s; streamed in 4 KB chunks: ${(mb / (stream / 1000)).toFixed(0)} MB/s; bare indexOf of the 20 raw values: ${(mb / (scan / 1000)).toFixed(0)} MB/s (${hits} hit)`);
}

async function main(): Promise<void> {
  const bwrap = findExecutable('bwrap', process.env.PATH);
  if (bwrap === null) throw new Error('bwrap is not installed (scripts/install-system-deps.sh)');
  const bash = findExecutable('bash', process.env.PATH) ?? '/bin/bash';
  const ws = makeWorkspace();
  console.log(`${RUNS} runs of \`echo ok\` each, after ${WARMUP} warm-up runs; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const plainSpawn = await measure('plain spawn (bash -c)', () => spawnOnce(bash, ['-c', 'echo ok'], ws.root));
  const plainBwrap = await measure('plain bwrap (ro /, --unshare-all)', () =>
    spawnOnce(bwrap, ['--die-with-parent', '--unshare-all', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--', bash, '-c', 'echo ok'], ws.root));

  const bw = BubblewrapRunner.create({ config: ws.config });
  if (!(bw instanceof BubblewrapRunner)) throw new Error(bw.unavailable);
  const bwStats = await measure('BubblewrapRunner', () => ranOk(bw, ws));
  await bw.dispose();

  const t0 = performance.now();
  const asrt = await SandboxRuntimeRunner.start({ config: ws.config });
  if (!(asrt instanceof SandboxRuntimeRunner)) throw new Error(asrt.unavailable);
  console.log(`sandbox-runtime host start + initialize: ${(performance.now() - t0).toFixed(0)} ms (once)`);
  let inner = 0;
  const asrtStats = await measure('SandboxRuntimeRunner (warm)', async () => {
    inner += await ranOk(asrt, ws);
  });
  await asrt.dispose();
  ws.dispose();
  const innerMean = inner / (RUNS + WARMUP);

  console.log(`  of which the sandboxed process itself (spawn to exit, in the host): ~${innerMean.toFixed(1)} ms; wrap, cleanup and IPC: ~${(asrtStats.mean - innerMean).toFixed(1)} ms`);
  const ratio = (a: Stats, b: Stats) => (a.median / b.median).toFixed(2);
  console.log(`ratio BubblewrapRunner / plain bwrap:        ${ratio(bwStats, plainBwrap)}x`);
  console.log(`ratio warm sandbox-runtime / plain bwrap:    ${ratio(asrtStats, plainBwrap)}x   (goal <= 2x)`);
  console.log(`ratio warm sandbox-runtime / plain spawn:    ${ratio(asrtStats, plainSpawn)}x`);
  console.log(`ratio plain bwrap / plain spawn:             ${ratio(plainBwrap, plainSpawn)}x`);
  redactorThroughput();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
