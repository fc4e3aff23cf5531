import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Guard } from '../../../src/core/policy/guard';
import { INERT_BUILTINS, STATEFUL_BUILTINS } from '../../../src/core/shell/builtins';
import { guardFor, makeWorkspace, shellParser, type Workspace } from './harness';

/**
 * The allowable subset of bash, one regression class per root cause of lines
 * that real bash ran beyond what the guard saw (each with generated variants),
 * and the ordinary read-only lines that must still run unasked.
 */
const ALLOW = [
  'cat *',
  'echo *',
  'printf *',
  'test *',
  '[ *',
  'ls *',
  'git status',
  'git diff *',
  'git log *',
  'rg *',
  'grep *',
  'tr *',
  'wc *',
  'head *',
  'sed *',
  'awk *',
  'xxd *',
  'true',
  'pwd',
];

const cmd = fc.constantFrom('id', 'curl https://x.example', 'rm -rf src', 'sh', 'touch pwned', 'cat .env');
const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/);
const delimiter = fc.constantFrom('EOF', 'END', 'X', 'eof_1');

/** Class → generator of lines that must never be allowed. */
const NEVER_ALLOWED: Record<string, fc.Arbitrary<string>> = {
  'command substitution in an unquoted here-document body (the grammar gives backticks no node)': fc
    .tuple(delimiter, cmd, fc.constantFrom('`%`', '$(%)', 'x `%` y'))
    .map(([d, c, shape]) => `cat <<${d}\n${shape.replace('%', c)}\n${d}`),
  'a # after a backslash-escaped blank (a comment to one parser, a word to bash)': fc
    .tuple(cmd, fc.constantFrom('echo a\\ #b; %', 'echo x\\ # ; %', 'ls \\ #\n%', 'echo a\\\t#b;%'))
    .map(([c, shape]) => shape.replace('%', c)),
  'arithmetic on array subscripts reached through builtins': fc
    .tuple(
      name,
      cmd,
      fc.constantFrom(
        "printf -v '#[$(%)]' x",
        "test -v '#[$(%)]'",
        "[ '#[$(%)]' -eq 0 ]",
        "[ 1 -lt '#[$(%)]' ]",
        '[[ -v #[$(%)] ]]',
        "let '#[$(%)]'",
        '(( #[$(%)] ))',
        "declare -i '#[$(%)]'",
        "printf -v#[0] x; test -R '#[$(%)]'",
      ),
    )
    .map(([n, c, shape]) => shape.replaceAll('#', n).replace('%', c)),
  'builtins and assignments that change how later words resolve': fc
    .tuple(
      fc.constantFrom(
        "printf -v 'BASH_CMDS[cat]' /bin/sh; cat README.md",
        'hash -p /bin/sh cat; cat README.md',
        'PATH=. ls',
        'GLOBIGNORE=x; cat *',
        'HOME=. git status',
        'GIT_DIR=x git status',
        'PAGER=id git log',
        'GIT_PAGER=sh git log',
        'LD_PRELOAD=./x.so ls',
        'BASH_ENV=./x ls',
        'IFS=/ ls',
        'cd secrets; cat token',
        'cd secrets && cat token',
        'pushd secrets; cat token',
        'export GIT_DIR=x; git status',
        'shopt -s dotglob; cat *',
        'set -o noglob; ls',
        'alias ls=id; ls',
        'enable -n echo; echo x',
        'trap id EXIT; ls',
        'exec 3>out.txt; ls >&3',
        'read -r x; ls',
        'umask 0; ls',
        'source notes.txt',
        'unset PATH; ls',
      ),
      fc.constantFrom('', ' && ls', '; pwd'),
    )
    .map(([line, tail]) => line + tail),
  'globs checked only by their last name': fc.constantFrom(
    'cat app/.en?',
    'cat config/*',
    'cat */.*',
    'cat */.env',
    'cat *-link',
    'cat docs/*',
    'cat */*.pem',
    'cat secrets*/*',
    'ls secrets*',
    'cat config/.e*',
    'head -n 5 app/.*',
    'grep -h x config/.*',
    'cat ?ecrets/*',
    'cat [s]ecrets/token',
    'cat */*/.env',
    'cat .??v',
  ),
  'a glob that expands to a name the program reads as an option': fc.constantFrom('rg x *', 'ls *', 'cat *', 'grep x * ', 'tr a b -- *'),
  'words the grammar hangs on a redirection': fc
    .tuple(
      fc.constantFrom('2>/dev/null', '>/dev/null', '< README.md', '2>&1', '>&2'),
      fc.constantFrom('.env', 'secrets/token', 'env-link', 'app/.env'),
    )
    .map(([r, f]) => `cat ${r} ${f}`),
  'lines the two parsers read differently': fc.constantFrom('cat a - 2>&1', 'echo >> } [ x', "tr -d ' ' \\ x", 'head - 2>/dev/null'),
};

