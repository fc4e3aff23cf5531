import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { auditEventSchema, linkedEventSchema } from '../../../src/core/audit/event';
import { isExactAuditEvent, isExactLinkedEvent } from '../../../src/core/audit/eventCheck';
import { EVENT_CHECK_FILE, checkSource, eventCheckSource } from '../../../scripts/audit-event-check';
import { sealedLines } from './helpers';

/** What the generated check must say: zod accepts the value and hands back the same value (nothing stripped). */
function zodTakesAsIs(v: unknown): boolean {
  const r = auditEventSchema.safeParse(v);
  if (!r.success) return false;
  try {
    assert.deepStrictEqual(r.data, v);
    return true;
  } catch {
    return false;
  }
}

describe('the generated audit event check', () => {
  it('is what scripts/audit-event-check.ts writes for the schema as it is now', () => {
    assert.equal(readFileSync(EVENT_CHECK_FILE, 'utf8'), eventCheckSource());
  });

  const { lines } = sealedLines(3);
  const base = JSON.parse(lines[1] ?? '') as Record<string, unknown>;
  const values: unknown[] = [
    null,
    true,
    false,
    0,
    -0,
    -1,
    1,
    1.5,
    2 ** 53,
    1e300,
    '',
    'x',
    'a'.repeat(200),
    'a'.repeat(201),
    'a'.repeat(255),
    'a'.repeat(256),
    '0'.repeat(64),
    'A'.repeat(64),
    `${'0'.repeat(64)}\n`,
    [],
    ['ok'],
    {},
    { status: 'ok' },
    { user: 'u', model: null },
    'session',
    'tool_call',
    'allow',
    'person',
    'approved-for-session',
    'timed-out',
    'ok',
    'cancelled',
  ];
  /** The event with `path` set to `value` (undefined: the key removed), as JSON would give it. */
  const variant = (path: string[], value: unknown): unknown => {
    const o = structuredClone(base);
    let at: Record<string, unknown> = o;
    for (const k of path.slice(0, -1)) {
      const next = at[k];
      if (typeof next !== 'object' || next === null) return null;
      at = next as Record<string, unknown>;
    }
    const last = path.at(-1) ?? '';
    if (value === undefined) delete at[last];
    else at[last] = value;
    return JSON.parse(JSON.stringify(o));
  };
  const outcome = { status: 'ok', exitCode: 0, bytes: 1, durationMs: 2, error: 'e', feedback: 'f' };
  const paths = [
    ...Object.keys(base).map((k) => [k]),
    ['note'],
    ['machine'],
    ['org'],
    ['extra'],
    ['actor', 'user'],
    ['actor', 'model'],
    ['actor', 'extra'],
    ...Object.keys(outcome).map((k) => ['outcome', k]),
    ['outcome', 'extra'],
  ];
  const cases: [string, unknown][] = [['the sealed event', base]];
  for (const p of paths) {
    cases.push([`${p.join('.')} removed`, variant(p, undefined)]);
    for (const v of values) cases.push([`${p.join('.')} = ${JSON.stringify(v).slice(0, 30)}`, variant(p, v)]);
  }
  cases.push(['every optional outcome field', variant(['outcome'], outcome)]);
  cases.push(['a __proto__ key', JSON.parse(lines[1]?.replace('{', '{"__proto__":{"x":1},') ?? '')]);
  cases.push(['an empty key', JSON.parse(lines[1]?.replace('{', '{"":1,') ?? '')]);
  cases.push(['an array', [base]]);
  cases.push(['a string', lines[1]]);

  it(`agrees with zod on ${cases.length} values: true exactly when zod takes the value unchanged`, () => {
    const wrong = cases.filter(([, v]) => isExactAuditEvent(v) !== zodTakesAsIs(v)).map(([name]) => name);
    assert.deepEqual(wrong, []);
    // Both answers occur, so the table tests something.
    assert.ok(cases.some(([, v]) => isExactAuditEvent(v)));
    assert.ok(cases.filter(([, v]) => !isExactAuditEvent(v)).length > 100);
  });

  it('takes a linked event whatever its hash and prev hold, otherwise as the whole check', () => {
    const odd = variant(['prev'], 'not hex');
    assert.equal(isExactAuditEvent(odd), false);
    assert.equal(isExactLinkedEvent(odd), true);
    const wrong = cases
      .filter(([, v]) => isExactLinkedEvent(v) !== linkedEventSchema.safeParse(v).success && isExactLinkedEvent(v))
      .map(([n]) => n);
    assert.deepEqual(wrong, []);
  });

  const unsupported: [string, unknown][] = [
    ['a format', { type: 'string', format: 'email' }],
    ['an array', { type: 'array', items: {} }],
    ['open additional properties', { type: 'object', properties: {}, additionalProperties: {} }],
    ['a reference', { $ref: '#/$defs/x' }],
    ['a default', { type: 'string', default: 'x' }],
  ];
  for (const [name, schema] of unsupported) {
    it(`stops the generator on ${name} rather than checking less than zod`, () => {
      assert.throws(() => checkSource({ check: { schema, doc: [] } }));
    });
  }
});
