import type * as MvdanSh from 'mvdan-sh';
import type { Node, Parser, Pos } from 'mvdan-sh';
import type { SecondOpinion } from '../core/shell/syntax';

/**
 * The guard's second opinion on a command line: mvdan/sh (the Go shell
 * parser, through the mvdan-sh package), a parser written independently of
 * tree-sitter-bash. It is asked only about lines the first walk would allow,
 * and it answers strictly: the simple commands it sees with their argv after
 * quote removal, and the redirections, or `ok: false` as soon as anything
 * falls outside the allowable subset of bash (src/core/policy/README.md).
 * Quote removal is done here on mvdan's raw literals, on purpose not with the
 * first walk's code, so that a mistake in one is not repeated in the other.
 */

type Syntax = (typeof MvdanSh)['syntax'];

class Outside extends Error {}

/** Operators of a list or pipeline that the subset admits, as written. */
const LIST_OPS = ['&&', '||', '|&', '|'] as const;
const ADMITTED_LIST_OPS = new Set<string>(['&&', '||', '|']);
/** Redirection operators, longest first (matched at the operator's position in the source). */
const REDIRECT_OPS = ['&>>', '<<<', '<<-', '<<', '>>', '>&', '<&', '>|', '<>', '&>', '>', '<'];

interface Walk {
  readonly syntax: Syntax;
  readonly bytes: Buffer;
  readonly commands: string[][];
  readonly redirects: string[];
}

function field<T>(node: Node, name: string): T {
  return node[name] as T;
}

function list(node: Node, name: string): Node[] {
  const v = node[name];
  return Array.isArray(v) ? (v as Node[]) : [];
}

function textAt(w: Walk, pos: Pos, candidates: readonly string[]): string {
  const at = pos.Offset();
  for (const c of candidates) if (w.bytes.subarray(at, at + Buffer.byteLength(c)).toString('utf8') === c) return c;
  throw new Outside(`an operator the subset does not know at byte ${at}`);
}

/** Quote removal in an unquoted literal: a backslash quotes the next character; backslash-newline vanishes. */
function unquoted(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      i += 1;
      if (raw[i] !== '\n') out += raw[i];
    } else out += c;
  }
  return out;
}

/** Inside double quotes a backslash quotes only $ ` " \ and newline; elsewhere it stays. */
function doubleQuoted(raw: string): string {
  return raw.replace(/\\([$`"\\\n])/g, (_m, ch: string) => (ch === '\n' ? '' : ch));
}

function literalWord(w: Walk, word: Node): string {
  let value = '';
  for (const part of list(word, 'Parts')) {
    const type = w.syntax.NodeType(part);
    if (type === 'Lit') value += unquoted(field<string>(part, 'Value'));
    else if (type === 'SglQuoted') {
      if (field<boolean>(part, 'Dollar')) throw new Outside("ANSI-C quoting ($'…')");
      value += field<string>(part, 'Value');
    } else if (type === 'DblQuoted') {
      if (field<boolean>(part, 'Dollar')) throw new Outside('a translated string ($"…")');
      for (const inner of list(part, 'Parts')) {
        if (w.syntax.NodeType(inner) !== 'Lit') throw new Outside(`${w.syntax.NodeType(inner)} inside double quotes`);
        value += doubleQuoted(field<string>(inner, 'Value'));
      }
    } else throw new Outside(`${type} in a word`);
  }
  return value;
}

function redirect(w: Walk, r: Node): void {
  const op = textAt(w, field<Pos>(r, 'OpPos'), REDIRECT_OPS);
  const n = field<Node | null>(r, 'N');
  const fd = n ? field<string>(n, 'Value') : '';
  const target = field<Node | null>(r, 'Word');
  if (!target) throw new Outside('a redirection without a target');
  let text = `${fd}${op} ${literalWord(w, target)}`;
  if (op === '<<' || op === '<<-') {
    const hdoc = field<Node | null>(r, 'Hdoc');
    text += `\n${hdoc ? literalHeredoc(w, hdoc) : ''}`;
  }
  w.redirects.push(text);
}

/** A here-document body is literal only as plain text: any expansion in it is outside the subset. */
function literalHeredoc(w: Walk, body: Node): string {
  let value = '';
  for (const part of list(body, 'Parts')) {
    if (w.syntax.NodeType(part) !== 'Lit') throw new Outside(`${w.syntax.NodeType(part)} in a here-document`);
    value += field<string>(part, 'Value');
  }
  return value;
}

function statement(w: Walk, stmt: Node): void {
  if (list(stmt, 'Comments').length > 0) throw new Outside('a comment');
  if (field<boolean>(stmt, 'Background')) throw new Outside('a background job (&)');
  if (field<boolean>(stmt, 'Coprocess')) throw new Outside('a coprocess');
  const cmd = field<Node | null>(stmt, 'Cmd');
  if (!cmd) throw new Outside('a redirection without a command');
  const type = w.syntax.NodeType(cmd);
  if (type === 'CallExpr') {
    if (list(cmd, 'Assigns').length > 0) throw new Outside('a variable assignment');
    const args = list(cmd, 'Args');
    if (args.length === 0) throw new Outside('an empty command');
    w.commands.push(args.map((a) => literalWord(w, a)));
  } else if (type === 'BinaryCmd') {
    const op = textAt(w, field<Pos>(cmd, 'OpPos'), LIST_OPS);
    if (!ADMITTED_LIST_OPS.has(op)) throw new Outside(`the operator ${op}`);
    statement(w, field<Node>(cmd, 'X'));
    statement(w, field<Node>(cmd, 'Y'));
  } else throw new Outside(`${type}`);
  // Redirections in source order after the command's own words (the walk lists both kinds apart).
  for (const r of list(stmt, 'Redirs')) redirect(w, r);
}

/** Builds the second-opinion parser; mvdan-sh (about 1.3 MB) is loaded here, once. */
export function createShellConfirmer(): (line: string) => SecondOpinion {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand: a bundle of its own
  const { syntax } = require('mvdan-sh') as typeof MvdanSh;
  const parser: Parser = syntax.NewParser(syntax.KeepComments(true), syntax.Variant(syntax.LangBash));
  return (line: string): SecondOpinion => {
    let file: Node;
    try {
      file = parser.Parse(line, '');
    } catch (e) {
      return { ok: false, reason: `the second parser rejected the line (${describe(e)})` };
    }
    const w: Walk = { syntax, bytes: Buffer.from(line, 'utf8'), commands: [], redirects: [] };
    try {
      if (list(file, 'Last').length > 0) throw new Outside('a comment');
      for (const stmt of list(file, 'Stmts')) statement(w, stmt);
    } catch (e) {
      if (e instanceof Outside) return { ok: false, reason: `the second parser sees ${e.message}` };
      return { ok: false, reason: `the second parser failed (${describe(e)})` };
    }
    return { ok: true, commands: w.commands, redirects: w.redirects };
  };
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  const go = e as { Error?: () => string } | null;
  return typeof go?.Error === 'function' ? go.Error() : String(e);
}
