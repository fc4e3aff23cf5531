import { parseMcpToolName, parseToolPattern } from '../mcp/names';
import { decision } from './decision';
import type { DecisionRequest, GuardResult } from './guard';
import type { Settings } from './settings';

/** `warden.mcp.tools.*` compiled once per settings change. */
export interface McpRules {
  readonly allow: readonly { readonly source: string; readonly re: RegExp }[];
  readonly ask: readonly { readonly source: string; readonly re: RegExp }[];
  readonly deny: readonly { readonly source: string; readonly re: RegExp }[];
}

function compileList(list: readonly string[]): { source: string; re: RegExp }[] {
  return list.flatMap((source) => {
    const re = parseToolPattern(source);
    return typeof re === 'string' ? [] : [{ source, re }];
  });
}

export function compileMcpRules(settings: Settings): McpRules {
  return {
    allow: compileList(settings['warden.mcp.tools.allow']),
    ask: compileList(settings['warden.mcp.tools.ask']),
    deny: compileList(settings['warden.mcp.tools.deny']),
  };
}

/**
 * An MCP tool call: deny wins over ask, ask over allow, and a tool no rule
 * names asks. What the server declares (`destructiveHint`) can turn an allow
 * into an ask, never an ask into an allow: annotations are the server's own
 * words and may be lies. In Restricted Mode no MCP tool runs.
 */
export function decideMcp(rules: McpRules, request: Extract<DecisionRequest, { kind: 'mcp' }>, trusted: boolean): GuardResult {
  const parts = parseMcpToolName(request.name);
  const details = { kind: 'mcp', server: parts?.server ?? '', tool: parts?.tool ?? '' } as const;
  const out = (d: ReturnType<typeof decision>): GuardResult => ({ ...d, details });
  if (!parts) return out(decision('deny', 'unknown-tool', null, `${request.name} is not an mcp__<server>__<tool> name.`));
  if (!trusted) return out(decision('deny', 'restricted-mode', null, 'The workspace is not trusted (Restricted Mode): no MCP tool runs.'));
  const deny = rules.deny.find((r) => r.re.test(request.name));
  if (deny)
    return out(
      decision('deny', 'mcp-tool-denied', `warden.mcp.tools.deny: ${deny.source}`, `${request.name} matches warden.mcp.tools.deny.`),
    );
  const ask = rules.ask.find((r) => r.re.test(request.name));
  if (ask)
    return out(
      decision(
        'ask',
        'mcp-tool-ask',
        `warden.mcp.tools.ask: ${ask.source}`,
        `${request.name} matches warden.mcp.tools.ask: a person approves it.`,
      ),
    );
  const allow = rules.allow.find((r) => r.re.test(request.name));
  if (!allow)
    return out(decision('ask', 'mcp-tool-ask', null, `No warden.mcp.tools rule names ${request.name}; MCP tools ask by default.`));
  const rule = `warden.mcp.tools.allow: ${allow.source}`;
  if (request.annotations?.destructiveHint === true) {
    return out(decision('ask', 'mcp-destructive-hint', rule, `The server declares ${request.name} destructive: a person approves it.`));
  }
  return out(decision('allow', 'mcp-tool-allowed', rule, `${request.name} matches warden.mcp.tools.allow.`));
}
