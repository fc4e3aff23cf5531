import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * The first executable `name` on `pathEnv`, links resolved (a sandbox may hide
 * the folder of the link but not the real binary), or null.
 */
export function findExecutable(name: string, pathEnv: string | undefined): string | null {
  if (isAbsolute(name)) return canRun(name) ? realpathSync(name) : null;
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, name);
    if (canRun(p)) return realpathSync(p);
  }
  return null;
}

function canRun(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
