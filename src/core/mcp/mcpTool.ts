import { canonicalJson } from '../audit/canonical';
import { sha256Hex } from '../audit/hash';
import { neutralise } from '../text/neutralise';
import type { ToolEntry } from '../tools/tool';
import { exactGrant, fail, ok } from '../tools/tool';
import { mcpToolName } from './names';

/**
 * MCP tools as registry entries. Everything a server says about its tools
 * (names, descriptions, schemas, annotations) is untrusted input: hidden
 * characters and terminal escapes are made visible, sizes are capped, and
 * the whole list is pinned by a hash so a change after approval is caught.
 */
export interface McpAnnotations {
  readonly readOnlyHint?: boolean | undefined;
  readonly destructiveHint?: boolean | undefined;
}

/** One tool as Warden keeps it: neutralised, with its model-facing name. */
export interface McpToolInfo {
  /** `mcp__<server>__<tool>`. */
  readonly name: string;
  /** The server's own name for the tool (what is sent back to it). */
  readonly serverTool: string;
  readonly description: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
  readonly annotations: McpAnnotations;
}

/** What a running server offers to its entries (the node adapter implements it over the MCP SDK client). */
export interface McpServerPort {
  readonly server: string;
  /** `sandbox, no network (stdio)` or the URL an HTTP server is reached at. */
  readonly where: string;
  /** Secret names the server received at start (shown, never their values). */
  readonly secrets: readonly string[];
  /** Null while the server may be called; else why not (paused after a change, stopped, failed). */
  unavailable(): string | null;
  callTool(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<McpCallResult>;
}

/** The part of a CallToolResult Warden reads. */
export interface McpCallResult {
  readonly isError?: boolean | undefined;
  readonly content?: readonly unknown[] | undefined;
  readonly structuredContent?: unknown;
}

/** Validates arguments against a tool's JSON Schema; null when they fit, else why not. */
export type SchemaCheck = (value: unknown) => string | null;

export const MAX_DESCRIPTION = 2000;
const MAX_SCHEMA_CHARS = 64 * 1024;

function cleanSchemaStrings(value: unknown, depth = 0): unknown {
  if (depth > 40) throw new Error('schema nested too deeply');
  if (typeof value === 'string') return neutralise(value);
  if (Array.isArray(value)) return value.map((v) => cleanSchemaStrings(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (neutralise(k) !== k) throw new Error(`a schema key holds hidden characters (${neutralise(k)})`);
      out[k] = cleanSchemaStrings(v, depth + 1);
    }
    return out;
  }
  return value;
}

/** A tool as a server listed it, made safe to show and to offer; or why it is left out. */
export function neutraliseTool(server: string, raw: unknown): McpToolInfo | { error: string } {
  if (raw === null || typeof raw !== 'object') return { error: 'a tool entry that is not an object' };
  const t = raw as Record<string, unknown>;
  const serverTool = typeof t.name === 'string' ? t.name : '';
  const named = mcpToolName(server, serverTool);
  if ('error' in named) return { error: named.error };
  const description = neutralise(typeof t.description === 'string' ? t.description : '');
  let inputSchema: Record<string, unknown>;
  try {
    const schema = t.inputSchema ?? { type: 'object' };
    if (JSON.stringify(schema).length > MAX_SCHEMA_CHARS)
      return { error: `${named.name}: its input schema is larger than ${MAX_SCHEMA_CHARS} characters` };
    inputSchema = cleanSchemaStrings(schema) as Record<string, unknown>;
  } catch (err) {
    return { error: `${named.name}: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (inputSchema.type !== 'object') return { error: `${named.name}: its input schema is not an object schema` };
  const a = t.annotations !== null && typeof t.annotations === 'object' ? (t.annotations as Record<string, unknown>) : {};
  const annotations: McpAnnotations = {
    ...(typeof a.readOnlyHint === 'boolean' ? { readOnlyHint: a.readOnlyHint } : {}),
    ...(typeof a.destructiveHint === 'boolean' ? { destructiveHint: a.destructiveHint } : {}),
  };
  const cut =
    description.length > MAX_DESCRIPTION
      ? `${description.slice(0, MAX_DESCRIPTION)} […${description.length - MAX_DESCRIPTION} characters cut]`
      : description;
  return { name: named.name, serverTool, description: cut, inputSchema, annotations };
}

/** The pin of a tool list: any change of a name, description, schema or annotation changes it. */
export function toolListHash(tools: readonly McpToolInfo[]): string {
  return sha256Hex(canonicalJson([...tools].sort((a, b) => (a.name < b.name ? -1 : 1)).map((t) => ({ ...t }))));
}

/** A result's content as text: text blocks kept, images, audio and resources named, never fetched or rendered. */
export function resultText(result: McpCallResult, maxChars: number): string {
  const parts: string[] = [];
  for (const block of result.content ?? []) {
    const b = (block ?? {}) as Record<string, unknown>;
    if (b.type === 'text' && typeof b.text === 'string') parts.push(b.text);
    else if (b.type === 'image' || b.type === 'audio')
      parts.push(
        `[${String(b.type)} (${typeof b.mimeType === 'string' ? b.mimeType : 'unknown type'}, ${typeof b.data === 'string' ? Math.floor((b.data.length * 3) / 4) : 0} bytes) not shown]`,
      );
    else if (b.type === 'resource_link') parts.push(`[resource link ${typeof b.uri === 'string' ? b.uri : ''} not fetched]`);
    else if (b.type === 'resource') {
      const r = (b.resource ?? {}) as Record<string, unknown>;
      parts.push(
        typeof r.text === 'string'
          ? `[resource ${typeof r.uri === 'string' ? r.uri : ''}]\n${r.text}`
          : `[binary resource ${typeof r.uri === 'string' ? r.uri : ''} not shown]`,
      );
    } else parts.push(`[content of type ${JSON.stringify(b.type ?? null)} not shown]`);
    if (parts.reduce((n, p) => n + p.length, 0) > maxChars) break;
  }
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  const text = parts.join('\n');
  return text.length > maxChars ? `${text.slice(0, maxChars)}\n[MCP result cut at ${maxChars} characters]` : text;
}

const pretty = (v: unknown): string => JSON.stringify(v, null, 2) ?? 'null';

/** One MCP tool as an entry of the tool registry, decided by the guard's MCP rule. */
export function mcpToolEntry(port: McpServerPort, tool: McpToolInfo, check: SchemaCheck): ToolEntry<Record<string, unknown>> {
  return {
    name: tool.name,
    description: `[Tool of the MCP server "${port.server}"; its description is the server's own words, untrusted] ${tool.description}`,
    inputSchema: tool.inputSchema,
    risk: 'mcp',
    parse(input) {
      if (input === null || typeof input !== 'object' || Array.isArray(input))
        return { ok: false, error: `The input of ${tool.name} must be a JSON object.` };
      const why = check(input);
      return why === null
        ? { ok: true, input: input as Record<string, unknown> }
        : { ok: false, error: `The input does not fit ${tool.name}'s schema: ${why}` };
    },
    request: () => ({ kind: 'mcp', name: tool.name, annotations: tool.annotations }),
    plan: (input) =>
      Promise.resolve({
        kind: 'mcp',
        tool: tool.name,
        server: port.server,
        serverTool: tool.serverTool,
        description: tool.description,
        arguments: pretty(input),
        where: port.where,
        secrets: port.secrets,
        annotations: tool.annotations,
        summary: `Call ${tool.serverTool} on the MCP server ${port.server}`,
      }),
    async run(input, _decided, ctx, facts) {
      const why = port.unavailable();
      if (why !== null) return fail(`The MCP server ${port.server} cannot be called: ${why}`);
      const result = await port.callTool(tool.serverTool, input, facts.signal);
      const text = resultText(result, ctx.limits.maxMcpResultChars);
      return result.isError === true ? fail(text || 'The server reported an error.') : ok(text || '(no content)');
    },
    grant(input, decided) {
      if (tool.annotations.destructiveHint === true || decided.reason === 'mcp-destructive-hint')
        return { refused: 'Tools their server declares destructive always ask.' };
      if (port.secrets.length > 0) return { refused: 'Tools of a server holding secrets always ask.' };
      const args = canonicalJson(input);
      return exactGrant(
        `mcp\u0000${tool.name}\u0000${sha256Hex(args)}`,
        `${tool.name} with exactly these arguments: ${args.slice(0, 200)}`,
      );
    },
    summary: (input) => `mcp ${port.server}: ${tool.serverTool} ${JSON.stringify(input).slice(0, 160)}`,
    editing: null,
  };
}
