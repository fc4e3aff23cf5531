import type { SandboxRuntimeConfig } from '@anthropic-ai/sandbox-runtime';
import type { SandboxConfig } from '../../core/exec/runner';
import type { HomeExposure } from './homeExposure';

/**
 * Warden's sandbox config in sandbox-runtime's terms: the workspace and the
 * scratch folder writable, the rest read-only, protected paths read-only,
 * denied paths hidden, only the allowed hosts reachable (strictly: no
 * asking). The home folder is hidden too, but for the toolchains on PATH
 * (and sandbox-runtime's own helpers) when they live there; a workspace
 * folder inside home stays writable (sandbox-runtime restores write roots
 * under a hidden folder).
 */
export function toAsrtConfig(config: SandboxConfig, tempRoot: string, home: HomeExposure | null): SandboxRuntimeConfig {
  const hideHome = home !== null && !config.writableRoots.some((r) => r === home.home || home.home.startsWith(`${r}/`));
  return {
    network: { allowedDomains: [...config.allowedHosts], deniedDomains: [], strictAllowlist: true },
    filesystem: {
      denyRead: [...config.hiddenPaths, ...(hideHome ? [home.home, ...home.hiddenFiles] : [])],
      allowRead: hideHome ? [...home.readable] : [],
      allowWrite: [...config.writableRoots, tempRoot],
      denyWrite: [...config.readOnlyPaths],
    },
  };
}
