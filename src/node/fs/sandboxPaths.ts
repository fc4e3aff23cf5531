import type { SandboxConfig } from '../../core/exec/runner';
import type { Settings } from '../../core/policy/settings';

/**
 * What the sandbox is told about the workspace: its folders, the denyRead
 * globs (the runner's own index finds every matching file and keeps that
 * current, node_modules included, with no cap silently applied), and the
 * hosts. Protected paths need nothing here: a command writes only to its
 * copy of the workspace, and what it wrote is decided by the write policy.
 */
export function sandboxConfigFor(
  roots: readonly string[],
  settings: Pick<Settings, 'warden.paths.denyRead' | 'warden.network.allowedHosts'> &
    Partial<Pick<Settings, 'warden.managed.forbidUnsandboxedRunner'>>,
): SandboxConfig {
  return {
    writableRoots: [...roots],
    denyRead: [...settings['warden.paths.denyRead']],
    hiddenPaths: [],
    readOnlyPaths: [],
    allowedHosts: [...settings['warden.network.allowedHosts']],
    ...(settings['warden.managed.forbidUnsandboxedRunner'] === true ? { forbidUnsandboxed: true } : {}),
  };
}
