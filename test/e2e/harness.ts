// Launches a real VS Code (code-server) with the packaged extension and a real
// Chromium on it, for one test suite, and tears both down again.
//
//   const wb = await launchWorkbench({ suite: 'activation' });
//   try { const chat = await wb.openWardenView(); … } finally { await wb.close(); }
//
// Every suite gets a fresh server on a free port, a fresh user-data dir,
// extensions dir and browser profile (so SecretStorage starts empty), and a
// copy of the fixture workspace it may change freely.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { loadCodeServer, REPO_ROOT, type RunningCodeServer } from './codeServer';
import { ensureVsix } from './vsix';
import { waitForWorkbench, Workbench } from './workbench';

export const CHROMIUM_PATH = process.env.WARDEN_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
export const FIXTURE_WORKSPACE = join(REPO_ROOT, 'test', 'e2e', 'fixture-workspace');
export const ARTIFACTS_ROOT = join(REPO_ROOT, 'test-results', 'e2e');

export interface LaunchOptions {
  /** Names the artifacts folder: test-results/e2e/<suite>/. */
  suite: string;
  /** Folder copied as the workspace (default: test/e2e/fixture-workspace). */
  workspace?: string;
  /** A `.code-workspace` file inside that folder to open instead of the folder (a multi-root workspace). */
  workspaceFile?: string;
  /** Extra environment for code-server and so for the extension host (e.g. ANTHROPIC_BASE_URL). */
  env?: Record<string, string>;
  /** User settings, merged over the quiet defaults (e.g. `warden.anthropic.baseUrl`). */
  settings?: Record<string, unknown>;
  /** false: Workspace Trust stays on, so the folder opens in Restricted Mode. Default true. */
  trust?: boolean;
  /** Viewport of the page. */
  viewport?: { width: number; height: number };
  /** A folder the server sees at /etc/warden: the managed policy (root only). */
  managedPolicyDir?: string;
}

/**
 * Servers still running when this process exits are killed, whatever the
 * tests did. scripts/run-e2e.mjs also gets their group ids through files in
 * $WARDEN_E2E_PIDS_DIR, to kill them if this process itself is killed.
 */
const PIDS_DIR = process.env.WARDEN_E2E_PIDS_DIR;
const running = new Set<number>();

function remember(pid: number): void {
  running.add(pid);
  if (PIDS_DIR) writeFileSync(join(PIDS_DIR, String(pid)), '');
}

function forget(pid: number): void {
  running.delete(pid);
  if (PIDS_DIR) rmSync(join(PIDS_DIR, String(pid)), { force: true });
}

process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export class LaunchedWorkbench extends Workbench {
  constructor(
    private readonly context: BrowserContext,
    readonly server: RunningCodeServer,
    /** The workspace copy the workbench has open. */
    readonly workspaceDir: string,
    private readonly scratch: string,
    artifactsDir: string,
  ) {
    super(context.pages()[0]!, server.userDataDir, artifactsDir);
  }

  private closed = false;

  /** Copies the server's output and log folder to <artifactsDir>/server/. */
  saveLogs(): void {
    saveLogsTo(join(this.artifactsDir, 'server'), this.server);
  }

  /** Closes the browser and kills the server's process group; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const errors: unknown[] = [];
    this.saveLogs();
    await withTimeout(this.context.close(), 10_000).catch((e: unknown) => errors.push(e));
    await this.server.stop().catch((e: unknown) => errors.push(e));
    if (this.server.pid !== undefined) forget(this.server.pid);
    rmSync(this.scratch, { recursive: true, force: true });
    if (errors.length > 0) throw new AggregateError(errors, 'closing the workbench');
  }
}

/** Keeps the server's output and logs with the screenshots, for reading after a failed run. */
function saveLogsTo(dir: string, server: RunningCodeServer): void {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'code-server.log'), server.output());
    if (existsSync(join(server.userDataDir, 'logs'))) cpSync(join(server.userDataDir, 'logs'), join(dir, 'logs'), { recursive: true });
  } catch (e) {
    console.error(`could not save logs to ${dir}: ${String(e)}`);
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts code-server with the extension installed, opens it in Chromium, waits for the workbench. */
export async function launchWorkbench(opts: LaunchOptions): Promise<LaunchedWorkbench> {
  const cs = await loadCodeServer();
  cs.ensureCodeServer();
  const vsix = ensureVsix(cs.cacheRoot());
  const artifactsDir = join(ARTIFACTS_ROOT, opts.suite);
  // This suite's screenshots and logs from an earlier run go; other suites' stay.
  rmSync(artifactsDir, { recursive: true, force: true });
  const scratch = mkdtempSync(join(tmpdir(), `warden-e2e-${opts.suite}-`));
  const workspaceDir = join(scratch, 'workspace');
  cpSync(resolve(opts.workspace ?? FIXTURE_WORKSPACE), workspaceDir, { recursive: true });
  let server: RunningCodeServer | undefined;
  let context: BrowserContext | undefined;
  try {
    const opened = opts.workspaceFile ? join(workspaceDir, opts.workspaceFile) : workspaceDir;
    server = await cs.startCodeServer({
      workspace: opened,
      tmpRoot: scratch,
      vsix,
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.settings ? { settings: opts.settings } : {}),
      ...(opts.trust !== undefined ? { trust: opts.trust } : {}),
      ...(opts.managedPolicyDir !== undefined ? { managedPolicyDir: opts.managedPolicyDir } : {}),
    });
    if (server.pid !== undefined) remember(server.pid);
    const profile = join(scratch, 'chromium-profile');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      env: { ...process.env, ...cs.xdgEnv(join(scratch, 'chromium-xdg')) },
      viewport: opts.viewport ?? { width: 1280, height: 800 },
      timeout: 60_000,
    });
    // No Playwright action may wait forever: a test fails with a clear timeout instead.
    context.setDefaultTimeout(30_000);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.url}/?${opts.workspaceFile ? 'workspace' : 'folder'}=${encodeURIComponent(opened)}`, { timeout: 60_000 });
    await waitForWorkbench(page);
    return new LaunchedWorkbench(context, server, workspaceDir, scratch, artifactsDir);
  } catch (e) {
    await context?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
    throw e;
  }
}
