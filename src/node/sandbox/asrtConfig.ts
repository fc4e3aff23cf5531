import type { SandboxRuntimeConfig } from '@anthropic-ai/sandbox-runtime';
import type { SandboxConfig } from '../../core/exec/runner';

/**
 * Warden's sandbox config in sandbox-runtime's terms: the workspace and the
 * scratch folder writable, the rest read-only, protected paths read-only,
 * denied paths hidden, only the allowed hosts reachable (strictly: no
 * asking). The home folder is hidden too (ambient credentials live there),
 * except where a workspace folder is inside it.
 */
export function toAsrtConfig(config: SandboxConfig, tempRoot: string, home: string | null): SandboxRuntimeConfig {
  const hideHome = home !== null && home !== '/' && !config.writableRoots.some((r) => r === home || home.startsWith(`${r}/`));
  return {
    network: { allowedDomains: [...config.allowedHosts], deniedDomains: [], strictAllowlist: true },
    filesystem: {
      denyRead: [...config.hiddenPaths, ...(hideHome ? [home] : [])],
      allowRead: hideHome ? [...config.writableRoots.filter((r) => r.startsWith(`${home}/`))] : [],
      allowWrite: [...config.writableRoots, tempRoot],
      denyWrite: [...config.readOnlyPaths],
    },
  };
}
