import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type CommandRunner,
  type RunRequest,
  type RunResult,
  RunnerRefusedError,
  type SandboxConfig,
  type SandboxViewState,
} from '../../core/exec/runner';
import { findExecutable } from './findExecutable';
import { defaultHostLaunch, type HostLaunch } from './hostLaunch';
import { describeIssues, fromHostSchema, type ToHost } from './hostProtocol';
import { findLayeredTools, LayeredSandbox, type NetworkLease } from './layeredSandbox';
import { parseSandboxConfig, type RunnerCommonOptions } from './runnerOptions';

export interface SandboxRuntimeRunnerOptions extends RunnerCommonOptions {
  readonly host?: HostLaunch;
  /** Longest wait for the host to start and initialise the proxy. */
  readonly startTimeoutMs?: number;
  /** Told about anything odd the host reports (invalid messages, crashes). */
  readonly log?: (message: string) => void;
}

/** How long a disposed host gets to reset its proxy before SIGKILL. */
const DISPOSE_GRACE_MS = 3000;

/** sandbox-runtime's seccomp helper (blocks new Unix sockets): beside the bundle, or in the package. */
function seccompHelper(): string | null {
  const arch = process.arch === 'x64' ? 'x64' : process.arch === 'arm64' ? 'arm64' : null;
  if (arch === null) return null;
  const fromBundle = join(__dirname, 'vendor', 'seccomp', arch, 'apply-seccomp');
  if (!__filename.endsWith('.ts') && existsSync(fromBundle)) return fromBundle;
  try {
    const pkg = dirname(createRequire(__filename).resolve('@anthropic-ai/sandbox-runtime/package.json'));
    const p = join(pkg, 'vendor', 'seccomp', arch, 'apply-seccomp');
    return existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

/** One host process: sandbox-runtime's proxy for one list of hosts. */
class ProxyHost {
  private updateWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private gone: string | null = null;
  private readonly onGone: Array<(why: string) => void> = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly socket: string,
    readonly token: string,
    private readonly log: ((m: string) => void) | undefined,
  ) {
    child.on('message', (raw: unknown) => {
      const m = fromHostSchema.safeParse(raw);
      if (!m.success) {
        log?.(`sandbox host sent an invalid message: ${describeIssues(m.error)}`);
        return;
      }
      if (m.data.type === 'updated') this.updateWaiters.shift()?.resolve();
      else if (m.data.type === 'error') {
        log?.(`sandbox host: ${m.data.message}`);
        this.updateWaiters.shift()?.reject(new Error(m.data.message));
      }
    });
    child.on('exit', (code, signal) => this.lost(`the sandbox host stopped (${signal ?? `exit ${code}`})`));
  }

  static async start(
    options: SandboxRuntimeRunnerOptions,
    hosts: readonly string[],
    cwd: string,
  ): Promise<ProxyHost | { readonly unavailable: string }> {
    const launch = options.host ?? defaultHostLaunch();
    const inherited = options.inheritedEnv ?? process.env;
    // Under VS Code desktop process.execPath is Electron: ELECTRON_RUN_AS_NODE makes it run the host as plain Node (harmless under Node).
    const hostEnv: Record<string, string> = { PATH: options.pathEnv ?? inherited.PATH ?? '/usr/bin:/bin', ELECTRON_RUN_AS_NODE: '1' };
    for (const k of ['HOME', 'LANG', 'TZ'] as const) {
      const v = inherited[k];
      if (v !== undefined) hostEnv[k] = v;
    }
    const child = fork(launch.script, [], {
      execArgv: [...launch.execArgv],
      cwd,
      env: hostEnv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'json',
    });
    const outcome = await new Promise<{ ok: true; socket: string; token: string } | { ok: false; why: string }>((resolve) => {
      const timer = setTimeout(
        () => resolve({ ok: false, why: 'the sandbox host did not start in time' }),
        options.startTimeoutMs ?? 30_000,
      );
      const done = (v: { ok: true; socket: string; token: string } | { ok: false; why: string }) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.off('error', onError);
        resolve(v);
      };
      const onMessage = (raw: unknown) => {
        const m = fromHostSchema.safeParse(raw);
        if (m.success && m.data.type === 'ready') done({ ok: true, socket: m.data.socket, token: m.data.token });
        else if (m.success && m.data.type === 'init-error') done({ ok: false, why: m.data.message });
      };
      const onExit = (code: number | null, signal: string | null) =>
        done({ ok: false, why: `the sandbox host exited during start (${signal ?? `exit ${code}`})` });
      const onError = (e: Error) => done({ ok: false, why: `the sandbox host could not start: ${e.message}` });
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.on('error', onError);
      const init: ToHost = { type: 'init', allowedHosts: [...hosts] };
      child.send(init);
    });
    if (!outcome.ok) {
      child.kill('SIGKILL');
      return { unavailable: outcome.why };
    }
    return new ProxyHost(child, outcome.socket, outcome.token, options.log);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get dead(): string | null {
    return this.gone;
  }

  whenGone(f: (why: string) => void): void {
    if (this.gone !== null) f(this.gone);
    else this.onGone.push(f);
  }

  async update(hosts: readonly string[]): Promise<void> {
    if (this.gone !== null) throw new RunnerRefusedError(this.gone);
    await new Promise<void>((resolve, reject) => {
      this.updateWaiters.push({ resolve, reject });
      const m: ToHost = { type: 'update', allowedHosts: [...hosts] };
      if (this.child.connected) this.child.send(m);
    });
  }

  /** The variables that send a command's traffic through the bridge to this proxy (as sandbox-runtime sets them). */
  env(): Record<string, string> {
    const auth = this.token === '' ? '' : `srt:${this.token}@`;
    const http = `http://${auth}localhost:3128`;
    const socks = `socks5h://${auth}localhost:1080`;
    const noProxy = 'localhost,127.0.0.1,::1,169.254.0.0/16,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16';
    const env: Record<string, string> = { SANDBOX_RUNTIME: '1', NO_PROXY: noProxy, no_proxy: noProxy, FTP_PROXY: socks, ftp_proxy: socks };
    for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'GRPC_PROXY', 'grpc_proxy'])
      env[k] = http;
    if (this.token !== '') env.GIT_CONFIG_PARAMETERS = `'http.proxyAuthMethod=basic'`;
    env.GIT_SSH_COMMAND = `ssh -o ControlMaster=no -o ControlPath=none -o ProxyCommand='socat - PROXY:localhost:%h:%p,proxyport=3128${this.token === '' ? '' : `,proxyauth=srt:${this.token}`}'`;
    return env;
  }

  async dispose(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    if (this.child.connected) this.child.disconnect();
    await Promise.race([exited, new Promise((r) => setTimeout(r, DISPOSE_GRACE_MS).unref())]);
    this.lost('the sandbox host was disposed');
  }

  private lost(why: string): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    if (this.gone !== null) return;
    this.gone = why;
    for (const w of this.updateWaiters.splice(0)) w.reject(new Error(why));
    for (const f of this.onGone.splice(0)) f(why);
  }
}

