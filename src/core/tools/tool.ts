import type * as z from 'zod';
import type { CommandRunner, SandboxKind } from '../exec/runner';
import type { DecisionRequest, Guard, GuardResult, ResolvedPath, SimpleCommandVerdict } from '../policy/guard';
import type { Redactor } from '../secrets/redactor';
import type { Fetcher, WorkspaceFs } from './ports';
import type { ToolClass, ToolInput, ToolName } from './schemas';
import type { ApprovalAnswer } from '../agent/approver';

/**
 * Caps the tools apply (documented in the README of src/core/tools via these names):
 * edit_file refuses files over `maxReadBytes` (read_file returns windows of
 * any file); every result is cut at `maxResultChars` by the pipeline;
 * listings and searches keep their own caps and say what they left out.
 */
export interface ToolLimits {
  /** Largest file edit_file and write_file's plan will open. */
  readonly maxReadBytes: number;
  /** Most entries list_files returns, and most characters of them (kept under the result cap so its last line is whole). */
  readonly maxListEntries: number;
  readonly maxListChars: number;
  /** Most matching lines search_text returns (every match is still counted). */
  readonly maxSearchMatches: number;
  /** Bytes kept per command output stream. */
  readonly maxCommandOutputBytes: number;
  /** Default and ceiling of a command's timeout. */
  readonly defaultTimeoutMs: number;
  readonly maxTimeoutMs: number;
  readonly maxFetchBytes: number;
  /** Characters of one MCP tool result kept before the pipeline's own cap (text blocks joined). */
  readonly maxMcpResultChars: number;
  readonly fetchTimeoutMs: number;
}

export const DEFAULT_TOOL_LIMITS: ToolLimits = {
  maxReadBytes: 2 * 1024 * 1024,
  maxListEntries: 2000,
  maxListChars: 60_000,
  maxSearchMatches: 200,
  maxCommandOutputBytes: 256 * 1024,
  defaultTimeoutMs: 120_000,
  maxTimeoutMs: 120_000,
  maxFetchBytes: 1024 * 1024,
  maxMcpResultChars: 256 * 1024,
  fetchTimeoutMs: 20_000,
};

/** Everything a tool may touch; built once per task by the wiring. */
export interface ToolContext {
  readonly fs: WorkspaceFs;
  readonly fetcher: Fetcher | null;
  readonly runner: CommandRunner | null;
  readonly guard: Guard;
  /** The task's redactor: read_file decides its window's edges with it. */
  readonly redactor: Redactor;
  readonly roots: readonly string[];
  readonly limits: ToolLimits;
  /** Hosts a sandboxed command may reach (warden.network.allowedHosts), shown in command plans. */
  readonly allowedHosts: readonly string[];
  /** Values of the named secrets, read only at execution. Missing names are left out. */
  readonly secretValues: (names: readonly string[]) => Promise<Readonly<Record<string, string>>>;
  /** `warden.secrets`: each secret's hosts and whether a command holding it may change the workspace. */
  readonly secretGrants?: Readonly<Record<string, { readonly hosts?: readonly string[]; readonly writable?: boolean }>>;
}

