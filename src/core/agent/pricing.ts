import type { Usage } from './model';

/**
 * USD per million tokens, from Anthropic's published price list
 * (https://platform.claude.com/docs/en/about-claude/pricing, table "Model
 * pricing", as read in 2026): base input, output, 5-minute cache writes
 * (1.25× input) and cache hits (0.1× input) — the table's own figures for
 * every model listed here. Warden asks for 5-minute caching only. Models whose
 * price depends on prompt length or changed recently (the 5.5 family) are
 * left out on purpose: a model missing here has an unknown cost, and nothing
 * is guessed.
 */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite: number;
  readonly cacheRead: number;
}

const price = (input: number, output: number): ModelPrice => ({ input, output, cacheWrite: input * 1.25, cacheRead: input * 0.1 });

/** Matched by exact id or by id prefix followed by `-` (dated snapshots such as `claude-sonnet-4-5-20250929`). */
export const PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-opus-5': price(5, 25),
  'claude-opus-4-8': price(5, 25),
  'claude-opus-4-7': price(5, 25),
  'claude-opus-4-6': price(5, 25),
  'claude-opus-4-5': price(5, 25),
  'claude-opus-4-1': price(15, 75),
  'claude-opus-4': price(15, 75),
  'claude-sonnet-4-6': price(3, 15),
  'claude-sonnet-4-5': price(3, 15),
  'claude-sonnet-4': price(3, 15),
  'claude-3-7-sonnet': price(3, 15),
  'claude-haiku-4-5': price(1, 5),
  'claude-3-5-haiku': price(0.8, 4),
  'claude-3-haiku': price(0.25, 1.25),
};

export function priceOf(model: string): ModelPrice | null {
  if (Object.hasOwn(PRICES, model)) return PRICES[model] ?? null;
  // Longest prefix first, so `claude-opus-4-1-…` is not priced as `claude-opus-4`.
  const keys = Object.keys(PRICES).sort((a, b) => b.length - a.length);
  for (const k of keys) {
    if (model.startsWith(`${k}-`) && /^\d{8}$/.test(model.slice(k.length + 1))) return PRICES[k] ?? null;
  }
  return null;
}

/** Estimated cost in USD, or null when the model's price is unknown. */
export function costOf(model: string, usage: Usage): number | null {
  const p = priceOf(model);
  if (!p) return null;
  return (
    (usage.inputTokens * p.input +
      usage.outputTokens * p.output +
      usage.cacheCreationInputTokens * p.cacheWrite +
      usage.cacheReadInputTokens * p.cacheRead) /
    1_000_000
  );
}