/**
 * Commands in Warden's copy-on-write sandbox (the same filesystem view as
 * the bubblewrap fallback), with sandbox-runtime's network: its filtering
 * proxy, hosted in its own child process, reached through its bridge
 * socket, and its seccomp helper that blocks new Unix sockets. sandbox-
 * runtime's own filesystem wrapping is not used: it cannot give a command a
 * copy of the workspace, it writes placeholder files into the workspace, and
 * it costs tens of milliseconds per command.
 *
 * Network: every request leaves through the proxy, which allows only
 * `allowedHosts` (`host`, `*.domain`, `host:port`; an IP literal such as
 * `127.0.0.1:8080` must be listed as such — `localhost` is a different
 * entry). NO_PROXY names loopback and private ranges, and inside the sandbox
 * loopback is the sandbox's own, so reaching a server on the host's
 * 127.0.0.1 needs a client told to use the proxy (`curl --noproxy ''`). A run
 * whose `allowedHosts` is narrower (a command holding a secret: the secret's
 * hosts) gets a proxy of its own, started for it and stopped after it.
 *
 * If the host dies, every command running is killed and the runner refuses
 * further work (build a new one).
 */
export class SandboxRuntimeRunner implements CommandRunner {
  readonly kind = 'sandbox-runtime' as const;
  private dead: string | null = null;
  private readonly running = new Set<{ reject: (e: Error) => void; abort: AbortController }>();

