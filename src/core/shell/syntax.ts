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
