// The share of input tokens that would be cache reads over a 20-turn scripted
// task, for Warden's breakpoint layout beside the best possible one (each
// request reading all of the request before it) and the layout Warden used
// before (system, last tool, latest user turn). The cache is simulated as the
// prompt-caching docs describe it: the prefix runs tools → system → messages,
// block by block; a breakpoint writes the prefix up to it (if it is at least
// the model's minimum cacheable length); a request reads the longest cached
// prefix found at one of its breakpoints or up to 20 blocks before it. Tokens
// are counted at 4 characters a token. Two turns carry 25 and 30 parallel tool
// results, past the 20-block lookback.
import { createHash } from 'node:crypto';
import { modelInfo } from '../src/core/agent/catalog';
import type { ModelMessage, UserBlock } from '../src/core/agent/model';
import { systemPrompt } from '../src/core/agent/systemPrompt';
import { toolDefinitions } from '../src/core/tools/registry';
import { toApiParams } from '../src/node/anthropic/convert';

type Block = { readonly text: string; readonly breakpoint: boolean };
type Params = ReturnType<typeof toApiParams>;

const LOOKBACK = 20;
const tokens = (s: string) => Math.ceil(s.length / 4);

/** The request as the cache sees it: one entry per block, in prefix order. */
function blocksOf(p: Params): Block[] {
  const out: Block[] = [];
  const push = (b: Record<string, unknown>) => {
    const { cache_control, ...rest } = b;
    out.push({ text: JSON.stringify(rest), breakpoint: cache_control !== undefined });
  };
  for (const t of p.tools ?? []) push(t as unknown as Record<string, unknown>);
  for (const s of Array.isArray(p.system) ? p.system : []) push(s as unknown as Record<string, unknown>);
  for (const m of p.messages)
    for (const b of Array.isArray(m.content) ? m.content : []) push({ role: m.role, ...(b as unknown as Record<string, unknown>) });
  return out;
}

function simulate(requests: Params[], minCacheable: number): { read: number; total: number } {
  const cache = new Set<string>();
  let read = 0;
  let total = 0;
  for (const p of requests) {
    const blocks = blocksOf(p);
    const hashes: string[] = [];
    const sizes: number[] = [];
    let h = createHash('sha256');
    let size = 0;
    for (const b of blocks) {
      h = h.copy();
      h.update(b.text);
      hashes.push(h.copy().digest('hex'));
      size += tokens(b.text);
      sizes.push(size);
    }
    let hit = 0;
    blocks.forEach((b, i) => {
      if (!b.breakpoint) return;
      for (let j = i; j >= Math.max(0, i - LOOKBACK); j--) {
        if (cache.has(hashes[j] ?? '')) {
          hit = Math.max(hit, sizes[j] ?? 0);
          break;
        }
      }
    });
    blocks.forEach((b, i) => {
      if (b.breakpoint && (sizes[i] ?? 0) >= minCacheable) cache.add(hashes[i] ?? '');
    });
    read += hit;
    total += size;
  }
  return { read, total };
}

/** The best any layout could do: every request reads all it shares with the one before. */
function best(requests: Params[]): { read: number; total: number } {
  let read = 0;
  let total = 0;
  let prev: Block[] = [];
  for (const p of requests) {
    const blocks = blocksOf(p);
    let i = 0;
    let shared = 0;
    while (i < blocks.length && i < prev.length && blocks[i]?.text === prev[i]?.text) shared += tokens(blocks[i++]?.text ?? '');
    read += shared;
    total += blocks.reduce((n, b) => n + tokens(b.text), 0);
    prev = blocks;
  }
  return { read, total };
}

/** Warden's layout before: the last tool, the system prompt and the latest user turn only. */
function previousLayout(p: Params): Params {
  const lastUser = p.messages.map((m) => m.role).lastIndexOf('user');
  const strip = (b: object) => {
    const { cache_control: _c, ...rest } = b as Record<string, unknown>;
    return rest;
  };
  return {
    ...p,
    tools: (p.tools ?? []).map((t, i, all) => ({
      ...(t as object),
      ...(i === all.length - 1 ? { cache_control: { type: 'ephemeral' } } : {}),
    })) as Params['tools'],
    messages: p.messages.map((m, i) => ({
      ...m,
      content: (Array.isArray(m.content) ? m.content : []).map((b, j, all) => ({
        ...strip(b),
        ...(i === lastUser && j === all.length - 1 ? { cache_control: { type: 'ephemeral' } } : {}),
      })),
    })) as Params['messages'],
  };
}

function scriptedTask(): Params[] {
  const model = 'claude-sonnet-5-5';
  const system = systemPrompt(['/work/project']);
  const tools = toolDefinitions();
  const messages: ModelMessage[] = [{ role: 'user', content: 'Refactor the greeting module and keep the tests green.' }];
  const requests: Params[] = [];
  const fileText = (n: number) => `export function part${n}() {\n${'  return "line of code";\n'.repeat(60)}}\n`;
  for (let turn = 0; turn < 20; turn++) {
    requests.push(toApiParams(model, { system, tools, messages, maxTokens: 64_000 }));
    const calls = turn === 7 ? 25 : turn === 14 ? 30 : 1;
    const ids = Array.from({ length: calls }, (_, k) => `toolu_${turn}_${k}`);
    messages.push({
      role: 'assistant',
      content: [
        { type: 'text', text: `Step ${turn}: reading.` },
        ...ids.map((id, k) => ({ type: 'tool_use' as const, id, name: 'read_file', input: { path: `src/part${turn}_${k}.ts` } })),
      ],
    });
    messages.push({
      role: 'user',
      content: ids.map((id, k): UserBlock => ({ type: 'tool_result', tool_use_id: id, content: fileText(turn * 100 + k) })),
    });
  }
  return requests;
}

const requests = scriptedTask();
const min = modelInfo('claude-sonnet-5-5')?.minCacheableTokens ?? 1024;
const share = (r: { read: number; total: number }) => r.read / r.total;
const warden = simulate(requests, min);
const before = simulate(requests.map(previousLayout), min);
const ideal = best(requests);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(`20-turn task, ${requests.length} requests, ${ideal.total} input tokens in all (Sonnet 5.5, minimum cacheable ${min} tokens)`);
console.log(
  `cache-read share  best possible ${pct(share(ideal))}  ·  Warden ${pct(share(warden))}  ·  previous layout ${pct(share(before))}  ·  no caching 0.0%`,
);
console.log(
  `ratio to the best: Warden ${(share(warden) / share(ideal)).toFixed(3)}, previous layout ${(share(before) / share(ideal)).toFixed(3)}`,
);
