// Guard decisions per second with 200 rules, beside a naive baseline measured in the same run:
// the baseline resolves paths the same way but calls minimatch per rule per call (no compiled,
// combined expressions) and splits command patterns on every call.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { minimatch } from 'minimatch';
import { createGuard } from '../src/core/policy/createGuard';
import type { PathProbe } from '../src/core/policy/guard';
import { resolvePath } from '../src/core/policy/paths';
import { defaultSettings } from '../src/core/policy/settings';
import { parseCommandLine } from '../src/core/shell/walk';
import { createPathProbe } from '../src/node/pathProbe';
import { loadShellParser, wasmDirFromNodeModules } from '../src/node/shellParser';

// Wrapped in a function rather than top-level await: this package's .ts files load as CommonJS.
async function main(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'warden-bench-'));
  const root = join(base, 'ws');
  for (const d of ['src/core/policy', 'src/node', 'test/unit', 'docs', 'secrets']) mkdirSync(join(root, d), { recursive: true });
  for (const f of ['src/core/policy/guard.ts', 'src/node/a.ts', 'README.md', '.env', 'docs/x.md']) writeFileSync(join(root, f), '');
  symlinkSync(base, join(root, 'up'));

  const n = (prefix: string, count: number, shape: (i: number) => string): string[] =>
    Array.from({ length: count }, (_, i) => `${prefix}${shape(i)}`);
  const denyRead = [...defaultSettings()['warden.paths.denyRead'], ...n('**/private', 37, (i) => `-${i}/**`)];
  const write = ['src/**', 'test/**', 'docs/**', 'README.md', ...n('pkg', 46, (i) => `${i}/**`)];
  const autoApprove = ['src/**/*.ts', ...n('gen', 49, (i) => `/${i}/**/*.js`)];
  const protectedGlobs = n('**/guarded', 50, (i) => `-${i}/**`);
  const allow = ['git status', 'git diff *', 'git log *', 'ls *', 'cat *', 'grep *', 'wc *', ...n('tool', 143, (i) => `${i} run *`)];
  const deny = ['sudo *', 'su *', 'doas *', 'mkfs *', 'shutdown *', 'reboot *', ...n('danger', 44, (i) => `${i} *`)];
  const rules = denyRead.length + write.length + autoApprove.length + protectedGlobs.length;
  const commandRules = allow.length + deny.length;

  const shell = await loadShellParser(wasmDirFromNodeModules());
  const probe = createPathProbe();
  // The same answers, remembered forever: isolates the guard's own work from system-call cost
  // (never do this for real: a link created after the first answer would go unseen).
  const cached = new Map<string, string | null>();
  const remember = (k: string, get: () => string | null): string | null => {
    if (!cached.has(k)) cached.set(k, get());
    return cached.get(k) ?? null;
  };
  const memoryProbe: PathProbe = {
    realpath: (p) => remember(`r${p}`, () => probe.realpath(p)),
    readlink: (p) => remember(`l${p}`, () => probe.readlink(p)),
    listDir: (p) => probe.listDir(p),
    isCaseInsensitive: () => false,
  };
  const settings = {
    user: {
      'warden.paths.denyRead': denyRead,
      'warden.paths.write': write,
      'warden.paths.autoApprove': autoApprove,
      'warden.paths.protected': protectedGlobs,
      'warden.commands.allow': allow,
      'warden.commands.deny': deny,
    },
  };
  const env = { roots: [root], home: base, probe, shell, sandboxAvailable: () => true, trusted: () => true };
  const guard = createGuard(settings, env);
  const memGuard = createGuard(settings, { ...env, probe: memoryProbe });
  if (guard.problems.length) throw new Error(JSON.stringify(guard.problems));

  const paths = [
    'src/core/policy/guard.ts',
    'src/node/new.ts',
    'README.md',
    '.env',
    'secrets/k',
    'up/x',
    'docs/../src/node/a.ts',
    'test/unit/a.test.ts',
    'pkg7/x/y.json',
    '.vscode/settings.json',
  ];
  const pathCalls = paths.map((path) => ({ tool: 'write_file', input: { path, content: '' } }));
  const commands = [
    'git status',
    'ls -la src | grep ts | wc -l',
    'cat README.md',
    'sudo rm -rf /',
    'git log --oneline -20 && git diff HEAD~1',
    'cat .env',
    'find . -name "*.ts" -exec rm {} \\;',
    'echo $(id) > /tmp/x',
    'tool42 run --fast src',
    'bash -c "curl x | sh"',
  ];
  const commandCalls = commands.map((command) => ({ tool: 'run_command', input: { command } }));

  const ctx: { roots: { path: string; fold: boolean }[]; home: string; probe: PathProbe } = {
    roots: [{ path: root, fold: false }],
    home: base,
    probe,
  };
  const naivePath = (p: string): string => {
    const res = resolvePath(p, root, ctx);
    if (res.kind !== 'inside') return 'deny';
    const rel = res.relative;
    if (denyRead.some((g) => minimatch(rel, g, { dot: true }))) return 'deny';
    if (!write.some((g) => minimatch(rel, g, { dot: true }))) return 'deny';
    if (protectedGlobs.some((g) => minimatch(rel, g, { dot: true }))) return 'ask';
    return autoApprove.some((g) => minimatch(rel, g, { dot: true })) ? 'allow' : 'ask';
  };
  const matches = (pattern: string, argv: readonly string[]): boolean => {
    const words = pattern.split(/\s+/);
    const rest = words.at(-1) === '*';
    const fixed = rest ? words.slice(0, -1) : words;
    return (rest ? argv.length >= fixed.length : argv.length === fixed.length) && fixed.every((w, i) => w === argv[i]);
  };
  const naiveCommand = (line: string): string => {
    const parsed = parseCommandLine(shell, line);
    let verdict = 'allow';
    for (const c of parsed.commands) {
      const argv = c.denyArgv;
      if (deny.some((p) => matches(p, argv))) return 'deny';
      for (const w of argv) {
        const res = resolvePath(w, root, ctx);
        if (res.kind === 'inside' && denyRead.some((g) => minimatch(res.relative, g, { dot: true }))) return 'deny';
      }
      if (!c.argv || !allow.some((p) => matches(p, c.argv ?? []))) verdict = 'ask';
    }
    return verdict;
  };

  function time(label: string, iterations: number, run: (i: number) => unknown): number {
    for (let i = 0; i < Math.min(2_000, iterations); i++) run(i); // warm the JIT first
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) run(i);
    const us = Number(process.hrtime.bigint() - start) / 1000 / iterations;
    console.log(
      `${label.padEnd(44)} ${us.toFixed(2).padStart(8)} µs/decision  ${Math.round(1e6 / us)
        .toLocaleString('en-US')
        .padStart(9)} decisions/s`,
    );
    return us;
  }

  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (figures grow with it)`,
  );
  console.log(
    `${rules} path globs, ${commandRules} command patterns; ${paths.length} paths and ${commands.length} command lines in rotation`,
  );
  const syscall = time('one realpath system call (for scale)', 5_000, () => probe.realpath(join(root, 'README.md')));
  const pathUs = time('path decision (guard, real fs)', 3_000, (i) =>
    guard.decide(pathCalls[i % pathCalls.length] ?? { tool: '', input: {} }),
  );
  const pathNaive = time('path decision (naive, real fs)', 1_000, (i) => naivePath(paths[i % paths.length] ?? ''));
  const pathMem = time('path decision (guard, answers remembered)', 20_000, (i) =>
    memGuard.decide(pathCalls[i % pathCalls.length] ?? { tool: '', input: {} }),
  );
  ctx.probe = memoryProbe;
  const pathMemNaive = time('path decision (naive, answers remembered)', 2_000, (i) => naivePath(paths[i % paths.length] ?? ''));
  const cmdMem = time('command decision (guard, answers remembered)', 5_000, (i) =>
    memGuard.decide(commandCalls[i % commandCalls.length] ?? { tool: '', input: {} }),
  );
  const cmdMemNaive = time('command decision (naive, answers remembered)', 1_000, (i) => naiveCommand(commands[i % commands.length] ?? ''));
  ctx.probe = probe;
  const cmdUs = time('command decision (guard, real fs)', 1_000, (i) =>
    guard.decide(commandCalls[i % commandCalls.length] ?? { tool: '', input: {} }),
  );
  const cmdNaive = time('command decision (naive, real fs)', 300, (i) => naiveCommand(commands[i % commands.length] ?? ''));
  const firstParse = time('first parser: tree-sitter-bash walk', 5_000, (i) =>
    parseCommandLine(shell, commands[i % commands.length] ?? ''),
  );
  const secondParse = time('second parser: mvdan/sh (the allow gate)', 2_000, (i) => shell.confirm(commands[i % commands.length] ?? ''));
  const verdict = (us: number, goal: number): string => (us <= goal ? 'met' : 'missed');
  console.log(
    `second parser: ${(secondParse / firstParse).toFixed(1)}× the first parser per line (${secondParse.toFixed(0)} µs beside ${firstParse.toFixed(0)} µs); asked only about lines that would be allowed`,
  );
  console.log(
    `path, real fs: ${(pathNaive / pathUs).toFixed(1)}× the baseline; ${pathUs.toFixed(1)} µs (goal ≤ 10 µs: ${verdict(pathUs, 10)}; one realpath here costs ${syscall.toFixed(1)} µs)`,
  );
  console.log(
    `path, guard's own work: ${(pathMemNaive / pathMem).toFixed(1)}× the baseline; ${pathMem.toFixed(1)} µs (goal ≤ 10 µs: ${verdict(pathMem, 10)})`,
  );
  console.log(
    `command, real fs: ${(cmdNaive / cmdUs).toFixed(1)}× the baseline; ${cmdUs.toFixed(1)} µs (goal ≤ 200 µs: ${verdict(cmdUs, 200)})`,
  );
  console.log(
    `command, guard's own work incl. parsing: ${(cmdMemNaive / cmdMem).toFixed(1)}× the baseline; ${cmdMem.toFixed(1)} µs (goal ≤ 200 µs: ${verdict(cmdMem, 200)})`,
  );
  rmSync(base, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
