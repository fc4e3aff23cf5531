import type { ShellParser, ShellSyntaxNode } from '../policy/guard';
import type { ParsedCommandLine, ShellRedirect, ShellWord, SimpleCommand } from './syntax';
import { firstHiddenCodePoint } from '../text/hiddenCharacters';
import { evaluateWord } from './words';

/** Node kinds that only group commands: walked through, and allowed. */
const STRUCTURE = new Set(['program', 'list', 'pipeline', 'negated_command', 'redirected_statement']);

/** Node kinds that make up words: evaluated by `evaluateWord`, walked only to find nested commands. */
const WORD_PARTS = new Set([
  'command_name',
  'word',
  'number',
  'raw_string',
  'string',
  'string_content',
  'concatenation',
  'file_descriptor',
  'heredoc_start',
  'heredoc_end',
  'heredoc_content',
  'heredoc_body',
  'variable_name',
]);

/** Node kinds we understand that keep a line from being auto-allowed; still walked so deny rules see inside. */
const CONSTRUCTS: Record<string, string> = {
  subshell: 'subshell ( … )',
  compound_statement: 'command group { … }',
  command_substitution: 'command substitution',
  process_substitution: 'process substitution',
  simple_expansion: 'parameter expansion',
  expansion: 'parameter expansion',
  arithmetic_expansion: 'arithmetic expansion',
  ansi_c_string: "ANSI-C quoting ($'…')",
  translated_string: 'translated string',
  function_definition: 'function definition',
  if_statement: 'if statement',
  elif_clause: 'if statement',
  else_clause: 'if statement',
  for_statement: 'for loop',
  c_style_for_statement: 'for loop',
  while_statement: 'while loop',
  do_group: 'loop body',
  case_statement: 'case statement',
  case_item: 'case statement',
  test_command: 'test expression [[ … ]]',
  comment: 'a comment (where it starts is where parsers disagree)',
  declaration_command: 'declaration (export, local, declare…)',
  unset_command: 'unset',
  variable_assignment: 'variable assignment',
  variable_assignments: 'variable assignment',
  brace_expression: 'brace expansion',
};

const REDIRECTS = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);
const REDIRECT_FIXED = new Set(['file_descriptor', 'heredoc_start', 'heredoc_body', 'heredoc_end']);
/** Node kinds that make one word (literal or not), as an argument or a redirection target. */
const WORD_LIKE = new Set([
  'word',
  'number',
  'raw_string',
  'string',
  'concatenation',
  'ansi_c_string',
  'simple_expansion',
  'expansion',
  'command_substitution',
  'process_substitution',
  'arithmetic_expansion',
  'translated_string',
]);

/**
 * Words tree-sitter-bash hangs on a redirection that bash gives to the
 * command: `cat 2>/dev/null .env` runs `cat .env`, and the grammar puts
 * `.env` beside `/dev/null` inside the redirection.
 */
function redirectExtras(r: ShellSyntaxNode): ShellSyntaxNode[] {
  const words = r.namedChildren.filter((c) => !REDIRECT_FIXED.has(c.type) && WORD_LIKE.has(c.type));
  return r.type === 'heredoc_redirect' ? words : words.slice(1);
}

/** Separators bash does not know but a reader sees as line breaks; they split commands for us. */
const ODD_SEPARATORS = /[\r\u2028\u2029\u0085\v\f]/;
const ODD_SEPARATORS_ALL = new RegExp(ODD_SEPARATORS.source, 'g');

interface State {
  commands: SimpleCommand[];
  redirects: ShellRedirect[];
  constructs: string[];
  parseError: boolean;
}

function note(st: State, reason: string): void {
  if (!st.constructs.includes(reason)) st.constructs.push(reason);
}

function buildCommand(node: ShellSyntaxNode, nested: boolean, st: State, trailing: readonly ShellSyntaxNode[] = []): SimpleCommand {
  const words: ShellWord[] = [];
  const scratch: string[] = [];
  let assignments = 0;
  for (const c of node.namedChildren) {
    if (c.type === 'variable_assignment') assignments += 1;
    else if (c.type === 'command_name') {
      const inner = c.namedChildren[0];
      if (inner) words.push(evaluateWord(inner, scratch));
    } else if (REDIRECTS.has(c.type)) {
      for (const x of redirectExtras(c)) words.push(evaluateWord(x, scratch));
    } else if (c.type !== 'comment') words.push(evaluateWord(c, scratch));
  }
  for (const x of trailing) words.push(evaluateWord(x, scratch));
  if (assignments > 0) note(st, 'environment assignment before a command');
  if (words.some((w) => w.brace)) note(st, 'brace expansion');
  if (words.some((w) => w.escaped)) note(st, 'a backslash escape outside quotes');
  return simpleCommand(node.text, words, assignments, nested);
}

function simpleCommand(text: string, words: ShellWord[], assignments: number, nested: boolean): SimpleCommand {
  const literal = words.length > 0 && words.every((w) => w.value !== null);
  const denyArgv: string[] = [];
  for (const w of words) {
    if (w.denyValue === null) break;
    denyArgv.push(w.denyValue);
  }
  return {
    text,
    words,
    argv: literal ? words.map((w) => w.value ?? '') : null,
    denyArgv,
    assignments,
    nested,
  };
}

