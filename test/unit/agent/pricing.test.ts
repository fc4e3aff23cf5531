import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costOf, priceOf } from '../../../src/core/agent/pricing';

const usage = (i: number, o: number, cw = 0, cr = 0) => ({ inputTokens: i, outputTokens: o, cacheCreationInputTokens: cw, cacheReadInputTokens: cr });

describe('pricing', () => {
  const table: Array<[string, number | null]> = [
    ['claude-sonnet-4-6', 3],
    ['claude-sonnet-4-5-20250929', 3],
    ['claude-opus-4-6', 5],
    ['claude-opus-4-1-20250805', 15],
    ['claude-opus-4-20250514', 15],
    ['claude-haiku-4-5', 1],
    ['claude-sonnet-5-5', null],
    ['llama3.1:8b', null],
    ['claude-opus-4-8', 5],
    ['claude-sonnet-4-6-evil', null],
  ];
  for (const [model, input] of table) {
    it(`prices ${model} at ${input === null ? 'unknown' : `$${input}/M input`}`, () => {
      assert.equal(priceOf(model)?.input ?? null, input);
    });
  }

  it('counts input, output, cache writes (1.25×) and cache reads (0.1×)', () => {
    const c = costOf('claude-sonnet-4-6', usage(1_000_000, 1_000_000, 1_000_000, 1_000_000));
    assert.ok(c !== null && Math.abs(c - (3 + 15 + 3.75 + 0.3)) < 1e-9);
  });

  it('gives no cost for a model it does not know, rather than a guess', () => {
    assert.equal(costOf('some-local-model', usage(1000, 1000)), null);
  });
});
