import { type ChildProcess, fork } from 'node:child_process';
import { homedir } from 'node:os';
import { buildCommandEnv } from '../../core/exec/envAllowlist';
import { DEFAULT_LIMITS, resolveLimits } from '../../core/exec/limits';
import { type CommandRunner, type RunRequest, type RunResult, RunnerRefusedError, type SandboxConfig } from '../../core/exec/runner';
import { defaultHostLaunch, type HostLaunch } from './hostLaunch';
import { describeIssues, type FromHost, fromHostSchema, type ToHost } from './hostProtocol';
import { killGroup } from './runProcess';
import { checkRunRequest, insideRoots, parseSandboxConfig, type RunnerCommonOptions } from './runnerOptions';
import { createTempArea, type TempArea } from './tempArea';

export interface SandboxRuntimeRunnerOptions extends RunnerCommonOptions {
  readonly host?: HostLaunch;
  /** Longest wait for the host to start and initialise the sandbox. */
  readonly startTimeoutMs?: number;
  /** Told about anything odd the host reports (invalid messages, crashes). */
  readonly log?: (message: string) => void;
}

interface Pending {
  readonly req: RunRequest;
  readonly resolve: (r: RunResult) => void;
  readonly reject: (e: Error) => void;
  pid: number | null;
  guard: NodeJS.Timeout;
}

/** Extra time the host gets past a command's own timeout before it is presumed stuck and killed. */
const HOST_GRACE_MS = 10_000;
/** How long a disposed host gets to kill its commands and reset the sandbox before SIGKILL. */
const DISPOSE_GRACE_MS = 3000;

/**
 * Runs commands in sandbox-runtime (bubblewrap + seccomp + a filtering
 * proxy), hosted in its own child process that stays initialised between
 * commands. If the host dies, every command it was running is killed and the
 * runner refuses further work (build a new one).
 *
 * Network: every request leaves through the proxy, which allows only
 * `allowedHosts` (`host`, `*.domain`, `host:port`; an IP literal such as
 * `127.0.0.1:8080` must be listed as such — `localhost` is a different
 * entry). sandbox-runtime sets NO_PROXY for loopback and private ranges, and
 * inside the sandbox loopback is the sandbox's own, so reaching a server on
 * the host's 127.0.0.1 needs a client told to use the proxy
 * (`curl --noproxy ''`).
 *
 * Secrets: sandbox-runtime 0.0.78 can mask environment credentials with a
 * sentinel that its proxy swaps for the real value on egress
 * (`credentials.envVars` with `mode: "mask"`), but only over its
 * experimental TLS termination (a generated CA the child must trust) or
 * with plaintext injection enabled. Warden does not turn that on: a granted,
 * approved secret reaches the command as its real value in the environment.
 */
