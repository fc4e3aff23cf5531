import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A runner's own writable scratch space: a throw-away HOME and TMPDIR for commands. */
export interface TempArea {
  readonly root: string;
  readonly home: string;
  readonly tmp: string;
  dispose(): void;
}

export function createTempArea(parent: string = tmpdir()): TempArea {
  const root = realpathSync(mkdtempSync(join(parent, 'warden-sandbox-')));
  const home = join(root, 'home');
  const tmp = join(root, 'tmp');
  mkdirSync(home, { mode: 0o700 });
  mkdirSync(tmp, { mode: 0o700 });
  return { root, home, tmp, dispose: () => rmSync(root, { recursive: true, force: true }) };
}
