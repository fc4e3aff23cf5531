import { MODELS, modelInfo, type ModelPrice } from './catalog';
import type { Usage } from './model';

export type { ModelPrice } from './catalog';

/** The model's own rates (catalog.ts), or null when it is unknown. */
export function priceOf(model: string): ModelPrice | null {
  return modelInfo(model)?.price ?? null;
}

/**
 * The rates the cost limit uses for a model nobody priced: the highest of
 * every listed rate, so that an unknown model is never uncapped (the cap may
 * stop it early, and the person is told so).
 */
export const UNKNOWN_MODEL_PRICE: ModelPrice = (() => {
  const all = Object.values(MODELS).flatMap((m) => [m.price, ...(m.longPrompt ? [m.longPrompt.price] : [])]);
  const max = (k: keyof ModelPrice) => Math.max(...all.map((x) => x[k]));
  return {
    input: max('input'),
    output: max('output'),
    cacheWrite5m: max('cacheWrite5m'),
    cacheWrite1h: max('cacheWrite1h'),
    cacheRead: max('cacheRead'),
  };
})();

function apply(p: ModelPrice, u: Usage): number {
  // Warden asks for 5-minute caching only, so every cache write is priced at the 5-minute rate.
  return (
    (u.inputTokens * p.input +
      u.outputTokens * p.output +
      u.cacheCreationInputTokens * p.cacheWrite5m +
      u.cacheReadInputTokens * p.cacheRead) /
    1_000_000
  );
}

/** Estimated cost in USD of one turn's usage, or null when the model's price is unknown. */
export function costOf(model: string, usage: Usage): number | null {
  const info = modelInfo(model);
  if (!info) return null;
  const prompt = usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens;
  return apply(info.longPrompt && prompt > info.longPrompt.overTokens ? info.longPrompt.price : info.price, usage);
}

/** The cost the limit counts for one turn: the model's price, or the highest listed one when unknown. */
export function cappedCostOf(model: string, usage: Usage): { readonly usd: number; readonly known: boolean } {
  const known = costOf(model, usage);
  return known === null ? { usd: apply(UNKNOWN_MODEL_PRICE, usage), known: false } : { usd: known, known: true };
}