export class SandboxRuntimeRunner implements CommandRunner {
  readonly kind = 'sandbox-runtime' as const;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: string | null = null;
  private config: SandboxConfig;
  private updateWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly temp: TempArea,
    private readonly options: SandboxRuntimeRunnerOptions,
  ) {
    this.config = parseSandboxConfig(options.config);
    child.on('message', (raw: unknown) => this.onMessage(raw));
    child.on('exit', (code, signal) => this.onHostGone(`the sandbox host stopped (${signal ?? `exit ${code}`})`));
  }

  /** Starts the host and initialises the sandbox; `unavailable` says why it cannot work here. */
  static async start(options: SandboxRuntimeRunnerOptions): Promise<SandboxRuntimeRunner | { readonly unavailable: string }> {
    const config = parseSandboxConfig(options.config);
    const launch = options.host ?? defaultHostLaunch();
    const temp = createTempArea(options.tempParent);
    const inherited = options.inheritedEnv ?? process.env;
    // Under VS Code desktop process.execPath is Electron: ELECTRON_RUN_AS_NODE makes it run the host as plain Node (harmless under Node).
    const hostEnv: Record<string, string> = { PATH: options.pathEnv ?? inherited.PATH ?? '/usr/bin:/bin', ELECTRON_RUN_AS_NODE: '1' };
    for (const k of ['HOME', 'LANG', 'TZ'] as const) {
      const v = inherited[k];
      if (v !== undefined) hostEnv[k] = v;
    }
    const child = fork(launch.script, [], {
      execArgv: [...launch.execArgv],
      cwd: config.writableRoots[0],
      env: hostEnv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'json',
    });
    const hideHome = options.hideHome === undefined ? homedir() : options.hideHome;
    const init: ToHost = { type: 'init', config, tempRoot: temp.root, home: temp.home, tmp: temp.tmp, hideHome };
    const outcome = await new Promise<{ ok: true } | { ok: false; why: string }>((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, why: 'the sandbox host did not start in time' }), options.startTimeoutMs ?? 30_000);
      const done = (v: { ok: true } | { ok: false; why: string }) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.off('error', onError);
        resolve(v);
      };
      const onMessage = (raw: unknown) => {
        const m = fromHostSchema.safeParse(raw);
        if (m.success && m.data.type === 'ready') done({ ok: true });
        else if (m.success && m.data.type === 'init-error') done({ ok: false, why: m.data.message });
      };
      const onExit = (code: number | null, signal: string | null) => done({ ok: false, why: `the sandbox host exited during start (${signal ?? `exit ${code}`})` });
      const onError = (e: Error) => done({ ok: false, why: `the sandbox host could not start: ${e.message}` });
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.on('error', onError);
      child.send(init);
    });
    if (!outcome.ok) {
      child.kill('SIGKILL');
      temp.dispose();
      return { unavailable: outcome.why };
    }
    return new SandboxRuntimeRunner(child, temp, { ...options, config });
  }

  /** The host's pid (tests kill it to prove nothing outlives it). */
  get hostPid(): number | undefined {
    return this.child.pid;
  }

  async updateConfig(config: SandboxConfig): Promise<void> {
    const parsed = parseSandboxConfig(config);
    if (this.dead !== null) throw new RunnerRefusedError(this.dead);
    await new Promise<void>((resolve, reject) => {
      this.updateWaiters.push({ resolve, reject });
      this.post({ type: 'update', config: parsed });
    });
    this.config = parsed;
  }

  run(req: RunRequest): Promise<RunResult> {
    if (this.dead !== null) return Promise.reject(new RunnerRefusedError(this.dead));
    const problem = checkRunRequest(req);
    if (problem !== null) return Promise.reject(new RunnerRefusedError(problem));
    if (!insideRoots(req.cwd, this.config.writableRoots)) return Promise.reject(new RunnerRefusedError(`cwd ${req.cwd} is outside every workspace folder`));
    const inherited = this.options.inheritedEnv ?? process.env;
    let env: Record<string, string>;
    try {
      env = buildCommandEnv({ inherited: { ...inherited, PATH: this.options.pathEnv ?? inherited.PATH }, home: this.temp.home, tmpdir: this.temp.tmp, secretEnv: req.secretEnv });
    } catch (e) {
      return Promise.reject(new RunnerRefusedError(e instanceof Error ? e.message : String(e)));
    }
    const id = this.nextId++;
    const limits = resolveLimits(req.limits, this.options.defaultLimits ?? DEFAULT_LIMITS);
    return new Promise<RunResult>((resolve, reject) => {
      const guard = setTimeout(() => this.onHostGone('the sandbox host did not answer in time and was stopped'), req.timeoutMs + HOST_GRACE_MS);
      const entry: Pending = { req, resolve, reject, pid: null, guard };
      this.pending.set(id, entry);
      const onAbort = () => this.post({ type: 'cancel', id });
      if (req.signal?.aborted) onAbort();
      else req.signal?.addEventListener('abort', onAbort, { once: true });
      this.post({ type: 'run', id, command: req.command, cwd: req.cwd, env, timeoutMs: req.timeoutMs, maxOutputBytes: req.maxOutputBytes, limits });
    });
  }

  /** Closes the channel so the host kills its commands and resets the sandbox; SIGKILL if it takes too long. */
  async dispose(): Promise<void> {
    if (this.dead === null) {
      this.dead = 'the sandbox runner was disposed';
      const pids = [...this.pending.values()].map((p) => p.pid ?? undefined);
      for (const [id, p] of this.pending) {
        this.settle(id);
        p.reject(new Error(this.dead));
      }
      const exited = new Promise<void>((resolve) => {
        if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
        else this.child.once('exit', () => resolve());
      });
      if (this.child.connected) this.child.disconnect();
      await Promise.race([exited, new Promise((r) => setTimeout(r, DISPOSE_GRACE_MS).unref())]);
      this.onHostGone(this.dead);
      for (const pid of pids) killGroup(pid);
    }
    this.temp.dispose();
  }

  private post(m: ToHost): void {
    if (this.child.connected) this.child.send(m);
  }

  private onMessage(raw: unknown): void {
    const parsed = fromHostSchema.safeParse(raw);
    if (!parsed.success) {
      this.options.log?.(`sandbox host sent an invalid message: ${describeIssues(parsed.error)}`);
      return;
    }
    const m: FromHost = parsed.data;
    switch (m.type) {
      case 'output': {
        this.pending.get(m.id)?.req.onOutput?.(m.chunk, m.stream);
        break;
      }
      case 'started': {
        const p = this.pending.get(m.id);
        if (p) p.pid = m.pid;
        break;
      }
      case 'result': {
        const p = this.settle(m.id);
        p?.resolve({ ...m.result, sandbox: this.kind, fullAccess: false });
        break;
      }
      case 'error': {
        if (m.id === null) {
          this.options.log?.(`sandbox host: ${m.message}`);
          this.updateWaiters.shift()?.reject(new Error(m.message));
        } else this.settle(m.id)?.reject(new Error(`sandbox: ${m.message}`));
        break;
      }
      case 'updated':
        this.updateWaiters.shift()?.resolve();
        break;
      case 'ready':
      case 'init-error':
        break;
    }
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (p === undefined) return undefined;
    clearTimeout(p.guard);
    this.pending.delete(id);
    return p;
  }

  /** The host is gone or must go: kill it and every command it ran, fail what was waiting. */
  private onHostGone(why: string): void {
    if (this.dead === null) this.dead = why;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    for (const [id, p] of this.pending) {
      killGroup(p.pid ?? undefined);
      this.settle(id);
      p.reject(new Error(why));
    }
    for (const w of this.updateWaiters.splice(0)) w.reject(new Error(why));
  }
}
