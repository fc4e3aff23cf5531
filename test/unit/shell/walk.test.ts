import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ShellParser } from '../../../src/core/policy/guard';
import { decodeAnsiC } from '../../../src/core/shell/ansiC';
import { parseCommandLine } from '../../../src/core/shell/walk';
import { loadShellParser, wasmDirFromNodeModules } from '../../../src/node/shellParser';

let shell: ShellParser;
const parse = (line: string) => parseCommandLine(shell, line);
const argvs = (line: string) => parse(line).commands.map((c) => c.argv);

describe('shell walker (tree-sitter-bash)', () => {
  before(async () => {
    shell = await loadShellParser(wasmDirFromNodeModules());
  });

  const literal: [string, string, (string[] | null)[]][] = [
    ['splits a list and a pipeline', 'git status && ls -la | cat', [['git', 'status'], ['ls', '-la'], ['cat']]],
    ['removes empty quotes inside a word', "c''url x", [['curl', 'x']]],
    ['removes double quotes and keeps their spaces', 'echo "a b" c', [['echo', 'a b', 'c']]],
    ['keeps single-quoted text as is', "echo '$HOME \\n'", [['echo', '$HOME \\n']]],
    ['unescapes inside double quotes', 'echo "x\\"y\\$z\\\\"', [['echo', 'x"y$z\\']]],
    ['unescapes a backslash in a bare word', 'echo a\\ b \\$x', [['echo', 'a b', '$x']]],
    ['keeps line breaks inside quotes', 'echo "a\nb"', [['echo', 'a\nb']]],
    ['finds commands on several lines', 'ls\npwd\n\nwhoami', [['ls'], ['pwd'], ['whoami']]],
    ['finds commands inside $(…), with the outer one not literal', 'echo $(id -u)', [null, ['id', '-u']]],
    ['finds commands inside backticks', 'echo `id`', [null, ['id']]],
    ['finds commands in process substitution', 'diff <(ls a) <(ls b)', [null, ['ls', 'a'], ['ls', 'b']]],
    ['finds commands in functions and loops', 'f() { a; }; for i in 1; do b; done; while c; do d; done', [['a'], ['b'], ['c'], ['d']]],
    [
      'finds commands in if and case',
      'if a; then b; elif c; then d; else e; fi; case x in y) f;; esac',
      [['a'], ['b'], ['c'], ['d'], ['e'], ['f']],
    ],
    ['finds commands in subshells and groups', '(a; b) && { c; }', [['a'], ['b'], ['c']]],
    ['treats $VAR as not literal', 'ls $HOME', [null]],
    ['treats ${IFS} glued to a word as not literal', 'cat${IFS}x', [null]],
    ['keeps a number word', 'head -n 5', [['head', '-n', '5']]],
    ['reads [ … ] as the builtin [ with its words', '[ -f README.md ]', [['[', '-f', 'README.md', ']']]],
    ['reads a negated, combined [ … ] word by word', '[ ! -d x -a -n "y z" ]', [['[', '!', '-d', 'x', '-a', '-n', 'y z', ']']]],
    ['reads [ a = b ] with its operator', "[ a = 'b' ]", [['[', 'a', '=', 'b', ']']]],
  ];
  for (const [name, line, expected] of literal) it(name, () => assert.deepEqual(argvs(line), expected));

  const constructs: [string, string, RegExp][] = [
    ['reports command substitution', 'echo $(id)', /command substitution/],
    ['reports process substitution', 'cat <(id)', /process substitution/],
    ['reports parameter expansion', 'echo ${HOME@P}', /parameter expansion/],
    ['reports arithmetic', 'echo $((1+1))', /arithmetic/],
    ["reports $'…'", "echo $'\\x41'", /ANSI-C/],
    ['reports $"…"', 'echo $"hi"', /\$"…"/],
    ['reports an env prefix', 'A=1 ls', /environment assignment/],
    ['reports a function', 'f() { :; }', /function definition/],
    ['reports brace expansion', 'echo {a,b}', /brace expansion/],
    ['reports a line continuation', 'ls \\\n-l', /line continuation/],
    ['reports an odd separator', 'ls\u2028pwd', /unusual line separator/],
    ['reports an invisible character', 'ls\u200b', /invisible/],
    ['reports declarations', 'export A=1', /declaration/],
    ['reports [[ … ]] test expressions', '[[ -f x ]]', /test expression/],
    ['reports a comment', 'ls # note', /a comment/],
    ['reports a backslash-escaped blank', 'echo a\\ b', /backslash escape/],
    ['reports an escaped # that another parser reads as a word', 'echo a\\ #b; id', /backslash escape/],
    ['reports a background job', 'ls & pwd', /background job/],
    ['reports a pipe of stderr', 'ls |& cat', /\|&/],
  ];
  for (const [name, line, re] of constructs) it(name, () => assert.match(parse(line).constructs.join('; '), re));

  it('has no constructs for a plain pipeline', () => assert.deepEqual(parse('git log | grep x | wc -l').constructs, []));
  it('marks an unterminated quote as a parse error', () => assert.equal(parse('echo "abc').parseError, true));
  it('marks an unbalanced parenthesis as a parse error', () => assert.equal(parse('ls )').parseError, true));
  it('marks an empty line as a parse error', () => assert.equal(parse('  ').parseError, true));
  it('marks nested commands as nested', () =>
    assert.deepEqual(
      parse('echo $(id)').commands.map((c) => c.nested),
      [false, true],
    ));
  it('flags unquoted globs but not quoted ones', () => {
    assert.deepEqual(
      parse('ls *.ts "*.js" a?c [ab]x').commands[0]?.words.map((w) => w.glob),
      [false, true, false, true, true],
    );
  });
  it('flags a leading ~ as home', () => {
    assert.deepEqual(
      parse('ls ~ ~/x "~/y" a~').commands[0]?.words.map((w) => w.tilde),
      [false, true, true, false, false],
    );
  });
  it('treats ~user as not literal', () => assert.equal(parse('ls ~root').commands[0]?.argv, null));
  it("decodes $'…' for deny checks only", () => {
    const c = parse("$'\\x73udo' id").commands[0];
    assert.equal(c?.argv, null);
    assert.deepEqual(c?.denyArgv, ['sudo', 'id']);
  });

  it('collects redirections with operator, fd and target', () => {
    const r = parse('ls 2>&1 > out.txt >> log < in.txt &> all').redirects;
    assert.deepEqual(
      r.map((x) => [x.operator, x.fd, x.target?.value]),
      [
        ['>&', '2', '1'],
        ['>', null, 'out.txt'],
        ['>>', null, 'log'],
        ['<', null, 'in.txt'],
        ['&>', null, 'all'],
      ],
    );
  });
  it('sees whether a heredoc delimiter is quoted, whatever the grammar makes of the body', () => {
    // tree-sitter-bash gives backticks in a heredoc body no node: only a quoted delimiter makes the body literal.
    assert.equal(parse('cat <<EOF\n`id`\nEOF').redirects[0]?.quotedDelimiter, false);
    assert.equal(parse("cat <<'EOF'\n`id`\nEOF").redirects[0]?.quotedDelimiter, true);
    assert.equal(parse('cat <<\\EOF\nx\nEOF').redirects[0]?.quotedDelimiter, true);
    assert.equal(parse('cat <<"EOF"\nx\nEOF').redirects[0]?.body, 'x\n');
  });
  it('sees whether a heredoc body is literal', () => {
    assert.equal(parse('cat <<EOF\n$(id)\nEOF').redirects[0]?.literalBody, false);
    assert.equal(parse("cat <<'EOF'\n$(id)\nEOF").redirects[0]?.literalBody, true);
    assert.equal(parse('cat <<EOF\nplain\nEOF').redirects[0]?.literalBody, true);
  });

  it('decodes ANSI-C escapes', () => {
    assert.equal(decodeAnsiC("$'\\x63url \\101\\u0042\\n\\''"), "curl AB\n'");
  });
});
