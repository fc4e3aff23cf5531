import { readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PathProbe } from '../core/policy/guard';

/** Whether the file system holding `dir` (which exists) folds case: checked once per folder by flipping its case. */
function foldsCase(dir: string): boolean {
  let probeDir = dir;
  for (;;) {
    const base = probeDir.split('/').pop() ?? '';
    const flipped = base === base.toUpperCase() ? base.toLowerCase() : base.toUpperCase();
    if (base !== '' && flipped !== base) {
      try {
        const a = statSync(probeDir);
        const b = statSync(join(dirname(probeDir), flipped));
        return a.ino === b.ino && a.dev === b.dev;
      } catch {
        return false;
      }
    }
    const parent = dirname(probeDir);
    if (parent === probeDir) return process.platform === 'darwin' || process.platform === 'win32';
    probeDir = parent;
  }
}

/** The guard's file-system port over `fs.realpathSync.native`. */
export function createPathProbe(): PathProbe {
  const folding = new Map<string, boolean>();
  return {
    realpath(absPath: string): string | null {
      try {
        return realpathSync.native(absPath);
      } catch {
        return null;
      }
    },
    isCaseInsensitive(absPath: string): boolean {
      let known = folding.get(absPath);
      if (known === undefined) {
        let dir = absPath;
        while (dir !== dirname(dir)) {
          try {
            statSync(dir);
            break;
          } catch {
            dir = dirname(dir);
          }
        }
        known = foldsCase(dir);
        folding.set(absPath, known);
      }
      return known;
    },
    readlink(absPath: string): string | null {
      try {
        return readlinkSync(absPath);
      } catch {
        return null;
      }
    },
    listDir(absPath: string): readonly string[] | null {
      try {
        return readdirSync(absPath);
      } catch {
        return null;
      }
    },
  };
}
