import type Anthropic from '@anthropic-ai/sdk';
import { DEFAULT_MODEL, modelInfo } from '../../core/agent/catalog';
import {
  ModelError,
  type AssistantBlock,
  type ModelClient,
  type ModelRequest,
  type ModelStreamEvent,
  type ModelTurn,
  type StopDetails,
  type StopReason,
  type Usage,
} from '../../core/agent/model';
import { classifyError, type Classified, type KeyHint } from './classify';
import { sameEndpoint } from '../../core/policy/narrowing';
import { toApiParams, type ThinkingParams } from './convert';

export { DEFAULT_MODEL } from '../../core/agent/catalog';
export const DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** The API's effort levels (`output_config.effort`). */
export const EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export type Effort = (typeof EFFORTS)[number];

export interface AnthropicClientOptions {
  readonly apiKey: string;
  /** From the user-level setting or ANTHROPIC_BASE_URL; empty for Anthropic's API. */
  readonly baseUrl?: string;
  readonly model?: string;
  readonly keyHint: KeyHint;
  /**
   * Attempts after the first for a transient failure (429, 5xx, 529, a
   * connection reset, a stream that ended or stalled before `message_stop`).
   * The only retry layer: the SDK's own retries are off.
   */
  readonly retries?: number;
  /** First backoff delay in ms when the server names no wait; doubled each attempt (with jitter). */
  readonly backoffMs?: number;
  /** The longest `retry-after` honoured; a longer one ends the turn with the wait named. */
  readonly maxRetryWaitMs?: number;
  readonly timeoutMs?: number;
  /** No event for this long (after the request was sent) counts as a stalled stream. */
  readonly idleTimeoutMs?: number;
  /** `warden.thinking.effort`; null: the model's default. */
  readonly effort?: Effort | null;
  /** `warden.managed.allowedModelEndpoints`: when not empty, a base URL off this list is never called. */
  readonly allowedEndpoints?: readonly string[];
}

const STOP_REASONS = new Set<StopReason>([
  'end_turn',
  'tool_use',
  'max_tokens',
  'stop_sequence',
  'refusal',
  'pause_turn',
  'model_context_window_exceeded',
]);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new ModelError('cancelled', 'Stopped by the person.'));
      },
      { once: true },
    );
  });
}

type Open =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; id: string; name: string; json: string }
  | { kind: 'thinking'; thinking: string; signature: string }
  | { kind: 'redacted'; data: string };

/**
 * Reads one streamed turn from raw SSE events, keeping every block as the
 * API sent it (thinking with its signature, redacted thinking, tool input
 * JSON). Usage is the last totals seen: `message_delta` carries cumulative
 * counts. A stream that ends without `message_stop` is an error.
 */
