import type { Decision } from './decision';
import type { ProposedCall } from '../tools/schemas';
import type { SecondOpinion } from '../shell/syntax';
import type { AskWhy } from './explain';
import type { ManagedPolicyReport } from './managed';

/**
 * The guard's contract with the rest of Warden. `createGuard` (in
 * ./createGuard.ts) builds one from user and workspace settings; a new guard
 * is built on every settings change (globs are compiled then, never per call).
 */

/** Answers the file-system questions path decisions need. Sync on purpose: decisions take microseconds. */
export interface PathProbe {
  /** Real path of `absPath` (every link followed), or null if it does not exist or cannot be resolved. */
  realpath(absPath: string): string | null;
  /** True where the file system that holds `absPath` folds case. */
  isCaseInsensitive(absPath: string): boolean;
  /**
   * The target of the symbolic link at `absPath` as stored (relative or
   * absolute), or null if `absPath` is not a link. Lets the guard follow
   * dangling links: a write through one would land where the link points.
   */
  readlink(absPath: string): string | null;
  /**
   * The names in the folder `absPath` (no `.` or `..`), or null when it is not
   * a readable folder. Lets the guard see what a glob in a command would
   * expand to; the caller bounds how many folders it lists.
   */
  listDir(absPath: string): readonly string[] | null;
}

/** A parsed shell syntax tree, as tree-sitter-bash gives it (the node adapter loads the grammar). */
export interface ShellSyntaxNode {
  readonly type: string;
  readonly text: string;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  readonly hasError: boolean;
  readonly children: readonly ShellSyntaxNode[];
  readonly namedChildren: readonly ShellSyntaxNode[];
  childForFieldName(name: string): ShellSyntaxNode | null;
}

export interface ShellParser {
  /** Parses one command line; the callback sees the root node, which is freed afterwards. */
  parse<T>(commandLine: string, use: (root: ShellSyntaxNode) => T): T;
  /**
   * A second opinion from an independent bash parser (mvdan/sh), asked only
   * about lines that would be allowed: `allow` needs it to see the same
   * simple commands and redirections, else the line asks (`parser-disagreement`).
   */
  confirm(commandLine: string): SecondOpinion;
}

export interface GuardEnvironment {
  /** Workspace folders, absolute. */
  readonly roots: readonly string[];
  /** The folders' names for `name:relative/path` addresses, in the order of `roots`; base names when left out (./workspace.ts). */
  readonly folderNames?: readonly (string | undefined)[];
  /** Home folder, for `~` in paths and command arguments. */
  readonly home: string;
  readonly probe: PathProbe;
  readonly shell: ShellParser;
  /** Whether a working sandbox exists right now; `allow` for commands needs one. */
  readonly sandboxAvailable: () => boolean;
  /** False in Restricted Mode: nothing is written and no command runs. */
  readonly trusted: () => boolean;
}

/** Where a path argument really points. */
export interface ResolvedPath {
  /** Absolute, after links, `..`, NFC and (where the file system folds case) case folding. */
  readonly absolute: string;
  /** Relative to the workspace folder that holds it, with `/` separators. */
  readonly relative: string;
  readonly root: string;
  readonly exists: boolean;
  readonly protected: boolean;
}

/** One simple command found in a command line, with what decided it. */
export interface SimpleCommandVerdict {
  /** The literal argv after quote removal, or null where it is not literal. */
  readonly argv: readonly string[] | null;
  readonly text: string;
  readonly decision: Decision;
  /** What this command destroys or sends away (it always asks and is never granted for a session), or null. */
  readonly destructive: string | null;
}

export type GuardDetails =
  | { readonly kind: 'path'; readonly target: ResolvedPath }
  | {
      readonly kind: 'command';
      readonly commands: readonly SimpleCommandVerdict[];
      readonly cwd: ResolvedPath | null;
      readonly secrets: readonly string[];
    }
  | { readonly kind: 'url'; readonly url: string; readonly host: string }
  | { readonly kind: 'mcp'; readonly server: string; readonly tool: string }
  | { readonly kind: 'none' };

