/**
 * Programs that run other programs. None may appear in an auto-allowed
 * command; for deny rules, `unwrap` digs out what they would run (an argv,
 * or a shell script to parse) so `env sudo x` or `bash -c "sudo x"` is still
 * seen as `sudo`.
 */
interface WrapperSpec {
  /** Options that take a value as the next word. */
  readonly withValue?: readonly string[];
  /** Options whose value is a shell script (`sh -c`, `env -S`, `su -c`, `flock -c`…). */
  readonly script?: readonly string[];
  /** Positional words before the wrapped command (e.g. `timeout DURATION`). */
  readonly positional?: number;
  /** Skips `NAME=value` words (env). */
  readonly assignments?: boolean;
  /** The remaining words form a script rather than an argv (eval, watch). */
  readonly joinAsScript?: boolean;
  /** Runs a file we cannot see into (source, .). */
  readonly runsFile?: boolean;
}

const SHELL: WrapperSpec = { withValue: ['-o', '+o', '-O', '+O', '--rcfile', '--init-file'], script: ['-c'] };

export const WRAPPERS: Readonly<Record<string, WrapperSpec>> = {
  bash: SHELL,
  sh: SHELL,
  zsh: SHELL,
  dash: SHELL,
  ksh: SHELL,
  mksh: SHELL,
  fish: SHELL,
  ash: SHELL,
  busybox: {},
  env: { withValue: ['-u', '--unset', '-C', '--chdir'], script: ['-S', '--split-string'], assignments: true },
  sudo: { withValue: ['-u', '-g', '-C', '-h', '-p', '-r', '-t', '-U', '-D', '-R', '-T', '--user', '--group'] },
  doas: { withValue: ['-u', '-C'] },
  su: { withValue: ['-s', '--shell', '-g', '-G'], script: ['-c', '--command'] },
  runuser: { withValue: ['-u', '-g', '-G', '-s'], script: ['-c', '--command'] },
  eval: { joinAsScript: true },
  exec: { withValue: ['-a'] },
  command: {},
  builtin: {},
  source: { runsFile: true },
  '.': { runsFile: true },
  xargs: {
    withValue: [
      '-I',
      '-L',
      '-n',
      '-P',
      '-s',
      '-d',
      '-E',
      '-a',
      '--arg-file',
      '--delimiter',
      '--max-args',
      '--max-procs',
      '--max-lines',
      '--replace',
      '--eof',
    ],
  },
  nohup: {},
  timeout: { withValue: ['-s', '--signal', '-k', '--kill-after'], positional: 1 },
  nice: { withValue: ['-n', '--adjustment'] },
  ionice: { withValue: ['-c', '-n', '-p', '--class', '--classdata'] },
  chrt: { positional: 1 },
  taskset: { positional: 1 },
  stdbuf: { withValue: ['-i', '-o', '-e'] },
  setsid: {},
  time: { withValue: ['-f', '-o', '--format', '--output'] },
  chroot: { positional: 1 },
  unshare: {},
  nsenter: { withValue: ['-t', '--target'] },
  strace: { withValue: ['-o', '-e', '-p', '-s', '-u', '-E'] },
  ltrace: { withValue: ['-o', '-e', '-p', '-s', '-u'] },
  watch: { withValue: ['-n', '--interval', '-d'], joinAsScript: true },
  flock: { withValue: ['-w', '--timeout', '-E'], positional: 1, script: ['-c', '--command'] },
  script: { script: ['-c', '--command'] },
  unbuffer: {},
  fakeroot: {},
  firejail: {},
  proot: {},
  valgrind: {},
  'systemd-run': {},
  caffeinate: {},
  npx: { withValue: ['-p', '--package', '-c', '--call'] },
  bunx: {},
  pnpx: {},
};

