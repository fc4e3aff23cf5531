import { DEFAULT_LIMITS, limitPreamble } from '../../core/exec/limits';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ReadFilter } from '../../core/policy/guard';
import { bubblewrapArgs, encodeArgs } from '../sandbox/bubblewrapArgs';
import { homeExposure } from '../sandbox/homeExposure';

/**
 * A stdio MCP server inside bubblewrap, talking over its stdin and stdout.
 * A server lives as long as the task, so it cannot use a command's
 * copy-on-write overlay (whose changes are decided when the command ends);
 * it gets the stricter rules instead:
 *
 * - the workspace folders read-only, with every `warden.paths.denyRead`
 *   entry hidden (the guard's own read filter, walked once at start);
 * - `/` read-only, home and other users' folders hidden but for the
 *   toolchain folders on PATH, root-only secrets masked (the same
 *   bubblewrap plan as commands);
 * - its own program read-only wherever it is installed: the folder of each
 *   absolute path on its command line that is a script or an executable
 *   (never a data file named as an argument), and every
 *   `node_modules` folder above it (Node resolves packages there), even
 *   under a home or /tmp the plan hides — never a private folder, never a
 *   folder holding a workspace folder (that would show its neighbours);
 * - its own folder (HOME, /tmp, caches) writable: a fresh folder under
 *   Warden's scratch area, and nothing else;
 * - no network at all (`--unshare-all`); an MCP server that needs the
 *   network is an HTTP server, reached only at allowed hosts;
 * - a clean environment: PATH, HOME, its `env` and its secrets, passed on a
 *   file descriptor so no value shows in `ps`.
 */
export interface SandboxedServerOptions {
  readonly bwrap: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly roots: readonly string[];
  /** The server's own writable folder (created if missing). */
  readonly ownDir: string;
  readonly readFilter: ReadFilter;
  /** Folders hidden wherever they are (Warden's storage, the audit log's folder). */
  readonly privateDirs: readonly string[];
  /** Bytes of stderr kept for a failure message. */
  readonly stderrBytes?: number;
}

const WALK_LIMIT = 50_000;

/** Absolute paths under `root` the read filter hides (folders are not descended into). */
export function hiddenEntries(root: string, filter: ReadFilter): string[] {
  const out: string[] = [];
  const stack = [''];
  let seen = 0;
  while (stack.length && seen < WALK_LIMIT) {
    const rel = stack.pop() ?? '';
    let names: string[];
    try {
      names = readdirSync(join(root, rel));
    } catch {
      continue;
    }
    for (const name of names) {
      if (++seen > WALK_LIMIT) break;
      const r = rel ? `${rel}/${name}` : name;
      let st;
      try {
        st = lstatSync(join(root, r));
      } catch {
        continue;
      }
      if (!filter.allows(root, r, st.isSymbolicLink())) out.push(join(root, r));
      else if (st.isDirectory() && name !== '.git' && name !== 'node_modules') stack.push(r);
    }
  }
  return out;
}

const PROGRAM_FILE = /\.(?:js|mjs|cjs|ts|mts|cts|py)$/;
const within = (p: string, dir: string): boolean => p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

/** The folders that hold the server's program (see above), read-only inside. */
export function serverProgramPaths(
  command: string,
  args: readonly string[],
  roots: readonly string[],
  privateDirs: readonly string[],
): string[] {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : p);
  const privates = privateDirs.map(real);
  const rootsReal = roots.map(real);
  const out = new Set<string>();
  const add = (dir: string) => {
    if (rootsReal.some((r) => within(dir, r) || within(r, dir))) return;
    if (privates.some((d) => within(dir, d) || within(d, dir))) return;
    out.add(dir);
  };
  for (const word of [command, ...args]) {
    if (!isAbsolute(word) || !existsSync(word)) continue;
    const file = realpathSync(word);
    const st = statSync(file);
    // Only a program: a script Node or Python runs, or an executable; never a data file named as an argument.
    if (!st.isFile() || (!PROGRAM_FILE.test(file) && (st.mode & 0o111) === 0)) continue;
    add(dirname(file));
    for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
      const modules = join(dir, 'node_modules');
      if (existsSync(modules) && statSync(modules).isDirectory()) add(modules);
    }
  }
  return [...out].sort();
}

