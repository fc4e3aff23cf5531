// A checkpoint (the shadow git history's snapshot) on a small workspace and
// on a large one with a big ignored node_modules, beside `git status` on the
// same tree (a real repository holding the same files, node_modules ignored),
// measured in the same run:
//   first snapshot (every file hashed into the store)
//   snapshot with nothing changed  /  with 1 file changed  /  with 100 changed
//   git status --porcelain (warm)
// WARDEN_BENCH_CHECKPOINT_FILES=N sets the large workspace's file count (default 50,000;
// node_modules holds 20,000 more).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitCheckpointStore } from '../src/node/checkpoints/gitStore';

const RUNS = 5;
const signal = new AbortController().signal;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function time(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function makeTree(root: string, files: number, modules: number): void {
  for (let i = 0; i < files; i++) {
    const dir = join(root, 'src', `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.ts`), `export const v${i} = ${i};\n// ${'x'.repeat(i % 200)}\n`);
  }
  for (let i = 0; i < modules; i++) {
    const dir = join(root, 'node_modules', `pkg${Math.floor(i / 50)}`);
    if (i % 50 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `m${i}.js`), `module.exports = ${i};\n`);
  }
  writeFileSync(join(root, '.gitignore'), 'node_modules/\n');
}

const gitEnv = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'b',
  GIT_AUTHOR_EMAIL: 'b@b',
  GIT_COMMITTER_NAME: 'b',
  GIT_COMMITTER_EMAIL: 'b@b',
};
const gitIn = (cwd: string, args: string[]) => execFileSync('git', args, { cwd, env: gitEnv, maxBuffer: 1 << 30 });

async function bench(label: string, files: number, modules: number): Promise<void> {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'warden-bench-cp-')));
  try {
    const root = join(base, 'ws');
    mkdirSync(root);
    makeTree(root, files, modules);
    const store = await GitCheckpointStore.open({
      root,
      dir: join(base, 'store'),
      exclude: ['node_modules/'],
      includeIgnored: false,
      mayStore: () => true,
    });
    let step = 0;
    const snap = () =>
      store.snapshot(
        { taskId: 'bench', step: ++step, callId: null, tool: 'bench', phase: 'before', at: new Date().toISOString(), summary: 'bench' },
        signal,
      );
    const first = await time(snap);
    const none: number[] = [];
    const one: number[] = [];
    const hundred: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      none.push(await time(snap));
      writeFileSync(join(root, 'src', 'd0', 'f0.ts'), `changed ${r}\n`);
      one.push(await time(snap));
      for (let i = 0; i < 100; i++)
        writeFileSync(join(root, 'src', `d${i % Math.max(1, Math.floor(files / 100))}`, `new-${r}-${i}.ts`), `${r} ${i}\n`);
      hundred.push(await time(snap));
    }
    // The baseline: a real repository over the same files.
    gitIn(root, ['init', '-q']);
    gitIn(root, ['add', '-A']);
    gitIn(root, ['commit', '-qm', 'all']);
    gitIn(root, ['status', '--porcelain']);
    const status: number[] = [];
    for (let r = 0; r < RUNS; r++) status.push(await time(() => gitIn(root, ['status', '--porcelain'])));
    const s = median(status);
    const row = (name: string, ms: number) =>
      console.log(`  ${name.padEnd(40)} ${ms.toFixed(1).padStart(9)} ms   ${(ms / s).toFixed(2).padStart(6)}× git status`);
    const usage = await store.usage();
    console.log(
      `${label}: ${files} files + ${modules} in an ignored node_modules; store ${(usage.bytes / 1024 / 1024).toFixed(1)} MiB after ${step} checkpoints`,
    );
    row('first checkpoint (every file hashed)', first);
    row('checkpoint, nothing changed', median(none));
    row('checkpoint, 1 file changed', median(one));
    row('checkpoint, 100 files added', median(hundred));
    row('git status --porcelain (baseline)', s);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await bench('small workspace', 200, 500);
  const n = Number(process.env.WARDEN_BENCH_CHECKPOINT_FILES ?? 50_000);
  await bench('large workspace', n, 20_000);
}

void main();