/**
 * Which of the guard's pure decisions applies to a call, as a tool's
 * registry entry states it from its validated input: a path read, a path
 * write or delete, a command line, a URL, or an MCP tool rule. The guard
 * never needs to know a tool's name to decide it.
 */
export type DecisionRequest =
  | { readonly kind: 'read'; readonly path: string }
  | { readonly kind: 'write'; readonly path: string; readonly op: 'write' | 'delete' }
  | {
      readonly kind: 'command';
      readonly command: string;
      readonly cwd?: string | undefined;
      readonly secrets?: readonly string[] | undefined;
    }
  | { readonly kind: 'url'; readonly url: string }
  | {
      readonly kind: 'mcp';
      /** The full name, `mcp__<server>__<tool>`. */
      readonly name: string;
      /** What the server declares; only ever makes a decision stricter. Absent when unknown (warden check). */
      readonly annotations?: { readonly readOnlyHint?: boolean | undefined; readonly destructiveHint?: boolean | undefined } | undefined;
    };

export interface GuardResult extends Decision {
  readonly details: GuardDetails;
  /** For `ask`: the closest rule and what stands between the call and `allow` (./explain.ts). */
  readonly why?: AskWhy;
}

export interface SettingsProblem {
  /** The full key, e.g. `warden.paths.write`. */
  readonly key: string;
  readonly message: string;
}

/** A user or workspace value that was dropped because it would have widened the level above it. */
export interface IgnoredWorkspaceValue {
  readonly key: string;
  readonly value: unknown;
  readonly why: string;
  /** `user`: it tried to widen the managed policy; `workspace`: the user's settings. */
  readonly level: 'user' | 'workspace';
}

/**
 * Decides entries met by a scan of a workspace folder from their
 * workspace-relative path alone: a scan that lists links without following
 * them knows no folder above an entry is a link, so only links need
 * resolving. An entry is hidden when it or any folder above it is denied.
 */
export interface ReadFilter {
  /** The denyRead globs (workspace-relative), for a scanner to leave out up front. */
  readonly globs: readonly string[];
  /** `root` is a workspace folder as the guard resolved it; `relative` uses `/`. */
  allows(root: string, relative: string, isLink: boolean): boolean;
  /**
   * Everything `allows` is decided from (the folders and their denyRead
   * lists): two filters with the same key give the same answers on the same
   * files, so work derived from one filter's answers may be reused under this key.
   */
  readonly key: string;
}

export interface Guard {
  /** Empty when the settings are valid; otherwise every call is denied with `policy-invalid`. */
  readonly problems: readonly SettingsProblem[];
  /** User and workspace values dropped because they would widen the level above (each names its level). */
  readonly ignoredWorkspaceValues: readonly IgnoredWorkspaceValue[];
  /** Validates a proposed call by its tool's schema, then decides it (the CLI's `check`, edited calls). */
  /** Whether a managed policy is in force, from which files, and what it forbids. */
  readonly managed: ManagedPolicyReport;
  decide(call: ProposedCall): GuardResult;
  /** Decides a call whose input was validated already, by the decision its registry entry names. */
  decideRequest(request: DecisionRequest): GuardResult;
  /** For list_files and search_text: whether an entry may be shown (inside the workspace, not denyRead). */
  canRead(absPath: string): boolean;
  /** The denyRead filter at walk speed, for entries a scan of a workspace folder meets (see ReadFilter). */
  readFilter(): ReadFilter;
  /**
   * The write policy for a change a sandboxed command made at an absolute
   * path (decided by the folder that holds it, as a write or delete there
   * would be), for what a command's copy-on-write view may keep.
   */
  decideChange(absolute: string, kind: 'write' | 'delete'): GuardResult;
  /** Secret names `warden.secrets` grants to this command line (every simple command must match a pattern). */
  secretsGrantedTo(commandLine: string): readonly string[];
}
