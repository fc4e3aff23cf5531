import type { CommandRunner, SandboxConfig } from '../../core/exec/runner';
import type { RunnerSelection } from '../../node/sandbox/selectRunner';
import { selectRunner } from '../../node/sandbox/selectRunner';

type Configurable = CommandRunner & { updateConfig?: (config: SandboxConfig) => Promise<void> };

/**
 * The command runner for this window: chosen once by smoke test (sandbox-runtime,
 * else bubblewrap, else none), then told the current workspace, hidden paths
 * and hosts before every task.
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
    if (!this.selection) {
      this.selection = selectRunner({ config });
      this.known = await this.selection;
      this.onState(this.known.state, this.known.notes);
      return this.known;
    }
    const selection = await this.selection;
    const runner = selection.runner as Configurable;
    await runner.updateConfig?.(config);
    return selection;
  }

  async dispose(): Promise<void> {
    const s = this.selection;
    this.selection = undefined;
    if (s) await (await s).runner.dispose();
  }
}
