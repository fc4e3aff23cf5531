import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '../processAlive';

/**
 * The process-count limit. `RLIMIT_NPROC` does not bite for a process whose
 * real user is root on the host (the kernel exempts it, whatever uid a user
 * namespace shows), and without systemd nobody delegates a cgroup to us; so
 * the limit is a pids cgroup of our own where one is writable (the cgroup v1
 * `pids` hierarchy, or a cgroup v2 folder whose children get `pids.max`).
 * Each command's helper joins a fresh child cgroup before it starts
 * anything, so every process of the command counts, threads included.
 * Where no such cgroup can be made the runner says so (`unavailable`) and
 * commands run without a process-count limit.
 */
export interface PidsCgroup {
  /** Moves a process into the cgroup (its children follow). */
  add(pid: number): void;
  /** Removes the cgroup once its processes are gone (best effort: a busy one is retried by the next dispose). */
  dispose(): void;
}

export interface PidsController {
  readonly where: string;
  create(max: number): PidsCgroup;
}

interface Mount {
  readonly point: string;
  readonly v2: boolean;
}

function cgroupMounts(): Mount[] {
  let info: string;
  try {
    info = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const out: Mount[] = [];
  for (const line of info.split('\n')) {
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const point = left.split(' ')[4];
    const [fstype, , superOpts] = right.split(' ');
    if (point === undefined) continue;
    if (fstype === 'cgroup' && (superOpts ?? '').split(',').includes('pids')) out.push({ point, v2: false });
    if (fstype === 'cgroup2') out.push({ point, v2: true });
  }
  return out.sort((a, b) => Number(a.v2) - Number(b.v2));
}

/** Our own cgroup path in a hierarchy, from /proc/self/cgroup. */
function ownPath(v2: boolean): string | null {
  let text: string;
  try {
    text = readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const [id, controllers, path] = line.split(':');
    if (path === undefined) continue;
    if (v2 && id === '0' && controllers === '') return path;
    if (!v2 && (controllers ?? '').split(',').includes('pids')) return path;
  }
  return null;
}

let counter = 0;

/** Removes empty cgroups left by Warden processes that died (SIGKILL) before removing their own. */
function sweep(parent: string): void {
  let list: string[];
  try {
    list = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of list) {
    const m = /^warden-(\d+)-\d+$/.exec(name);
    if (m === null || processAlive(Number(m[1]))) continue;
    try {
      rmdirSync(join(parent, name));
    } catch {
      // still holds a process: left alone
    }
  }
}

function tryParent(parent: string): PidsController | null {
  const probe = join(parent, `warden-probe-${process.pid}-${counter++}`);
  try {
    mkdirSync(probe);
  } catch {
    return null;
  }
  try {
    if (!existsSync(join(probe, 'pids.max'))) return null;
    writeFileSync(join(probe, 'pids.max'), '16');
  } catch {
    return null;
  } finally {
    sweep(parent);
    try {
      rmdirSync(probe);
    } catch {
      // left for the kernel to refuse; harmless
    }
  }
  return {
    where: parent,
    create(max: number): PidsCgroup {
      const dir = join(parent, `warden-${process.pid}-${counter++}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'pids.max'), String(Math.max(1, Math.floor(max))));
      return {
        add: (pid) => writeFileSync(join(dir, 'cgroup.procs'), String(pid)),
        dispose: () => {
          try {
            rmdirSync(dir);
          } catch {
            // processes still leaving; retried below
            setTimeout(() => {
              try {
                rmdirSync(dir);
              } catch {
                // give up: an empty cgroup folder costs nothing
              }
            }, 1000).unref();
          }
        },
      };
    },
  };
}

/** A usable pids cgroup parent, or why there is none. */
export function findPidsController(): PidsController | { readonly unavailable: string } {
  for (const m of cgroupMounts()) {
    const own = ownPath(m.v2);
    if (own === null) continue;
    const c = tryParent(join(m.point, own));
    if (c !== null) return c;
  }
  return {
    unavailable: 'no writable pids cgroup here (and RLIMIT_NPROC is not enforced for root): commands run without a process-count limit',
  };
}
