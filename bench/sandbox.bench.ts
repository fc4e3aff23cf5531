// Per-command overhead of the sandboxed runners (each command on its own
// copy-on-write overlay of the workspace, its changes read and decided
// afterwards), beside a plain spawn and a plain bwrap measured in the same
// run. Goal: at most 2x plain bubblewrap per command. 20 runs each, after
// warm-up. Then the cost of keeping the sandbox's view current on a large
// generated tree (what the index re-reads before each command) beside a bare
// walk of the same tree.
// Also the redactor every byte of output passes: MB/s over 8 MB of output
// with 20 secrets, beside a bare indexOf scan for the same raw values.
// Run: node --import tsx bench/sandbox.bench.ts (or npm run bench -- sandbox).
import { spawn } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { CommandRunner } from '../src/core/exec/runner';
import { createRedactor } from '../src/core/secrets/createRedactor';
import { BubblewrapRunner } from '../src/node/sandbox/bubblewrapRunner';
import { findExecutable } from '../src/node/sandbox/findExecutable';
import { SandboxRuntimeRunner } from '../src/node/sandbox/sandboxRuntimeRunner';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceIndex } from '../src/node/fs/workspaceIndex';
import { denyMatcher } from '../src/node/sandbox/layeredSandbox';
import { localServer, makeWorkspace, req } from '../test/fixtures/sandbox/workspace';

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

interface Stats {
  median: number;
  mean: number;
}

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
  console.log(`${name.padEnd(38)} median ${s.median.toFixed(1).padStart(7)} ms   mean ${s.mean.toFixed(1).padStart(7)} ms`);
  return s;
}

async function ranOk(runner: CommandRunner, ws: ReturnType<typeof makeWorkspace>): Promise<number> {
  const r = await runner.run(req(ws, 'echo ok'));
  if (r.stdout !== 'ok\n') throw new Error(`${runner.kind}: ${r.stderr}`);
  return r.durationMs;
}

