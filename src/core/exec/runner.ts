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
  /** CPU and memory limits for this call; the runner's defaults where absent. */
  readonly limits?: Partial<ResourceLimits>;
}

/** Per-process limits applied inside the command (`ulimit`); process counts cannot be limited for root without cgroups. */
export interface ResourceLimits {
  /** Most virtual memory (address space) per process, in MiB. */
  readonly memoryMiB: number;
  /** Most CPU time per process, in seconds. */
  readonly cpuSeconds: number;
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
  /** True when the command ran without any sandbox (full access to the machine): show it as a warning. */
  readonly fullAccess: boolean;
}

/** Thrown by a runner that will not run a request (no approval for an unsandboxed run, disposed, invalid input). */
export class RunnerRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunnerRefusedError';
  }
}

export interface CommandRunner {
  readonly kind: SandboxKind;
  run(request: RunRequest): Promise<RunResult>;
  /** Applies new workspace settings (write roots, hidden paths, allowed hosts) to later runs. */
  updateConfig?(config: SandboxConfig): Promise<void>;
  dispose(): Promise<void>;
}

/** What the person and the audit log are told about command execution. */
export type SandboxState = 'sandboxed' | 'fallback (bubblewrap, no network)' | 'none';

export const SANDBOX_STATE: Record<SandboxKind, SandboxState> = {
  'sandbox-runtime': 'sandboxed',
  bubblewrap: 'fallback (bubblewrap, no network)',
  none: 'none',
};

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
