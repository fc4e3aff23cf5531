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
const CREDENTIAL_FILES = [
  'credentials',
  'credentials.toml',
  '.credentials.json',
  'auth.json',
  '.npmrc',
  '.netrc',
  '.pypirc',
  'hosts.yml',
  'config.json',
];

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

/** How many folders deep `dir` is below `home`. */
function depthBelow(dir: string, home: string): number {
  return dir.slice(home.length).split('/').filter(Boolean).length;
}

/**
 * Exactly the folders PATH entries under home need: the entry itself, and
 * for a `bin`/`sbin`/`shims` entry its toolchain root when that root is a
 * versioned install at least two levels down (`~/.nvm/versions/node/v20/bin`
 * → `~/.nvm/versions/node/v20`), never a shared prefix one level down
 * (`~/.local/bin` exposes `~/.local/bin` only, not `~/.local` with its
 * share/ and state/; `~/.cargo/bin` not `~/.cargo` with its config and
 * credentials). Nothing inside, or holding, a private folder (the editor's
 * and Warden's storage) is exposed.
 */
export function homeExposure(
  home: string | null,
  pathEnv: string | undefined,
  extraReadable: readonly string[] = [],
  privateDirs: readonly string[] = [],
): HomeExposure | null {
  if (home === null || home === '/' || home === '') return null;
  const realHome = existsSync(home) ? realpathSync(home) : home;
  const privates = privateDirs.map((d) => (existsSync(d) ? realpathSync(d) : d));
  const safe = (dir: string) => !privates.some((p) => inside(dir, p) || inside(p, dir));
  const readable = new Set<string>();
  for (const raw of (pathEnv ?? '').split(delimiter)) {
    if (raw === '' || !existsSync(raw)) continue;
    const dir = realpathSync(raw);
    if (!inside(dir, realHome) || dir === realHome) continue;
    const parent = dirname(dir);
    const root =
      ['bin', 'shims', 'sbin'].includes(basename(dir)) && parent !== realHome && depthBelow(parent, realHome) >= 2 ? parent : dir;
    if (safe(root)) readable.add(root);
    else if (safe(dir)) readable.add(dir);
  }
  for (const p of extraReadable)
    if (existsSync(p) && inside(realpathSync(p), realHome) && safe(realpathSync(p))) readable.add(realpathSync(p));
  const hiddenFiles = [...readable].flatMap((r) => CREDENTIAL_FILES.map((f) => join(r, f))).filter((f) => existsSync(f));
  return { home: realHome, readable: [...readable].sort(), hiddenFiles };
}
