import * as z from 'zod';
import { canonicalJson } from '../audit/canonical';
import { sha256Hex } from '../audit/hash';
import { secretNameSchema } from '../secrets/secretName';
import { serverNameSchema } from './names';
import { stripJsonc } from '../text/jsonc';

/**
 * MCP server definitions. Only user settings (`warden.mcp.servers`) define
 * servers that start on their own; a workspace may propose definitions in
 * `.vscode/mcp.json` or `.mcp.json`, which start only once a person has
 * approved that exact definition (pinned by `definitionHash`).
 */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name');

export const stdioServerSchema = z.strictObject({
  command: z.string().min(1).max(4096).describe('The program to start (looked up on PATH inside the sandbox).'),
  args: z.array(z.string().max(8192)).max(200).default([]),
  /** Plain values; secrets go in `secrets` instead, so they stay out of settings files. */
  env: z.record(envName, z.string().max(8192)).default({}),
  /** Secret names injected into the server's environment when it starts. */
  secrets: z.array(secretNameSchema).max(20).default([]),
});

export const httpServerSchema = z.strictObject({
  url: z
    .string()
    .max(2000)
    .refine((s) => /^https?:\/\/[^\s]+$/.test(s), 'must be an http(s) URL'),
  /** Secret names sent as headers: `Authorization: Bearer <value>` for the first, `X-<NAME>` for others. */
  secrets: z.array(secretNameSchema).max(20).default([]),
});

export const serverDefinitionSchema = z.union([stdioServerSchema, httpServerSchema]);
export type StdioServer = z.output<typeof stdioServerSchema>;
export type HttpServer = z.output<typeof httpServerSchema>;
export type ServerDefinition = StdioServer | HttpServer;

export const serversSettingSchema = z.record(serverNameSchema, serverDefinitionSchema);

export function isStdio(def: ServerDefinition): def is StdioServer {
  return 'command' in def;
}

/** Why a server waits for the person: the views say different things for each (the editor's Servers view). */
export const DEFINITION_CHANGED = 'its definition changed since it was approved';
export const NOT_PROPOSAL_APPROVED = 'proposed by the workspace; not approved';
export const TOOLS_NOT_REVIEWED = 'its tools have not been reviewed yet';

/** Where a definition came from; only `user` starts without an approval. */
export type ServerOrigin = 'user' | '.vscode/mcp.json' | '.mcp.json';

export interface ServerEntry {
  readonly name: string;
  readonly origin: ServerOrigin;
  readonly definition: ServerDefinition;
  /** sha256 of the canonical definition: command, args, env, URL and secret names. */
  readonly hash: string;
}

export function definitionHash(def: ServerDefinition): string {
  return sha256Hex(canonicalJson(def));
}

/** The hosts an HTTP server's URL reaches (for the approval dialog and the host rule), or none for stdio. */
export function serverHost(def: ServerDefinition): string | null {
  if (isStdio(def)) return null;
  try {
    return new URL(def.url).hostname;
  } catch {
    return null;
  }
}

/**
 * Reads a workspace's proposal file. `.vscode/mcp.json` holds `{"servers":
 * {...}}` (VS Code's format, `type: "stdio" | "http" | "sse"`), `.mcp.json`
 * holds `{"mcpServers": {...}}`. A definition that does not fit is reported,
 * never half-read; `${...}` variables are not expanded (they would make the
 * approved definition differ from what starts).
 */
export function parseProposals(origin: Exclude<ServerOrigin, 'user'>, text: string): { entries: ServerEntry[]; problems: string[] } {
  const problems: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(stripJsonc(text));
  } catch (err) {
    return { entries: [], problems: [`${origin}: not JSON (${err instanceof Error ? err.message : String(err)})`] };
  }
  const key = origin === '.mcp.json' ? 'mcpServers' : 'servers';
  const list = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)[key] : undefined;
  if (list === undefined) return { entries: [], problems: [] };
  if (list === null || typeof list !== 'object' || Array.isArray(list))
    return { entries: [], problems: [`${origin}: "${key}" must be an object`] };
  const entries: ServerEntry[] = [];
  for (const [name, value] of Object.entries(list as Record<string, unknown>)) {
    if (!serverNameSchema.safeParse(name).success) {
      problems.push(`${origin}: server name ${JSON.stringify(name)} is not usable (letters, digits and "-" only)`);
      continue;
    }
    const v = value !== null && typeof value === 'object' ? { ...(value as Record<string, unknown>) } : value;
    if (v && typeof v === 'object') {
      const t = (v as Record<string, unknown>).type;
      delete (v as Record<string, unknown>).type;
      if (t !== undefined && t !== 'stdio' && t !== 'http' && t !== 'sse') {
        problems.push(`${origin}: ${name}: unknown type ${JSON.stringify(t)}`);
        continue;
      }
    }
    const r = serverDefinitionSchema.safeParse(v);
    if (!r.success) {
      problems.push(`${origin}: ${name}: ${r.error.issues.map((i) => `${i.path.join('.') || 'definition'}: ${i.message}`).join('; ')}`);
      continue;
    }
    if (JSON.stringify(r.data).includes('${')) {
      problems.push(`${origin}: ${name}: \${...} variables are not expanded; write the values out`);
      continue;
    }
    entries.push({ name, origin, definition: r.data, hash: definitionHash(r.data) });
  }
  return { entries, problems };
}

/** What a person must see before approving a server: the command line, args, env names, secrets, host. */
export function describeServer(e: ServerEntry): string[] {
  const d = e.definition;
  const lines = [`${e.name} (${e.origin}), definition ${e.hash}`];
  if (isStdio(d)) {
    lines.push(
      `  command: ${JSON.stringify(d.command)}`,
      `  args: ${JSON.stringify(d.args)}`,
      `  env names: ${Object.keys(d.env).join(', ') || 'none'}`,
      '  runs: in the sandbox (workspace read-only, no network)',
    );
  } else lines.push(`  url: ${d.url}`, `  host: ${serverHost(d) ?? 'none'} (must be in warden.network.allowedHosts)`);
  lines.push(`  secrets: ${d.secrets.join(', ') || 'none'}`);
  return lines;
}