/** Per-call facts the pipeline adds when it runs a tool. */
export interface RunFacts {
  readonly signal: AbortSignal;
  /** True when a person approved this exact call (not a rule). */
  readonly approvedByPerson: boolean;
  readonly onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

/** What the approval pane shows. Strings are raw here; the pipeline neutralises and redacts before a person sees them. */
export type ToolPlan =
  | { readonly kind: 'read'; readonly tool: string; readonly target: ResolvedPath; readonly summary: string }
  | {
      readonly kind: 'write';
      readonly tool: string;
      readonly target: ResolvedPath;
      /** null when the file does not exist yet. */
      readonly oldContent: string | null;
      /** null for a delete. */
      readonly newContent: string | null;
      readonly diff: string;
      readonly summary: string;
    }
  | {
      readonly kind: 'command';
      readonly tool: 'run_command';
      readonly command: string;
      readonly commands: readonly SimpleCommandVerdict[];
      readonly cwd: string;
      readonly secrets: readonly string[];
      readonly sandbox: SandboxKind;
      readonly hosts: readonly string[];
      readonly timeoutMs: number;
      readonly summary: string;
    }
  | { readonly kind: 'fetch'; readonly tool: 'fetch_url'; readonly url: string; readonly host: string; readonly summary: string }
  | {
      /** A call to a tool of an MCP server: shown like a command (what runs, where, with which secrets). */
      readonly kind: 'mcp';
      readonly tool: string;
      readonly server: string;
      readonly serverTool: string;
      /** The server's own description of the tool, neutralised. */
      readonly description: string;
      /** The arguments as pretty JSON. */
      readonly arguments: string;
      /** `sandbox (stdio)` or the URL an HTTP server is reached at. */
      readonly where: string;
      readonly secrets: readonly string[];
      readonly annotations: { readonly readOnlyHint?: boolean | undefined; readonly destructiveHint?: boolean | undefined };
      readonly summary: string;
    }
  /** The plan could not be built (e.g. edit_file's old text is missing): the call fails without asking. */
  | { readonly kind: 'invalid'; readonly tool: string; readonly error: string };

export type ToolStatus = 'ok' | 'error' | 'cancelled' | 'timeout';

export interface ToolOutcome {
  /** Raw text for the model (the pipeline redacts, neutralises, caps and wraps it). */
  readonly text: string;
  readonly isError: boolean;
  readonly status: ToolStatus;
  readonly exitCode?: number | null;
  readonly bytes?: number;
  /** A unified diff of what a write changed, for the audit log. */
  readonly diff?: string;
}

/**
 * How far one "approve for this session" answer reaches: the one file, every
 * file under its folder, or exactly this call (a command line in its cwd, a
 * URL, an MCP tool's arguments).
 */
export const GRANT_SCOPE_KINDS = ['file', 'folder', 'exact'] as const;
export type GrantScopeKind = (typeof GRANT_SCOPE_KINDS)[number];

/** One session grant a person may give for a call. */
export interface GrantScope {
  readonly scope: GrantScopeKind;
  /** The grant's identity: what `SessionGrants` stores and revokes, and what `covers` of a later call is matched with. */
  readonly key: string;
  /** A few words for a button: `this file`, `folder src/lib/**`. */
  readonly label: string;
  /** What it covers, in words, for the approval and Show Session Grants: `writes under src/lib/** (folder)`. */
  readonly description: string;
}

/**
 * What session grants this call may be given (narrowest first) and which
 * grant keys would let it run unasked — or why none may be given. A call
 * that refuses grants is never covered by one either.
 */
export type GrantShape =
  { readonly scopes: readonly [GrantScope, ...GrantScope[]]; readonly covers: readonly string[] } | { readonly refused: string };

/** The one scope of tools whose grant is exactly this call. */
export function exactGrant(key: string, description: string): GrantShape {
  return { scopes: [{ scope: 'exact', key, label: 'exactly this call', description }], covers: [key] };
}

/** A call whose input passed its tool's schema, with the registry entry that validated it. */
export interface ValidCall<I = unknown> {
  readonly tool: string;
  readonly input: I;
  readonly entry: ToolEntry<I>;
}

/** How a person may edit a call in the approval pane, and what the edit becomes. */
export interface ToolEditing<I> {
  readonly kind: 'content' | 'command';
  /** The call the person's edit describes (validated by its entry), or why the edit cannot apply. */
  apply(input: I, answer: Extract<ApprovalAnswer, { kind: 'approve-edited' }>): ValidCall | string;
}

/**
 * One tool, as the registry holds it: everything the pipeline, the guard,
 * the approval flow, session grants and the chat need to know about it, so
 * that none of them asks which tool it is. Built-in tools and MCP tools are
 * entries of the same shape.
 */
export interface ToolEntry<I = unknown> {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the input, as offered to the model. */
  readonly inputSchema: Readonly<Record<string, unknown>>;
  /** Validates the model's input once; the pipeline never passes unvalidated input on. */
  parse(input: unknown): { readonly ok: true; readonly input: I } | { readonly ok: false; readonly error: string };
  readonly risk: ToolClass | 'mcp';
  /** Which of the guard's decisions applies to this input. */
  request(input: I): DecisionRequest;
  plan(input: I, decided: GuardResult, ctx: ToolContext): Promise<ToolPlan>;
  run(input: I, decided: GuardResult, ctx: ToolContext, facts: RunFacts, planned: ToolPlan | null): Promise<ToolOutcome>;
  /** What a session grant for this call would cover. */
  grant(input: I, decided: GuardResult): GrantShape;
  /** One line saying what the call does, for cards and the CLI; `input` is loose (already sanitised, maybe invalid). */
  summary(input: Readonly<Record<string, unknown>>): string;
  /** What the person's edit made run, in one line for the card and one note for the model; only for editable tools. */
  edited?(input: I): { readonly summary: { readonly command: string } | { readonly chars: number }; readonly note: string };
  readonly editing: ToolEditing<I> | null;
}

/** A built-in tool: its input type comes from its zod schema. */
export interface ToolModule<N extends ToolName = ToolName> extends ToolEntry<ToolInput<N>> {
  readonly name: N;
  readonly schema: z.ZodType<ToolInput<N>>;
  readonly risk: ToolClass;
}

export function ok(text: string, extra: Partial<ToolOutcome> = {}): ToolOutcome {
  return { text, isError: false, status: 'ok', ...extra };
}

export function fail(text: string, extra: Partial<ToolOutcome> = {}): ToolOutcome {
  return { text, isError: true, status: 'error', ...extra };
}

/** The resolved target the guard decided on; tools never act on the model's raw path. */
export function resolvedTarget(decided: GuardResult): ResolvedPath | null {
  return decided.details.kind === 'path' ? decided.details.target : null;
}

export const NO_TARGET = 'Warden refused: the guard gave no resolved path for this call, so nothing was done.';
