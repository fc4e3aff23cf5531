import type Anthropic from '@anthropic-ai/sdk';
import { ModelError } from '../../core/agent/model';

type Sdk = typeof Anthropic;

/** Where the key is set, per host: the extension's command, or the CLI's environment. */
export type KeyHint = 'vscode' | 'cli';

export function keyHelp(hint: KeyHint): string {
  return hint === 'vscode'
    ? 'Set it with the command "Warden: Set API Key".'
    : 'Set the ANTHROPIC_API_KEY environment variable.';
}

/** Turns an SDK failure into a `ModelError` whose message tells a person what to do. */
export function classifyError(sdk: Sdk, err: unknown, hint: KeyHint, baseUrl: string): ModelError {
  if (err instanceof ModelError) return err;
  if (err instanceof sdk.APIUserAbortError || (err instanceof Error && err.name === 'AbortError')) return new ModelError('cancelled', 'Stopped by the person.');
  if (err instanceof sdk.APIConnectionError) {
    const why = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return new ModelError('network', `Cannot reach the model endpoint ${baseUrl}: the network seems down or the address is wrong${why}.`);
  }
  if (err instanceof sdk.APIError) {
    const status = typeof err.status === 'number' ? err.status : null;
    const detail = err.apiMessage ?? err.message;
    if (status === 401) return new ModelError('auth', `The API key was refused (401: ${detail}). ${keyHelp(hint)}`, 401);
    if (status === 403) return new ModelError('auth', `The API key may not use this model or endpoint (403: ${detail}).`, 403);
    if (status === 429 || err.type === 'rate_limit_error') return new ModelError('rate-limit', `Rate limited by the API, still after retries (${detail}). Wait a minute and try again.`, status);
    if (status === 529 || err.type === 'overloaded_error') return new ModelError('overloaded', `The API is overloaded, still after retries (${detail}). Try again shortly.`, status);
    if (status !== null && status >= 400 && status < 500) return new ModelError('bad-request', `The API refused the request (${status}: ${detail}).`, status);
    return new ModelError('other', `The API failed (${status ?? 'stream error'}: ${detail}).`, status);
  }
  return new ModelError('other', `The model call failed: ${err instanceof Error ? err.message : String(err)}`);
}

/** Failures worth another attempt by Warden itself (the SDK already retried HTTP 429/5xx before streaming began). */
export function isTransient(err: ModelError): boolean {
  return err.kind === 'overloaded' || err.kind === 'rate-limit';
}
