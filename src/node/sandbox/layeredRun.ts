import { spawn } from 'node:child_process';
import type { RunResult, SandboxKind } from '../../core/exec/runner';
import type { PidsCgroup } from './pidsLimit';
import { CappedStream, killGroup } from './runProcess';

/**
 * Runs one sandboxed command inside a helper that owns its namespaces:
 *
 *     unshare --user --map-root-user --mount -- sh -c HELPER
 *
 * The helper waits for a line on stdin (by then it is in its pids cgroup),
 * mounts the command's scratch tmpfs (bounded; the overlay's upper layers,
 * HOME, /tmp and /dev/shm live there), mounts each workspace folder's
 * overlay over the folder itself (mask layer above, the real folder below),
 * runs bubblewrap, reports bubblewrap's exit status on fd 4 and then waits.
 * While it waits its mount namespace lives, and the caller reads what the
 * command changed through `/proc/<helper>/root`. Closing the helper's stdin
 * (done, or the caller died) kills its whole process group, and with it
 * the namespace and the scratch: nothing of the command outlives it.
 */
export interface LayeredRootSpec {
  readonly root: string;
  /** The mask layer (whiteouts of denied names), or null. */
  readonly mask: string | null;
  /** The upper root's mode: the merged folder shows the upper layer's mode. */
  readonly mode: number;
}

