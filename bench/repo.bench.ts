// search_text, list_files and read_file on a real checkout, each beside the
// plain tool a person would run, measured in the same run:
//   search_text from the root (a rare literal)  vs  rg -n -F LITERAL
//   recall of that literal                       vs  rg with the same scope, less what policy denies
//   list_files of the root, first listing        vs  rg --files and git ls-files --others (walks of the same tree)
//   list_files again, the tree unchanged         vs  git ls-files (the index; or rg --files outside git)
//   read_file of the largest text file           vs  a plain read of it (readFileSync, and fs.promises.readFile)
//   the denyRead filter per entry                vs  the guard's canRead (one realpath per entry)
// WARDEN_BENCH_REPO=/path/to/checkout (default: this checkout);
// WARDEN_BENCH_LITERAL=text (default: a literal the bench picks, found in few files).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGuard } from '../src/core/policy/createGuard';
import type { Guard } from '../src/core/policy/guard';
import { toolModule } from '../src/core/tools/registry';
import type { ToolName } from '../src/core/tools/schemas';
import { DEFAULT_TOOL_LIMITS, type ToolContext, type ToolLimits } from '../src/core/tools/tool';
import { createRedactor } from '../src/core/secrets/createRedactor';
import { createPathProbe } from '../src/node/pathProbe';
import { loadShellParser, wasmDirFromNodeModules } from '../src/node/shellParser';
import { stampTree } from '../src/node/search/stamps';
import { createWorkspaceFs } from '../src/node/workspaceFs';
import type { WorkspaceFs } from '../src/core/tools/ports';

const root = realpathSync(process.env.WARDEN_BENCH_REPO ?? process.cwd());
const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** Median of `runs` timed calls after one untimed; `pauseMs` between calls (untimed), for work a call leaves running. */
async function timeIt(fn: () => unknown, runs = RUNS, pauseMs = 0): Promise<number> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

/**
 * Medians of `rounds` rounds that each run every step once, in turn, after
 * `warm` untimed rounds: a busy machine then slows each side alike.
 */
async function interleaved<K extends string>(steps: Record<K, () => unknown>, rounds: number, warm: number): Promise<Record<K, number>> {
  const names = Object.keys(steps) as K[];
  const ms = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < warm + rounds; round++) {
    for (const name of names) {
      const t = performance.now();
      await steps[name]();
      if (round >= warm) ms[name].push(performance.now() - t);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(ms[n])])) as Record<K, number>;
}

/** Time a first listing leaves its stamp to be taken in (./listingIndex.ts), so that the next one measured does not share the CPU with it. */
const STAMP_PAUSE_MS = 1500;

