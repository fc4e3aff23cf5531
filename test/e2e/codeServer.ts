// Typed access to scripts/code-server.mjs (plain JavaScript, shared with
// `npm start` and scripts/run-e2e.mjs) for the TypeScript harness.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface EnsuredCodeServer {
  home: string;
  entry: string;
  version: string;
  /** True when this call did the install. */
  installed: boolean;
}

export interface StartCodeServerOptions {
  workspace: string;
  port?: number;
  host?: string;
  extensionsDir?: string;
  userDataDir?: string;
  /** Extra environment for the server and so for its extension host. */
  env?: Record<string, string>;
  /** false: Workspace Trust stays on and the folder opens in Restricted Mode. */
  trust?: boolean;
  /** Merged over the quiet defaults into the user settings.json. */
  settings?: Record<string, unknown>;
  /** A .vsix installed into the extensions dir before the server starts. */
  vsix?: string;
  /** Parent folder for the temp dirs (default: the OS temp dir). */
  tmpRoot?: string;
  /** A folder shown to this server alone at /etc/warden (its own mount namespace; root only). */
  managedPolicyDir?: string;
  readyTimeoutMs?: number;
  onOutput?: (chunk: string) => void;
}

export interface RunningCodeServer {
  url: string;
  port: number;
  pid: number | undefined;
  userDataDir: string;
  extensionsDir: string;
  /** Everything the server printed so far. */
  output(): string;
  /** Settles with the exit code (or signal name) when the server exits. */
  exited: Promise<number | string | null>;
  /** Kills the process group and removes the temp dirs this server created. */
  stop(): Promise<void>;
}

export interface CodeServerModule {
  CODE_SERVER_VERSION: string;
  QUIET_SETTINGS: Readonly<Record<string, unknown>>;
  cacheRoot(): string;
  ensureCodeServer(opts?: { version?: string; log?: (message: string) => void }): EnsuredCodeServer;
  freePort(): Promise<number>;
  xdgEnv(base: string): { XDG_CONFIG_HOME: string; XDG_DATA_HOME: string; XDG_CACHE_HOME: string };
  writeUserSettings(userDataDir: string, settings: Record<string, unknown>): string;
  installVsix(vsixPath: string, opts: { extensionsDir: string; userDataDir: string; env?: Record<string, string> }): string;
  startCodeServer(opts: StartCodeServerOptions): Promise<RunningCodeServer>;
}

/** Loads scripts/code-server.mjs with its types. */
export async function loadCodeServer(): Promise<CodeServerModule> {
  const url = pathToFileURL(join(REPO_ROOT, 'scripts', 'code-server.mjs')).href;
  return (await import(url)) as CodeServerModule;
}
