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
  /**
   * `read-only`: the command sees the workspace but cannot write to it at all
   * (a command holding a secret, unless its grant says `writable`). Default
   * `writable`: it writes to a copy-on-write layer, and only what
   * `decideChanges` accepts reaches the real workspace.
   */
  readonly workspace?: 'writable' | 'read-only';
  /**
   * Hosts this run may reach, narrower than the runner's `allowedHosts` (a
   * secret's own hosts): entries not also allowed by the runner's config are
   * dropped; an empty list means no network. Absent: the config's hosts.
   */
  readonly allowedHosts?: readonly string[];
  /**
   * Decides each change the command made to the workspace (the write policy
   * of write_file/delete_file). Absent: nothing the command wrote is kept.
   */
  readonly decideChanges?: (changes: readonly WorkspaceChange[]) => readonly ChangeVerdict[];
}

/** One path a sandboxed command changed in its copy of the workspace. */
export interface WorkspaceChange {
  /** Absolute path in the real workspace. */
  readonly path: string;
  /** `write`: a new or modified file, link or folder; `delete`: removed (or replaced by another kind). */
  readonly kind: 'write' | 'delete';
  /** What is there now: a file, a symbolic link, a folder, or nothing (a delete). */
  readonly entry: 'file' | 'symlink' | 'dir' | 'none';
}

export interface ChangeVerdict {
  readonly change: WorkspaceChange;
  readonly keep: boolean;
  /** A guard reason code (`protected-path`, `needs-approval`, …) or a sandbox one (`special-file`, `link-in-the-way`). */
  readonly reason: string;
  readonly message: string;
}

/** What became of a command's changes. */
export interface ChangeReport {
  /** Workspace-relative or absolute paths merged into the workspace. */
  readonly kept: readonly string[];
  readonly dropped: readonly {
    readonly path: string;
    readonly kind: WorkspaceChange['kind'];
    readonly reason: string;
    readonly message: string;
  }[];
  /** Set when nothing was considered: the command timed out, was cancelled, or the workspace was read-only. */
  readonly discarded?: string;
}

/** Limits applied inside the command: `ulimit` per process; the process count by a pids cgroup where one is writable. */
export interface ResourceLimits {
  /** Most virtual memory (address space) per process, in MiB. */
  readonly memoryMiB: number;
  /** Most CPU time per process, in seconds. */
  readonly cpuSeconds: number;
  /** Most processes (threads included) alive at once in the command. */
  readonly processes?: number;
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
  /** What became of the changes the command made to the workspace (sandboxed runners only). */
  readonly changes?: ChangeReport;
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
  /** Sandboxed runners: whether what they hide is known completely; a command not approved by a person is refused otherwise. */
  viewState?(): SandboxViewState;
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
  /** Workspace folders (absolute, real paths): each is the lower layer of a command's copy-on-write view. */
  readonly writableRoots: readonly string[];
  /**
   * `warden.paths.denyRead` globs: every matching file and folder in the
   * workspace (found and kept current by the runner's own index) is absent
   * from a command's view. Absent: the setting's defaults.
   */
  readonly denyRead?: readonly string[];
  /** Match the globs without case (the workspace's file system folds case). */
  readonly caseInsensitive?: boolean;
  /** Further absolute paths to hide, anywhere. */
  readonly hiddenPaths: readonly string[];
  /** Absolute paths inside the workspace whose changes are never kept (besides the write policy). */
  readonly readOnlyPaths: readonly string[];
  /** Hosts commands may reach (`host`, `*.domain`, `host:port`); empty means no network. */
  readonly allowedHosts: readonly string[];
  /** A managed policy forbids running anything without a sandbox, even with a person's approval. */
  readonly forbidUnsandboxed?: boolean;
}

/** Whether the runner's view of the workspace (what it hides) is complete right now. */
export interface SandboxViewState {
  readonly complete: boolean;
  /** Why not, for the chat and the audit log. */
  readonly why?: string;
}
