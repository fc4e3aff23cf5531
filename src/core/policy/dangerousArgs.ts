import { programName } from './wrappers';

/**
 * Arguments that make an otherwise read-only program run code or write
 * files. A command holding one is never auto-allowed, whatever the allow
 * list says. Each check returns the offending construct, or null.
 */
type Check = (args: readonly string[]) => string | null;

/**
 * Whether any argument is one of `names`: exactly, as `--long=value`, or as
 * any abbreviation of a long option (`--compress-p`, `--co`, `--e`): GNU
 * getopt accepts every unambiguous prefix, so any prefix counts here.
 */
const has = (args: readonly string[], ...names: string[]): string | null => {
  for (const a of args) {
    if (a === '--') break;
    const name = a.startsWith('--') ? (a.split('=')[0] ?? a) : a;
    for (const n of names) {
      if (a === n) return n;
      if (n.startsWith('--') && name.length >= 3 && name.startsWith('--') && n.startsWith(name)) return n;
    }
  }
  return null;
};

/** A short option given alone, in a cluster (`-ni`), or with its value attached (`-i.bak`). */
const hasShort = (args: readonly string[], letter: string, clusterOnly = false): boolean =>
  args.some(
    (a) =>
      /^-[A-Za-z]/.test(a) &&
      !a.startsWith('--') &&
      (clusterOnly ? /^-[A-Za-z]+$/.test(a) && a.includes(letter) : a.slice(1).includes(letter)),
  );

/** sed scripts we can prove only print or substitute on stdout (no `e`, `w`, `W`, `r`, `R` commands or flags). */
function sedScriptIsSafe(script: string): boolean {
  for (const piece of script.split(/[;\n]/)) {
    const s = piece.trim();
    if (s === '') continue;
    const addr = String.raw`(?:\d+|\$|/[^/]*/)(?:,(?:\d+|\$|/[^/]*/|[+~]\d+))?`;
    if (new RegExp(`^(?:${addr})?\\s*!?\\s*[pdqQ=nNgGhHxlz]?$`).test(s)) continue;
    const sub = new RegExp(`^(?:${addr})?\\s*(?:s|y)(.)`).exec(s);
    if (sub) {
      const d = sub[1] ?? '/';
      if (d === '\\' || d === '\n') return false;
      const parts = s.slice(sub[0].length).split(d);
      // s/a/b/flags: three pieces; escaped delimiters make this split wrong, so only accept the simple shape.
      if (parts.length !== 3 || /\\$/.test(parts[0] ?? '') || /\\$/.test(parts[1] ?? '')) return false;
      if (!/^[gpiImM0-9]*$/.test(parts[2] ?? '')) return false;
      continue;
    }
    return false;
  }
  return true;
}

function sed(args: readonly string[]): string | null {
  if (has(args, '--in-place') || hasShort(args, 'i') || hasShort(args, 'I')) return 'sed -i (in-place edit)';
  if (has(args, '--file') || hasShort(args, 'f', true)) return 'sed -f (script from a file)';
  if (has(args, '-e', '--expression') || args.some((a) => /^-[a-zA-Z]*e/.test(a) && !a.startsWith('--'))) {
    return 'sed -e (scripts spread over several words)';
  }
  const valued = new Set(['-l', '--line-length']);
  const script = args.find((a, i) => !a.startsWith('-') && !valued.has(args[i - 1] ?? ''));
  return script === undefined || sedScriptIsSafe(script) ? null : 'sed script with e/w/r commands or flags we cannot prove safe';
}

function sort(args: readonly string[]): string | null {
  if (has(args, '--compress-program', '-o', '--output', '--files0-from') || hasShort(args, 'o'))
    return 'sort --compress-program / -o / --files0-from';
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const size = a === '-S' ? args[i + 1] : a.startsWith('-S') ? a.slice(2) : a.startsWith('--buffer-size=') ? a.slice(14) : null;
    if (size !== null && size !== undefined && /[gtpezy%]$/i.test(size)) return 'sort -S (a huge buffer)';
  }
  return null;
}

/** awk's options that take a value (POSIX, gawk, mawk), short and long. */
const AWK_VALUED_SHORT = new Set(['F', 'v', 'f', 'W', 'e', 'i', 'l', 'E']);
const AWK_CODE_OPTIONS = ['-f', '--file', '-E', '--exec', '-i', '--include', '-l', '--load', '-W'];

