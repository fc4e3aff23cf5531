import { type CommandRunner, SANDBOX_STATE, type SandboxKind, type SandboxState } from '../../core/exec/runner';
import { BubblewrapRunner } from './bubblewrapRunner';
import { SandboxRuntimeRunner, type SandboxRuntimeRunnerOptions } from './sandboxRuntimeRunner';
import { UnsandboxedRunner } from './unsandboxedRunner';

export interface RunnerSelection {
  readonly runner: CommandRunner;
  readonly kind: SandboxKind;
  /** For the UI and the audit log: `sandboxed`, `fallback (bubblewrap, no network)` or `none`. */
  readonly state: SandboxState;
  /** Why each better runner was not chosen, in order (empty when sandbox-runtime works). */
  readonly notes: readonly string[];
}

const SMOKE_TIMEOUT_MS = 30_000;

/**
 * Runs `echo ok` inside; a runner is trusted only if exactly `ok` comes back.
 * Warden's own fixed command counts as approved: it must not wait for the
 * workspace index (which a very large workspace may never complete).
 */
export async function smokeTest(runner: CommandRunner, cwd: string): Promise<string | null> {
  try {
    const r = await runner.run({
      command: 'echo ok',
      cwd,
      secretEnv: {},
      timeoutMs: SMOKE_TIMEOUT_MS,
      maxOutputBytes: 4096,
      approvedByPerson: true,
      workspace: 'read-only',
    });
    if (r.exitCode === 0 && r.stdout === 'ok\n') return null;
    return `smoke test failed (exit ${r.exitCode ?? r.signal ?? '?'}${r.timedOut ? ', timed out' : ''}): ${(r.stderr || r.stdout).trim().slice(0, 300)}`;
  } catch (e) {
    return `smoke test failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/**
 * Picks the best runner that works on this machine: sandbox-runtime, else
 * plain bubblewrap (no network), else the unsandboxed runner (which runs
 * only what a person approved). Each candidate must pass the smoke test.
 */
export async function selectRunner(options: SandboxRuntimeRunnerOptions): Promise<RunnerSelection> {
  const notes: string[] = [];
  const folders = options.config.writableRoots;
  if (folders.length === 0) throw new Error('selectRunner: at least one workspace folder is needed');
  /** The smoke test in every workspace folder: a runner must work wherever a command may run. */
  const smokeAll = async (runner: CommandRunner): Promise<string | null> => {
    for (const cwd of folders) {
      const failed = await smokeTest(runner, cwd);
      if (failed !== null) return folders.length > 1 ? `${failed} (in ${cwd})` : failed;
    }
    return null;
  };

  const asrt = await SandboxRuntimeRunner.start(options);
  if (asrt instanceof SandboxRuntimeRunner) {
    const failed = await smokeAll(asrt);
    if (failed === null) return done(asrt, notes);
    notes.push(`sandbox-runtime: ${failed}`);
    await asrt.dispose();
  } else notes.push(`sandbox-runtime: ${asrt.unavailable}`);

  const bwrap = BubblewrapRunner.create(options);
  if (bwrap instanceof BubblewrapRunner) {
    const failed = await smokeAll(bwrap);
    if (failed === null) return done(bwrap, notes);
    notes.push(`bubblewrap: ${failed}`);
    await bwrap.dispose();
  } else notes.push(`bubblewrap: ${bwrap.unavailable}`);

  return done(new UnsandboxedRunner(options), notes);
}

function done(runner: CommandRunner, notes: string[]): RunnerSelection {
  const limit = 'processLimitNote' in runner ? (runner as { processLimitNote: string | null }).processLimitNote : null;
  return { runner, kind: runner.kind, state: SANDBOX_STATE[runner.kind], notes: limit === null ? notes : [...notes, limit] };
}
