import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ChainSealer } from '../../../src/core/audit/chain';
import { csvHeader, csvRow } from '../../../src/core/audit/csv';
import type { AuditRecord, ChainTip } from '../../../src/core/audit/event';
import { ExportedStreamFacts, ExportedStreamFeed } from '../../../src/core/audit/exportedStream';
import { compileFilter, recordFields, type AuditFilter } from '../../../src/core/audit/filter';
import { tableHeader, tableRow } from '../../../src/core/audit/format';
import { verifyChain, verifyLineFacts, type AuditDamage, type VerifyOptions, type VerifyResult } from '../../../src/core/audit/verify';
import { feedFiles } from '../../../src/node/audit/files';
import { readFactsParallel, type ParallelReading } from '../../../src/node/audit/parallelRead';
import { audit } from '../export/helpers';
import { sealedLines, steppingClock, tempDir, toolEvent } from './helpers';

/**
 * The parallel reader (chunks cut at newlines, per-line work on worker
 * threads, links checked in order) must give exactly what the sequential
 * reader gives: the same verdict, the same listing, the same CLI output.
 * Chunks are tiny (a line or two each) so that lines cross chunk edges.
 */
const CHUNK = 700;
const threaded: ParallelReading = { threads: 2, chunkBytes: CHUNK, minThreadedBytes: 0, inline: false };
const inline: ParallelReading = { threads: 0, chunkBytes: CHUNK };

const N = 40;
const { lines, sealer } = sealedLines(N);
const L = (i: number): string => lines[i] ?? '';
const text = (ls: readonly string[]): string => ls.map((l) => `${l}\n`).join('');
const tip = sealer.tip ?? { seq: 0, hash: '' };

/** Lines sealed after `at`, with `seqJump` added to their seq: the hashes link, the seq does not. */
function relinked(at: number, seqJump: number, n: number): string[] {
  const prevTip: ChainTip = { seq: at + seqJump, hash: (sealedLines(at + 1).sealer.tip ?? tip).hash };
  const s = new ChainSealer(prevTip, (x) => x, steppingClock());
  return Array.from({ length: n }, (_, i) => s.seal(toolEvent({ input: { command: `echo relinked ${i}` } })).line);
}

/** A chain of events whose text is far from ASCII, one of them longer than a chunk. */
function unicodeLines(): string[] {
  const s = new ChainSealer(null, (x) => x, steppingClock());
  return Array.from({ length: 12 }, (_, i) =>
    s.seal(
      toolEvent({
        input: { command: `echo ${'é€😀日本語 '.repeat(i === 5 ? 200 : 3 + i)} ${i}` },
        rule: i % 3 === 0 ? '=HYPERLINK("x")' : null,
      }),
    ),
  ).map((r) => r.line);
}

/** An edit whose own hash was recomputed: only the next line's `prev` shows it. */
function recomputed(at: number): string[] {
  const s = new ChainSealer(at === 0 ? null : { seq: at - 1, hash: (sealedLines(at).sealer.tip ?? tip).hash }, (x) => x, steppingClock());
  const forged = s.seal(toolEvent({ input: { command: 'echo forged' } })).line;
  return lines.map((l, i) => (i === at ? forged : l));
}

interface Case {
  readonly name: string;
  readonly files: () => (string | Buffer)[];
  readonly damage: AuditDamage | null;
  readonly options?: Omit<VerifyOptions, 'onRecord'>;
}

