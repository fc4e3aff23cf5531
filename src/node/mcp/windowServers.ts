import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFINITION_CHANGED, NOT_PROPOSAL_APPROVED, type ServerEntry } from '../../core/mcp/config';
import { toolListHash, type McpToolInfo } from '../../core/mcp/mcpTool';
import type { Guard, GuardResult } from '../../core/policy/guard';
import type { Settings } from '../../core/policy/settings';
import type { ToolEntry } from '../../core/tools/tool';
import { createRedactor } from '../../core/secrets/createRedactor';
import type { Redactor } from '../../core/secrets/redactor';
import type { PinStore } from './pins';
import { pinKey, serverEntries, startMcpServers, type McpSession, type ServerState } from './servers';

/**
 * The MCP servers of an editor window. They start when a task first needs
 * them (or when the person starts them), run for the tasks that follow, and
 * stop when settings, folders or trust change (the next task starts them
 * again with the new settings). No vscode here: the Servers view and the
 * approval dialogs are the vscode adapter's.
 */

/** What a window knows about one server, started or not. */
export interface ServerView {
  readonly name: string;
  readonly origin: ServerEntry['origin'];
  readonly entry: ServerEntry;
  /** `not-started` until a task (or Start) starts the window's servers. */
  readonly state: ServerState | 'not-started';
  readonly detail: string;
  /** Neutralised tools as the server listed them (for a paused server: the list waiting for review). */
  readonly tools: readonly McpToolInfo[];
  /** What the person can do about it now. */
  readonly action: 'approve' | 'review-tools' | null;
}

/** The settings, folders and guard the servers start with (the window's current ones). */
export interface ServersContext {
  readonly settings: Settings;
  readonly roots: readonly string[];
  readonly guard: Guard;
  readonly trusted: boolean;
}

export interface WindowServersDeps {
  readonly pins: () => PinStore;
  /** Values of the secret names the servers receive (read from the secret store just before they start). */
  readonly secretValues: (names: readonly string[]) => Promise<Readonly<Record<string, string>>>;
  /** Folders no server may see (Warden's storage, the pin file's folder). */
  readonly privateDirs: readonly string[];
  readonly audit: (note: string) => Promise<void>;
  /** Told whenever any server's state may have changed. */
  readonly onDidChange: () => void;
  readonly connectTimeoutMs?: number;
}

export class WindowServers {
  private session: Promise<McpSession> | null = null;
  private scratch: string | null = null;
  private disposed = false;
  /** The definitions the running servers started from. */
  private startedWith = '';
  /** The secret values the running servers received: a server's own words (its stderr on failure) are shown redacted. */
  private redactor: Redactor = createRedactor([]);

  constructor(private readonly deps: WindowServersDeps) {}

