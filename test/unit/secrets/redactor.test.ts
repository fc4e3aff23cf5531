import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createRedactor } from '../../../src/core/secrets/createRedactor';
import { base64Core, encodedForms } from '../../../src/core/secrets/encodedForms';
import { REDACTED } from '../../../src/core/secrets/redactor';

const SECRET = 'sk-live_4f9A/b+c=d%e f&g?h';
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const hex = (s: string) => Buffer.from(s).toString('hex');

/** The forms an outsider would produce with Node's own encoders (independent of the implementation). */
function leakedForms(value: string): string[] {
  return [
    value,
    b64(value).replace(/=+$/, '').slice(0, -1),
    b64url(value).slice(0, -1),
    hex(value),
    hex(value).toUpperCase(),
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  ];
}

function assertNoForm(output: string, value: string): void {
  for (const f of leakedForms(value)) assert.ok(!output.includes(f), `output still holds ${JSON.stringify(f)}: ${JSON.stringify(output)}`);
}

describe('createRedactor: one-shot', () => {
  const r = createRedactor([SECRET, 'other-token-123']);
  const cases: Array<[string, string]> = [
    ['raw value', `token=${SECRET}\n`],
    ['base64 (padded)', `Authorization: Basic ${b64(SECRET)}`],
    ['base64url', `jwt.${b64url(SECRET)}.sig`],
    ['lower-case hex', `00000000: ${hex(SECRET)}`],
    ['upper-case hex', hex(SECRET).toUpperCase()],
    ['URL-encoded', `https://x.test/?k=${encodeURIComponent(SECRET)}&a=1`],
    ['URL-encoded with lower-case escapes', encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['form-encoded (space as +)', new URLSearchParams({ k: SECRET }).toString()],
    ['every byte percent-encoded', [...Buffer.from(SECRET)].map((b) => '%' + b.toString(16).padStart(2, '0')).join('')],
    ['two secrets next to each other', `${SECRET}other-token-123`],
  ];
  for (const [name, text] of cases) {
    it(`removes the ${name}`, () => {
      const out = r.redact(text);
      assert.ok(out.includes(REDACTED), out);
      assertNoForm(out, SECRET);
      assert.ok(!out.includes('other-token-123'));
    });
  }

  for (const offset of [0, 1, 2]) {
    it(`removes the value inside a larger base64 blob at byte offset ${offset}`, () => {
      const blob = Buffer.concat([Buffer.from('xyz'.slice(0, offset)), Buffer.from(`{"key":"${SECRET}","n":1}`)]);
      for (const enc of ['base64', 'base64url'] as const) {
        const text = blob.toString(enc);
        const out = r.redact(text);
        assert.ok(out.includes(REDACTED), `${enc}: ${out}`);
        const start = Buffer.from(blob).indexOf(SECRET);
        const core = base64Core(Buffer.from(SECRET), (start % 3) as 0 | 1 | 2);
        const coreInEnc = enc === 'base64' ? core : core.replace(/\+/g, '-').replace(/\//g, '_');
        assert.ok(text.includes(coreInEnc), 'the test blob holds the core');
        assert.ok(!out.includes(coreInEnc.slice(2, -2)), `${enc}: ${out}`);
      }
    });
  }

  it('covers overlapping values entirely (no tail of the longer one left)', () => {
    const r2 = createRedactor(['abcdEFGH', 'EFGHijklmnop']);
    assert.equal(r2.redact('<abcdEFGHijklmnop>'), `<${REDACTED}>`);
  });

  it('redacts values shorter than 4 characters raw only', () => {
    const r2 = createRedactor(['a1b']);
    assert.equal(r2.redact('xa1bx'), `x${REDACTED}x`);
    assert.equal(r2.redact(hex('a1b')), hex('a1b'));
  });

  it('leaves text without secrets unchanged, and ignores empty values', () => {
    const text = 'build ok: 42 files, 0 errors\n'.repeat(50);
    assert.equal(r.redact(text), text);
    assert.equal(createRedactor(['']).redact(text), text);
    assert.equal(createRedactor([]).stream().push('abc'), 'abc');
  });

  it('handles non-ASCII values in every encoding', () => {
    const v = 'pässwörd-秘密-🔑';
    const r2 = createRedactor([v]);
    for (const f of leakedForms(v)) assertNoForm(r2.redact(`[${f}]`), v);
  });

  it('redacts a very large value (an 8 KB key, past the dense table limit) in every form, also streamed', () => {
    const big = Array.from({ length: 8192 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 94))).join('');
    const r2 = createRedactor([big]);
    for (const f of leakedForms(big)) {
      const out = r2.redact(`<${f}>`);
      assertNoForm(out, big);
      const s = r2.stream();
      const mid = Math.floor(f.length / 2);
      assertNoForm(s.push(`<${f.slice(0, mid)}`) + s.push(`${f.slice(mid)}>`) + s.flush(), big);
    }
  });

  it('lists each encoded form once, longest first', () => {
    const forms = encodedForms(SECRET);
    assert.equal(new Set(forms).size, forms.length);
    for (let i = 1; i < forms.length; i++) assert.ok(forms[i - 1]!.length >= forms[i]!.length);
  });
});

describe('createRedactor: streams', () => {
  const r = createRedactor([SECRET]);
  const text = `a ${SECRET} b ${b64(SECRET)} c ${hex(SECRET)} d ${encodeURIComponent(SECRET)} e ${SECRET}`;

  function streamed(chunks: string[]): string {
    const s = r.stream();
    return chunks.map((c) => s.push(c)).join('') + s.flush();
  }

  it('catches a value split at every possible point', () => {
    for (let i = 0; i <= text.length; i++) {
      const out = streamed([text.slice(0, i), text.slice(i)]);
      assertNoForm(out, SECRET);
      assert.equal(out.split(REDACTED).join(''), r.redact(text).split(REDACTED).join(''));
    }
  });

  it('catches a value written one character at a time', () => {
    const out = streamed([...text]);
    assertNoForm(out, SECRET);
    assert.equal(out.split(REDACTED).join(''), r.redact(text).split(REDACTED).join(''));
  });

  it('emits ordinary text at once and holds back only a possible prefix', () => {
    const s = r.stream();
    assert.equal(s.push('hello world\n'), 'hello world\n');
    assert.equal(s.push('x sk-li'), 'x ');
    assert.equal(s.push('ne\n'), 'sk-line\n');
    assert.equal(s.flush(), '');
  });

  it('flush releases a held prefix that never completed', () => {
    const s = r.stream();
    assert.equal(s.push('tail sk-live'), 'tail ');
    assert.equal(s.flush(), 'sk-live');
  });

  it('property: random values split at random points never leak', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 4, maxLength: 40 }),
        fc.string({ maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.constantFrom<'raw' | 'b64' | 'hex' | 'url'>('raw', 'b64', 'hex', 'url'),
        (value, filler, cuts, form) => {
          const enc = form === 'raw' ? value : form === 'b64' ? b64(value) : form === 'hex' ? hex(value) : encodeURIComponent(value);
          const whole = `${filler}${enc}${filler}`;
          const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
          const chunks: string[] = [];
          let at = 0;
          for (const p of points) {
            chunks.push(whole.slice(at, p));
            at = p;
          }
          chunks.push(whole.slice(at));
          const rr = createRedactor([value]);
          const s = rr.stream();
          const out = chunks.map((c) => s.push(c)).join('') + s.flush();
          const needle = form === 'raw' ? value : form === 'b64' ? b64(value).replace(/=+$/, '').slice(0, -1) : enc;
          return needle.length < 4 || !out.includes(needle) || filler.includes(needle) || REDACTED.includes(needle);
        },
      ),
      { numRuns: 300 },
    );
  });
});