const cases: Case[] = [
  { name: 'a clean log', files: () => [text(lines)], damage: null },
  {
    name: 'a clean log in three rotated files',
    files: () => [text(lines.slice(0, 7)), text(lines.slice(7, 30)), text(lines.slice(30))],
    damage: null,
  },
  { name: 'a line that is not JSON', files: () => [text(lines.map((l, i) => (i === 17 ? l.slice(3) : l)))], damage: 'bad-json' },
  { name: 'a blank line', files: () => [text([...lines.slice(0, 9), '', ...lines.slice(9)])], damage: 'bad-json' },
  {
    name: 'JSON that is not an event',
    files: () => [text(lines.map((l, i) => (i === 21 ? '{"seq":21,"prev":"x"}' : l)))],
    damage: 'schema',
  },
  { name: 'a value edited', files: () => [text(lines.map((l, i) => (i === 13 ? l.replace('echo 13', 'echo 31') : l)))], damage: 'edited' },
  { name: 'an edit that recomputed its own hash', files: () => [text(recomputed(11))], damage: 'edited' },
  {
    name: 'the last line edited',
    files: () => [text(lines.map((l, i) => (i === N - 1 ? l.replace('echo', 'ECHO') : l)))],
    damage: 'edited',
  },
  { name: 'a line removed', files: () => [text(lines.filter((_, i) => i !== 25))], damage: 'removed' },
  { name: 'the first line removed', files: () => [text(lines.slice(1))], damage: 'removed' },
  {
    name: 'a copy inserted after its original',
    files: () => [text([...lines.slice(0, 15), L(14), ...lines.slice(15)])],
    damage: 'inserted',
  },
  { name: 'an old line replayed later', files: () => [text([...lines.slice(0, 30), L(3), ...lines.slice(30)])], damage: 'inserted' },
  { name: 'two lines swapped', files: () => [text([...lines.slice(0, 20), L(21), L(20), ...lines.slice(22)])], damage: 'reordered' },
  { name: 'rotated files in the wrong order', files: () => [text(lines.slice(20)), text(lines.slice(0, 20))], damage: 'reordered' },
  {
    name: 'a seq that jumps while the hashes link',
    files: () => [text([...lines.slice(0, 16), ...relinked(15, 3, 5)])],
    damage: 'seq-gap',
  },
  { name: 'a torn final line', files: () => [text(lines) + L(0).slice(0, 90)], damage: 'truncated' },
  {
    name: 'a torn line ending a rotated file (the next file is not read)',
    files: () => [text(lines.slice(0, 10)) + L(10).slice(0, 30), text(lines.slice(10))],
    damage: 'truncated',
  },
  {
    name: 'damage right at a chunk edge',
    files: () => {
      // The 4th line starts a chunk: an edit there is in the first line of a chunk.
      let at = 0;
      let k = 0;
      while (at + (L(k).length + 1) <= CHUNK) at += L(k++).length + 1;
      return [text(lines.map((l, i) => (i === k ? l.replace('echo', 'ECHO') : l)))];
    },
    damage: 'edited',
  },
  { name: 'non-ASCII text and a line longer than a chunk', files: () => [text(unicodeLines())], damage: null },
  {
    name: 'bytes that are not UTF-8',
    files: () => [
      Buffer.concat([Buffer.from(text(lines.slice(0, 5))), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(text(lines.slice(5)))]),
    ],
    damage: 'bad-json',
  },
  { name: 'a partial chain (--partial)', files: () => [text(lines.slice(12))], damage: null, options: { partial: true } },
  {
    name: 'a partial chain with a removed line',
    files: () => [text(lines.slice(12).filter((_, i) => i !== 4))],
    damage: 'removed',
    options: { partial: true },
  },
  { name: 'an anchor that holds', files: () => [text(lines)], damage: null, options: { anchor: tip } },
  {
    name: 'an anchor mid-log',
    files: () => [text(lines)],
    damage: null,
    options: { anchor: { seq: 19, hash: sealedLines(20).sealer.tip?.hash ?? '' } },
  },
  { name: 'lines gone after the anchor', files: () => [text(lines.slice(0, N - 3))], damage: 'removed', options: { anchor: tip } },
  {
    name: 'an anchor whose hash differs',
    files: () => [text(lines)],
    damage: 'edited',
    options: { anchor: { seq: 19, hash: 'ab'.repeat(32) } },
  },
  { name: 'an empty file', files: () => [''], damage: null },
];

function writeLog(dir: string, bodies: readonly (string | Buffer)[]): string[] {
  return bodies.map((body, i) => {
    const f = join(dir, i === bodies.length - 1 ? 'audit.jsonl' : `audit.${i + 1}.jsonl`);
    writeFileSync(f, body);
    return f;
  });
}

function sequential(files: readonly string[], options: Omit<VerifyOptions, 'onRecord'> = {}): Promise<VerifyResult> {
  return verifyChain((feed) => feedFiles(files, feed), options);
}

function parallel(
  files: readonly string[],
  reading: ParallelReading,
  options: Omit<VerifyOptions, 'onRecord'> = {},
): Promise<VerifyResult> {
  const spec = options.anchor ? { anchorSeq: options.anchor.seq } : {};
  return verifyLineFacts(
    (feed) => readFactsParallel(files, feed, spec, reading),
    (feed) => feedFiles(files, feed),
    options,
  );
}

type Format = 'table' | 'csv' | 'jsonl';