function buildRedirect(node: ShellSyntaxNode): ShellRedirect {
  const operator = node.children
    .filter((c) => !c.isNamed)
    .map((c) => c.text)
    .join('');
  const fd = node.namedChildren.find((c) => c.type === 'file_descriptor')?.text ?? null;
  if (node.type === 'heredoc_redirect') {
    const start = node.namedChildren.find((c) => c.type === 'heredoc_start')?.text ?? '';
    const body = node.namedChildren.find((c) => c.type === 'heredoc_body');
    const quotedDelimiter = /['"\\]/.test(start);
    const literalBody = quotedDelimiter || !body || body.namedChildren.every((c) => c.type === 'heredoc_content');
    const target: ShellWord = {
      text: start,
      value: start.replace(/['"\\]/g, ''),
      denyValue: null,
      glob: false,
      brace: false,
      tilde: false,
      escaped: false,
    };
    return {
      kind: 'heredoc',
      operator: operator || '<<',
      fd,
      target,
      literalBody,
      quotedDelimiter,
      body: body?.text ?? '',
      text: node.text,
    };
  }
  const dest = node.namedChildren.find((c) => c.type !== 'file_descriptor') ?? null;
  const target = dest ? evaluateWord(dest, []) : null;
  const kind = node.type === 'herestring_redirect' ? 'herestring' : 'file';
  return { kind, operator, fd, target, literalBody: true, quotedDelimiter: false, body: null, text: node.text };
}

/** Tokens of `[ … ]` that are plain words to bash; `<` and `>` there are redirections, not comparisons. */
const BRACKET_TOKENS = new Set(['[', ']', '!', '=', '==', '!=']);
const BRACKET_GROUPS = new Set(['unary_expression', 'binary_expression']);

/** `[ … ]` is the ordinary builtin `[` to bash: its words, in order, or null when one is not a plain word. */
function bracketWords(node: ShellSyntaxNode, out: ShellWord[], reasons: string[]): boolean {
  for (const c of node.children) {
    if (!c.isNamed) {
      if (!BRACKET_TOKENS.has(c.type)) return false;
      out.push({ text: c.text, value: c.text, denyValue: c.text, glob: false, brace: false, tilde: false, escaped: false });
    } else if (BRACKET_GROUPS.has(c.type)) {
      if (!bracketWords(c, out, reasons)) return false;
    } else if (c.type === 'test_operator') {
      out.push({ text: c.text, value: c.text, denyValue: c.text, glob: false, brace: false, tilde: false, escaped: false });
    } else if (WORD_PARTS.has(c.type)) out.push(evaluateWord(c, reasons));
    else return false;
  }
  return true;
}

function walk(node: ShellSyntaxNode, nested: boolean, st: State): void {
  if (node.type === 'ERROR' || node.isMissing) st.parseError = true;
  let inner = nested;
  if (node.type === 'test_command' && node.children[0]?.type === '[') {
    const words: ShellWord[] = [];
    if (bracketWords(node, words, [])) {
      if (words.some((w) => w.escaped)) note(st, 'a backslash escape outside quotes');
      st.commands.push(simpleCommand(node.text, words, 0, nested));
      return;
    }
  }
  if (node.type === 'redirected_statement') {
    walkRedirected(node, nested, st);
    return;
  }
  if (node.type === 'command') st.commands.push(buildCommand(node, nested, st));
  else if (REDIRECTS.has(node.type)) st.redirects.push(buildRedirect(node));
  else if (node.isNamed && !STRUCTURE.has(node.type) && !WORD_PARTS.has(node.type) && node.type !== 'ERROR') {
    note(st, CONSTRUCTS[node.type] ?? `unsupported shell syntax (${node.type})`);
    inner = true;
  }
  for (const child of node.children) {
    // `$"…"` (locale translation) and a bare `$` show up as an unnamed `$` token beside the word.
    if (!child.isNamed && child.type === '$' && (node.type === 'command' || node.type === 'concatenation'))
      note(st, 'a bare $ or $"…" string');
    if (!child.isNamed && child.type === '&' && (node.type === 'program' || node.type === 'list')) note(st, 'a background job (&)');
    if (!child.isNamed && child.type === '|&') note(st, 'a pipe of stderr (|&)');
    walk(child, inner, st);
  }
}

/** A command with redirections after it: the words the grammar hung on them belong to the command. */
function walkRedirected(node: ShellSyntaxNode, nested: boolean, st: State): void {
  const kids = node.children;
  const bodyAt = kids.findIndex((c) => c.type === 'command');
  const extras = kids.filter((c) => REDIRECTS.has(c.type)).flatMap(redirectExtras);
  const body = kids[bodyAt];
  if (body) st.commands.push(buildCommand(body, nested, st, extras));
  else if (extras.length > 0) {
    const words = extras.map((x) => evaluateWord(x, []));
    st.commands.push(simpleCommand(node.text, words, 0, nested));
  }
  kids.forEach((child, i) => {
    if (i === bodyAt) for (const grandchild of child.children) walk(grandchild, nested, st);
    else walk(child, nested, st);
  });
}

/**
 * Parses a command line into its simple commands (at any depth), its
 * redirections and the constructs that stop it from being auto-allowed.
 * Never throws: a parser failure is reported as `parseError`.
 */
export function parseCommandLine(parser: ShellParser, line: string): ParsedCommandLine {
  const st: State = { commands: [], redirects: [], constructs: [], parseError: false };
  if (ODD_SEPARATORS.test(line)) note(st, 'unusual line separator');
  // Tab and line breaks are shell syntax; every other hidden character (src/core/text/hiddenCharacters.ts) can disguise a line.
  if (firstHiddenCodePoint(line) !== null) note(st, 'control or invisible character');
  let text = line.replace(ODD_SEPARATORS_ALL, '\n');
  if (text.includes('\\\n')) {
    note(st, 'line continuation');
    text = text.replace(/\\\n/g, '');
  }
  try {
    parser.parse(text, (root) => {
      if (root.hasError) st.parseError = true;
      walk(root, false, st);
    });
  } catch {
    st.parseError = true;
  }
  if (st.commands.length === 0 && !st.parseError && st.constructs.length === 0) st.parseError = text.trim() === '';
  return st;
}
