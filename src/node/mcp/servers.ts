import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client as SdkClient } from '@modelcontextprotocol/sdk/client/index.js';
import {
  DEFINITION_CHANGED,
  NOT_PROPOSAL_APPROVED,
  TOOLS_NOT_REVIEWED,
  isStdio,
  parseProposals,
  definitionHash,
  type ServerEntry,
} from '../../core/mcp/config';
import { mcpToolEntry, neutraliseTool, toolListHash, type McpServerPort, type McpToolInfo } from '../../core/mcp/mcpTool';
import type { Guard } from '../../core/policy/guard';
import type { Settings } from '../../core/policy/settings';
import type { ToolEntry } from '../../core/tools/tool';
import { findExecutable } from '../sandbox/findExecutable';
import type { PinStore } from './pins';
import { SandboxedStdioTransport } from './stdioSandbox';

/**
 * The MCP servers of one task: which may start, starting them (stdio in the
 * sandbox, HTTP only at allowed hosts), pinning and watching their tool
 * lists, and their tools as registry entries. Every lifecycle step is
 * reported through `audit`.
 */
export type ServerState = 'running' | 'paused' | 'failed' | 'awaiting-approval' | 'stopped';

export interface ServerStatus {
  readonly name: string;
  readonly origin: ServerEntry['origin'];
  readonly hash: string;
  readonly state: ServerState;
  readonly detail: string;
  readonly tools: readonly McpToolInfo[];
}

export interface McpStartOptions {
  readonly settings: Settings;
  readonly roots: readonly string[];
  readonly guard: Guard;
  /** False in Restricted Mode: no workspace server is even listed for approval. */
  readonly trusted: boolean;
  readonly secretValue: (name: string) => string | undefined;
  readonly pins: PinStore;
  /** Parent of each stdio server's own writable folder. */
  readonly scratchDir: string;
  readonly privateDirs: readonly string[];
  readonly audit: (note: string) => Promise<void>;
  readonly connectTimeoutMs?: number;
  /**
   * The editor shows a proposed server's tools (names, descriptions, schemas)
   * before the model sees any: a proposal whose tool list was never pinned
   * starts paused until the person accepts that list. `warden run` pins the
   * first list it sees (the person approved the definition with `warden mcp approve`).
   */
  readonly reviewFirstTools?: boolean;
  /** Told after any server's state changed (started, paused, stopped, failed). */
  readonly onStatus?: () => void;
}

export interface McpSession {
  readonly tools: readonly ToolEntry[];
  status(): readonly ServerStatus[];
  close(): Promise<void>;
}

const PROPOSAL_FILES = ['.vscode/mcp.json', '.mcp.json'] as const;

/** The servers to consider: user settings, then (trusted, `propose`) each workspace folder's proposals. */
export function serverEntries(
  settings: Settings,
  roots: readonly string[],
  trusted: boolean,
): { entries: ServerEntry[]; problems: string[] } {
  const entries: ServerEntry[] = Object.entries(settings['warden.mcp.servers']).map(([name, definition]) => ({
    name,
    origin: 'user',
    definition,
    hash: definitionHash(definition),
  }));
  const problems: string[] = [];
  if (!trusted || settings['warden.mcp.workspaceServers'] !== 'propose') return { entries, problems };
  if (settings['warden.managed.forbidWorkspaceMcpServers']) {
    const proposed = roots.flatMap((root) => PROPOSAL_FILES.filter((file) => existsSync(join(root, file))));
    if (proposed.length)
      problems.push(`${proposed.join(', ')}: the managed policy forbids MCP servers proposed by a workspace; they are ignored`);
    return { entries, problems };
  }
  for (const root of roots) {
    for (const file of PROPOSAL_FILES) {
      const path = join(root, file);
      if (!existsSync(path)) continue;
      const r = parseProposals(file, readFileSync(path, 'utf8'));
      problems.push(...r.problems);
      for (const e of r.entries) {
        if (entries.some((x) => x.name === e.name))
          problems.push(`${file}: ${e.name} is already defined (user settings win); the proposal is ignored`);
        else entries.push(e);
      }
    }
  }
  return { entries, problems };
}