/** The program text with string and regex literals blanked, so `;`, `>` or braces inside them mean nothing. */
function awkCode(program: string): string {
  return program.replace(/"(?:[^"\\]|\\.)*"/gs, '""').replace(/(^|[(,~!&|{};=\s])\/(?:[^/\\\n]|\\.)+\//g, '$1//');
}

/** Whether an awk program may run commands, write files or read other files. */
function awkProgramProblem(program: string): string | null {
  if (/system|getline|close|fflush|ENVIRON|PROCINFO|@load|@include|@namespace/.test(program)) {
    return 'awk program that runs commands or reads other input (system, getline, ENVIRON…)';
  }
  const code = awkCode(program);
  if (/\|/.test(code.replace(/\|\|/g, ''))) return 'awk program with a pipe (|)';
  // `>` after print/printf, before the statement ends, is a redirection to a file.
  if (/\bprintf?\b[^;{}\n]*>/.test(code)) return 'awk program that prints to a file (print >)';
  return null;
}

/** awk: the program is the first operand unless -f/-e/--source give it; options may be glued (`-F:`, `-vx=1`). */
function awk(args: readonly string[]): string | null {
  const code = has(args, ...AWK_CODE_OPTIONS.filter((o) => o.startsWith('--')));
  if (code) return `awk ${code} (program from a file, a library or an extension)`;
  const sources: string[] = [];
  let program: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') {
      program = args[i + 1] ?? null;
      break;
    }
    if (a.startsWith('--')) {
      const [name, value] = [a.split('=')[0] ?? a, a.includes('=') ? a.slice(a.indexOf('=') + 1) : null];
      if ('--source'.startsWith(name) && name.length >= 3) sources.push(value ?? args[++i] ?? '');
      else if (value === null && ['--assign', '--field-separator'].some((n) => n.startsWith(name) && name.length >= 3)) i += 1;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      const letter = a[1] ?? '';
      if ('fEilW'.includes(letter)) return `awk -${letter} (program from a file, a library or an extension)`;
      if (AWK_VALUED_SHORT.has(letter)) {
        const value = a.length > 2 ? a.slice(2) : (args[++i] ?? '');
        if (letter === 'e') sources.push(value);
      }
      continue;
    }
    program = a;
    break;
  }
  for (const p of program !== null && sources.length === 0 ? [program] : sources) {
    const problem = awkProgramProblem(p);
    if (problem) return problem;
  }
  return null;
}

function find(args: readonly string[]): string | null {
  const bad = has(args, '-exec', '-execdir', '-ok', '-okdir', '-delete', '-fprint', '-fprint0', '-fprintf', '-fls');
  return bad ? `find ${bad}` : null;
}

const GIT_GLOBAL_WITH_VALUE = new Set(['-C', '--git-dir', '--work-tree', '--namespace', '--super-prefix', '--list-cmds']);

/** A `git grep` short-option cluster holding -O, -f or -P before any option that takes the rest as its value. */
function gitGrepShortIsRisky(a: string): boolean {
  if (!/^-[^-]/.test(a)) return false;
  for (const c of a.slice(1)) {
    if (c === 'O' || c === 'f' || c === 'P') return true;
    if ('eABCm'.includes(c)) return false;
  }
  return false;
}

/** git options that run programs or write files; `-c` among the global options. */
function git(args: readonly string[]): string | null {
  let i = 0;
  for (; i < args.length && (args[i] ?? '').startsWith('-'); i++) {
    const a = args[i] ?? '';
    if (a === '-c' || /^-c./.test(a)) return 'git -c (configuration on the command line)';
    if (GIT_GLOBAL_WITH_VALUE.has(a)) i += 1;
  }
  const sub = args[i];
  const rest = args.slice(i + 1);
  const bad = has(
    args,
    '--config-env',
    '--exec-path',
    '--upload-pack',
    '--receive-pack',
    '--output',
    '--ext-diff',
    '--textconv',
    '--open-files-in-pager',
    '--exec',
    '--upload-archive',
    '--remote',
    '--template',
    '--config',
  );
  if (bad) return `git ${bad}`;
  if (sub === 'grep') {
    // `-O` opens matches in a program; pattern files and PCRE as the vscode defaults deny them.
    if (rest.some(gitGrepShortIsRisky) || has(rest, '--file', '--perl-regexp')) {
      return 'git grep -O/-f/-P';
    }
  }
  return null;
}