async function readTurn(
  stream: AsyncIterable<Anthropic.Messages.RawMessageStreamEvent>,
  onEvent: (e: ModelStreamEvent) => void,
  tick: () => void,
  requestId: string | null,
): Promise<ModelTurn> {
  const content: AssistantBlock[] = [];
  const inputErrors = new Map<string, string>();
  const open = new Map<number, Open>();
  const usage = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
  const take = (
    u:
      | Partial<Record<'input_tokens' | 'output_tokens' | 'cache_creation_input_tokens' | 'cache_read_input_tokens', number | null>>
      | null
      | undefined,
  ) => {
    if (!u) return;
    if (typeof u.input_tokens === 'number') usage.inputTokens = u.input_tokens;
    if (typeof u.output_tokens === 'number') usage.outputTokens = u.output_tokens;
    if (typeof u.cache_creation_input_tokens === 'number') usage.cacheCreationInputTokens = u.cache_creation_input_tokens;
    if (typeof u.cache_read_input_tokens === 'number') usage.cacheReadInputTokens = u.cache_read_input_tokens;
  };
  let stop: StopReason = 'other';
  let stopDetails: StopDetails | null = null;
  let finished = false;
  for await (const ev of stream) {
    tick();
    switch (ev.type) {
      case 'message_start':
        take(ev.message.usage);
        break;
      case 'content_block_start': {
        const b = ev.content_block;
        if (b.type === 'text') open.set(ev.index, { kind: 'text', text: b.text ?? '' });
        else if (b.type === 'tool_use') open.set(ev.index, { kind: 'tool', id: b.id, name: b.name, json: '' });
        else if (b.type === 'thinking') open.set(ev.index, { kind: 'thinking', thinking: b.thinking ?? '', signature: b.signature ?? '' });
        else if (b.type === 'redacted_thinking') {
          open.set(ev.index, { kind: 'redacted', data: b.data });
          onEvent({ type: 'thinking_redacted' });
        }
        break;
      }
      case 'content_block_delta': {
        const b = open.get(ev.index);
        if (ev.delta.type === 'text_delta' && b?.kind === 'text') {
          b.text += ev.delta.text;
          onEvent({ type: 'text_delta', text: ev.delta.text });
        } else if (ev.delta.type === 'input_json_delta' && b?.kind === 'tool') {
          b.json += ev.delta.partial_json;
        } else if (ev.delta.type === 'thinking_delta' && b?.kind === 'thinking') {
          b.thinking += ev.delta.thinking;
          if (ev.delta.thinking) onEvent({ type: 'thinking_delta', text: ev.delta.thinking });
        } else if (ev.delta.type === 'signature_delta' && b?.kind === 'thinking') {
          b.signature += ev.delta.signature;
        }
        break;
      }
      case 'content_block_stop': {
        const b = open.get(ev.index);
        open.delete(ev.index);
        if (b?.kind === 'text') content.push({ type: 'text', text: b.text });
        else if (b?.kind === 'thinking') content.push({ type: 'thinking', thinking: b.thinking, signature: b.signature });
        else if (b?.kind === 'redacted') content.push({ type: 'redacted_thinking', data: b.data });
        else if (b?.kind === 'tool') {
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
      case 'message_delta': {
        stop = STOP_REASONS.has(ev.delta.stop_reason as StopReason) ? (ev.delta.stop_reason as StopReason) : 'other';
        const d = ev.delta.stop_details;
        if (d) stopDetails = { category: d.category ?? null, explanation: d.explanation ?? null };
        take(ev.usage);
        break;
      }
      case 'message_stop':
        finished = true;
        break;
    }
  }
  if (!finished)
    throw new ModelError('incomplete', 'The reply stream ended before the message was complete (no message_stop).', null, requestId);
  // A tool_use block left open at message_stop: keep it, marked unusable (it gets an error result).
  for (const b of open.values()) {
    if (b.kind === 'tool') {
      inputErrors.set(b.id, 'the input was cut off before it was complete');
      content.push({ type: 'tool_use', id: b.id, name: b.name, input: {} });
    }
  }
  const total: Usage = { ...usage };
  onEvent({ type: 'usage', usage: total });
  return { content, stopReason: stop, stopDetails, usage: total, requestId, inputErrors };
}

/** The request's thinking fields: adaptive thinking with its text returned (display "summarized") where the model has it. */
export function thinkingParams(model: string, effort: Effort | null): ThinkingParams | null {
  const info = modelInfo(model);
  if (!info || info.thinking === 'extended') return null;
  return { thinking: { type: 'adaptive', display: 'summarized' }, ...(effort ? { output_config: { effort } } : {}) };
}

/**
 * The ModelClient over `@anthropic-ai/sdk`'s streaming Messages call. The SDK
 * is imported on first use, never at activation. The key and base URL come
 * from the caller only (the SDK's own environment lookups are overridden);
 * the key goes out as `x-api-key` as well as `Authorization` (proxies that
 * read only the former answer 401 otherwise). One retry layer: this one.
 */
export function createAnthropicClient(options: AnthropicClientOptions): ModelClient {
  const model = options.model || DEFAULT_MODEL;
  const baseUrl = options.baseUrl || DEFAULT_BASE_URL;
  const idleMs = options.idleTimeoutMs ?? 90_000;
  const retries = options.retries ?? 4;
  const thinking = thinkingParams(model, options.effort ?? null);
  const minCacheable = modelInfo(model)?.minCacheableTokens ?? 1024;
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
        maxRetries: 0,
        timeout: options.timeoutMs ?? 600_000,
        logLevel: 'off',
        defaultHeaders: { 'x-api-key': options.apiKey },
      });
      return { sdk, client };
    }));

  /** One attempt, with the idle watchdog: no event for `idleMs` aborts it as stalled. */
  async function attempt(
    client: Anthropic,
    req: ModelRequest,
    onEvent: (e: ModelStreamEvent) => void,
  ): Promise<{ turn: ModelTurn } | { failure: unknown; requestId: string | null }> {
    const ac = new AbortController();
    const cancel = () => ac.abort();
    req.signal?.addEventListener('abort', cancel, { once: true });
    let stalled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        ac.abort();
      }, idleMs);
    };
    let requestId: string | null = null;
    try {
      tick();
      const { data, request_id } = await client.messages
        .create(toApiParams(model, req, thinking, minCacheable), { signal: ac.signal })
        .withResponse();
      requestId = request_id ?? null;
      return { turn: await readTurn(data, onEvent, tick, requestId) };
    } catch (failure) {
      if (stalled && !req.signal?.aborted) {
        return {
          failure: new ModelError(
            'incomplete',
            `No data from the model for ${Math.round(idleMs / 1000)} s: the stream stalled${requestId ? ` (request id ${requestId})` : ''}.`,
            null,
            requestId,
          ),
          requestId,
        };
      }
      return { failure, requestId };
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', cancel);
    }
  }

  const allowed = options.allowedEndpoints ?? [];
  // The key never goes to an endpoint the managed policy does not list, wherever the URL came from (setting or ANTHROPIC_BASE_URL).
  const forbidden =
    allowed.length > 0 && !allowed.some((e) => sameEndpoint(e, baseUrl))
      ? `The managed policy allows only these model endpoints: ${allowed.join(', ')}; ${baseUrl} is not one of them (check warden.anthropic.baseUrl and ANTHROPIC_BASE_URL).`
      : null;
  let countable = !forbidden;
  return {
    model,
    firstParty: baseUrl === DEFAULT_BASE_URL,
    async countTokens(req: ModelRequest): Promise<number | null> {
      if (!countable || !options.apiKey) return null;
      const { client } = await load();
      const { max_tokens: _m, stream: _s, output_config: _o, ...params } = toApiParams(model, req, thinking, minCacheable);
      try {
        const r = await client.messages.countTokens(params, { ...(req.signal ? { signal: req.signal } : {}), timeout: 30_000 });
        return typeof r.input_tokens === 'number' ? r.input_tokens : null;
      } catch {
        // An endpoint without token counting (most local servers): estimate from usage instead, from now on.
        countable = false;
        return null;
      }
    },
    async describe(signal?: AbortSignal) {
      if (!options.apiKey || forbidden) return null;
      const { client } = await load();
      try {
        const m = await client.models.retrieve(model, {}, { ...(signal ? { signal } : {}), timeout: 30_000 });
        return { contextWindow: m.max_input_tokens ?? null, maxOutput: m.max_tokens ?? null };
      } catch {
        return null;
      }
    },
    async stream(req: ModelRequest, onEvent: (e: ModelStreamEvent) => void): Promise<ModelTurn> {
      if (forbidden) throw new ModelError('bad-request', forbidden);
      if (!options.apiKey)
        throw new ModelError(
          'auth',
          `No API key is set. ${options.keyHint === 'vscode' ? 'Run "Warden: Set API Key".' : 'Set the ANTHROPIC_API_KEY environment variable.'}`,
        );
      const { sdk, client } = await load();
      const maxAttempts = retries + 1;
      for (let n = 1; ; n++) {
        const result = await attempt(client, req, onEvent);
        if ('turn' in result) return result.turn;
        const c: Classified = classifyError(sdk, result.failure, { hint: options.keyHint, baseUrl, model, requestId: result.requestId });
        if (req.signal?.aborted) throw new ModelError('cancelled', 'Stopped by the person.');
        if (!c.retryable || c.error.kind === 'cancelled') throw c.error;
        if (n >= maxAttempts)
          throw new ModelError(
            c.error.kind,
            `${c.error.message} Gave up after ${maxAttempts} attempts.`,
            c.error.status,
            c.error.requestId,
          );
        const backoff = (options.backoffMs ?? 1000) * 2 ** (n - 1) * (0.8 + Math.random() * 0.4);
        const delayMs = Math.round(c.retryAfterMs ?? backoff);
        const maxWait = options.maxRetryWaitMs ?? 60_000;
        if (delayMs > maxWait)
          throw new ModelError(
            c.error.kind,
            `${c.error.message} The API asks to wait ${Math.ceil(delayMs / 1000)} s before another attempt; try again later.`,
            c.error.status,
            c.error.requestId,
          );
        onEvent({ type: 'retry', attempt: n + 1, maxAttempts, delayMs, why: c.error.message, kind: c.error.kind });
        await sleep(delayMs, req.signal);
      }
    },
  };
}
