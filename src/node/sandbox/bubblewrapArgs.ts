import { existsSync, statSync } from 'node:fs';
import type { HomeExposure } from './homeExposure';

/**
 * What one command's bubblewrap sees, built inside the helper's mount
 * namespace where every workspace folder is already the command's own
 * copy-on-write overlay (denied names absent):
 *
 * - `/` read-only; a fresh `/dev` and `/proc`; every capability dropped;
 * - `/tmp` and `/dev/shm` are the command's own scratch (a bounded tmpfs,
 *   gone when the command ends), `/var/tmp` and `/run` small empty tmpfs;
 * - the home folder hidden and replaced by the scratch home, but for the
 *   exact toolchain folders on PATH (read-only); other users' homes hidden;
 *   private folders (the editor's and Warden's storage) hidden wherever they are;
 * - root-only host secrets (`/etc/shadow`, SSH host keys) masked;
 * - the workspace folders bound over all that (writable overlay, or
 *   read-only for a command holding a secret).
 *
 * Passed on a file descriptor so no secret value shows in `ps`.
 */
export interface BubblewrapPlan {
  /** Workspace folders, in the order given to the helper. */
  readonly roots: readonly string[];
  readonly workspace: 'writable' | 'read-only';
  /** The command's scratch tmpfs (host path of the mount point; the helper mounted it). */
  readonly scratch: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly home: HomeExposure | null;
  /** Where HOME points inside. */
  readonly homeInside: string;
  /** Folders hidden wherever they are (the editor's and Warden's storage). */
  readonly privateDirs: readonly string[];
  /** Further absolute paths to hide (config `hiddenPaths`). */
  readonly hiddenPaths: readonly string[];
  /** Paths inside the workspace bound read-only on top (config `readOnlyPaths`). */
  readonly readOnlyPaths: readonly string[];
  /** The network: none, or sandbox-runtime's filtering proxy through its bridge socket. */
  readonly network: null | { readonly socket: string };
  /** The seccomp helper wraps the command (it needs to create a user namespace, so nested ones stay allowed). */
  readonly seccompHelper: boolean;
  /** Keep CAP_SETFCAP (root with the seccomp helper, as sandbox-runtime does). */
  readonly addSetfcap: boolean;
  /**
   * Files Warden itself runs inside (the seccomp helper), bound read-only at
   * their own path after everything is hidden: they may live under a hidden
   * folder (the extension under home, a checkout under /tmp).
   */
  readonly helpers: readonly string[];
}

/** Host folders that hold other sessions' files and sockets: replaced by empty tmpfs. */
export const HIDDEN_SYSTEM_DIRS = ['/var/tmp', '/run', '/home', '/root', '/media', '/mnt', '/srv'] as const;
/** Files only root may read, masked because the sandbox may run as root. */
const ROOT_SECRETS = ['/etc/shadow', '/etc/gshadow', '/etc/shadow-', '/etc/gshadow-', '/etc/sudoers'];

function inside(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

export function bubblewrapArgs(plan: BubblewrapPlan): string[] {
  const a: string[] = ['--die-with-parent', '--new-session', '--unshare-all', '--unshare-user'];
  if (!plan.seccompHelper) a.push('--disable-userns');
  a.push('--cap-drop', 'ALL');
  if (plan.addSetfcap) a.push('--cap-add', 'CAP_SETFCAP');
  a.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc');
  a.push('--bind', `${plan.scratch}/tmp`, '/tmp', '--bind', `${plan.scratch}/shm`, '/dev/shm');
  for (const d of HIDDEN_SYSTEM_DIRS) if (existsSync(d)) a.push('--size', String(8 * 1024 * 1024), '--tmpfs', d);
  for (const f of ROOT_SECRETS) if (existsSync(f)) a.push('--ro-bind', '/dev/null', f);
  if (existsSync('/etc/ssh')) a.push('--size', String(1024 * 1024), '--tmpfs', '/etc/ssh');
  if (plan.home !== null) {
    a.push('--bind', `${plan.scratch}/home`, plan.home.home);
    for (const p of plan.home.readable) if (!plan.privateDirs.some((d) => inside(p, d))) a.push('--ro-bind', p, p);
    for (const f of plan.home.hiddenFiles) a.push('--ro-bind', '/dev/null', f);
  } else {
    a.push('--bind', `${plan.scratch}/home`, plan.homeInside);
  }
  for (const d of plan.privateDirs) {
    if (!existsSync(d) || plan.roots.some((r) => inside(r, d))) continue;
    // Under the hidden home only what is exposed needs covering again.
    if (plan.home !== null && inside(d, plan.home.home) && !plan.home.readable.some((p) => inside(d, p))) continue;
    a.push('--size', String(1024 * 1024), '--tmpfs', d);
  }
  for (const h of plan.helpers) a.push('--ro-bind', h, h);
  for (const root of plan.roots) a.push(plan.workspace === 'writable' ? '--bind' : '--ro-bind', root, root);
  for (const p of plan.readOnlyPaths) if (existsSync(p)) a.push('--ro-bind', p, p);
  for (const p of plan.hiddenPaths) {
    if (!existsSync(p)) continue;
    if (statSync(p).isDirectory()) a.push('--size', '4096', '--tmpfs', p, '--remount-ro', p);
    else a.push('--ro-bind', '/dev/null', p);
  }
  if (plan.network !== null) a.push('--bind', plan.network.socket, plan.network.socket);
  a.push('--chdir', plan.cwd, '--clearenv');
  for (const [k, v] of Object.entries(plan.env)) a.push('--setenv', k, v);
  return a;
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * What follows the options on bwrap's own argv: `bash -c SCRIPT`, or with
 * sandbox-runtime's proxy, bash starting the two socat bridges first (as
 * sandbox-runtime does), then the seccomp helper, then the script.
 */
export function bubblewrapCommand(
  bash: string,
  script: string,
  net: { socket: string; socat: string } | null,
  seccomp: string | null,
): string[] {
  const inner = seccomp === null ? script : `exec ${q(seccomp)} ${q(bash)} -c ${q(script)}`;
  if (net === null) return ['--', bash, '-c', seccomp === null ? script : inner];
  const bridge = [
    `${q(net.socat)} TCP-LISTEN:3128,fork,reuseaddr,bind=127.0.0.1 UNIX-CONNECT:${q(net.socket)} >/dev/null 2>&1 &`,
    `${q(net.socat)} TCP-LISTEN:1080,fork,reuseaddr,bind=127.0.0.1 UNIX-CONNECT:${q(net.socket)} >/dev/null 2>&1 &`,
    // The command must find the bridge listening: wait (briefly) for both ports.
    'for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do (exec 3<>/dev/tcp/127.0.0.1/3128 && exec 4<>/dev/tcp/127.0.0.1/1080) 2>/dev/null && break; sleep 0.01; done',
    seccomp === null ? script : `${q(seccomp)} ${q(bash)} -c ${q(script)}`,
  ].join('\n');
  return ['--', bash, '-c', bridge];
}

/** NUL-separated, as `--args FD` reads them. */
export function encodeArgs(args: readonly string[]): string {
  for (const arg of args) if (arg.includes('\0')) throw new Error('a sandbox argument holds a NUL byte');
  return args.map((x) => `${x}\0`).join('');
}
