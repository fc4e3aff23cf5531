/**
 * What Warden knows of each Claude model: context window, output limit,
 * thinking, and price. Read from the platform docs on 2026-12-01:
 * - windows, output limits, thinking and default effort: "Models overview"
 *   (https://platform.claude.com/docs/en/about-claude/models/overview) and
 *   each model's page (https://platform.claude.com/docs/en/models/<model>/overview);
 * - prices in USD per million tokens: "Pricing", table "Model pricing"
 *   (https://platform.claude.com/docs/en/about-claude/pricing): base input,
 *   output, 5-minute and 1-hour cache writes, cache hits — each model's own
 *   figures, not one formula (the 5.1/5.5 models read the cache at 0.025×–0.05×
 *   of input, older ones at 0.1×). Sonnet 5.5's cache hits are the rate after
 *   the 2026-10-07 cut ($0.10). Haiku 5.5 charges more for prompts over
 *   100,000 tokens (input + cache reads + cache writes), on every token of
 *   that request.
 * A model missing here is unknown: its window and price are not guessed
 * (see `limitsOf` and pricing.ts for what Warden does instead).
 */

export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
  readonly cacheRead: number;
}

/**
 * always: adaptive thinking that cannot be turned off; adaptive: on by
 * default, effort-controlled; extended: the older budget form, off unless asked.
 */
export type ThinkingMode = 'always' | 'adaptive' | 'extended';

export interface ModelInfo {
  readonly contextWindow: number;
  readonly maxOutput: number;
  readonly thinking: ThinkingMode;
  /** The 5.5 generation (and Fable 5.1) returns the text between tool calls inside thinking blocks. */
  readonly betweenToolTextInThinking: boolean;
  /** Shortest prompt prefix the API caches, in tokens. */
  readonly minCacheableTokens: number;
  readonly price: ModelPrice;
  /** Haiku 5.5: rates for a request whose prompt is over `overTokens`. */
  readonly longPrompt?: { readonly overTokens: number; readonly price: ModelPrice };
}

const M = 1_000_000;
const K = 1000;
const p = (input: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number, output: number): ModelPrice => ({
  input,
  output,
  cacheWrite5m,
  cacheWrite1h,
  cacheRead,
});

const current = (price: ModelPrice, thinking: ThinkingMode): ModelInfo => ({
  contextWindow: M,
  maxOutput: 128 * K,
  thinking,
  betweenToolTextInThinking: true,
  minCacheableTokens: 512,
  price,
});
const legacy = (price: ModelPrice, thinking: ThinkingMode, window = M, maxOutput = 128 * K): ModelInfo => ({
  contextWindow: window,
  maxOutput,
  thinking,
  betweenToolTextInThinking: false,
  minCacheableTokens: 1024,
  price,
});

/** Matched by exact id, or a dated snapshot of one (`claude-haiku-4-5-20251001`). */
export const MODELS: Readonly<Record<string, ModelInfo>> = {
  // Current lineup.
  'claude-fable-5-1': current(p(10, 12.5, 20, 0.25, 50), 'always'),
  'claude-opus-5-5': current(p(4, 5, 8, 0.2, 20), 'always'),
  'claude-sonnet-5-5': current(p(2, 2.5, 4, 0.1, 10), 'adaptive'),
  'claude-haiku-5-5': {
    ...current(p(0.1, 0.125, 0.2, 0.01, 0.5), 'adaptive'),
    longPrompt: { overTokens: 100 * K, price: p(0.5, 0.625, 1, 0.05, 2.5) },
  },
  // Legacy, still served.
  'claude-fable-5': legacy(p(10, 12.5, 20, 1, 50), 'always'),
  'claude-opus-5': legacy(p(5, 6.25, 10, 0.5, 25), 'adaptive'),
  'claude-sonnet-5': legacy(p(2, 2.5, 4, 0.2, 10), 'adaptive'),
  'claude-opus-4-8': legacy(p(5, 6.25, 10, 0.5, 25), 'adaptive'),
  'claude-opus-4-6': legacy(p(5, 6.25, 10, 0.5, 25), 'extended'),
  'claude-sonnet-4-6': legacy(p(3, 3.75, 6, 0.3, 15), 'extended'),
  'claude-haiku-4-5': legacy(p(1, 1.25, 2, 0.1, 5), 'extended', 200 * K, 64 * K),
};

/** The model Warden uses when none is set: the current Sonnet. */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

export function modelInfo(model: string): ModelInfo | null {
  if (Object.hasOwn(MODELS, model)) return MODELS[model] ?? null;
  const m = /^(.*)-(\d{8})$/.exec(model);
  return m?.[1] && Object.hasOwn(MODELS, m[1]) ? (MODELS[m[1]] ?? null) : null;
}

/** max_tokens for one turn of an unknown model: small enough for any endpoint that speaks the API. */
export const UNKNOWN_MODEL_MAX_TOKENS = 8192;
/** The context window assumed for an unknown model (a local one, most often). */
export const UNKNOWN_MODEL_WINDOW = 32 * K;
/** max_tokens Warden asks for on a known model: room for thinking and a long edit, never past the model's limit. */
const MAX_TOKENS_CAP = 64 * K;

export interface ModelLimits {
  readonly known: boolean;
  readonly contextWindow: number;
  readonly maxTokens: number;
}

/** Window and max_tokens per turn for a model: from the catalog, or conservative figures when unknown. */
export function limitsOf(model: string, overrides: { contextWindow?: number } = {}): ModelLimits {
  const info = modelInfo(model);
  if (!info) return { known: false, contextWindow: overrides.contextWindow ?? UNKNOWN_MODEL_WINDOW, maxTokens: UNKNOWN_MODEL_MAX_TOKENS };
  return { known: true, contextWindow: overrides.contextWindow ?? info.contextWindow, maxTokens: Math.min(info.maxOutput, MAX_TOKENS_CAP) };
}