/** A generated tree: `dirs` folders of `files` files, a few denied names among them. */
function makeTree(root: string, dirs: number, files: number): number {
  let n = 0;
  for (let d = 0; d < dirs; d++) {
    const dir = join(root, `pkg${d % 50}`, `mod${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < files; f++) writeFileSync(join(dir, f === 0 && d % 97 === 0 ? '.env' : `file${f}.js`), '');
    n += files + 1;
  }
  return n + 50;
}

function bareWalk(root: string): number {
  let n = 0;
  const stack = [root];
  while (stack.length > 0) {
    const d = stack.pop() as string;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      n++;
      if (e.isDirectory()) stack.push(join(d, e.name));
    }
  }
  return n;
}

async function indexCost(): Promise<void> {
  const root = join(tmpdir(), `warden-bench-tree-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  const entries = makeTree(root, 2000, 20);
  const t0 = performance.now();
  const walked = bareWalk(root);
  const walk = performance.now() - t0;
  const ix = new WorkspaceIndex({
    root,
    isDenied: denyMatcher({ writableRoots: [root], hiddenPaths: [], readOnlyPaths: [], allowedHosts: [] }),
  });
  const t1 = performance.now();
  await ix.scan();
  const scan = performance.now() - t1;
  await new Promise((r) => setTimeout(r, 100));
  ix.refresh();
  const quiet: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    ix.refresh();
    ix.hidden();
    quiet.push(performance.now() - t);
  }
  quiet.sort((a, b) => a - b);
  for (let i = 0; i < 10; i++) writeFileSync(join(root, `pkg${i}`, `mod${i}`, `new${i}.env`), '');
  const t2 = performance.now();
  const stats = ix.refresh();
  const hidden = ix.hidden();
  const changed = performance.now() - t2;
  console.log(`\nsandbox view on a generated tree of ${entries} entries (${walked} walked):`);
  console.log(`bare walk (readdir, no stat):            ${walk.toFixed(0).padStart(6)} ms`);
  console.log(
    `first index (readdir + lstat per file):  ${scan.toFixed(0).padStart(6)} ms   (once, in the background; commands ask meanwhile)`,
  );
  console.log(
    `per command, nothing changed:            ${quiet[10]!.toFixed(1).padStart(6)} ms   (median of 20: ${stats.checked} folders stat-ed)`,
  );
  console.log(
    `per command, 10 folders changed:         ${changed.toFixed(1).padStart(6)} ms   (${stats.reread} folders re-read; ${hidden.length} names hidden)`,
  );
  rmSync(root, { recursive: true, force: true });
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
  console.log(
    `redact ${mb.toFixed(0)} MB: ${(mb / (redact / 1000)).toFixed(0)} MB/s; streamed in 4 KB chunks: ${(mb / (stream / 1000)).toFixed(0)} MB/s; bare indexOf of the 20 raw values: ${(mb / (scan / 1000)).toFixed(0)} MB/s (${hits} hit)`,
  );
}

async function main(): Promise<void> {
  const bwrap = findExecutable('bwrap', process.env.PATH);
  if (bwrap === null) throw new Error('bwrap is not installed (scripts/install-system-deps.sh)');
  const bash = findExecutable('bash', process.env.PATH) ?? '/bin/bash';
  const ws = makeWorkspace();
  console.log(
    `${RUNS} runs of \`echo ok\` each, after ${WARMUP} warm-up runs; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const plainSpawn = await measure('plain spawn (bash -c)', () => spawnOnce(bash, ['-c', 'echo ok'], ws.root));
  const plainBwrap = await measure('plain bwrap (ro /, --unshare-all)', () =>
    spawnOnce(
      bwrap,
      ['--die-with-parent', '--unshare-all', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--', bash, '-c', 'echo ok'],
      ws.root,
    ),
  );

  const bw = BubblewrapRunner.create({ config: ws.config });
  if (!(bw instanceof BubblewrapRunner)) throw new Error(bw.unavailable);
  await bw.indexed();
  const bwStats = await measure('BubblewrapRunner', () => ranOk(bw, ws));
  await bw.dispose();

  const t0 = performance.now();
  const asrt = await SandboxRuntimeRunner.start({ config: ws.config });
  if (!(asrt instanceof SandboxRuntimeRunner)) throw new Error(asrt.unavailable);
  await asrt.indexed();
  console.log(`sandbox-runtime host start + proxy: ${(performance.now() - t0).toFixed(0)} ms (once)`);
  const asrtStats = await measure('SandboxRuntimeRunner (no hosts)', () => ranOk(asrt, ws));
  await asrt.dispose();

  const server = await localServer('ok');
  const netWs = makeWorkspace([`127.0.0.1:${server.port}`]);
  const net = await SandboxRuntimeRunner.start({ config: netWs.config });
  if (!(net instanceof SandboxRuntimeRunner)) throw new Error(net.unavailable);
  await net.indexed();
  const netStats = await measure('SandboxRuntimeRunner (1 host, proxy)', () => ranOk(net, netWs));
  await net.dispose();
  await server.close();
  netWs.dispose();
  ws.dispose();

  const ratio = (a: Stats, b: Stats) => (a.median / b.median).toFixed(2);
  console.log(`ratio BubblewrapRunner / plain bwrap:                 ${ratio(bwStats, plainBwrap)}x   (goal <= 2x)`);
  console.log(`ratio sandbox-runtime (no hosts) / plain bwrap:       ${ratio(asrtStats, plainBwrap)}x   (goal <= 2x)`);
  console.log(`ratio sandbox-runtime (proxy bridge) / plain bwrap:   ${ratio(netStats, plainBwrap)}x`);
  console.log(`ratio plain bwrap / plain spawn:                      ${ratio(plainBwrap, plainSpawn)}x`);
  await indexCost();
  redactorThroughput();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
