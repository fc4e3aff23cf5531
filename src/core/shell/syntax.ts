/**
 * What the shell walker extracts from a command line: simple commands with
 * their words after quote removal, redirections, and every construct that
 * keeps a line from being auto-allowed.
 */

/** One word of a simple command, after quote removal. */
export interface ShellWord {
  /** Source text as written. */
  readonly text: string;
  /** The literal value after quote removal, or null when the shell would compute it (expansion, substitution…). */
  readonly value: string | null;
  /**
   * Best-effort value for deny checks only: like `value`, but also decodes
   * `$'…'` strings. Never used to allow.
   */
  readonly denyValue: string | null;
  /** Holds unquoted glob characters (`*`, `?`, `[`): the shell would expand it to file names. */
  readonly glob: boolean;
  /** Holds an unquoted brace expansion (`{a,b}`). */
  readonly brace: boolean;
  /** Starts with an unquoted `~` or `~/` (home). */
  readonly tilde: boolean;
  /** Holds a backslash outside quotes (an escaped blank, `#`, quote or glob character…): outside the allowable subset. */
  readonly escaped: boolean;
}

export type RedirectKind = 'file' | 'heredoc' | 'herestring';

export interface ShellRedirect {
  readonly kind: RedirectKind;
  /** The operator, e.g. `>`, `>>`, `2>`, `&>`, `<`, `>&`, `<<`. */
  readonly operator: string;
  /** File descriptor written before the operator, if any. */
  readonly fd: string | null;
  /** Destination (file redirects, here-strings), or null for heredocs. */
  readonly target: ShellWord | null;
  /** For heredocs: whether the body is literal (quoted delimiter, or no expansions). */
  readonly literalBody: boolean;
  /** For heredocs: whether the delimiter is quoted (`<<'EOF'`), so bash expands nothing in the body. */
  readonly quotedDelimiter: boolean;
  /** For heredocs: the body as written (without the closing delimiter line). */
  readonly body: string | null;
  readonly text: string;
}

export interface SimpleCommand {
  readonly text: string;
  readonly words: readonly ShellWord[];
  /** Literal argv (no expansions, no globs, no braces), or null. */
  readonly argv: readonly string[] | null;
  /** Best-effort argv for deny checks (null entries dropped at the end: a non-literal word stops it). */
  readonly denyArgv: readonly string[];
  /** Number of `NAME=value` prefixes. */
  readonly assignments: number;
  /** Nested inside a substitution, a function body, a loop, a condition…: still seen by deny rules. */
  readonly nested: boolean;
}

export interface ParsedCommandLine {
  readonly commands: readonly SimpleCommand[];
  readonly redirects: readonly ShellRedirect[];
  /** True when the tree holds an ERROR or MISSING node, or the parser gave up. */
  readonly parseError: boolean;
  /** Human-readable reasons the line cannot be auto-allowed (constructs), first seen first. */
  readonly constructs: readonly string[];
}

/**
 * What a second, independent bash parser (src/node/shellConfirm.ts) saw in a
 * line the first walk would allow: every simple command's argv after quote
 * removal and every redirection (`FD OP TARGET`, a here-document's body after
 * a line break), both in source order — or that the line is outside the
 * allowable subset, and why. `allow` needs both parsers to agree exactly.
 */
export type SecondOpinion =
  | { readonly ok: true; readonly commands: readonly (readonly string[])[]; readonly redirects: readonly string[] }
  | { readonly ok: false; readonly reason: string };
