import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** The first executable `name` on `pathEnv`, or null. */
export function findExecutable(name: string, pathEnv: string | undefined): string | null {
  if (isAbsolute(name)) return canRun(name) ? name : null;
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, name);
    if (canRun(p)) return p;
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
