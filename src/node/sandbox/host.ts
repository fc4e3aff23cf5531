/**
 * The sandbox host: a small child process that owns sandbox-runtime's
 * filtering proxy (it runs on this process's event loop, it is a per-process
 * singleton, and a synchronous child process in the caller would stall it)
 * and the socat bridge from a Unix socket to it. Commands run elsewhere, in
 * Warden's own sandbox, which binds that socket. Started by
 * SandboxRuntimeRunner with `child_process.fork` (from source:
 * `node --import tsx host.ts`; built: `dist/sandbox-host.js`). Talks JSON
 * over the IPC channel only.
 */
import { SandboxManager, type SandboxRuntimeConfig } from '@anthropic-ai/sandbox-runtime';
import { describeIssues, type FromHost, type ToHost, toHostSchema } from './hostProtocol';

let initialised = false;

function send(m: FromHost): void {
  if (process.connected) process.send?.(m);
}

/** Only the network part matters: the filesystem part of sandbox-runtime is not used. */
function config(allowedHosts: readonly string[]): SandboxRuntimeConfig {
  return {
    network: { allowedDomains: [...allowedHosts], deniedDomains: [], strictAllowlist: true },
    filesystem: { denyRead: [], allowRead: [], allowWrite: [], denyWrite: [] },
  };
}

async function init(m: Extract<ToHost, { type: 'init' }>): Promise<void> {
  const deps = SandboxManager.checkDependencies();
  if (deps.errors.length > 0) {
    send({ type: 'init-error', message: `sandbox-runtime cannot run here: ${deps.errors.join('; ')}` });
    return;
  }
  if (!SandboxManager.isSupportedPlatform()) {
    send({ type: 'init-error', message: `sandbox-runtime does not support ${process.platform}` });
    return;
  }
  await SandboxManager.initialize(config(m.allowedHosts));
  await SandboxManager.waitForNetworkInitialization();
  const socket = SandboxManager.getLinuxHttpSocketPath();
  if (socket === undefined) {
    send({ type: 'init-error', message: 'sandbox-runtime started no proxy bridge' });
    return;
  }
  initialised = true;
  send({ type: 'ready', pid: process.pid, socket, token: SandboxManager.getProxyAuthToken() ?? '' });
}

function shutdown(): void {
  void SandboxManager.reset().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}

process.on('message', (raw: unknown) => {
  const parsed = toHostSchema.safeParse(raw);
  if (!parsed.success) {
    send({ type: 'error', message: `invalid message to the sandbox host: ${describeIssues(parsed.error)}` });
    return;
  }
  const m = parsed.data;
  if (m.type === 'init') {
    init(m).catch((e: unknown) => send({ type: 'init-error', message: e instanceof Error ? e.message : String(e) }));
    return;
  }
  if (!initialised) {
    send({ type: 'error', message: 'the sandbox host was not initialised' });
    return;
  }
  try {
    // Per-command network settings do not reach the proxy; updateConfig() does.
    SandboxManager.updateConfig(config(m.allowedHosts));
    send({ type: 'updated' });
  } catch (e) {
    send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
});
// The runner went away (or closed the channel): the proxy goes with it.
process.on('disconnect', shutdown);
process.on('SIGTERM', shutdown);
