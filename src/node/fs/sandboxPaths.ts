import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { SandboxConfig } from '../../core/exec/runner';
import type { Guard } from '../../core/policy/guard';

/** Most entries examined per workspace folder when deriving the sandbox's hidden and read-only paths. */
export const MAX_SCANNED_ENTRIES = 50_000;
const NOT_ENTERED = new Set(['node_modules']);

/**
 * What the sandbox should hide and keep read-only, asked of the guard for
 * each existing entry: files and folders the guard will not read are hidden
 * (denyRead), entries whose writes are protected are read-only. Links are
 * skipped (the sandbox refuses to follow them out of the workspace).
 */
export async function sandboxConfigFor(roots: readonly string[], guard: Guard, allowedHosts: readonly string[]): Promise<SandboxConfig & { truncated: boolean }> {
  const hiddenPaths: string[] = [];
  const readOnlyPaths: string[] = [];
  let truncated = false;
  for (const root of roots) {
    let seen = 0;
    const queue = [root];
    while (queue.length > 0) {
      const dir = queue.shift() as string;
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (++seen > MAX_SCANNED_ENTRIES) {
          truncated = true;
          queue.length = 0;
          break;
        }
        if (e.isSymbolicLink() || (!e.isFile() && !e.isDirectory())) continue;
        const abs = join(dir, e.name);
        if (!guard.canRead(abs)) {
          hiddenPaths.push(abs);
          continue;
        }
        const rel = relative(root, abs);
        const write = guard.decide({ tool: 'write_file', input: { path: rel, content: '' } });
        if (write.details.kind === 'path' && write.details.target.protected) {
          readOnlyPaths.push(abs);
          continue;
        }
        if (e.isDirectory() && !NOT_ENTERED.has(e.name)) queue.push(abs);
      }
    }
  }
  return { writableRoots: [...roots], hiddenPaths, readOnlyPaths, allowedHosts: [...allowedHosts], truncated };
}
