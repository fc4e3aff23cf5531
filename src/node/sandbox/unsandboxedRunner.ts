import { buildCommandEnv } from '../../core/exec/envAllowlist';
import { DEFAULT_LIMITS, limitedScript, resolveLimits } from '../../core/exec/limits';
import { type CommandRunner, type RunRequest, type RunResult, RunnerRefusedError, type SandboxConfig } from '../../core/exec/runner';
import { findExecutable } from './findExecutable';
import { runProcess } from './runProcess';
import { checkRunRequest, insideRoots, parseSandboxConfig, type RunnerCommonOptions } from './runnerOptions';
import { createTempArea, type TempArea } from './tempArea';

/** Why nothing runs when no sandbox works and a managed policy forbids running without one. */
export const MANAGED_FORBIDS_UNSANDBOXED = 'the managed policy forbids running commands without a sandbox, and no sandbox works here';

/** What the UI shows beside an unsandboxed run. */
export const FULL_ACCESS_WARNING = 'No sandbox: this command runs with your full access to this machine (files, network, credentials).';

/**
 * Runs a command with no sandbox, only when a person approved that exact call.
 * It still gets a scrubbed environment, a scratch HOME, limits and a timeout,
 * and its result says `fullAccess: true`.
 */
export class UnsandboxedRunner implements CommandRunner {
  readonly kind = 'none' as const;
  private config: SandboxConfig;
  private readonly temp: TempArea;
  private disposed = false;

  constructor(private readonly options: RunnerCommonOptions) {
    this.config = parseSandboxConfig(options.config);
    this.temp = createTempArea(options.tempParent);
  }

  updateConfig(config: SandboxConfig): Promise<void> {
    this.config = parseSandboxConfig(config);
    return Promise.resolve();
  }

  async run(req: RunRequest): Promise<RunResult> {
    if (req.approvedByPerson !== true) {
      throw new RunnerRefusedError('no sandbox is available: a command runs unsandboxed only when a person approved this exact command');
    }
    if (this.disposed) throw new RunnerRefusedError('the unsandboxed runner was disposed');
    if (this.config.forbidUnsandboxed === true) throw new RunnerRefusedError(MANAGED_FORBIDS_UNSANDBOXED);
    const problem = checkRunRequest(req);
    if (problem !== null) throw new RunnerRefusedError(problem);
    if (!insideRoots(req.cwd, this.config.writableRoots)) throw new RunnerRefusedError(`cwd ${req.cwd} is outside every workspace folder`);
    const inherited = this.options.inheritedEnv ?? process.env;
    const pathEnv = this.options.pathEnv ?? inherited.PATH;
    const env = buildCommandEnv({
      inherited: { ...inherited, PATH: pathEnv },
      home: this.temp.home,
      tmpdir: this.temp.tmp,
      secretEnv: req.secretEnv,
    });
    const bash = findExecutable('bash', pathEnv) ?? '/bin/bash';
    const script = limitedScript(req.command, resolveLimits(req.limits, this.options.defaultLimits ?? DEFAULT_LIMITS));
    return runProcess(
      { file: bash, args: ['-c', script], env, cwd: req.cwd },
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