  /** The running servers' tools for a task, starting the servers first when none run. */
  async tools(ctx: ServersContext): Promise<readonly ToolEntry[]> {
    if (this.disposed) return [];
    const session = (this.session ??= this.start(ctx));
    try {
      return (await session).tools;
    } catch (err) {
      // Nothing started: the next task tries again; this one goes on with the built-in tools.
      if (this.session === session) this.session = null;
      await this.deps.audit(`mcp: the servers could not be started: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
  }

  /** Every server of the settings and the workspace, with its state and what the person may do. */
  async list(ctx: ServersContext): Promise<readonly ServerView[]> {
    const { entries } = serverEntries(ctx.settings, ctx.roots, ctx.trusted);
    const running = this.session ? await this.session.then((x) => x.status()).catch(() => []) : [];
    const pins = this.deps.pins();
    return entries.map((entry) => {
      const s = running.find((r) => r.name === entry.name && r.hash === entry.hash);
      const pin = pins.get(pinKey(entry));
      const approved = entry.origin === 'user' || pin?.approved === entry.hash;
      const state: ServerView['state'] = s?.state ?? (approved ? 'not-started' : 'awaiting-approval');
      const detail =
        (s ? this.redactor.redact(s.detail) : undefined) ??
        (approved ? 'starts with the next task' : pin?.approved ? DEFINITION_CHANGED : NOT_PROPOSAL_APPROVED);
      const action = state === 'awaiting-approval' ? 'approve' : state === 'paused' && s?.tools.length ? 'review-tools' : null;
      return { name: entry.name, origin: entry.origin, entry, state, detail, tools: s?.tools ?? [], action };
    });
  }

  /** The guard's decision for each tool of a server (allow, ask or deny by `warden.mcp.tools.*` and its annotations). */
  static decisions(guard: Guard, server: ServerView): ReadonlyMap<string, GuardResult> {
    return new Map(
      server.tools.map((t) => [t.name, guard.decideRequest({ kind: 'mcp', name: t.name, annotations: t.annotations })] as const),
    );
  }

  /** Records the person's approval of exactly this definition, then starts the servers again. */
  async approve(entry: ServerEntry, ctx: ServersContext): Promise<void> {
    const pins = this.deps.pins();
    const key = pinKey(entry);
    const before = pins.get(key);
    pins.set(key, { definition: entry.hash, tools: before?.definition === entry.hash ? before.tools : null, approved: entry.hash });
    await this.deps.audit(
      `mcp server ${entry.name} (${entry.origin}, definition ${entry.hash.slice(0, 12)}): approved by the person in the editor`,
    );
    await this.restart(ctx);
  }

  /**
   * Pins the tool list the person reviewed (exactly `tools`, as shown), then
   * starts the servers again; if the server lists anything else by then, it
   * is paused again with the new list.
   */
  async acceptTools(server: ServerView, ctx: ServersContext): Promise<void> {
    const pins = this.deps.pins();
    const key = pinKey(server.entry);
    const hash = toolListHash(server.tools);
    pins.set(key, { definition: server.entry.hash, tools: hash, approved: pins.get(key)?.approved ?? null });
    await this.deps.audit(
      `mcp server ${server.name} (${server.origin}): the person accepted its ${server.tools.length} tools (tools ${hash.slice(0, 12)}): ${server.tools.map((t) => t.serverTool).join(', ')}`,
    );
    await this.restart(ctx);
  }

  /**
   * Stops the servers when the definitions they started from are not those
   * of `ctx` any more (a proposal file was written): the next task starts
   * what the files now say, a changed proposal only once approved again.
   */
  async stopIfChanged(ctx: ServersContext): Promise<void> {
    if (this.session !== null && this.startedWith !== definitionsKey(serverEntries(ctx.settings, ctx.roots, ctx.trusted).entries))
      await this.stop();
  }

  /** Stops the servers and starts them with the current settings. */
  async restart(ctx: ServersContext): Promise<void> {
    await this.stop();
    await this.tools(ctx);
  }

  /** Stops every server (settings, folders or trust changed; the window closes). The next task starts them again. */
  async stop(): Promise<void> {
    // Taken before the first await: servers started meanwhile get a folder of their own, never this one.
    const s = this.session;
    const scratch = this.scratch;
    this.session = null;
    this.scratch = null;
    if (s) await s.then((x) => x.close()).catch(() => undefined);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    this.deps.onDidChange();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
  }

  private async start(ctx: ServersContext): Promise<McpSession> {
    const { entries } = serverEntries(ctx.settings, ctx.roots, ctx.trusted);
    this.startedWith = definitionsKey(entries);
    const names = [...new Set(entries.flatMap((e) => e.definition.secrets))];
    const values = names.length ? await this.deps.secretValues(names) : {};
    this.redactor = createRedactor(Object.values(values));
    this.scratch ??= mkdtempSync(join(tmpdir(), 'warden-mcp-'));
    try {
      return await startMcpServers({
        settings: ctx.settings,
        roots: ctx.roots,
        guard: ctx.guard,
        trusted: ctx.trusted,
        secretValue: (n) => (Object.hasOwn(values, n) ? values[n] : undefined),
        pins: this.deps.pins(),
        scratchDir: this.scratch,
        privateDirs: this.deps.privateDirs,
        audit: this.deps.audit,
        reviewFirstTools: true,
        onStatus: this.deps.onDidChange,
        ...(this.deps.connectTimeoutMs !== undefined ? { connectTimeoutMs: this.deps.connectTimeoutMs } : {}),
      });
    } finally {
      this.deps.onDidChange();
    }
  }
}

function definitionsKey(entries: readonly ServerEntry[]): string {
  return entries.map((e) => `${pinKey(e)}=${e.hash}`).join('\n');
}
