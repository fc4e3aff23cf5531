import { findLayeredTools, LayeredSandbox } from './layeredSandbox';
import type { RunnerCommonOptions } from './runnerOptions';

/**
 * The fallback sandbox: Warden's copy-on-write bubblewrap sandbox with no
 * network at all (allowed hosts are ignored: nothing is reachable), every
 * capability dropped (as root, without `--cap-drop ALL` a command could
 * unmount a hidden folder) and no new user namespaces inside.
 */
export class BubblewrapRunner extends LayeredSandbox {
  /** The runner, or why it cannot work here (a tool missing). */
  static create(options: RunnerCommonOptions): BubblewrapRunner | { readonly unavailable: string } {
    const tools = findLayeredTools(options.pathEnv ?? process.env.PATH);
    if ('unavailable' in tools) return tools;
    return new BubblewrapRunner(tools, { ...options, kind: 'bubblewrap', network: null, seccomp: null, socat: null });
  }
}
