import type { SandboxConfig } from '../../core/exec/runner';
import type { RunnerSelection } from '../../node/sandbox/selectRunner';
import { selectRunner } from '../../node/sandbox/selectRunner';

/**
 * The command runner for this window: chosen by smoke test (sandbox-runtime,
 * else bubblewrap, else none), then told the current workspace, hidden paths
 * and hosts before every task. A runner that stopped working (its host died)
 * is replaced by a fresh selection. A command runs unasked only while the
 * runner's view of the workspace (what it hides) is complete.
 */
export class SandboxHolder {
  private selection: Promise<RunnerSelection> | undefined;
  private known: RunnerSelection | undefined;

  constructor(
    private readonly onState: (state: string, notes: readonly string[]) => void,
    /** The editor's and Warden's storage folders: hidden from every command. */
    private readonly privateDirs: readonly string[] = [],
  ) {}

  /** `checking` until the first selection finishes. */
  get state(): string {
    return this.known?.state ?? 'checking';
  }

  /** A sandbox works and knows what to hide; otherwise commands ask (fail closed). */
  get available(): boolean {
    return this.known !== undefined && this.known.kind !== 'none' && this.known.runner.viewState?.().complete !== false;
  }

  /** Why commands need approval although a sandbox works (its view of the workspace is incomplete), or null. */
  get incompleteView(): string | null {
    const v = this.known?.runner.viewState?.();
    return v !== undefined && !v.complete ? (v.why ?? 'the sandbox does not yet know what to hide') : null;
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
    this.selection = selectRunner({ config, privateDirs: this.privateDirs });
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
