import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '../../../src/core/audit/canonical';
import { ChainSealer, lineHash } from '../../../src/core/audit/chain';
import { GENESIS, auditEventSchema } from '../../../src/core/audit/event';
import { sha256Hex } from '../../../src/core/audit/hash';
import { verifyLines, verifySegments, type AuditDamage } from '../../../src/core/audit/verify';
import { sealedLines, steppingClock, toolEvent } from './helpers';

/** Re-seals a parsed line after `change`, recomputing its own hash as a careful forger would. */
function reseal(line: string, change: (o: Record<string, unknown>) => void): string {
  const o = JSON.parse(line) as Record<string, unknown>;
  delete o.hash;
  change(o);
  const body = canonicalJson(o);
  return `${body.slice(0, -1)},"hash":"${sha256Hex(body)}"}`;
}

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, undefined], c: 'x' }, z: undefined }), '{"a":{"c":"x","d":[1,null]},"b":1}');
  });
  it('gives the same bytes for equal values built in different orders', () => {
    assert.equal(canonicalJson({ x: 1, y: { q: 2, p: 3 } }), canonicalJson({ y: { p: 3, q: 2 }, x: 1 }));
  });
});

describe('sealing', () => {
  it('starts at seq 0 with the genesis prev, then links each line to the hash of the one before', () => {
    const { lines } = sealedLines(3);
    const events = lines.map((l) => auditEventSchema.parse(JSON.parse(l)));
    assert.deepEqual(
      events.map((e) => e.seq),
      [0, 1, 2],
    );
    assert.equal(events[0]?.prev, GENESIS);
    assert.equal(events[1]?.prev, lineHash(lines[0] ?? ''));
    assert.equal(events[2]?.prev, lineHash(lines[1] ?? ''));
  });
  it('writes keys sorted with hash last, and no newline inside a line', () => {
    const { lines } = sealedLines(1);
    const line = lines[0] ?? '';
    assert.ok(!line.includes('\n'));
    const keys = Object.keys(JSON.parse(line) as object);
    assert.equal(keys.at(-1), 'hash');
    assert.deepEqual(keys.slice(0, -1), [...keys.slice(0, -1)].sort());
  });
  it('rejects an invalid event naming the field, and does not advance the chain', () => {
    const sealer = new ChainSealer(null, (s) => s, steppingClock());
    assert.throws(() => sealer.seal({ ...toolEvent(), decision: 'maybe' } as never), /decision/);
    assert.equal(sealer.tip, null);
  });
});