/** tar: only listing (-t) may be allowed; every other mode writes or deletes, and `host:file` archives reach the network. */
function tar(args: readonly string[]): string | null {
  const bad = has(
    args,
    '--to-command',
    '--checkpoint-action',
    '--use-compress-program',
    '-I',
    '--info-script',
    '-F',
    '--new-volume-script',
    '--rmt-command',
    '--rsh-command',
    '--index-file',
    '--extract',
    '--get',
    '--create',
    '--append',
    '--update',
    '--catenate',
    '--concatenate',
    '--delete',
    '--remove-files',
    '--listed-incremental',
    '--files-from',
    '--directory',
    '--transform',
    '--xform',
    '-T',
    '-C',
    '-g',
  );
  if (bad) return `tar ${bad}`;
  // The first word may be a bundle without a dash (`tar xzf a.tgz`).
  const first = args[0] ?? '';
  // Short options may come in clusters with a value glued on (`-T-`, `-xvf`): every letter before the first non-letter counts.
  const clusters = args.filter((a) => /^-[A-Za-z]/.test(a)).map((a) => /^-([A-Za-z]+)/.exec(a)?.[1] ?? '');
  const mode = [...(first !== '' && !first.startsWith('-') ? [first] : []), ...clusters].join('');
  if (/[xcruA]/.test(mode)) return 'tar in a mode that writes (-x, -c, -r, -u, -A)';
  if (/[gTCIF]/.test(mode)) return 'tar -g/-T/-C/-I/-F (incremental file, names from a file, another folder, a program)';
  if (!has(args, '--force-local')) {
    const archive = args.find(
      (a, i) =>
        (a.startsWith('--file=') || /f$/.test(args[i - 1] ?? '') || /^-[A-Za-z]*f./.test(a)) &&
        /^[^/]*:/.test(a.replace(/^--file=|^-[A-Za-z]*f/, '')),
    );
    if (archive) return 'tar archive on another host (host:file)';
  }
  return null;
}

function rg(args: readonly string[]): string | null {
  const bad = has(args, '--pre', '--hostname-bin', '--search-zip', '-z');
  return bad ? `rg ${bad}` : null;
}

function fd(args: readonly string[]): string | null {
  const bad = has(args, '-x', '--exec', '-X', '--exec-batch');
  return bad ? `fd ${bad}` : null;
}

function go(args: readonly string[]): string | null {
  const bad = has(args, '-exec', '-toolexec', '--exec', '--toolexec');
  if (bad) return `go ${bad}`;
  if (args[0] === 'generate' || args[0] === 'run' || args[0] === 'tool') return `go ${args[0]}`;
  return null;
}

function npm(args: readonly string[]): string | null {
  const sub = args.find((a) => !a.startsWith('-'));
  if (sub === 'exec' || sub === 'x' || sub === 'dlx') return `${sub} (runs a package)`;
  return has(args, '--call', '-c') ? 'npm exec --call' : null;
}

