/**
 * bash's builtins (bash 5.2: `compgen -b`), sorted by whether one can be
 * inside an auto-allowed line. A builtin runs inside the shell that runs the
 * line, so it can change what every later word means: set variables (PATH,
 * IFS, HOME, GLOBIGNORE, BASH_CMDS…), options, traps, aliases, functions, the
 * working directory or file descriptors, evaluate arithmetic (which runs a
 * `$(…)` held in an array subscript), or run code. Only the inert ones may be
 * allowed; `printf` and `test`/`[` only without the arguments that assign or
 * evaluate (see `builtinArgumentProblem`).
 *
 * A unit test asks the bash on the machine for its builtins and fails if one
 * is missing here, so a new bash cannot add an unclassified builtin.
 */
export const INERT_BUILTINS: ReadonlySet<string> = new Set(['echo', 'printf', 'true', 'false', ':', 'pwd', 'test', '[']);

export const STATEFUL_BUILTINS: ReadonlySet<string> = new Set([
  '.',
  'alias',
  'bg',
  'bind',
  'break',
  'builtin',
  'caller',
  'cd',
  'command',
  'compgen',
  'complete',
  'compopt',
  'continue',
  'declare',
  'dirs',
  'disown',
  'enable',
  'eval',
  'exec',
  'exit',
  'export',
  'fc',
  'fg',
  'getopts',
  'hash',
  'help',
  'history',
  'jobs',
  'kill',
  'let',
  'local',
  'logout',
  'mapfile',
  'popd',
  'pushd',
  'read',
  'readarray',
  'readonly',
  'return',
  'set',
  'shift',
  'shopt',
  'source',
  'suspend',
  'times',
  'trap',
  'type',
  'typeset',
  'ulimit',
  'umask',
  'unalias',
  'unset',
  'wait',
]);

/**
 * Operators of `test`/`[` that make bash evaluate an operand as arithmetic
 * (`-eq`… evaluate array subscripts, running `$(…)` inside them) or look up a
 * variable by a name that may hold a subscript (`-v`, `-R`).
 */
const EVALUATING_TEST_OPERATORS = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-v', '-R']);

/** Why a builtin call is outside the allowable subset, or null when it is inert. */
export function builtinArgumentProblem(argv: readonly string[]): string | null {
  const name = argv[0] ?? '';
  if (STATEFUL_BUILTINS.has(name)) return `'${name}' is a shell builtin that can change the shell running the line`;
  if (name === 'printf') {
    // printf's options come before the format: `-v NAME` assigns (and evaluates a subscript in NAME).
    const first = argv[1] ?? '';
    if (first.startsWith('-') && first !== '--' && first !== '-') return `printf ${first} (assigns to a variable)`;
    return null;
  }
  if (name === 'test' || name === '[') {
    const bad = argv.slice(1).find((a) => EVALUATING_TEST_OPERATORS.has(a));
    if (bad !== undefined) return `${name} ${bad} (evaluates arithmetic or a variable name)`;
  }
  return null;
}
