/**
 * The port through which the agent talks to a model. The Anthropic adapter
 * (src/node/anthropic/anthropicClient.ts) implements it over the SDK's
 * `messages.stream`; tests run it against the fake server.
 */

export interface TextBlock {
  readonly type: 'text';
  readonly text: string;
}

export interface ToolUseBlock {
  readonly type: 'tool_use';
  readonly id: string;
  readonly name: string;
  /** The parsed input, or `{}` when the JSON did not parse (see `inputError`). */
  readonly input: unknown;
}

/** Thinking as the API returned it; sent back unmodified (text and signature) within a tool loop. */
export interface ThinkingBlock {
  readonly type: 'thinking';
  readonly thinking: string;
  readonly signature: string;
}

/** Thinking the API encrypted; sent back unmodified. */
export interface RedactedThinkingBlock {
  readonly type: 'redacted_thinking';
  readonly data: string;
}

export interface ToolResultBlock {
  readonly type: 'tool_result';
  readonly tool_use_id: string;
  readonly content: string;
  readonly is_error?: boolean;
}

export type AssistantBlock = TextBlock | ToolUseBlock | ThinkingBlock | RedactedThinkingBlock;
export type UserBlock = TextBlock | ToolResultBlock;

export type ModelMessage =
  | { readonly role: 'user'; readonly content: string | readonly UserBlock[] }
  | { readonly role: 'assistant'; readonly content: readonly AssistantBlock[] };

export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the input (an object schema). */
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheCreationInputTokens: number;
  readonly cacheReadInputTokens: number;
}

export const ZERO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheCreationInputTokens: a.cacheCreationInputTokens + b.cacheCreationInputTokens,
    cacheReadInputTokens: a.cacheReadInputTokens + b.cacheReadInputTokens,
  };
}

export type StopReason =
  'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn' | 'model_context_window_exceeded' | 'other';

/** Why a refusal happened, as the API says on `message_delta` (`stop_details`). */
export interface StopDetails {
  readonly category: string | null;
  readonly explanation: string | null;
}

export interface ModelRequest {
  readonly system: string;
  readonly tools: readonly ToolDefinition[];
  readonly messages: readonly ModelMessage[];
  readonly maxTokens: number;
  readonly signal?: AbortSignal;
}

/** What streams out of one model turn, in order. */
export type ModelStreamEvent =
  | { readonly type: 'text_delta'; readonly text: string }
  /** Readable thinking text as it streams (empty when the API omits it). */
  | { readonly type: 'thinking_delta'; readonly text: string }
  /** A redacted_thinking block arrived (nothing readable in it). */
  | { readonly type: 'thinking_redacted' }
  | { readonly type: 'tool_use'; readonly block: ToolUseBlock; readonly rawInput: string; readonly inputError: string | null }
  | { readonly type: 'usage'; readonly usage: Usage }
  /** The turn is being retried after a transient failure: discard what streamed so far. */
  | {
      readonly type: 'retry';
      readonly attempt: number;
      readonly maxAttempts: number;
      readonly delayMs: number;
      readonly why: string;
      readonly kind?: ModelErrorKind;
    };

export interface ModelTurn {
  readonly content: readonly AssistantBlock[];
  readonly stopReason: StopReason;
  readonly usage: Usage;
  /** Set with a refusal. */
  readonly stopDetails: StopDetails | null;
  readonly requestId: string | null;
  /** Tool-use ids whose input JSON did not parse, with the parser's message. */
  readonly inputErrors: ReadonlyMap<string, string>;
}

/**
 * `spend-limit`: a spend cap was reached (never retried); `not-found`: the
 * endpoint does not serve the model or path; `context-window`: the prompt is
 * longer than the model's window; `incomplete`: the stream ended or stalled
 * before `message_stop`.
 */
export type ModelErrorKind =
  | 'auth'
  | 'rate-limit'
  | 'spend-limit'
  | 'overloaded'
  | 'network'
  | 'cancelled'
  | 'bad-request'
  | 'not-found'
  | 'context-window'
  | 'incomplete'
  | 'other';

/** A classified model failure; `message` is written for a person. */
export class ModelError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly status: number | null = null,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

export interface ModelClient {
  readonly model: string;
  /** Whether the endpoint is Anthropic's own API (a local endpoint may cut prompts to a small context). */
  readonly firstParty?: boolean;
  /** Streams one turn; rejects with a `ModelError`. */
  stream(request: ModelRequest, onEvent: (event: ModelStreamEvent) => void): Promise<ModelTurn>;
  /** The request's exact input tokens (the API's token counting), or null when the endpoint cannot say. */
  countTokens?(request: ModelRequest): Promise<number | null>;
  /** The model's window and output limit as the endpoint's Models API reports them, or null. */
  describe?(signal?: AbortSignal): Promise<{ readonly contextWindow: number | null; readonly maxOutput: number | null } | null>;
}