/** Multi-word wrappers: `npm exec`, `pnpm dlx`… → how many words to skip. */
const SUBCOMMAND_WRAPPERS: Readonly<Record<string, readonly string[]>> = {
  npm: ['exec', 'x'],
  pnpm: ['dlx', 'exec'],
  yarn: ['dlx', 'exec'],
  bun: ['x'],
  uv: ['run'],
  uvx: [],
  pipx: ['run'],
  poetry: ['run'],
};

export function programName(argv0: string): string {
  const slash = argv0.lastIndexOf('/');
  return slash >= 0 ? argv0.slice(slash + 1) : argv0;
}

/** The wrapper `argv` starts with (`env`, `bash -c`, `npm exec`…), or null. */
export function wrapperOf(argv: readonly string[]): string | null {
  const name = programName(argv[0] ?? '');
  if (Object.hasOwn(WRAPPERS, name)) return name;
  const subs = Object.hasOwn(SUBCOMMAND_WRAPPERS, name) ? SUBCOMMAND_WRAPPERS[name] : undefined;
  if (subs && (subs.length === 0 || subs.includes(argv[1] ?? ''))) return subs.length ? `${name} ${argv[1]}` : name;
  return null;
}

export interface Unwrapped {
  /** The argv the wrapper would run, if found. */
  readonly argv: readonly string[] | null;
  /** A shell script the wrapper would run, if any. */
  readonly script: string | null;
}

function isShortCluster(word: string, letter: string): boolean {
  return /^-[A-Za-z]+$/.test(word) && word.includes(letter);
}

/** What a wrapper command would run. Only for deny checks: it is best effort, never used to allow. */
export function unwrap(argv: readonly string[]): Unwrapped {
  const name = programName(argv[0] ?? '');
  const spec = Object.hasOwn(WRAPPERS, name) ? WRAPPERS[name] : undefined;
  if (!spec) {
    const subs = Object.hasOwn(SUBCOMMAND_WRAPPERS, name) ? SUBCOMMAND_WRAPPERS[name] : undefined;
    if (subs) {
      const from = subs.length === 0 ? 1 : 2;
      const rest = argv.slice(from).filter((w) => !w.startsWith('-'));
      return { argv: rest.length ? rest : null, script: null };
    }
    return { argv: null, script: null };
  }
  if (spec.joinAsScript) {
    let i = 1;
    while (i < argv.length && (argv[i] ?? '').startsWith('-')) i += spec.withValue?.includes(argv[i] ?? '') ? 2 : 1;
    return { argv: null, script: argv.slice(i).join(' ') || null };
  }
  let positional = spec.positional ?? 0;
  let i = 1;
  while (i < argv.length) {
    const a = argv[i] ?? '';
    if (a === '--') {
      i += 1;
      break;
    }
    if (spec.script) {
      for (const opt of spec.script) {
        if (a === opt || (opt.length === 2 && isShortCluster(a, opt[1] ?? ''))) {
          // `bash -c SCRIPT` (the script is the next non-option word); `env -S STRING`.
          let j = i + 1;
          while (j < argv.length && /^[-+][A-Za-z]+$/.test(argv[j] ?? '') && spec === SHELL) j += 1;
          return { argv: null, script: argv[j] ?? null };
        }
        if (a.startsWith(`${opt}=`)) return { argv: null, script: a.slice(opt.length + 1) };
        if (opt.length === 2 && !opt.startsWith('--') && a.startsWith(opt) && a.length > 2 && !/^-[A-Za-z]+$/.test(a)) {
          return { argv: null, script: a.slice(2) };
        }
      }
    }
    if ((a.startsWith('-') || a.startsWith('+')) && a.length > 1) {
      i += spec.withValue?.includes(a) ? 2 : 1;
      continue;
    }
    if (spec.assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) {
      i += 1;
      continue;
    }
    if (positional > 0) {
      positional -= 1;
      i += 1;
      continue;
    }
    break;
  }
  if (spec.runsFile) return { argv: null, script: null };
  const rest = argv.slice(i);
  return { argv: rest.length ? rest : null, script: null };
}
