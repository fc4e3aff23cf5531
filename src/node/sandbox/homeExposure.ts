import { existsSync, realpathSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';

/**
 * The home folder is hidden inside the sandbox (that is where ambient
 * credentials live: ~/.ssh, ~/.aws, ~/.npmrc, keychains…). What a command
 * still needs from it: the toolchains on PATH installed under home (nvm,
 * pyenv, cargo…), read-only, minus the credential files those roots hold.
 */
export interface HomeExposure {
  readonly home: string;
  /** Folders under home a command may read (toolchain roots). */
  readonly readable: readonly string[];
  /** Credential files inside those folders, hidden again. */
  readonly hiddenFiles: readonly string[];
}

/** Credential files that sit inside toolchain roots. */
const CREDENTIAL_FILES = ['credentials', 'credentials.toml', '.credentials.json', 'auth.json', '.npmrc', '.netrc', '.pypirc', 'hosts.yml', 'config.json'];

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

export function homeExposure(home: string | null, pathEnv: string | undefined, extraReadable: readonly string[] = []): HomeExposure | null {
  if (home === null || home === '/' || home === '') return null;
  const realHome = existsSync(home) ? realpathSync(home) : home;
  const readable = new Set<string>();
  for (const raw of (pathEnv ?? '').split(delimiter)) {
    if (raw === '' || !existsSync(raw)) continue;
    const dir = realpathSync(raw);
    if (!inside(dir, realHome) || dir === realHome) continue;
    // A `bin`/`shims` folder needs its toolchain root (libraries beside it), never home itself.
    const root = ['bin', 'shims', 'sbin'].includes(basename(dir)) && dirname(dir) !== realHome ? dirname(dir) : dir;
    readable.add(root);
  }
  for (const p of extraReadable) if (existsSync(p) && inside(realpathSync(p), realHome)) readable.add(realpathSync(p));
  const hiddenFiles = [...readable].flatMap((r) => CREDENTIAL_FILES.map((f) => join(r, f))).filter((f) => existsSync(f));
  return { home: realHome, readable: [...readable].sort(), hiddenFiles };
}