export const pinKey = (e: Pick<ServerEntry, 'origin' | 'name'>): string => `${e.origin}:${e.name}`;

/** Secrets as HTTP headers: the first as a bearer token, the others as `X-<NAME>`. */
function secretHeaders(names: readonly string[], value: (n: string) => string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  names.forEach((n, i) => {
    const v = value(n);
    if (v === undefined) return;
    if (i === 0) headers.Authorization = `Bearer ${v}`;
    else headers[`X-${n.replace(/_/g, '-')}`] = v;
  });
  return headers;
}

async function listAll(client: SdkClient): Promise<unknown[]> {
  const out: unknown[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const r = await client.listTools(cursor === undefined ? {} : { cursor });
    out.push(...r.tools);
    if (!r.nextCursor) break;
    cursor = r.nextCursor;
  }
  return out;
}

export async function startMcpServers(o: McpStartOptions): Promise<McpSession> {
  const { entries, problems } = serverEntries(o.settings, o.roots, o.trusted);
  for (const p of problems) await o.audit(`mcp: ${p}`);
  const statuses = new Map<string, ServerStatus>();
  const closers: (() => Promise<void>)[] = [];
  const tools: ToolEntry[] = [];
  if (entries.length === 0) return { tools, status: () => [], close: () => Promise.resolve() };
  const sdk = await import('./mcpSdk');
  const validator = new sdk.AjvJsonSchemaValidator();

  for (const entry of entries) {
    const set = (state: ServerState, detail: string, list: readonly McpToolInfo[] = []): void => {
      statuses.set(entry.name, { name: entry.name, origin: entry.origin, hash: entry.hash, state, detail, tools: list });
      o.onStatus?.();
    };
    const key = pinKey(entry);
    const pin = o.pins.get(key);
    const def = entry.definition;
    const shown = isStdio(def) ? `${def.command} ${def.args.join(' ')}`.trim() : def.url;
    if (entry.origin !== 'user' && pin?.approved !== entry.hash) {
      set('awaiting-approval', pin?.approved ? DEFINITION_CHANGED : NOT_PROPOSAL_APPROVED);
      await o.audit(
        `mcp server ${entry.name} (${entry.origin}, definition ${entry.hash.slice(0, 12)}): ${pin?.approved ? 'definition changed since approval' : 'proposed'}, not started: ${shown}; env names: ${isStdio(def) ? Object.keys(def.env).join(', ') || 'none' : 'none'}; secrets: ${def.secrets.join(', ') || 'none'}`,
      );
      continue;
    }
    let transport: InstanceType<typeof sdk.StreamableHTTPClientTransport> | SandboxedStdioTransport;
    let where: string;
    if (isStdio(def)) {
      const bwrap = findExecutable('bwrap', process.env.PATH);
      if (bwrap === null) {
        set('failed', 'no sandbox: bubblewrap is not installed, and stdio servers run only inside it');
        await o.audit(`mcp server ${entry.name}: not started: bubblewrap is missing`);
        continue;
      }
      const env: Record<string, string> = { ...def.env };
      for (const n of def.secrets) {
        const v = o.secretValue(n);
        if (v !== undefined) env[n] = v;
      }
      transport = new SandboxedStdioTransport(
        {
          bwrap,
          command: def.command,
          args: def.args,
          env,
          roots: o.roots,
          ownDir: join(o.scratchDir, `${entry.name}-${entry.hash.slice(0, 12)}`),
          readFilter: o.guard.readFilter(),
          privateDirs: o.privateDirs,
        },
        sdk,
      );
      where = 'sandbox, workspace read-only, no network (stdio)';
    } else {
      const host = o.guard.decideRequest({ kind: 'url', url: def.url });
      if (host.decision !== 'allow') {
        set('failed', `its URL is not allowed: ${host.message}`);
        await o.audit(`mcp server ${entry.name}: not started: ${host.message}`);
        continue;
      }
      transport = new sdk.StreamableHTTPClientTransport(new URL(def.url), {
        requestInit: { headers: secretHeaders(def.secrets, o.secretValue), redirect: 'error' },
      });
      where = def.url;
    }
    const client = new sdk.Client({ name: 'warden', version: '0.1.0' }, { capabilities: {} });
    let paused: string | null = null;
    let stopped: string | null = null;
    try {
      await client.connect(transport, { timeout: o.connectTimeoutMs ?? 30_000 });
      const raw = await listAll(client);
      const list: McpToolInfo[] = [];
      const left: string[] = [];
      for (const t of raw) {
        const n = neutraliseTool(entry.name, t);
        if ('error' in n) left.push(n.error);
        else list.push(n);
      }
      const hash = toolListHash(list);
      if (pin && pin.definition === entry.hash && pin.tools !== null && pin.tools !== hash) {
        paused = 'its tool list or descriptions changed since they were pinned';
      } else if (o.reviewFirstTools === true && entry.origin !== 'user' && (pin?.definition !== entry.hash || pin.tools === null)) {
        paused = TOOLS_NOT_REVIEWED;
      } else o.pins.set(key, { definition: entry.hash, tools: hash, approved: pin?.approved ?? null });
      client.setNotificationHandler(sdk.ToolListChangedNotificationSchema, async () => {
        try {
          const nowList = (await listAll(client))
            .map((t) => neutraliseTool(entry.name, t))
            .filter((t): t is McpToolInfo => !('error' in t));
          if (toolListHash(nowList) !== hash && paused === null) {
            paused = 'its tool list changed while it ran';
            // The list shown for review is the new one: accepting it pins what the person saw.
            set('paused', paused, nowList);
            await o.audit(`mcp server ${entry.name}: paused: ${paused}`);
          }
        } catch (err) {
          await o.audit(
            `mcp server ${entry.name}: could not list its tools again (${err instanceof Error ? err.message : String(err)}); paused`,
          );
          paused = 'its tool list could not be checked again';
          set('paused', paused, list);
        }
      });
      transport.onclose = () => {
        stopped ??= 'it exited';
        set('stopped', stopped, list);
      };
      const port: McpServerPort = {
        server: entry.name,
        where,
        secrets: def.secrets,
        unavailable: () => paused ?? stopped,
        async callTool(tool, args, signal) {
          const r = await client.callTool({ name: tool, arguments: args }, undefined, { signal, timeout: 120_000 });
          return r as { isError?: boolean; content?: unknown[]; structuredContent?: unknown };
        },
      };
      if (paused === null) {
        for (const info of list) {
          const check = validator.getValidator(info.inputSchema);
          tools.push(
            mcpToolEntry(port, info, (v) => {
              const r = check(v);
              return r.valid ? null : (r.errorMessage ?? 'does not match');
            }),
          );
        }
      }
      set(paused ? 'paused' : 'running', paused ?? `${list.length} tools${left.length ? `; left out: ${left.join('; ')}` : ''}`, list);
      await o.audit(
        `mcp server ${entry.name} (${entry.origin}, definition ${entry.hash.slice(0, 12)}, tools ${hash.slice(0, 12)}): ${paused ? `paused: ${paused}` : `started in ${where}`}; tools: ${list.map((t) => t.serverTool).join(', ')}${left.length ? `; left out: ${left.join('; ')}` : ''}`,
      );
      closers.push(async () => {
        stopped = 'it was stopped (the task ended, or settings changed)';
        await client.close().catch(() => undefined);
        await o.audit(`mcp server ${entry.name}: stopped`);
      });
    } catch (err) {
      const tail = transport instanceof SandboxedStdioTransport ? transport.stderrTail().trim().slice(-500) : '';
      const why = `${err instanceof Error ? err.message : String(err)}${tail ? ` (stderr: ${tail})` : ''}`;
      set('failed', why);
      await o.audit(`mcp server ${entry.name}: failed to start: ${why}`);
      await client.close().catch(() => undefined);
    }
  }
  return {
    tools,
    status: () => [...statuses.values()],
    async close() {
      for (const c of closers) await c();
    },
  };
}