  private constructor(
    private readonly main: ProxyHost,
    private readonly inner: LayeredSandbox,
    private config: SandboxConfig,
  ) {
    main.whenGone((why) => {
      if (this.dead === null) this.dead = why;
      for (const r of this.running) {
        r.abort.abort();
        r.reject(new Error(why));
      }
    });
  }

  /** Starts the host and the proxy; `unavailable` says why it cannot work here. */
  static async start(options: SandboxRuntimeRunnerOptions): Promise<SandboxRuntimeRunner | { readonly unavailable: string }> {
    const config = parseSandboxConfig(options.config);
    const pathEnv = options.pathEnv ?? process.env.PATH;
    const tools = findLayeredTools(pathEnv);
    if ('unavailable' in tools) return tools;
    const socat = findExecutable('socat', pathEnv);
    if (socat === null) return { unavailable: 'sandbox-runtime cannot run here: socat is not on the PATH (Debian package socat)' };
    const cwd = config.writableRoots[0] ?? '/';
    const main = await ProxyHost.start(options, config.allowedHosts, cwd);
    if ('unavailable' in main) return main;
    let runner: SandboxRuntimeRunner | null = null;
    const network = async (hosts: readonly string[]): Promise<NetworkLease> => {
      const r = runner;
      if (r === null) throw new RunnerRefusedError('the sandbox runner is not ready');
      if (hosts.length === r.config.allowedHosts.length && hosts.every((h) => r.config.allowedHosts.includes(h))) {
        return { socket: main.socket, env: main.env(), release: () => Promise.resolve() };
      }
      const own = await ProxyHost.start(options, hosts, cwd);
      if ('unavailable' in own) throw new RunnerRefusedError(`could not start a proxy for this command's hosts: ${own.unavailable}`);
      return { socket: own.socket, env: own.env(), release: () => own.dispose() };
    };
    const inner = new LayeredSandbox(tools, { ...options, config, kind: 'sandbox-runtime', network, seccomp: seccompHelper(), socat });
    runner = new SandboxRuntimeRunner(main, inner, config);
    return runner;
  }

  /** The host's pid (tests kill it to prove nothing outlives it). */
  get hostPid(): number | undefined {
    return this.main.pid;
  }

  get processLimitNote(): string | null {
    return this.inner.processLimitNote;
  }

  viewState(): SandboxViewState {
    return this.inner.viewState();
  }

  indexed(): Promise<void> {
    return this.inner.indexed();
  }

  async updateConfig(config: SandboxConfig): Promise<void> {
    const parsed = parseSandboxConfig(config);
    if (this.dead !== null) throw new RunnerRefusedError(this.dead);
    await this.main.update(parsed.allowedHosts);
    await this.inner.updateConfig(parsed);
    this.config = parsed;
  }

  run(req: RunRequest): Promise<RunResult> {
    if (this.dead !== null) return Promise.reject(new RunnerRefusedError(this.dead));
    return new Promise<RunResult>((resolve, reject) => {
      const abort = new AbortController();
      const onAbort = () => abort.abort();
      if (req.signal?.aborted) abort.abort();
      else req.signal?.addEventListener('abort', onAbort, { once: true });
      const entry = { reject, abort };
      this.running.add(entry);
      this.inner
        .run({ ...req, signal: abort.signal })
        .then(resolve, reject)
        .finally(() => {
          req.signal?.removeEventListener('abort', onAbort);
          this.running.delete(entry);
        });
    });
  }

  async dispose(): Promise<void> {
    if (this.dead === null) this.dead = 'the sandbox runner was disposed';
    for (const r of this.running) {
      r.abort.abort();
      r.reject(new Error(this.dead));
    }
    await this.inner.dispose();
    await this.main.dispose();
  }
}
