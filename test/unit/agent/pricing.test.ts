import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MODEL, limitsOf, modelInfo } from '../../../src/core/agent/catalog';
import { cappedCostOf, costOf, priceOf, UNKNOWN_MODEL_PRICE } from '../../../src/core/agent/pricing';

const usage = (i: number, o: number, cw = 0, cr = 0) => ({
  inputTokens: i,
  outputTokens: o,
  cacheCreationInputTokens: cw,
  cacheReadInputTokens: cr,
});

describe('model catalog and pricing', () => {
  // Each model's own rates from the pricing page: input, 5m write, 1h write, cache read, output.
  const table: Array<[string, [number, number, number, number, number] | null]> = [
    ['claude-sonnet-5-5', [2, 2.5, 4, 0.1, 10]],
    ['claude-opus-5-5', [4, 5, 8, 0.2, 20]],
    ['claude-fable-5-1', [10, 12.5, 20, 0.25, 50]],
    ['claude-haiku-5-5', [0.1, 0.125, 0.2, 0.01, 0.5]],
    ['claude-sonnet-5', [2, 2.5, 4, 0.2, 10]],
    ['claude-opus-5', [5, 6.25, 10, 0.5, 25]],
    ['claude-sonnet-4-6', [3, 3.75, 6, 0.3, 15]],
    ['claude-haiku-4-5-20251001', [1, 1.25, 2, 0.1, 5]],
    ['llama3.1:8b', null],
    ['claude-sonnet-5-5-evil', null],
  ];
  for (const [model, rates] of table) {
    it(`prices ${model} at ${rates === null ? 'unknown' : rates.join(' / ')}`, () => {
      const p = priceOf(model);
      assert.deepEqual(p === null ? null : [p.input, p.cacheWrite5m, p.cacheWrite1h, p.cacheRead, p.output], rates);
    });
  }

  it('defaults to the current Sonnet, with its window and a max_tokens within its output limit', () => {
    assert.equal(DEFAULT_MODEL, 'claude-sonnet-5-5');
    const info = modelInfo(DEFAULT_MODEL);
    assert.equal(info?.contextWindow, 1_000_000);
    assert.equal(info?.maxOutput, 128_000);
    const l = limitsOf(DEFAULT_MODEL);
    assert.ok(l.known && l.maxTokens > 8192 && l.maxTokens <= 128_000);
    assert.equal(limitsOf('claude-haiku-4-5').maxTokens <= 64_000, true);
  });

  it('gives an unknown model conservative limits, never its guess of a window', () => {
    const l = limitsOf('qwen3-coder:30b');
    assert.equal(l.known, false);
    assert.equal(l.maxTokens, 8192);
    assert.equal(limitsOf('qwen3-coder:30b', { contextWindow: 4096 }).contextWindow, 4096);
  });

  it('counts input, output, cache writes and cache reads at the model’s own rates', () => {
    const c = costOf('claude-sonnet-5-5', usage(1_000_000, 1_000_000, 1_000_000, 1_000_000));
    assert.ok(c !== null && Math.abs(c - (2 + 10 + 2.5 + 0.1)) < 1e-9, String(c));
  });

  it('prices a Haiku 5.5 request over 100k prompt tokens at the long-prompt rates, on every token', () => {
    const short = costOf('claude-haiku-5-5', usage(100_000, 1_000_000));
    const long = costOf('claude-haiku-5-5', usage(60_000, 1_000_000, 0, 50_000));
    assert.ok(short !== null && Math.abs(short - (0.01 + 0.5)) < 1e-9, String(short));
    assert.ok(long !== null && Math.abs(long - (0.03 + 2.5 + 0.0025)) < 1e-9, String(long));
  });

  it('has no cost for a model it does not know, but the cost limit counts it at the highest listed price', () => {
    assert.equal(costOf('some-local-model', usage(1000, 1000)), null);
    const capped = cappedCostOf('some-local-model', usage(1_000_000, 0));
    assert.equal(capped.known, false);
    assert.equal(capped.usd, UNKNOWN_MODEL_PRICE.input);
    assert.equal(UNKNOWN_MODEL_PRICE.output, 50);
  });
});