function rg(args: string[]): string {
  const r = spawnSync('rg', args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  return r.stdout;
}

async function main(): Promise<void> {
  const shell = await loadShellParser(wasmDirFromNodeModules());
  const guardWith = (user: Record<string, unknown>): Guard =>
    createGuard(
      { user },
      { roots: [root], home: '/root', probe: createPathProbe(), shell, sandboxAvailable: () => false, trusted: () => true },
    );
  const guard = guardWith({});
  // The same tools with warden.paths.denyRead empty: the walk without the filter's work.
  const unfiltered = guardWith({ 'warden.paths.denyRead': [] });
  // One file-system port per task, as the extension builds it (ripgrep's confinement is probed once).
  const fs = createWorkspaceFs();
  const ctx = (limits: Partial<ToolLimits> = {}, g: Guard = guard): ToolContext => ({
    fs,
    fetcher: null,
    runner: null,
    guard: g,
    redactor: createRedactor(['sk-ant-api03-bench-0123456789abcdefghij']),
    roots: [root],
    limits: { ...DEFAULT_TOOL_LIMITS, ...limits },
    allowedHosts: [],
    secretValues: () => Promise.resolve({}),
  });
  const tool = async (
    name: ToolName,
    input: Record<string, unknown>,
    limits: Partial<ToolLimits> = {},
    g: Guard = guard,
    ownFs?: WorkspaceFs,
  ): Promise<string> => {
    const decided = g.decide({ tool: name, input });
    if (decided.decision !== 'allow') throw new Error(`${name}: ${decided.message}`);
    const out = await toolModule(name).run(
      input,
      decided,
      { ...ctx(limits, g), ...(ownFs ? { fs: ownFs } : {}) },
      { signal: new AbortController().signal, approvedByPerson: false },
      null,
    );
    if (out.isError) throw new Error(`${name}: ${out.text}`);
    return out.text;
  };

  const files = rg(['--files', '--no-config', '--hidden', '--no-require-git', '-g', '!.git', '-g', '!node_modules'])
    .split('\n')
    .filter(Boolean);
  console.log(`checkout: ${root} (${files.length.toLocaleString('en')} files ripgrep would search with the tools' scope)`);
  const literal = process.env.WARDEN_BENCH_LITERAL ?? pickLiteral(files);

  const { ours, base, same } = await interleaved(
    {
      ours: () => tool('search_text', { query: literal }),
      base: () => rg(['-n', '-F', literal]),
      same: () => rg(['-n', '-F', '--no-config', '--hidden', '--no-require-git', '-g', '!.git', '-g', '!node_modules', literal]),
    },
    7,
    1,
  );
  console.log(
    `search_text "${literal}" from the root: ${ours.toFixed(0)} ms; rg -n -F: ${base.toFixed(0)} ms (${(ours / base).toFixed(2)}x; goal <= 1.5x); rg with the tools' scope: ${same.toFixed(0)} ms (${(ours / same).toFixed(2)}x)`,
  );

  const all = await tool('search_text', { query: literal }, { maxSearchMatches: 10_000_000 });
  const got = new Set(
    all
      .split('\n')
      .filter((l) => !l.startsWith('['))
      .map((l) => /^(.*?:\d+): /.exec(l)?.[1])
      .filter(Boolean),
  );
  const want = rg(['-n', '-F', '--no-config', '--hidden', '--no-require-git', '-g', '!.git', '-g', '!node_modules', literal])
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(':').slice(0, 2).join(':'))
    .filter((l) => guard.readFilter().allows(root, l.split(':')[0] ?? '', false));
  const found = want.filter((w) => got.has(w)).length;
  console.log(`recall of "${literal}": ${found} of the ${want.length} places ripgrep finds that policy allows (${got.size} reported)`);

  const isGit = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root, stdio: 'ignore' }).status === 0;
  // A search of its own each time: no kept listing, so ripgrep walks the tree (the first listing of a window).
  const firstList = await timeIt(() => tool('list_files', {}, {}, guard, createWorkspaceFs()), RUNS, STAMP_PAUSE_MS);
  // A walk of the working tree with the same scope: what any listing that sees untracked files must do.
  const walk = await timeIt(() =>
    rg(['--files', '--null', '--no-config', '--hidden', '--no-require-git', '-g', '!.git', '-g', '!node_modules']),
  );
  const untracked = isGit
    ? await timeIt(() => execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 1 << 30 }))
    : NaN;
  console.log(
    `list_files of the root, first listing (ripgrep walks): ${firstList.toFixed(0)} ms; rg --files with the tools' scope: ${walk.toFixed(0)} ms (${(firstList / walk).toFixed(2)}x)` +
      (isGit
        ? `; git ls-files --cached --others --exclude-standard: ${untracked.toFixed(0)} ms (${(firstList / untracked).toFixed(2)}x)`
        : ''),
  );
  // The tree has not changed since (the bench changes nothing): the kept listing, once every folder's stamp is checked.
  const stamp = await stampTree(root, true);
  await tool('list_files', {});
  await new Promise((r) => setTimeout(r, STAMP_PAUSE_MS));
  const { list, lsBase } = await interleaved(
    {
      list: () => tool('list_files', {}),
      lsBase: () => (isGit ? execFileSync('git', ['ls-files'], { cwd: root, maxBuffer: 1 << 30 }) : rg(['--files'])),
    },
    11,
    1,
  );
  console.log(
    `list_files of the root again, tree unchanged (kept listing; ${typeof stamp === 'string' ? `not stamped: ${stamp}` : `${stamp.paths.length.toLocaleString('en')} stamps checked`}): ${list.toFixed(0)} ms; ${isGit ? 'git ls-files (the index only)' : 'rg --files'}: ${lsBase.toFixed(0)} ms (${(list / lsBase).toFixed(2)}x; goal <= 2x)`,
  );
  const bare = await timeIt(() => tool('list_files', {}, {}, unfiltered, createWorkspaceFs()), RUNS, STAMP_PAUSE_MS);
  console.log(
    `list_files of the root, first listing with denyRead empty: ${bare.toFixed(0)} ms (the default denyRead filter adds ${(((firstList - bare) / bare) * 100).toFixed(0)} %)`,
  );
  const globbed = await timeIt(() => tool('list_files', { glob: '**/*.ts' }));
  const globbedFirst = await timeIt(() => tool('list_files', { glob: '**/*.ts' }, {}, guard, createWorkspaceFs()), RUNS, STAMP_PAUSE_MS);
  console.log(
    `list_files glob **/*.ts: first ${globbedFirst.toFixed(0)} ms (${(globbedFirst / walk).toFixed(2)}x rg --files); tree unchanged ${globbed.toFixed(0)} ms (${(globbed / lsBase).toFixed(2)}x ${isGit ? 'git ls-files' : 'rg --files'})`,
  );

  const largest = files
    .filter((f) => /\.(js|ts|mjs|cjs|json|md|txt|css|html|map)$/.test(f))
    .map((f) => ({ f, size: statSync(join(root, f)).size }))
    .sort((a, b) => b.size - a.size)
    .find((x) => x.size < 64 * 1024 * 1024);
  if (largest) {
    const path = join(root, largest.f);
    const runs = await interleaved(
      {
        read: () => tool('read_file', { path: largest.f }),
        plain: () => readFileSync(path),
        mid: () => tool('read_file', { path: largest.f, offset: 5000, limit: 200 }),
        plainAsync: () => readFile(path),
      },
      40,
      10,
    );
    const { read, mid, plain, plainAsync } = runs;
    console.log(
      `read_file ${largest.f} (${largest.size.toLocaleString('en')} bytes), first window: ${read.toFixed(1)} ms; window at line 5,000: ${mid.toFixed(1)} ms; plain read: ${plain.toFixed(1)} ms (${(read / plain).toFixed(1)}x; goal <= 5x); fs.promises.readFile: ${plainAsync.toFixed(1)} ms (${(read / plainAsync).toFixed(1)}x)`,
    );
  }

  const filter = guard.readFilter();
  const abs = files.map((f) => join(root, f));
  const fast = await timeIt(() => files.filter((f) => filter.allows(root, f, false)).length);
  const slow = await timeIt(() => abs.filter((a) => guard.canRead(a)).length, 1);
  console.log(
    `denyRead filter over ${files.length.toLocaleString('en')} entries: ${((fast * 1000) / files.length).toFixed(2)} µs each; canRead (realpath each): ${((slow * 1000) / files.length).toFixed(2)} µs each (${(slow / fast).toFixed(0)}x)`,
  );
}

/** A word found in a handful of files: rare enough that a search missing some would show. */
function pickLiteral(files: readonly string[]): string {
  for (const candidate of ['deprecate', 'sourceMappingURL=', 'Copyright', 'TODO']) {
    const n = rg(['-l', '-F', '--no-config', '--hidden', '--no-require-git', '-g', '!.git', '-g', '!node_modules', candidate])
      .split('\n')
      .filter(Boolean).length;
    if (n > 3 && n < Math.max(50, files.length / 100)) return candidate;
  }
  return 'function';
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
