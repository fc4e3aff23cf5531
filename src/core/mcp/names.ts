import * as z from 'zod';

/**
 * How an MCP tool is named to the model, to the guard and in the audit log:
 * `mcp__<server>__<tool>`. A server name holds no underscore, so the first
 * `__` after it ends it and the name splits one way only. The whole name
 * keeps to what the Messages API accepts for a tool name.
 */
export const MCP_PREFIX = 'mcp__';
export const MAX_TOOL_NAME = 64;

export const serverNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/,
    'a server name is 1-32 letters, digits or "-" (no "_", which separates the parts of mcp__<server>__<tool>)',
  );

const TOOL_PART = /^[A-Za-z0-9_-]+$/;

export function isMcpToolName(name: string): boolean {
  return name.startsWith(MCP_PREFIX);
}

/** The model-facing name of a server's tool, or why it cannot have one. */
export function mcpToolName(server: string, tool: string): { name: string } | { error: string } {
  if (!serverNameSchema.safeParse(server).success) return { error: `server name ${JSON.stringify(server)} is not usable` };
  if (!TOOL_PART.test(tool)) return { error: `tool name ${JSON.stringify(tool)} holds characters other than letters, digits, "_" and "-"` };
  const name = `${MCP_PREFIX}${server}__${tool}`;
  if (name.length > MAX_TOOL_NAME) return { error: `${name} is longer than ${MAX_TOOL_NAME} characters` };
  return { name };
}

/** The server and tool parts of `mcp__<server>__<tool>`, or null when the name is not one. */
export function parseMcpToolName(name: string): { server: string; tool: string } | null {
  if (!isMcpToolName(name)) return null;
  const rest = name.slice(MCP_PREFIX.length);
  const sep = rest.indexOf('__');
  if (sep <= 0) return null;
  const server = rest.slice(0, sep);
  const tool = rest.slice(sep + 2);
  if (!serverNameSchema.safeParse(server).success || !TOOL_PART.test(tool)) return null;
  return { server, tool };
}

/**
 * A `warden.mcp.tools.*` pattern: a full tool name where `*` stands for any
 * run of characters (`mcp__github__*`, `mcp__*__read_*`). Compiled once.
 */
export function parseToolPattern(pattern: string): RegExp | string {
  if (!pattern.startsWith(MCP_PREFIX)) return `must start with ${MCP_PREFIX} (e.g. mcp__server__tool or mcp__server__*)`;
  if (!/^[A-Za-z0-9_*-]+$/.test(pattern)) return 'may hold only letters, digits, "_", "-" and "*"';
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[-]/g, '\\-'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

export const toolPatternSchema = z
  .string()
  .max(200)
  .superRefine((s, ctx) => {
    const r = parseToolPattern(s);
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: `MCP tool pattern '${s}' ${r}` });
  });
