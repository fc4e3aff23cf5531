import type { SandboxConfig } from '../../core/exec/runner';
import type { RunnerSelection } from '../../node/sandbox/selectRunner';
import { selectRunner } from '../../node/sandbox/selectRunner';

/**
 * The command runner for this window: chosen by smoke test (sandbox-runtime,
 * else bubblewrap, else none), then told the current workspace, hidden paths
 * and hosts before every task. A runner that stopped working (its host died)
 * is replaced by a fresh selection.
 */
export class SandboxHolder {
  private selection: Promise<RunnerSelection> | undefined;
  private known: RunnerSelection | undefined;

  constructor(private readonly onState: (state: string, notes: readonly string[]) => void) {}

  /** `checking` until the first selection finishes. */
  get state(): string {
    return this.known?.state ?? 'checking';
  }

  get available(): boolean {
    return this.known !== undefined && this.known.kind !== 'none';
  }

  async runnerFor(config: SandboxConfig): Promise<RunnerSelection> {
    if (this.selection) {
      const selection = await this.selection;
      try {
        await selection.runner.updateConfig?.(config);
        return selection;
      } catch {
        await selection.runner.dispose().catch(() => undefined);
        this.selection = undefined;
        this.known = undefined;
      }
    }
    this.selection = selectRunner({ config });
    this.known = await this.selection;
    this.onState(this.known.state, this.known.notes);
    return this.known;
  }

  async dispose(): Promise<void> {
    const s = this.selection;
    this.selection = undefined;
    if (s) await (await s).runner.dispose();
  }
}
