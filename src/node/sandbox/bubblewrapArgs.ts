import { existsSync, statSync } from 'node:fs';
import type { SandboxConfig } from '../../core/exec/runner';
import type { HomeExposure } from './homeExposure';

export interface BubblewrapPlan {
  readonly config: SandboxConfig;
  /** The runner's scratch space (bound writable; HOME and TMPDIR point inside). */
  readonly tempRoot: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly bash: string;
  readonly script: string;
  /** The home folder to hide and what of it stays readable; null hides only the system folders. */
  readonly home: HomeExposure | null;
}

/** Folders that hold other users' and the host's own credentials: replaced by empty tmpfs. */
const HIDDEN_SYSTEM_DIRS = ['/tmp', '/root', '/home', '/run', '/var/tmp'];

/**
 * The options for `bwrap --args 3`: no network, every capability dropped,
 * `/` read-only, the workspace and the scratch space writable, protected
 * paths read-only again, denied paths hidden, a clean environment. Passed on
 * a file descriptor so no secret value shows in `ps` (the command does).
 */
export function bubblewrapArgs(plan: BubblewrapPlan): string[] {
  const a: string[] = [
    '--die-with-parent', '--new-session', '--unshare-all', '--unshare-user', '--disable-userns', '--cap-drop', 'ALL',
    '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc',
  ];
  for (const d of HIDDEN_SYSTEM_DIRS) if (existsSync(d)) a.push('--tmpfs', d);
  if (plan.home !== null) {
    if (!HIDDEN_SYSTEM_DIRS.some((d) => plan.home!.home === d || plan.home!.home.startsWith(`${d}/`))) a.push('--tmpfs', plan.home.home);
    for (const p of plan.home.readable) a.push('--ro-bind', p, p);
    for (const f of plan.home.hiddenFiles) a.push('--ro-bind', '/dev/null', f);
  }
  a.push('--bind', plan.tempRoot, plan.tempRoot);
  for (const root of plan.config.writableRoots) a.push('--bind', root, root);
  for (const p of plan.config.readOnlyPaths) if (existsSync(p)) a.push('--ro-bind', p, p);
  for (const p of plan.config.hiddenPaths) {
    if (!existsSync(p)) continue;
    if (statSync(p).isDirectory()) a.push('--tmpfs', p, '--remount-ro', p);
    else a.push('--ro-bind', '/dev/null', p);
  }
  a.push('--chdir', plan.cwd, '--clearenv');
  for (const [k, v] of Object.entries(plan.env)) a.push('--setenv', k, v);
  return a;
}

/** What follows the options on bwrap's own argv (bwrap takes the command from there, never from `--args`). */
export function bubblewrapCommand(plan: Pick<BubblewrapPlan, 'bash' | 'script'>): string[] {
  return ['--', plan.bash, '-c', plan.script];
}

/** NUL-separated, as `--args FD` reads them. */
export function encodeArgs(args: readonly string[]): string {
  for (const arg of args) if (arg.includes('\0')) throw new Error('a sandbox argument holds a NUL byte');
  return args.map((x) => `${x}\0`).join('');
}
