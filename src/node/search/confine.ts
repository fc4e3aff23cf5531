import { spawn } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * How ripgrep is run: inside bubblewrap with the whole file system read-only,
 * no network, no capabilities and no other namespace shared, or — where
 * bubblewrap is missing or cannot start here — directly, with a note saying
 * so. ripgrep only reads, and its argv is built by Warden (never a shell);
 * the confinement is a second wall, not the first.
 */
export type Confinement = { readonly kind: 'bwrap'; readonly bwrap: string } | { readonly kind: 'none'; readonly why: string };

/** The environment ripgrep gets: no RIPGREP_CONFIG_PATH, no secrets from the host's environment. */
export const SEARCH_ENV: Readonly<Record<string, string>> = { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C.UTF-8' };

/** The first executable `name` on `pathEnv`, links resolved, or null. */
export function findOnPath(name: string, pathEnv: string | undefined): string | null {
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return realpathSync(p);
    } catch {
      // next folder
    }
  }
  return null;
}

/** argv of a read-only run of `program args` in `cwd`. */
export function confinedArgv(c: Confinement, cwd: string, program: string, args: readonly string[]): { file: string; args: string[] } {
  if (c.kind === 'none') return { file: program, args: [...args] };
  return {
    file: c.bwrap,
    args: [
      '--ro-bind',
      '/',
      '/',
      '--dev',
      '/dev',
      '--unshare-all',
      '--cap-drop',
      'ALL',
      '--die-with-parent',
      '--new-session',
      '--chdir',
      cwd,
      '--',
      program,
      ...args,
    ],
  };
}

function runsTrue(bwrap: string): Promise<boolean> {
  return new Promise((resolve) => {
    const argv = confinedArgv({ kind: 'bwrap', bwrap }, '/', 'true', []);
    const child = spawn(argv.file, argv.args, { stdio: 'ignore', env: SEARCH_ENV });
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

/** Finds bubblewrap and checks it can start here (user namespaces may be missing). */
export async function probeConfinement(pathEnv: string | undefined): Promise<Confinement> {
  const bwrap = findOnPath('bwrap', pathEnv);
  if (bwrap === null) return { kind: 'none', why: 'bubblewrap (bwrap) is not installed, so ripgrep runs unconfined' };
  if (!(await runsTrue(bwrap)))
    return { kind: 'none', why: 'bubblewrap cannot start here (no user namespaces?), so ripgrep runs unconfined' };
  return { kind: 'bwrap', bwrap };
}
