/**
 * The sandbox host: a small child process that owns sandbox-runtime (its
 * proxy runs on this process's event loop, it is a per-process singleton and
 * reads process.cwd()), keeps it initialised between commands and runs each
 * command it is sent. Started by SandboxRuntimeRunner with
 * `child_process.fork` (from source: `node --import tsx host.ts`; built:
 * `dist/sandbox-host.js`). Talks JSON over the IPC channel only.
 */
import { SandboxManager } from '@anthropic-ai/sandbox-runtime';
import { limitedScript } from '../../core/exec/limits';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { toAsrtConfig } from './asrtConfig';
import { type HomeExposure, homeExposure } from './homeExposure';
import { describeIssues, type FromHost, type ToHost, toHostSchema } from './hostProtocol';
import { killGroup, runProcess } from './runProcess';

interface HostState {
  tempRoot: string;
  home: HomeExposure | null;
}

/** sandbox-runtime's helper binaries (apply-seccomp), which must stay readable inside the sandbox. */
function asrtVendorDir(): string {
  if (__filename.endsWith('.ts')) return join(dirname(createRequire(__filename).resolve('@anthropic-ai/sandbox-runtime/package.json')), 'vendor');
  return join(__dirname, 'vendor');
}

const running = new Map<number, { controller: AbortController; pid: number | null }>();
let state: HostState | null = null;

function send(m: FromHost): void {
  if (process.connected) process.send?.(m);
}

async function init(m: Extract<ToHost, { type: 'init' }>): Promise<void> {
  // sandbox-runtime sets the command's TMPDIR from this variable.
  process.env.CLAUDE_CODE_TMPDIR = m.tmp;
  const home = homeExposure(m.hideHome, process.env.PATH, [asrtVendorDir()]);
  const deps = SandboxManager.checkDependencies();
  if (deps.errors.length > 0) {
    send({ type: 'init-error', message: `sandbox-runtime cannot run here: ${deps.errors.join('; ')}` });
    return;
  }
  if (!SandboxManager.isSupportedPlatform()) {
    send({ type: 'init-error', message: `sandbox-runtime does not support ${process.platform}` });
    return;
  }
  await SandboxManager.initialize(toAsrtConfig(m.config, m.tempRoot, home));
  state = { tempRoot: m.tempRoot, home };
  send({ type: 'ready', pid: process.pid });
}

async function run(m: Extract<ToHost, { type: 'run' }>): Promise<void> {
  if (state === null) {
    send({ type: 'error', id: m.id, message: 'the sandbox host was not initialised' });
    return;
  }
  const controller = new AbortController();
  const entry = { controller, pid: null as number | null };
  running.set(m.id, entry);
  let wrapped = false;
  try {
    const { argv } = await SandboxManager.wrapWithSandboxArgv(limitedScript(m.command, m.limits), undefined, undefined, controller.signal, m.cwd, { commandId: `warden-${m.id}` });
    wrapped = true;
    const [file, ...args] = argv;
    if (file === undefined) throw new Error('sandbox-runtime returned an empty command');
    const result = await runProcess(
      { file, args, env: m.env, cwd: m.cwd },
      {
        timeoutMs: m.timeoutMs,
        maxOutputBytes: m.maxOutputBytes,
        signal: controller.signal,
        onOutput: (chunk, stream) => send({ type: 'output', id: m.id, stream, chunk }),
        onSpawn: (pid) => {
          entry.pid = pid;
          send({ type: 'started', id: m.id, pid });
        },
        sandbox: 'sandbox-runtime',
      },
    );
    const { exitCode, signal, stdout, stderr, droppedBytes, timedOut, cancelled, durationMs } = result;
    send({ type: 'result', id: m.id, result: { exitCode, signal, stdout, stderr, droppedBytes, timedOut, cancelled, durationMs } });
  } catch (e) {
    send({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) });
  } finally {
    running.delete(m.id);
    if (wrapped) SandboxManager.cleanupAfterCommand();
  }
}

function update(m: Extract<ToHost, { type: 'update' }>): void {
  if (state === null) {
    send({ type: 'error', id: null, message: 'the sandbox host was not initialised' });
    return;
  }
  // Per-command network settings do not reach the proxy; updateConfig() does.
  SandboxManager.updateConfig(toAsrtConfig(m.config, state.tempRoot, state.home));
  send({ type: 'updated' });
}

function shutdown(): void {
  for (const { controller, pid } of running.values()) {
    controller.abort();
    if (pid !== null) killGroup(pid);
  }
  // The scratch folder belongs to the runner; if the runner was killed, nobody else removes it.
  if (state !== null) rmSync(state.tempRoot, { recursive: true, force: true });
  void SandboxManager.reset().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}

process.on('message', (raw: unknown) => {
  const parsed = toHostSchema.safeParse(raw);
  if (!parsed.success) {
    send({ type: 'error', id: null, message: `invalid message to the sandbox host: ${describeIssues(parsed.error)}` });
    return;
  }
  const m = parsed.data;
  switch (m.type) {
    case 'init':
      init(m).catch((e: unknown) => send({ type: 'init-error', message: e instanceof Error ? e.message : String(e) }));
      break;
    case 'update':
      try {
        update(m);
      } catch (e) {
        send({ type: 'error', id: null, message: e instanceof Error ? e.message : String(e) });
      }
      break;
    case 'run':
      void run(m);
      break;
    case 'cancel':
      running.get(m.id)?.controller.abort();
      break;
  }
});
// The runner went away (or closed the channel): nothing may outlive it.
process.on('disconnect', shutdown);
process.on('SIGTERM', shutdown);