describe('verify names the first bad line and the kind of damage', () => {
  const { lines } = sealedLines(10);
  const L = (i: number): string => lines[i] ?? '';
  const forged4 = reseal(L(4), (o) => (o.tool = 'write_file'));
  const cases: { name: string; tamper: () => string[]; line: number; damage: AuditDamage }[] = [
    {
      name: 'a value edited in place',
      tamper: () => lines.map((l, i) => (i === 4 ? l.replace('echo 4', 'echo 5') : l)),
      line: 5,
      damage: 'edited',
    },
    {
      name: 'an edit whose own hash was recomputed',
      tamper: () => lines.map((l, i) => (i === 4 ? forged4 : l)),
      line: 5,
      damage: 'edited',
    },
    {
      name: 'whitespace added to a line',
      tamper: () => lines.map((l, i) => (i === 2 ? l.replace('{', '{ ') : l)),
      line: 3,
      damage: 'edited',
    },
    {
      name: 'the final line edited',
      tamper: () => lines.map((l, i) => (i === 9 ? l.replace('echo 9', 'rm -rf') : l)),
      line: 10,
      damage: 'edited',
    },
    { name: 'a line removed from the middle', tamper: () => lines.filter((_, i) => i !== 4), line: 5, damage: 'removed' },
    { name: 'several lines removed', tamper: () => lines.filter((_, i) => i < 3 || i > 6), line: 4, damage: 'removed' },
    { name: 'the first line removed', tamper: () => lines.slice(1), line: 1, damage: 'removed' },
    {
      name: 'a copy of a line inserted after it',
      tamper: () => [...lines.slice(0, 4), L(3), ...lines.slice(4)],
      line: 5,
      damage: 'inserted',
    },
    { name: 'an old line replayed later', tamper: () => [...lines.slice(0, 7), L(1), ...lines.slice(7)], line: 8, damage: 'inserted' },
    {
      name: 'a forged line with a valid seq, prev and own hash inserted',
      tamper: () => [...lines.slice(0, 4), reseal(L(4), (o) => (o.tool = 'fetch_url')), ...lines.slice(4)],
      line: 5,
      damage: 'inserted',
    },
    {
      name: 'two neighbouring lines swapped',
      tamper: () => [...lines.slice(0, 4), L(5), L(4), ...lines.slice(6)],
      line: 5,
      damage: 'reordered',
    },
    { name: 'a line moved to the end', tamper: () => [...lines.filter((_, i) => i !== 2), L(2)], line: 3, damage: 'reordered' },
    { name: 'a blank line inserted', tamper: () => [...lines.slice(0, 6), '', ...lines.slice(6)], line: 7, damage: 'bad-json' },
    { name: 'a line that is not JSON', tamper: () => lines.map((l, i) => (i === 6 ? '{"seq": 6,' : l)), line: 7, damage: 'bad-json' },
    {
      name: 'a line whose own hash is right but written in capitals',
      tamper: () =>
        lines.map((l, i) => (i === 3 ? l.replace(/"hash":"([0-9a-f]{64})"}$/, (_, h: string) => `"hash":"${h.toUpperCase()}"}`) : l)),
      line: 4,
      damage: 'schema',
    },
    {
      name: 'a resealed line whose prev is the right hash in capitals',
      tamper: () => lines.map((l, i) => (i === 3 ? reseal(l, (o) => (o.prev = String(o.prev).toUpperCase())) : l)),
      line: 4,
      damage: 'schema',
    },
    {
      name: 'a resealed line whose prev is not hex',
      tamper: () => lines.map((l, i) => (i === 3 ? reseal(l, (o) => (o.prev = 'z'.repeat(64))) : l)),
      line: 4,
      damage: 'schema',
    },
    {
      name: 'a JSON line that is not an audit event',
      tamper: () => lines.map((l, i) => (i === 6 ? '{"hello":"world"}' : l)),
      line: 7,
      damage: 'schema',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: line ${c.line}, ${c.damage}`, () => {
      const r = verifyLines(c.tamper(), { name: 'audit.jsonl' });
      assert.equal(r.ok, false, JSON.stringify(r));
      if (r.ok) return;
      assert.deepEqual(
        { line: r.line, damage: r.damage, name: r.name },
        { line: c.line, damage: c.damage, name: 'audit.jsonl' },
        r.message,
      );
    });
  }

  it('a partial chain whose first line has a prev that is not hex is not an audit event', () => {
    const first = reseal(L(3), (o) => (o.prev = 'Z'.repeat(64)));
    const r = verifyLines([first], { name: 'audit.jsonl', partial: true });
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual([r.line, r.damage], [1, 'schema'], r.message);
    assert.equal(verifyLines([L(3), L(4)], { partial: true }).ok, true);
  });
  it('an untouched chain verifies and reports its tip', () => {
    const r = verifyLines(lines);
    assert.deepEqual(r, { ok: true, count: 10, tip: { seq: 9, hash: lineHash(L(9)) } });
  });
  it('an empty log verifies with no tip', () => {
    assert.deepEqual(verifyLines([]), { ok: true, count: 0, tip: null });
  });
  it('a final line without its newline is truncated, counting the whole lines before it', () => {
    const r = verifyLines(lines.slice(0, 9), { tornTail: L(9).slice(0, 40) });
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual([r.line, r.damage, r.count], [10, 'truncated', 9]);
  });
  it('hashes that link but a seq that skips is a seq gap', () => {
    const { lines: first, sealer } = sealedLines(5);
    const tip = sealer.tip ?? { seq: 0, hash: '' };
    const { lines: rest } = sealedLines(3, { seq: tip.seq + 2, hash: tip.hash });
    const r = verifyLines([...first, ...rest]);
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual([r.line, r.damage], [6, 'seq-gap']);
  });
  it('lines removed from the very end are caught against an anchor', () => {
    const anchor = { seq: 9, hash: lineHash(L(9)) };
    assert.equal(verifyLines(lines, { anchor }).ok, true);
    const r = verifyLines(lines.slice(0, 8), { anchor });
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.damage, 'removed');
  });
});

describe('a chain across rotated files', () => {
  const { lines: a, sealer } = sealedLines(4);
  const { lines: b } = sealedLines(3, sealer.tip);
  const seg = (name: string, ls: string[]): { name: string; text: string } => ({ name, text: ls.map((l) => `${l}\n`).join('') });

  it('verifies when the files are given oldest first', () => {
    const r = verifySegments([seg('audit.1.jsonl', a), seg('audit.jsonl', b)]);
    assert.deepEqual(r.ok && r.count, 7);
  });
  it('names the file and line when the files are given out of order', () => {
    const r = verifySegments([seg('audit.jsonl', b), seg('audit.1.jsonl', a)]);
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual([r.name, r.line, r.damage], ['audit.jsonl', 1, 'reordered']);
  });
  it('a later file alone does not pass as a whole chain, but does with partial', () => {
    const alone = verifySegments([seg('audit.jsonl', b)]);
    assert.equal(alone.ok, false);
    if (!alone.ok) assert.match(alone.message, /genesis/);
    assert.equal(verifySegments([seg('audit.jsonl', b)], { partial: true }).ok, true);
  });
  it('names the damaged line in the second file', () => {
    const r = verifySegments([
      seg('audit.1.jsonl', a),
      seg(
        'audit.jsonl',
        b.map((l, i) => (i === 1 ? l.replace('echo 1', 'echo X') : l)),
      ),
    ]);
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual([r.name, r.line, r.damage, r.count], ['audit.jsonl', 2, 'edited', 5]);
  });
  it('a torn line at the end of a rotated file is truncated there', () => {
    const r = verifySegments([{ name: 'audit.1.jsonl', text: seg('x', a).text + '{"seq"' }, seg('audit.jsonl', b)]);
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual([r.name, r.line, r.damage], ['audit.1.jsonl', 5, 'truncated']);
  });
});