/** curl: writing files, reading a config, uploading a file (`-T`, `@file` data), or a scheme other than http(s). */
function curl(args: readonly string[]): string | null {
  if (
    has(
      args,
      '-o',
      '--output',
      '-O',
      '--remote-name',
      '-K',
      '--config',
      '-T',
      '--upload-file',
      '--output-dir',
      '-D',
      '--dump-header',
      '-c',
      '--cookie-jar',
      '--trace',
      '--trace-ascii',
      '--libcurl',
      '--engine',
    ) ||
    hasShort(args, 'o', true)
  ) {
    return 'curl -o / -K / -T (writes a file, reads a config, uploads)';
  }
  if (args.some((a) => /^@/.test(a) || /^-[dF]@|^--(data|data-binary|data-raw|data-urlencode|form|json)=.*@/.test(a)))
    return 'curl @file (sends a file)';
  const dataOptions = new Set(['-d', '--data', '--data-binary', '--data-urlencode', '--json', '-F', '--form']);
  if (args.some((a, i) => dataOptions.has(args[i - 1] ?? '') && a.includes('@'))) return 'curl @file (sends a file)';
  const url = args.find((a) => /^[a-z][a-z0-9+.-]*:\/\//i.test(a) && !/^https?:\/\//i.test(a));
  return url ? `curl to a ${url.split(':')[0]}: URL (only http and https)` : null;
}

const DANGEROUS: Readonly<Record<string, Check>> = {
  find,
  git,
  sed,
  gsed: sed,
  awk,
  gawk: awk,
  mawk: awk,
  nawk: awk,
  busybox: () => 'busybox',
  tar,
  gtar: tar,
  bsdtar: tar,
  rg,
  fd,
  fdfind: fd,
  go,
  npm,
  pnpm: npm,
  yarn: npm,
  bun: npm,
  sort,
  date: (a) => (has(a, '-s', '--set') || a.some((x) => /^-[a-zA-Z]*s/.test(x)) ? 'date --set' : null),
  tree: (a) => (has(a, '-o', '-R') ? 'tree -o (writes a file)' : null),
  xxd: (a) => (a.filter((x) => x === '-' || !x.startsWith('-')).length >= 2 ? 'xxd with an output file' : null),
  uniq: (a) => (a.filter((x) => x === '-' || !x.startsWith('-')).length >= 2 ? 'uniq with an output file' : null),
  ptx: (a) => (a.filter((x) => x === '-' || !x.startsWith('-')).length >= 2 ? 'ptx with an output file' : null),
  split: () => 'split (writes files)',
  csplit: () => 'csplit (writes files)',
  wc: (a) => (has(a, '--files0-from') ? 'wc --files0-from (file names from input)' : null),
  du: (a) => (has(a, '--files0-from') ? 'du --files0-from (file names from input)' : null),
  file: (a) =>
    has(a, '--files-from', '-f', '--magic-file', '-m') || hasShort(a, 'f') || hasShort(a, 'm')
      ? 'file -f/-m (names or magic from a file)'
      : null,
  jq: (a) =>
    has(a, '-L', '--library-path') || a.some((x) => /^-L./.test(x) || /\b(import|include)\b/.test(x))
      ? 'jq -L / import (code from a library)'
      : null,
  diff: (a) => (has(a, '-l', '--paginate') || a.some((x) => /^-[A-Za-z]*l/.test(x) && !x.startsWith('--')) ? 'diff -l (runs pr)' : null),
  rsync: (a) => (has(a, '-e', '--rsh', '--rsync-path') ? 'rsync -e' : null),
  ssh: (a) => (a.some((x) => /ProxyCommand|LocalCommand|PermitLocalCommand/i.test(x)) ? 'ssh ProxyCommand/LocalCommand' : null),
  scp: (a) => (a.some((x) => /ProxyCommand/i.test(x)) || has(a, '-S') ? 'scp -S / ProxyCommand' : null),
  zip: (a) => (has(a, '-TT', '--unzip-command') ? 'zip -TT' : null),
  less: (a) => (a.some((x) => x.startsWith('+!') || x.includes('LESSOPEN')) ? 'less +!' : null),
  man: (a) => (has(a, '-P', '--pager', '-H', '--html') ? 'man -P' : null),
  tee: () => 'tee (writes files)',
  dd: (a) => (a.some((x) => x.startsWith('of=')) ? 'dd of=' : null),
  curl,
  wget: (a) =>
    has(
      a,
      '-O',
      '--output-document',
      '-e',
      '--execute',
      '--use-askpass',
      '--post-file',
      '--body-file',
      '--post-data',
      '--body-data',
      '-i',
      '--input-file',
      '-o',
      '--output-file',
      '-a',
      '--append-output',
    )
      ? 'wget -O / -e / --post-* (writes, runs or sends data)'
      : null,
  python: (a) => (has(a, '-c') || hasShort(a, 'c', true) ? 'python -c (inline code)' : null),
  python3: (a) => (has(a, '-c') || hasShort(a, 'c', true) ? 'python -c (inline code)' : null),
  perl: (a) => (hasShort(a, 'e') || hasShort(a, 'E') ? 'perl -e (inline code)' : null),
  ruby: (a) => (hasShort(a, 'e', true) ? 'ruby -e (inline code)' : null),
  node: (a) => (has(a, '-e', '--eval', '-p', '--print', '--import', '--require', '-r') ? 'node -e (inline code)' : null),
};

/** Whether Warden models `program`'s arguments (a check of the options that make it run code or write). */
export function hasArgumentModel(program: string): boolean {
  return Object.hasOwn(DANGEROUS, program);
}

/** The dangerous argument in `argv`, named, or null. */
export function dangerousArgument(argv: readonly string[]): string | null {
  const name = programName(argv[0] ?? '');
  const check = Object.hasOwn(DANGEROUS, name) ? DANGEROUS[name] : undefined;
  const args = argv.slice(1);
  const generic = has(args, '--output');
  if (check) {
    const found = check(args);
    if (found) return found;
  }
  return generic ? `${name} --output` : null;
}
