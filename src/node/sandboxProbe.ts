import { spawnSync } from 'node:child_process';

/**
 * Whether a sandbox works here right now: bubblewrap is on PATH and can run
 * `true` with the root file system bound read-only. (The sandbox runner may
 * replace this with its own smoke test later.)
 */
export function detectSandbox(timeoutMs = 5000): boolean {
  try {
    const r = spawnSync('bwrap', ['--ro-bind', '/', '/', 'true'], { stdio: 'ignore', timeout: timeoutMs });
    return r.error === undefined && r.status === 0;
  } catch {
    return false;
  }
}
