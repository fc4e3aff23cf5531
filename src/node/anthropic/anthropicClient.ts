import type Anthropic from '@anthropic-ai/sdk';
import { ModelError, type AssistantBlock, type ModelClient, type ModelRequest, type ModelStreamEvent, type ModelTurn, type StopReason, type Usage } from '../../core/agent/model';
import { classifyError, isTransient, type KeyHint } from './classify';
import { toApiParams } from './convert';

export const DEFAULT_MODEL = 'claude-sonnet-4-6';
export const DEFAULT_BASE_URL = 'https://api.anthropic.com';

export interface AnthropicClientOptions {
  readonly apiKey: string;
  /** From the user-level setting or ANTHROPIC_BASE_URL; empty for Anthropic's API. */
  readonly baseUrl?: string;
  readonly model?: string;
  readonly keyHint: KeyHint;
  /** HTTP retries the SDK makes on 408/409/429/5xx (it honours retry-after). */
  readonly sdkRetries?: number;
  /** Warden's own retries of a stream that failed mid-way with overloaded/rate-limit errors. */
  readonly streamRetries?: number;
  /** First backoff delay in ms; doubled each attempt (with jitter). */
  readonly backoffMs?: number;
  readonly timeoutMs?: number;
}

const STOP_REASONS = new Set<StopReason>(['end_turn', 'tool_use', 'max_tokens', 'stop_sequence', 'refusal', 'pause_turn']);

function usageOf(u: Partial<Anthropic.Messages.Usage> | Partial<Anthropic.Messages.MessageDeltaUsage> | null | undefined): Usage {
  return {
    inputTokens: u?.input_tokens ?? 0,
    outputTokens: u?.output_tokens ?? 0,
    cacheCreationInputTokens: u?.cache_creation_input_tokens ?? 0,
    cacheReadInputTokens: u?.cache_read_input_tokens ?? 0,
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new ModelError('cancelled', 'Stopped by the person.'));
    }, { once: true });
  });
}

/** Reads one streamed turn from raw SSE events, keeping tool input JSON as sent. */
async function readTurn(stream: AsyncIterable<Anthropic.Messages.RawMessageStreamEvent>, onEvent: (e: ModelStreamEvent) => void): Promise<ModelTurn> {
  const content: AssistantBlock[] = [];
  const inputErrors = new Map<string, string>();
  const open = new Map<number, { kind: 'text'; text: string } | { kind: 'tool'; id: string; name: string; json: string }>();
  let start: Usage = usageOf(null);
  let outputTokens = 0;
  let stop: StopReason = 'other';
  for await (const ev of stream) {
    switch (ev.type) {
      case 'message_start':
        start = usageOf(ev.message.usage);
        outputTokens = ev.message.usage.output_tokens ?? 0;
        break;
      case 'content_block_start':
        if (ev.content_block.type === 'text') open.set(ev.index, { kind: 'text', text: ev.content_block.text ?? '' });
        else if (ev.content_block.type === 'tool_use') open.set(ev.index, { kind: 'tool', id: ev.content_block.id, name: ev.content_block.name, json: '' });
        break;
      case 'content_block_delta': {
        const b = open.get(ev.index);
        if (ev.delta.type === 'text_delta' && b?.kind === 'text') {
          b.text += ev.delta.text;
          onEvent({ type: 'text_delta', text: ev.delta.text });
        } else if (ev.delta.type === 'input_json_delta' && b?.kind === 'tool') {
          b.json += ev.delta.partial_json;
        }
        break;
      }
      case 'content_block_stop': {
        const b = open.get(ev.index);
        open.delete(ev.index);
        if (b?.kind === 'text') content.push({ type: 'text', text: b.text });
        if (b?.kind === 'tool') {
          let input: unknown = {};
          let error: string | null = null;
          try {
            input = b.json.trim() === '' ? {} : JSON.parse(b.json);
            if (input === null || typeof input !== 'object' || Array.isArray(input)) {
              error = 'the input is not a JSON object';
              input = {};
            }
          } catch (err) {
            error = err instanceof Error ? err.message : String(err);
          }
          if (error !== null) inputErrors.set(b.id, error);
          const block = { type: 'tool_use' as const, id: b.id, name: b.name, input };
          content.push(block);
          onEvent({ type: 'tool_use', block, rawInput: b.json, inputError: error });
        }
        break;
      }
      case 'message_delta':
        stop = STOP_REASONS.has(ev.delta.stop_reason as StopReason) ? (ev.delta.stop_reason as StopReason) : 'other';
        outputTokens = ev.usage.output_tokens ?? outputTokens;
        break;
      case 'message_stop':
        break;
    }
  }
  // A tool_use block cut off (max_tokens) before its stop event: keep it, marked unusable.
  for (const b of open.values()) {
    if (b.kind === 'tool') {
      inputErrors.set(b.id, 'the input was cut off before it was complete');
      content.push({ type: 'tool_use', id: b.id, name: b.name, input: {} });
    } else if (b.text) content.push({ type: 'text', text: b.text });
  }
  const usage = { ...start, outputTokens };
  onEvent({ type: 'usage', usage });
  return { content, stopReason: stop, usage, inputErrors };
}

/**
 * The ModelClient over `@anthropic-ai/sdk`'s `messages.stream`. The SDK is
 * imported on first use, never at activation. The key and base URL come
 * from the caller only (the SDK's own environment lookups are overridden).
 */
export function createAnthropicClient(options: AnthropicClientOptions): ModelClient {
  const model = options.model || DEFAULT_MODEL;
  const baseUrl = options.baseUrl || DEFAULT_BASE_URL;
  let loaded: Promise<{ sdk: typeof Anthropic; client: Anthropic }> | null = null;
  const load = () =>
    (loaded ??= Promise.resolve().then(() => {
      // A plain require on first use: the build turns it into require('./anthropic-sdk.js'),
      // a bundle of its own that activation never parses (scripts/build.mjs).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sdk = (require('@anthropic-ai/sdk') as { default: typeof Anthropic }).default;
      const client = new sdk({
        apiKey: options.apiKey,
        authToken: null,
        baseURL: baseUrl,
        maxRetries: options.sdkRetries ?? 3,
        timeout: options.timeoutMs ?? 600_000,
        logLevel: 'off',
      });
      return { sdk, client };
    }));

  return {
    model,
    async stream(req: ModelRequest, onEvent: (e: ModelStreamEvent) => void): Promise<ModelTurn> {
      if (!options.apiKey) throw new ModelError('auth', `No API key is set. ${options.keyHint === 'vscode' ? 'Run "Warden: Set API Key".' : 'Set the ANTHROPIC_API_KEY environment variable.'}`);
      const { sdk, client } = await load();
      const params = toApiParams(model, req);
      const retries = options.streamRetries ?? 2;
      for (let attempt = 0; ; attempt++) {
        try {
          const stream = client.messages.stream(params, { ...(req.signal ? { signal: req.signal } : {}) });
          return await readTurn(stream, onEvent);
        } catch (raw) {
          const err = classifyError(sdk, raw, options.keyHint, baseUrl);
          if (req.signal?.aborted) throw new ModelError('cancelled', 'Stopped by the person.');
          if (!isTransient(err) || attempt >= retries) throw err;
          const delayMs = Math.round((options.backoffMs ?? 1000) * 2 ** attempt * (0.8 + Math.random() * 0.4));
          onEvent({ type: 'retry', attempt: attempt + 1, delayMs, why: err.message });
          await sleep(delayMs, req.signal);
        }
      }
    },
  };
}