export interface LayeredSpec {
  readonly unshare: string;
  readonly sh: string;
  readonly bwrap: string;
  /** bwrap's options, written to its fd 3. */
  readonly bwrapArgs: string;
  /** What follows `--args 3` on bwrap's argv. */
  readonly bwrapCommand: readonly string[];
  /** Host path of the (empty) mount point of the command's scratch tmpfs. */
  readonly scratch: string;
  readonly scratchBytes: number;
  readonly scratchInodes: number;
  readonly roots: readonly LayeredRootSpec[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cgroup: PidsCgroup | null;
}

export interface LayeredLimits {
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly signal?: AbortSignal;
  readonly onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  readonly sandbox: SandboxKind;
}

/** Called once bwrap exited normally, while the helper's namespace still lives. */
export type AfterExit<T> = (procRoot: string) => T;

const DRAIN_MS = 500;
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
/** Overlay mount options split on `,` and `:`: a folder whose path holds those (or odd bytes) is bound to a plain name first. */
const PLAIN_PATH = /^[A-Za-z0-9._/+@-]+$/;

export function upperOf(scratch: string, i: number): string {
  return `${scratch}/u${i}`;
}

export function helperScript(spec: Pick<LayeredSpec, 'scratch' | 'scratchBytes' | 'scratchInodes' | 'roots'>): string {
  const s = spec.scratch;
  if (!PLAIN_PATH.test(s)) throw new Error(`the sandbox scratch path ${s} holds characters overlayfs options cannot carry`);
  const dirs = [`${s}/tmp`, `${s}/home`, `${s}/shm`];
  const mounts: string[] = [];
  spec.roots.forEach((r, i) => {
    dirs.push(upperOf(s, i), `${s}/w${i}`);
    let lower = r.root;
    if (!PLAIN_PATH.test(lower)) {
      lower = `${s}/l${i}`;
      dirs.push(lower);
      mounts.push(`mount --bind ${q(r.root)} ${q(lower)} || fail 'cannot bind the workspace folder'`);
    }
    if (r.mask !== null && !PLAIN_PATH.test(r.mask))
      throw new Error(`the mask path ${r.mask} holds characters overlayfs options cannot carry`);
    if ((r.mode & 0o7777) !== 0o755) mounts.push(`chmod ${(r.mode & 0o7777).toString(8)} ${q(upperOf(s, i))}`);
    const lowerdir = r.mask === null ? lower : `${r.mask}:${lower}`;
    mounts.push(
      `mount -t overlay warden-workspace -o ${q(`lowerdir=${lowerdir},upperdir=${upperOf(s, i)},workdir=${s}/w${i},userxattr`)} ${q(r.root)} || fail 'cannot mount the copy-on-write view of ${r.root.replace(/'/g, '')}'`,
    );
  });
  return [
    'read -r go || exit 125',
    'exec 5<&0 0</dev/null',
    '( cat <&5 >/dev/null; kill -KILL 0 ) &',
    `fail() { printf 'Warden sandbox setup failed: %s\\n' "$1" >&2; printf 'setup-failed\\n' >&4; exit 125; }`,
    `mount -t tmpfs -o size=${Math.floor(spec.scratchBytes)},nr_inodes=${Math.floor(spec.scratchInodes)},mode=0700 warden-scratch ${q(s)} || fail 'cannot mount the scratch tmpfs'`,
    `mkdir ${dirs.map(q).join(' ')} || fail 'cannot make the scratch folders'`,
    ...mounts,
    '"$@" 0</dev/null 4>&- 5<&-',
    `printf 'exit %s\\n' "$?" >&4`,
    'exec 4>&-',
    'wait',
  ].join('\n');
}

export interface LayeredOutcome<T> {
  readonly result: Omit<RunResult, 'changes'>;
  /** What `afterExit` returned; undefined when the command did not end by itself (timeout, cancel, setup failure). */
  readonly after?: T;
  readonly setupFailed: boolean;
}

export function runLayered<T>(spec: LayeredSpec, limits: LayeredLimits, afterExit: AfterExit<T>): Promise<LayeredOutcome<T>> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(
      spec.unshare,
      [
        '--user',
        '--map-root-user',
        '--mount',
        '--propagation',
        'private',
        '--',
        spec.sh,
        '-c',
        helperScript(spec),
        'warden-sandbox',
        spec.bwrap,
        '--args',
        '3',
        ...spec.bwrapCommand,
      ],
      { cwd: '/', env: { ...spec.env }, detached: true, stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'] },
    );
    const out = new CappedStream(limits.maxOutputBytes, (c) => limits.onOutput?.(c, 'stdout'));
    const err = new CappedStream(limits.maxOutputBytes, (c) => limits.onOutput?.(c, 'stderr'));
    let timedOut = false;
    let cancelled = false;
    let spawnError: Error | null = null;
    let status: string | null = null;
    let after: T | undefined;
    let afterError: Error | null = null;
    let settled = false;
    let closed = false;

    child.stdout?.on('data', (b: Buffer) => out.add(b));
    child.stderr?.on('data', (b: Buffer) => err.add(b));
    const stdin = child.stdin;
    stdin?.on('error', () => undefined);
    const fd3 = child.stdio[3] as NodeJS.WritableStream & { on(e: 'error', f: () => void): void };
    fd3.on('error', () => undefined);
    fd3.end(spec.bwrapArgs);
    const fd4 = child.stdio[4] as NodeJS.ReadableStream & { on(e: 'error', f: () => void): void };
    fd4.on('error', () => undefined);

    const kill = () => killGroup(child.pid);
    const release = () => {
      // EOF on the helper's stdin: it kills its whole group (namespace, scratch and all).
      if (!closed) {
        closed = true;
        stdin?.end();
      }
    };
    const timer = setTimeout(
      () => {
        timedOut = true;
        kill();
      },
      Math.max(1, limits.timeoutMs),
    );
    const onAbort = () => {
      cancelled = true;
      kill();
    };

    let statusText = '';
    fd4.on('data', (b: Buffer) => {
      statusText += b.toString();
      const line = /^(exit \d+|setup-failed)\n/.exec(statusText);
      if (line === null || status !== null) return;
      status = line[1] ?? null;
      if (status !== null && status.startsWith('exit ') && !timedOut && !cancelled && child.pid !== undefined) {
        try {
          after = afterExit(`/proc/${child.pid}/root`);
        } catch (e) {
          afterError = e instanceof Error ? e : new Error(String(e));
        }
      }
      release();
    });

    if (child.pid !== undefined) {
      try {
        spec.cgroup?.add(child.pid);
        stdin?.write('go\n');
      } catch (e) {
        spawnError = e instanceof Error ? e : new Error(String(e));
        kill();
      }
    }
    if (limits.signal?.aborted) onAbort();
    else limits.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      release();
      kill();
      child.stdout?.destroy();
      child.stderr?.destroy();
      out.end();
      err.end();
      if (spawnError !== null)
        err.text += `${err.text === '' ? '' : '\n'}could not start the sandbox (${spec.unshare}): ${spawnError.message}`;
      if (afterError !== null)
        err.text += `${err.text === '' ? '' : '\n'}Warden could not read what the command changed: ${afterError.message}`;
      const st: string | null = status;
      const code = st !== null && st.startsWith('exit ') ? Number(st.slice(5)) : null;
      resolve({
        result: {
          exitCode: code,
          signal: null,
          stdout: out.text,
          stderr: err.text,
          droppedBytes: { stdout: out.dropped, stderr: err.dropped },
          timedOut,
          cancelled,
          durationMs: performance.now() - started,
          sandbox: limits.sandbox,
          fullAccess: false,
        },
        ...(after !== undefined ? { after } : {}),
        setupFailed: status === 'setup-failed',
      });
    };
    child.on('error', (e) => {
      spawnError = e;
      finish();
    });
    child.on('exit', () => {
      release();
      setTimeout(finish, DRAIN_MS).unref();
    });
    child.on('close', finish);
  });
}