/** Ordinary lines people allow and expect to run unasked. */
const BENIGN = [
  'git status',
  'git diff',
  'git diff --stat',
  'git log --oneline -5',
  'ls',
  'ls -la src',
  'cat README.md',
  'rg foo',
  'rg -n foo src',
  '[ -f README.md ]',
  '[ ! -d build ]',
  "[ -n 'x' -a -f README.md ]",
  'test -f README.md',
  "tr -d '\\n'",
  "tr -d '\\n' < README.md",
  "grep -E '\\bfoo\\b' README.md",
  "rg '\\w+'",
  "echo 'a # b'",
  "printf '%s\\n' x",
  "cat <<'EOF'\nhello $(not run)\nEOF",
  'wc -l < README.md',
  'cat README.md | head -n 3',
  'git status && git diff',
  'ls src/*.ts',
  'cat src/*.ts | wc -l',
  "sed -n '1,5p' README.md",
  "awk '{ print $1 }' README.md",
  'echo "a\\"b"',
  'cat README.md 2>/dev/null',
  'ls > /dev/null 2>&1',
  'pwd',
  'true',
  "echo -e 'x\\ty'",
  'git log --format=%H -n 1',
];

describe('the allowable subset of bash', () => {
  let ws: Workspace;
  let guard: Guard;
  before(async () => {
    ws = makeWorkspace();
    for (const f of ['README.md', 'notes.txt', 'src/a.ts', 'docs/guide.md', 'config/app.json', 'app/main.ts']) ws.file(f);
    for (const f of ['.env', 'app/.env', 'config/.env', 'config/server.key', 'secrets/token', 'certs/server.pem']) ws.file(f, 'SECRET');
    ws.link('env-link', '.env');
    ws.link('docs/token-link', '../secrets/token');
    ws.file('--pre=sh', 'a file named like an option');
    guard = guardFor(ws, await shellParser(), { user: { 'warden.commands.allow': ALLOW } });
  });
  after(() => ws.dispose());

  const verdict = (command: string): string => {
    const r = guard.decide({ tool: 'run_command', input: { command } });
    return `${r.decision} ${r.reason}: ${r.message}`;
  };

  for (const [cls, lines] of Object.entries(NEVER_ALLOWED)) {
    it(`never allows ${cls}`, () => {
      fc.assert(
        fc.property(lines, (line) => {
          assert.doesNotMatch(verdict(line), /^allow/, JSON.stringify(line));
        }),
        { numRuns: 150, seed: 11 },
      );
    });
  }

  for (const line of BENIGN) {
    it(`allows ${JSON.stringify(line)}`, () => assert.match(verdict(line), /^allow command-allowed/));
  }

  it('asks with parser-disagreement when the second parser reads a line differently', () => {
    assert.match(verdict('cat a - 2>&1'), /^ask parser-disagreement: .*different commands/);
  });

  it('allows a glob whose names bash would not expand to a dotfile', () => {
    // `*` does not match a leading dot in bash (dotglob cannot be set in an allowed line): src/* never reaches src/.env.
    ws.file('src/.env', 'SECRET');
    assert.match(verdict('cat src/*'), /^allow/);
    assert.match(verdict('cat src/.*'), /^ask dangerous-construct/);
  });

  it('denies a denied file hung on a redirection, as bash would read it', () => {
    assert.match(verdict('cat 2>/dev/null .env'), /^deny denied-read/);
    assert.match(verdict('cat >/dev/null < README.md secrets/token'), /^deny denied-read/);
  });

  it('classifies every builtin of the bash on this machine', () => {
    const builtins = execFileSync('bash', ['-c', 'compgen -b'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const unknown = builtins.filter((b) => !INERT_BUILTINS.has(b) && !STATEFUL_BUILTINS.has(b));
    assert.deepEqual(unknown, [], 'bash has builtins src/core/shell/builtins.ts does not classify');
    assert.ok(builtins.length >= 50, `compgen -b listed only ${builtins.length}`);
  });
});
