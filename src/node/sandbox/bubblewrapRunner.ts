import { homedir } from 'node:os';
import { buildCommandEnv } from '../../core/exec/envAllowlist';
import { DEFAULT_LIMITS, limitedScript, resolveLimits } from '../../core/exec/limits';
import { type CommandRunner, type RunRequest, type RunResult, RunnerRefusedError, type SandboxConfig } from '../../core/exec/runner';
import { bubblewrapArgs, bubblewrapCommand, encodeArgs } from './bubblewrapArgs';
import { findExecutable } from './findExecutable';
import { type HomeExposure, homeExposure } from './homeExposure';
import { runProcess } from './runProcess';
import { checkRunRequest, insideRoots, parseSandboxConfig, type RunnerCommonOptions } from './runnerOptions';
import { createTempArea, type TempArea } from './tempArea';

/**
 * The fallback sandbox: plain bubblewrap, no network at all, every capability
 * dropped (as root, without `--cap-drop ALL` a command could unmount a hidden
 * folder). Allowed hosts are ignored: nothing is reachable.
 */
export class BubblewrapRunner implements CommandRunner {
  readonly kind = 'bubblewrap' as const;
  private config: SandboxConfig;
  private readonly temp: TempArea;
  private readonly home: HomeExposure | null;
  private disposed = false;

  private constructor(
    private readonly bwrap: string,
    private readonly bash: string,
    private readonly options: RunnerCommonOptions,
  ) {
    this.config = parseSandboxConfig(options.config);
    this.temp = createTempArea(options.tempParent);
    const home = options.hideHome === undefined ? homedir() : options.hideHome;
    this.home = homeExposure(home, options.pathEnv ?? process.env.PATH);
  }

  /** Null (with the reason) when bwrap or bash cannot be found on the PATH. */
  static create(options: RunnerCommonOptions): BubblewrapRunner | { readonly unavailable: string } {
    const pathEnv = options.pathEnv ?? process.env.PATH;
    const bwrap = findExecutable('bwrap', pathEnv);
    if (bwrap === null) return { unavailable: 'bwrap is not on the PATH (Debian package bubblewrap)' };
    const bash = findExecutable('bash', pathEnv) ?? findExecutable('/bin/bash', undefined);
    if (bash === null) return { unavailable: 'bash is not on the PATH' };
    return new BubblewrapRunner(bwrap, bash, options);
  }

  updateConfig(config: SandboxConfig): Promise<void> {
    this.config = parseSandboxConfig(config);
    return Promise.resolve();
  }

  async run(req: RunRequest): Promise<RunResult> {
    if (this.disposed) throw new RunnerRefusedError('the bubblewrap runner was disposed');
    const problem = checkRunRequest(req);
    if (problem !== null) throw new RunnerRefusedError(problem);
    if (!insideRoots(req.cwd, this.config.writableRoots)) throw new RunnerRefusedError(`cwd ${req.cwd} is outside every workspace folder`);
    const inherited = this.options.inheritedEnv ?? process.env;
    const env = buildCommandEnv({
      inherited: { ...inherited, PATH: this.options.pathEnv ?? inherited.PATH },
      home: this.temp.home,
      tmpdir: this.temp.tmp,
      secretEnv: req.secretEnv,
    });
    const script = limitedScript(req.command, resolveLimits(req.limits, this.options.defaultLimits ?? DEFAULT_LIMITS));
    const plan = { config: this.config, tempRoot: this.temp.root, cwd: req.cwd, env, bash: this.bash, script, home: this.home };
    return runProcess(
      { file: this.bwrap, args: ['--args', '3', ...bubblewrapCommand(plan)], fd3: encodeArgs(bubblewrapArgs(plan)), env: { PATH: env.PATH ?? '' }, cwd: req.cwd },
      { timeoutMs: req.timeoutMs, maxOutputBytes: req.maxOutputBytes, signal: req.signal, onOutput: req.onOutput, sandbox: this.kind },
    );
  }

  dispose(): Promise<void> {
    if (!this.disposed) {
      this.disposed = true;
      this.temp.dispose();
    }
    return Promise.resolve();
  }
}
