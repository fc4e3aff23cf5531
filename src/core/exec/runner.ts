/**
 * The port through which the core runs a command. Runners live in src/node:
 * a sandboxed one (sandbox-runtime), a bubblewrap fallback, and an
 * unsandboxed one that only ever runs a command a person approved.
 */
export type SandboxKind = 'sandbox-runtime' | 'bubblewrap' | 'none';

export interface RunRequest {
  /** The command line exactly as approved; run by `bash -c` inside the runner. */
  readonly command: string;
  /** Absolute, already resolved and checked to be inside the workspace. */
  readonly cwd: string;
  /** Secrets granted to this call (already approved), as environment variables. */
  readonly secretEnv: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Most bytes of output kept per stream; the rest is counted and dropped. */
  readonly maxOutputBytes: number;
  /** True only when a person approved this exact command. The unsandboxed runner refuses otherwise. */
  readonly approvedByPerson: boolean;
  readonly signal?: AbortSignal;
  /** Streams output as it comes (already redacted by the caller's wrapper, never raw to a UI). */
  readonly onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

export interface RunResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Bytes dropped past maxOutputBytes, per stream. */
  readonly droppedBytes: { readonly stdout: number; readonly stderr: number };
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly durationMs: number;
  readonly sandbox: SandboxKind;
}

export interface CommandRunner {
  readonly kind: SandboxKind;
  run(request: RunRequest): Promise<RunResult>;
  dispose(): Promise<void>;
}

/** What a sandbox is told about the workspace; updated on every settings change. */
export interface SandboxConfig {
  /** Workspace folders (absolute, real paths): writable. */
  readonly writableRoots: readonly string[];
  /** Absolute paths to hide (files and folders matched by denyRead). */
  readonly hiddenPaths: readonly string[];
  /** Absolute paths kept read-only inside writable roots (protected paths). */
  readonly readOnlyPaths: readonly string[];
  /** Hosts commands may reach (`host`, `*.domain`, `host:port`); empty means no network. */
  readonly allowedHosts: readonly string[];
}
