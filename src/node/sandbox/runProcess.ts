import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { RunResult, SandboxKind } from '../../core/exec/runner';

export interface ProcessSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Written to the child's fd 3 and closed (bubblewrap reads `--args 3` from it). */
  readonly fd3?: string;
}

export interface ProcessLimits {
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly signal?: AbortSignal;
  readonly onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Called with the pid (= process group id) once the process started. */
  readonly onSpawn?: (pid: number) => void;
  readonly sandbox: SandboxKind;
}

/** How long to wait for the pipes to drain once the process exited or was killed. */
const DRAIN_MS = 500;

/** Keeps the first `max` bytes of a stream (decoded as UTF-8) and counts the rest. */
export class CappedStream {
  private readonly decoder = new StringDecoder('utf8');
  private kept = 0;
  text = '';
  dropped = 0;
  constructor(
    private readonly max: number,
    private readonly emit: (chunk: string) => void,
  ) {}
  add(buf: Buffer): void {
    const room = Math.max(0, this.max - this.kept);
    const take = buf.length <= room ? buf : buf.subarray(0, room);
    this.dropped += buf.length - take.length;
    this.kept += take.length;
    if (take.length > 0) this.append(this.decoder.write(take));
  }
  end(): void {
    this.append(this.decoder.end());
  }
  private append(s: string): void {
    if (s.length === 0) return;
    this.text += s;
    this.emit(s);
  }
}

/** Kills the whole process group led by `pid` (every process started under it that did not leave the group). */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Runs one process in its own process group with a wall-clock timeout, output
 * capped per stream and cancellation; on timeout, cancel or exit the whole
 * group is killed, so nothing it started outlives it.
 */
export function runProcess(spec: ProcessSpec, limits: ProcessLimits): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(spec.file, [...spec.args], {
      cwd: spec.cwd,
      env: { ...spec.env },
      detached: true,
      stdio: spec.fd3 === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const out = new CappedStream(limits.maxOutputBytes, (c) => limits.onOutput?.(c, 'stdout'));
    const err = new CappedStream(limits.maxOutputBytes, (c) => limits.onOutput?.(c, 'stderr'));
    let timedOut = false;
    let cancelled = false;
    let spawnError: Error | null = null;
    let exit: { code: number | null; signal: string | null } | null = null;
    let settled = false;

    child.stdout?.on('data', (b: Buffer) => out.add(b));
    child.stderr?.on('data', (b: Buffer) => err.add(b));
    if (spec.fd3 !== undefined) {
      const fd3 = child.stdio[3] as NodeJS.WritableStream & { on(e: 'error', f: () => void): void };
      fd3.on('error', () => undefined);
      fd3.end(spec.fd3);
    }

    if (child.pid !== undefined) limits.onSpawn?.(child.pid);
    const kill = () => killGroup(child.pid);
    const timer = setTimeout(
      () => {
        timedOut = true;
        kill();
      },
      Math.max(1, limits.timeoutMs),
    );
    const onAbort = () => {
      cancelled = true;
      kill();
    };
    if (limits.signal?.aborted) onAbort();
    else limits.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      out.end();
      err.end();
      if (spawnError !== null) err.text += `${err.text === '' ? '' : '\n'}could not start ${spec.file}: ${spawnError.message}`;
      resolve({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        stdout: out.text,
        stderr: err.text,
        droppedBytes: { stdout: out.dropped, stderr: err.dropped },
        timedOut,
        cancelled,
        durationMs: performance.now() - started,
        sandbox: limits.sandbox,
        fullAccess: limits.sandbox === 'none',
      });
    };
    child.on('error', (e) => {
      spawnError = e;
      finish();
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Whatever the command left running in its group goes with it.
      kill();
      setTimeout(finish, DRAIN_MS).unref();
    });
    child.on('close', finish);
  });
}