export function sandboxedServerArgs(o: SandboxedServerOptions): { argv: string[]; fdArgs: string } {
  for (const sub of ['tmp', 'shm', 'home']) mkdirSync(join(o.ownDir, sub), { recursive: true });
  const exposure = homeExposure(process.env.HOME ?? null, process.env.PATH, [], o.privateDirs);
  // HOME inside is the server's own writable folder: the real home's path when that is hidden, else a folder of its own.
  const homeInside = exposure?.home ?? join(o.ownDir, 'home');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: homeInside, TMPDIR: '/tmp', ...o.env };
  const plan = bubblewrapArgs({
    roots: o.roots,
    workspace: 'read-only',
    scratch: o.ownDir,
    cwd: o.roots[0] ?? '/',
    env: {},
    home: exposure,
    homeInside,
    privateDirs: o.privateDirs,
    hiddenPaths: o.roots.flatMap((r) => hiddenEntries(r, o.readFilter)),
    readOnlyPaths: [],
    network: null,
    seccompHelper: false,
    addSetfcap: false,
    helpers: serverProgramPaths(o.command, o.args, o.roots, o.privateDirs),
  });
  const setenv = Object.entries(env).flatMap(([k, v]) => ['--setenv', k, v]);
  // The limits every sandboxed command runs under (memory, CPU time), set by bash before it becomes the server.
  const limited = ['/bin/bash', '-c', `${limitPreamble(DEFAULT_LIMITS)}exec "$@"`, 'warden-mcp-server'];
  return { argv: ['--args', '3', '--', ...limited, o.command, ...o.args], fdArgs: encodeArgs([...plan, ...setenv]) };
}

/** The MCP SDK's Transport over a sandboxed child's stdin/stdout (newline-delimited JSON-RPC). */
export class SandboxedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;
  private child: ChildProcess | null = null;
  private stderr = '';

  constructor(
    private readonly options: SandboxedServerOptions,
    private readonly sdk: {
      ReadBuffer: new () => { append(b: Buffer): void; readMessage(): JSONRPCMessage | null; clear(): void };
      serializeMessage(m: JSONRPCMessage): string;
    },
  ) {}

  /** What the server wrote to stderr (its last few KB), for a failure message. */
  stderrTail(): string {
    return this.stderr;
  }

  start(): Promise<void> {
    if (!existsSync(this.options.bwrap)) return Promise.reject(new Error(`bubblewrap not found at ${this.options.bwrap}`));
    const { argv, fdArgs } = sandboxedServerArgs(this.options);
    const child = spawn(this.options.bwrap, argv, { stdio: ['pipe', 'pipe', 'pipe', 'pipe'], env: {}, detached: false });
    this.child = child;
    const buffer = new this.sdk.ReadBuffer();
    const keep = this.options.stderrBytes ?? 4096;
    (child.stdio[3] as NodeJS.WritableStream).end(fdArgs);
    child.stdout?.on('data', (chunk: Buffer) => {
      try {
        buffer.append(chunk);
        for (let m = buffer.readMessage(); m !== null; m = buffer.readMessage()) this.onmessage?.(m);
      } catch (err) {
        this.onerror?.(err instanceof Error ? err : new Error(String(err)));
        void this.close();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-keep);
    });
    return new Promise((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (err) => {
        reject(err);
        this.onerror?.(err);
      });
      child.once('close', () => {
        buffer.clear();
        this.child = null;
        this.onclose?.();
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin) return reject(new Error('the MCP server is not running'));
      if (stdin.write(this.sdk.serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  close(): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin?.end();
      child.kill('SIGTERM');
    });
  }
}
