import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../processAlive';

/** A runner's own writable scratch space: a throw-away HOME and TMPDIR for commands. */
export interface TempArea {
  readonly root: string;
  readonly home: string;
  readonly tmp: string;
  dispose(): void;
}

const PREFIX = 'warden-sandbox-';

/** Removes scratch folders left by runners whose process died without cleaning up (killed with SIGKILL). */
function sweepStale(parent: string): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^warden-sandbox-(\d+)-/.exec(name);
    if (m === null || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}

/** The folder is named after this process, so a later runner can remove it should this one be killed. */
export function createTempArea(parent: string = tmpdir()): TempArea {
  sweepStale(parent);
  const root = realpathSync(mkdtempSync(join(parent, `${PREFIX}${process.pid}-`)));
  const home = join(root, 'home');
  const tmp = join(root, 'tmp');
  mkdirSync(home, { mode: 0o700 });
  mkdirSync(tmp, { mode: 0o700 });
  return { root, home, tmp, dispose: () => rmSync(root, { recursive: true, force: true }) };
}