/** What `warden audit show` and `export` printed before the parallel reader: one sequential reading, records heard as verified. */
async function sequentialCli(files: readonly string[], format: Format, filter: AuditFilter): Promise<{ out: string; err: string }> {
  const match = compileFilter(filter);
  let shown = 0;
  let total = 0;
  let skipped = 0;
  let body = '';
  const check = await verifyChain((feed) => feedFiles(files, feed), {
    partial: true,
    onRecord: (r: AuditRecord | null) => {
      if (r === null) return void skipped++;
      total++;
      if (!match(recordFields(r))) return;
      shown++;
      body += format === 'table' ? tableRow(r.event) : format === 'csv' ? csvRow(r.event) : `${r.line}\n`;
    },
  });
  const out =
    format === 'table'
      ? `${tableHeader()}${body}${shown} of ${total} events${skipped > 0 ? `, ${skipped} unreadable lines skipped` : ''}\n`
      : (format === 'csv' ? csvHeader() : '') + body;
  return { out, err: check.ok ? '' : `warning: the log does not verify: ${check.name}:${check.line}: ${check.damage}\n` };
}

const cli = (args: string[], reading: ParallelReading) => audit(args, reading);

describe('the parallel reader verifies as the sequential one does', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.damage ?? 'ok'}`, async (t) => {
      const files = writeLog(tempDir(t), c.files());
      const want = await sequential(files, c.options);
      assert.equal(want.ok ? null : want.damage, c.damage, 'the case shows the damage it is named for');
      assert.deepEqual(await parallel(files, threaded, c.options), want);
      assert.deepEqual(await parallel(files, inline, c.options), want);
    });
  }
});

describe('warden audit show and export print what the sequential reading printed', () => {
  // Worker threads for two of them (each reading starts its own), the same chunks on this thread for the others.
  const listings: { format: Format; args: string[]; filter: AuditFilter; reading: ParallelReading }[] = [
    { format: 'table', args: ['show'], filter: {}, reading: threaded },
    { format: 'table', args: ['show', '--search', 'ECHO 1'], filter: { text: 'ECHO 1' }, reading: inline },
    { format: 'csv', args: ['export', '--format', 'csv'], filter: {}, reading: threaded },
    { format: 'jsonl', args: ['export', '--format', 'jsonl', '--decision', 'ask'], filter: { decision: 'ask' }, reading: inline },
  ];
  for (const c of cases.filter((c) => c.options === undefined)) {
    it(`${c.name}`, async (t) => {
      const files = writeLog(tempDir(t), c.files());
      for (const l of listings) {
        const want = await sequentialCli(files, l.format, l.filter);
        const got = await cli([...l.args.slice(0, 1), ...files, ...l.args.slice(1)], l.reading);
        assert.equal(got.code, 0);
        assert.equal(got.out, want.out, `${l.args.join(' ')}: stdout`);
        assert.equal(got.err, want.err, `${l.args.join(' ')}: stderr`);
      }
    });
  }
});

describe('warden audit verify --exported drops repeats as the sequential reading did', () => {
  const streams: { name: string; body: () => string }[] = [
    { name: 'a stream delivered twice in part', body: () => text([...lines.slice(0, 20), ...lines.slice(12, 30), ...lines.slice(25)]) },
    { name: 'a repeat that changed', body: () => text([...lines.slice(0, 20), L(15).replace('echo', 'ECHO'), ...lines.slice(20)]) },
    { name: 'a gap', body: () => text([...lines.slice(0, 20), ...lines.slice(23)]) },
  ];
  for (const s of streams) {
    it(s.name, async (t) => {
      const [file = ''] = writeLog(tempDir(t), [s.body()]);
      const seqFeed = { duplicates: 0 };
      const want = await verifyChain(
        (feed) => {
          const d = new ExportedStreamFeed(feed);
          return feedFiles([file], d).then(() => void (seqFeed.duplicates = d.duplicates));
        },
        { partial: true },
      );
      let duplicates = 0;
      const got = await verifyLineFacts(
        (feed) => {
          const d = new ExportedStreamFacts(feed);
          return readFactsParallel([file], d, { textHashes: true }, threaded).then(() => void (duplicates = d.duplicates));
        },
        (feed) => feedFiles([file], new ExportedStreamFeed(feed)),
        { partial: true },
      );
      assert.deepEqual(got, want);
      assert.equal(duplicates, seqFeed.duplicates);
      const out = await cli(['verify', file, '--exported', '--partial'], threaded);
      assert.match(
        out.out,
        want.ok ? new RegExp(`^ok: ${want.count} events.*; ${duplicates} repeated line\\(s\\) skipped`) : /^.*audit\.jsonl:\d+: /,
      );
    });
  }
});

describe('a failing worker fails the reading', () => {
  const big = text(lines);
  for (const how of ['throw', 'exit'] as const) {
    it(`a worker that ${how === 'throw' ? 'throws' : 'exits'} makes verify reject with a clear message, never "ok"`, async (t) => {
      const [file = ''] = writeLog(tempDir(t), [big]);
      const reading: ParallelReading = { ...threaded, fault: { chunk: 3, how } };
      await assert.rejects(
        parallel([file], reading),
        /an audit worker thread (failed: injected failure on chunk 3|stopped \(exit code 3\))/,
      );
      await assert.rejects(cli(['verify', file], reading), /an audit worker thread/);
      await assert.rejects(cli(['export', file, '--format', 'csv'], reading), /an audit worker thread/);
    });
  }
  it('an aborted reading rejects and stops its workers', async (t) => {
    const [file = ''] = writeLog(tempDir(t), [big]);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(parallel([file], { ...threaded, signal: ac.signal }), { name: 'AbortError' });
  });
});

describe('parallel and sequential agree on random damage (property)', () => {
  const damage = fc.oneof(
    fc.record({ kind: fc.constant('remove' as const), at: fc.nat(N - 1) }),
    fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(N - 1), to: fc.nat(N) }),
    fc.record({ kind: fc.constant('swap' as const), a: fc.nat(N - 1), b: fc.nat(N - 1) }),
    fc.record({
      kind: fc.constant('edit' as const),
      at: fc.nat(N - 1),
      pos: fc.nat(),
      char: fc.constantFrom('x', '0', '"', '}', ' ', 'é', '\n', '😀'),
    }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(N * 500) }),
    fc.record({ kind: fc.constant('split' as const), at: fc.nat(N - 1) }),
  );
  type Damage = typeof damage extends fc.Arbitrary<infer D> ? D : never;
  const apply = (ls: string[], d: Damage): string[] => {
    const out = [...ls];
    switch (d.kind) {
      case 'remove':
        out.splice(d.at, 1);
        break;
      case 'duplicate':
        out.splice(d.to, 0, ls[d.at] ?? '');
        break;
      case 'swap':
        [out[d.a], out[d.b]] = [ls[d.b] ?? '', ls[d.a] ?? ''];
        break;
      case 'edit': {
        const l = out[d.at] ?? '';
        const pos = d.pos % Math.max(1, l.length);
        out[d.at] = l.slice(0, pos) + d.char + l.slice(pos + 1);
        break;
      }
      case 'cut':
      case 'split':
        break;
    }
    return out;
  };
  it('on random logs with random damage, in random chunk sizes, over rotated files', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(damage, { maxLength: 3 }),
        fc.integer({ min: 64, max: 3000 }),
        fc.boolean(),
        fc.option(fc.nat(N - 1), { nil: undefined }),
        async (ds, chunkBytes, partial, anchorAt) => {
          let ls = lines;
          let files: string[] = [];
          for (const d of ds) ls = apply(ls, d);
          const dir = tempDirSync();
          try {
            let body = text(ls);
            const cut = ds.find((d) => d.kind === 'cut');
            if (cut && cut.kind === 'cut') body = body.slice(0, cut.at % (body.length + 1));
            const split = ds.find((d) => d.kind === 'split');
            const at = split && split.kind === 'split' ? body.split('\n', split.at + 1).join('\n').length + 1 : -1;
            files = writeLog(dir.path, at > 0 && at < body.length ? [body.slice(0, at), body.slice(at)] : [body]);
            const options: Omit<VerifyOptions, 'onRecord'> = {
              partial,
              ...(anchorAt !== undefined ? { anchor: { seq: anchorAt, hash: sealedLines(anchorAt + 1).sealer.tip?.hash ?? '' } } : {}),
            };
            const want = await sequential(files, options);
            assert.deepEqual(await parallel(files, { threads: 0, chunkBytes }, options), want);
            for (const format of ['table', 'csv'] as const) {
              const w = await sequentialCli(files, format, {});
              const g = await cli([format === 'table' ? 'show' : 'export', ...files, ...(format === 'csv' ? ['--format', 'csv'] : [])], {
                threads: 0,
                chunkBytes,
              });
              assert.deepEqual({ out: g.out, err: g.err }, w);
            }
          } finally {
            dir.remove();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

function tempDirSync(): { path: string; remove: () => void } {
  let remove = (): void => undefined;
  const path = tempDir({ after: (fn) => void (remove = fn) });
  return { path, remove };
}
