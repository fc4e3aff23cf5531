import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEvent, AuditRecord } from '../../../src/core/audit/event';
import { auditFilterSchema, filterRecords } from '../../../src/core/audit/filter';
import { displaySafe, formatEventLine, formatTable } from '../../../src/core/audit/format';
import { INLINE_LIMIT_BYTES, PATCH_LIMIT_BYTES, PREVIEW_CHARS, summariseLarge } from '../../../src/core/audit/summarise';
import { unifiedDiff } from '../../../src/core/tools/diffText';
import { sha256Hex } from '../../../src/core/audit/hash';
import { ChainSealer } from '../../../src/core/audit/chain';
import { steppingClock, toolEvent } from './helpers';

function records(): AuditRecord[] {
  const s = new ChainSealer(null, (t) => t, steppingClock(Date.parse('2026-01-01T00:00:00Z')));
  return [
    s.seal(toolEvent({ tool: 'run_command', input: { command: 'npm test' }, decision: 'ask', approver: 'person' })),
    s.seal(
      toolEvent({
        tool: 'write_file',
        input: { path: 'src/a.ts' },
        decision: 'allow',
        approver: 'rule',
        answer: null,
        rule: 'warden.paths.autoApprove: src/**',
      }),
    ),
    s.seal(
      toolEvent({
        tool: 'run_command',
        input: { command: 'sudo rm -rf /' },
        decision: 'deny',
        approver: 'rule',
        answer: null,
        rule: 'warden.commands.deny: sudo *',
        outcome: { status: 'denied' },
      }),
    ),
    s.seal({
      ...toolEvent(),
      kind: 'session',
      tool: null,
      decision: null,
      approver: null,
      answer: null,
      outcome: null,
      input: null,
      note: 'session started',
    }),
  ];
}

describe('filtering', () => {
  const all = records();
  const seqs = (f: unknown): number[] => filterRecords(all, auditFilterSchema.parse(f)).map((r) => r.event.seq);
  const cases: { name: string; filter: unknown; seqs: number[] }[] = [
    { name: 'no filter keeps everything', filter: {}, seqs: [0, 1, 2, 3] },
    { name: 'by tool', filter: { tool: 'run_command' }, seqs: [0, 2] },
    { name: 'by decision', filter: { decision: 'deny' }, seqs: [2] },
    { name: 'events without a decision', filter: { decision: 'none' }, seqs: [3] },
    { name: 'by approver', filter: { approver: 'rule' }, seqs: [1, 2] },
    { name: 'since a time (inclusive)', filter: { since: '2026-01-01T00:00:03Z' }, seqs: [2, 3] },
    { name: 'since a date', filter: { since: '2026-01-02' }, seqs: [] },
    { name: 'text search is case-insensitive over the whole line', filter: { text: 'SUDO' }, seqs: [2] },
    { name: 'filters combine', filter: { tool: 'run_command', approver: 'person' }, seqs: [0] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(seqs(c.filter), c.seqs));
  it('rejects a filter value it does not know', () => {
    assert.equal(auditFilterSchema.safeParse({ decision: 'maybe' }).success, false);
    assert.equal(auditFilterSchema.safeParse({ since: 'yesterday' }).success, false);
  });
});

describe('formatting', () => {
  const all = records();
  it('one readable line per tool call: time, tool, input, decision, rule, approver, outcome', () => {
    const line = formatEventLine(all[2]?.event as AuditEvent);
    for (const part of [
      '2026-01-01T00:00:03.000Z',
      '#2',
      'run_command',
      'sudo rm -rf /',
      'deny',
      'warden.commands.deny: sudo *',
      'by rule',
      'denied',
    ]) {
      assert.ok(line.includes(part), `${part} in ${line}`);
    }
  });
  it('never lets control characters or bidi overrides through', () => {
    const e = { ...(all[0]?.event as AuditEvent), input: { command: 'echo \u001b[31mred\u202e\nnext' } };
    const line = formatEventLine(e);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(line, /[\u0000-\u001f\u202e]/);
    assert.equal(displaySafe('a\nb\tc\u0007'), 'a⏎b c\\u{7}');
  });
  it('a table with a header and one row per event', () => {
    const table = formatTable(all.map((r) => r.event))
      .trimEnd()
      .split('\n');
    assert.equal(table.length, 5);
    assert.match(table[0] ?? '', /^SEQ\s+TIME\s+TOOL\s+DECISION\s+BY\s+RULE\s+OUTCOME\s+INPUT$/);
    assert.match(table[2] ?? '', /write_file.*allow.*rule.*src\/a\.ts/);
  });
});

describe('large content', () => {
  it('keeps small strings and summarises large ones as hash, size and preview', () => {
    const big = 'é'.repeat(INLINE_LIMIT_BYTES);
    const out = summariseLarge({ content: big, path: 'a.txt' }) as {
      content: { sha256: string; bytes: number; preview: string };
      path: string;
    };
    assert.equal(out.path, 'a.txt');
    assert.deepEqual(out.content, { sha256: sha256Hex(big), bytes: INLINE_LIMIT_BYTES * 2, preview: 'é'.repeat(PREVIEW_CHARS) });
  });
  it('lets a patch be larger than other text before it is summarised', () => {
    const patch = 'x'.repeat(INLINE_LIMIT_BYTES * 2);
    assert.equal((summariseLarge({ patch }) as { patch: unknown }).patch, patch);
    assert.equal(typeof (summariseLarge({ patch: 'x'.repeat(PATCH_LIMIT_BYTES + 1) }) as { patch: unknown }).patch, 'object');
  });
  it('a write becomes a unified patch', () => {
    const p = unifiedDiff('src/a.ts', 'one\ntwo\nthree\n', 'one\n2\nthree\n');
    assert.equal(typeof p, 'string');
    assert.match(p, /^--- a\/src\/a\.ts/m);
    assert.match(p, /^-two$/m);
    assert.match(p, /^\+2$/m);
  });
  it('never splits a surrogate pair in a preview', () => {
    const text = `${'a'.repeat(PREVIEW_CHARS - 1)}😀${'b'.repeat(INLINE_LIMIT_BYTES)}`;
    const out = summariseLarge(text) as { preview: string };
    assert.equal(out.preview, 'a'.repeat(PREVIEW_CHARS - 1));
  });
});
