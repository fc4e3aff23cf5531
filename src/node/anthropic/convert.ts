import type Anthropic from '@anthropic-ai/sdk';
import type { AssistantBlock, ModelMessage, ModelRequest, ToolDefinition, UserBlock } from '../../core/agent/model';

type MessageParam = Anthropic.Messages.MessageParam;
type ToolParam = Anthropic.Messages.Tool;
type CacheControl = { readonly type: 'ephemeral' };
const EPHEMERAL: CacheControl = { type: 'ephemeral' };

/** What the request says about thinking; null: say nothing (the model's default, or an endpoint that knows no thinking). */
export interface ThinkingParams {
  readonly thinking?: Anthropic.Messages.ThinkingConfigParam;
  readonly output_config?: Anthropic.Messages.OutputConfig;
}

export function toApiTools(tools: readonly ToolDefinition[]): ToolParam[] {
  return tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema as ToolParam['input_schema'] }));
}

/** A text block the API accepts on input: it refuses empty and whitespace-only ones. */
export const sendableText = (text: string): boolean => text.trim() !== '';

/** Assistant content as received, minus what the API refuses on input (empty text). */
function assistantContent(blocks: readonly AssistantBlock[]): Anthropic.Messages.ContentBlockParam[] {
  return blocks.flatMap((b): Anthropic.Messages.ContentBlockParam[] => {
    switch (b.type) {
      case 'text':
        return sendableText(b.text) ? [{ type: 'text', text: b.text }] : [];
      case 'tool_use':
        return [{ type: 'tool_use', id: b.id, name: b.name, input: b.input ?? {} }];
      case 'thinking':
        return [{ type: 'thinking', thinking: b.thinking, signature: b.signature }];
      case 'redacted_thinking':
        return [{ type: 'redacted_thinking', data: b.data }];
    }
  });
}

function userContent(content: string | readonly UserBlock[], cache: boolean): Anthropic.Messages.ContentBlockParam[] {
  const blocks = typeof content === 'string' ? [{ type: 'text' as const, text: content }] : content;
  const kept = blocks.filter((b) => b.type !== 'text' || sendableText(b.text));
  return kept.map((b, i) => {
    const cc = cache && i === kept.length - 1 ? { cache_control: EPHEMERAL } : {};
    return b.type === 'text'
      ? { type: 'text' as const, text: b.text, ...cc }
      : { type: 'tool_result' as const, tool_use_id: b.tool_use_id, content: b.content, ...(b.is_error ? { is_error: true } : {}), ...cc };
  });
}

function toApiMessage(m: ModelMessage, cache: boolean): MessageParam {
  return m.role === 'assistant'
    ? { role: 'assistant', content: assistantContent(m.content) }
    : { role: 'user', content: userContent(m.content, cache) };
}

/**
 * The request body. Prompt caching, three breakpoints of the four the API
 * allows: the system prompt (the prefix is tools, then system, so this one
 * caches both; left off when that prefix is under the model's minimum
 * cacheable length), the last block of the latest user message, and the last block
 * of the user message before it — the breakpoint the previous request wrote,
 * so a turn that carries many tool results (more than the API's 20-block
 * lookback) still reads the previous turn's cache. Empty text blocks are
 * left out everywhere (the API refuses them).
 */
export function toApiParams(
  model: string,
  req: ModelRequest,
  thinking: ThinkingParams | null = null,
  minCacheableTokens = 1024,
): Anthropic.Messages.MessageCreateParamsStreaming {
  const users = req.messages.flatMap((m, i) => (m.role === 'user' ? [i] : []));
  const cached = new Set(users.slice(-2));
  const messages = req.messages.map((m, i) => toApiMessage(m, cached.has(i))).filter((m) => m.content.length > 0);
  // A prefix shorter than the model's minimum is never cached: its breakpoint would be wasted (the message breakpoints cover it).
  const prefixTokens = Math.ceil((req.system.length + JSON.stringify(req.tools).length) / 4);
  return {
    model,
    max_tokens: req.maxTokens,
    system: [{ type: 'text', text: req.system, ...(prefixTokens >= minCacheableTokens ? { cache_control: EPHEMERAL } : {}) }],
    tools: toApiTools(req.tools),
    messages,
    ...(thinking ?? {}),
    stream: true,
  };
}
