import type Anthropic from '@anthropic-ai/sdk';
import { ModelError, type ModelErrorKind } from '../../core/agent/model';

type Sdk = typeof Anthropic;

/** Where the key is set, per host: the extension's command, or the CLI's environment. */
export type KeyHint = 'vscode' | 'cli';

export function keyHelp(hint: KeyHint): string {
  return hint === 'vscode' ? 'Set it with the command "Warden: Set API Key".' : 'Set the ANTHROPIC_API_KEY environment variable.';
}

function modelHelp(hint: KeyHint): string {
  return hint === 'vscode'
    ? 'the settings warden.model and warden.anthropic.baseUrl'
    : 'warden.model (or --model) and warden.anthropic.baseUrl / ANTHROPIC_BASE_URL';
}

/** A failure with what the retry layer needs to know besides the message. */
export interface Classified {
  readonly error: ModelError;
  /** Worth another attempt (the docs' transient classes, unless the server said otherwise). */
  readonly retryable: boolean;
  /** The server's own wait (`retry-after-ms`, `retry-after`), in ms. */
  readonly retryAfterMs: number | null;
}

export interface ClassifyContext {
  readonly hint: KeyHint;
  readonly baseUrl: string;
  readonly model: string;
  /** The request id of a stream that failed after its headers. */
  readonly requestId?: string | null;
}

function headerOf(headers: unknown, name: string): string | null {
  const h = headers as Headers | null | undefined;
  return h && typeof h.get === 'function' ? h.get(name) : null;
}

/** `retry-after-ms`, else `retry-after` (seconds or an HTTP date), in ms; null when absent or unreadable. */
export function retryAfterMs(headers: unknown, now = Date.now()): number | null {
  const ms = Number.parseFloat(headerOf(headers, 'retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headerOf(headers, 'retry-after');
  if (raw === null) return null;
  const s = Number.parseFloat(raw);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

function errorBody(err: { readonly error?: unknown; readonly type?: string | null }): {
  type: string | null;
  message: string | null;
  code: string | null;
} {
  const e = (err.error as { error?: { type?: unknown; message?: unknown; details?: { error_code?: unknown } } } | undefined)?.error;
  return {
    type: typeof e?.type === 'string' ? e.type : (err.type ?? null),
    message: typeof e?.message === 'string' ? e.message : null,
    code: typeof e?.details?.error_code === 'string' ? e.details.error_code : null,
  };
}

const withId = (s: string, id: string | null | undefined) => (id ? `${s} (request id ${id})` : s);

/**
 * Turns an SDK failure into a `ModelError` whose message tells a person what
 * to do, and says whether one more attempt may help — by the API's error
 * docs: 408/409/429/5xx/529 and connection failures are transient unless
 * `x-should-retry: false`; spend limits (a 429 with
 * `enforced_spend_limit_reached`, or a 400 naming a spend limit) never are.
 */
export function classifyError(sdk: Sdk, err: unknown, ctx: ClassifyContext): Classified {
  const fixed = (
    kind: ModelErrorKind,
    message: string,
    retryable: boolean,
    status: number | null = null,
    id: string | null = ctx.requestId ?? null,
  ): Classified => ({
    error: new ModelError(kind, withId(message, id), status, id),
    retryable,
    retryAfterMs: null,
  });
  if (err instanceof ModelError) return { error: err, retryable: err.kind === 'incomplete', retryAfterMs: null };
  if (err instanceof sdk.APIUserAbortError || (err instanceof Error && err.name === 'AbortError'))
    return fixed('cancelled', 'Stopped by the person.', false, null, null);
  if (err instanceof sdk.APIConnectionError) {
    const why = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return fixed('network', `Cannot reach the model endpoint ${ctx.baseUrl}: the network seems down or the address is wrong${why}.`, true);
  }
  if (err instanceof sdk.APIError) {
    const status = typeof err.status === 'number' ? err.status : null;
    const body = errorBody(err);
    const detail = body.message ?? err.message;
    const id = err.requestID ?? ctx.requestId ?? null;
    const should = headerOf(err.headers, 'x-should-retry');
    const wait = retryAfterMs(err.headers);
    const done = (kind: ModelErrorKind, message: string, transient: boolean): Classified => ({
      error: new ModelError(kind, withId(message, id), status, id),
      retryable: should === 'true' ? true : should === 'false' ? false : transient,
      retryAfterMs: wait,
    });
    const spend = body.code === 'enforced_spend_limit_reached' || /spend limit/i.test(detail);
    if (spend) {
      return {
        ...done(
          'spend-limit',
          `The API refused the request: a spend limit was reached (${status ?? 'stream'}: ${detail}). Retrying will not help until the limit is raised or resets; check the Claude Console's limits and billing.`,
          false,
        ),
        retryable: false,
      };
    }
    if (status === 401)
      return done('auth', `The endpoint ${ctx.baseUrl} refused the API key (401: ${detail}). ${keyHelp(ctx.hint)}`, false);
    if (status === 403)
      return done('auth', `The API key may not use the model "${ctx.model}" or the endpoint ${ctx.baseUrl} (403: ${detail}).`, false);
    if (status === 404)
      return done(
        'not-found',
        `The endpoint ${ctx.baseUrl} does not serve the model "${ctx.model}" (404: ${detail}). Check ${modelHelp(ctx.hint)}.`,
        false,
      );
    if (status === 400 && /prompt is too long|context window|context length/i.test(detail)) {
      return done('context-window', `The conversation is longer than the model's context window (${detail}). Start a New Chat.`, false);
    }
    if (status === 429 || body.type === 'rate_limit_error')
      return done('rate-limit', `Rate limited by the API (${status ?? 'stream'}: ${detail}).`, true);
    if (status === 529 || body.type === 'overloaded_error')
      return done('overloaded', `The API is overloaded (${status ?? 'stream'}: ${detail}). Try again shortly.`, true);
    if (status === 408 || status === 409) return done('other', `The API asked for the request again (${status}: ${detail}).`, true);
    if (status !== null && status >= 400 && status < 500)
      return done('bad-request', `The API refused the request (${status}: ${detail}).`, false);
    // 5xx, or an `error` event in the stream (no status): api_error and the like are transient.
    return done(
      'other',
      `The API failed (${status ?? 'stream error'}${body.type ? ` ${body.type}` : ''}: ${detail}).`,
      status === null ? body.type !== 'invalid_request_error' : true,
    );
  }
  // The stream broke after its headers (socket reset, a chunk that did not parse).
  const msg = err instanceof Error ? err.message : String(err);
  return fixed('network', `The connection to ${ctx.baseUrl} broke while the reply streamed (${msg}).`, true);
}
