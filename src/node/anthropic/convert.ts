import type Anthropic from '@anthropic-ai/sdk';
import type { ModelMessage, ModelRequest, ToolDefinition } from '../../core/agent/model';

type MessageParam = Anthropic.Messages.MessageParam;
type ToolParam = Anthropic.Messages.Tool;
type CacheControl = { readonly type: 'ephemeral' };
const EPHEMERAL: CacheControl = { type: 'ephemeral' };

/** Tools for the API; the last one carries a cache breakpoint (caching every tool before it). */
export function toApiTools(tools: readonly ToolDefinition[]): ToolParam[] {
  return tools.map((t, i) => ({
    name: t.name,
    description: t.description,
    input_schema: t.inputSchema as ToolParam['input_schema'],
    ...(i === tools.length - 1 ? { cache_control: EPHEMERAL } : {}),
  }));
}

function toApiMessage(m: ModelMessage, cacheLast: boolean): MessageParam {
  if (m.role === 'assistant') {
    return {
      role: 'assistant',
      content: m.content.map((b) => (b.type === 'text' ? { type: 'text', text: b.text } : { type: 'tool_use', id: b.id, name: b.name, input: b.input ?? {} })),
    };
  }
  const blocks = typeof m.content === 'string' ? [{ type: 'text' as const, text: m.content }] : m.content;
  return {
    role: 'user',
    content: blocks.map((b, i) => {
      const cache = cacheLast && i === blocks.length - 1 ? { cache_control: EPHEMERAL } : {};
      return b.type === 'text'
        ? { type: 'text' as const, text: b.text, ...cache }
        : { type: 'tool_result' as const, tool_use_id: b.tool_use_id, content: b.content, ...(b.is_error ? { is_error: true } : {}), ...cache };
    }),
  };
}

/**
 * The request body: system prompt, tools and the latest user turn each carry
 * `cache_control: ephemeral` (three of the four breakpoints the API allows),
 * so each turn reuses the cached prefix of the one before.
 */
export function toApiParams(model: string, req: ModelRequest): Anthropic.Messages.MessageCreateParamsNonStreaming {
  let lastUser = -1;
  req.messages.forEach((m, i) => {
    if (m.role === 'user') lastUser = i;
  });
  return {
    model,
    max_tokens: req.maxTokens,
    system: [{ type: 'text', text: req.system, cache_control: EPHEMERAL }],
    tools: toApiTools(req.tools),
    messages: req.messages.map((m, i) => toApiMessage(m, i === lastUser)),
  };
}
