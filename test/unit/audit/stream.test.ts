import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { verifyChain, verifySegments, type AuditDamage } from '../../../src/core/audit/verify';
import { feedFiles, readSegments } from '../../../src/node/audit/files';
import { sealedLines, tempDir } from './helpers';

/**
 * The streaming reader (1 MiB chunks, lines crossing them) must reach the
 * same verdict as the in-memory one on every kind of damage, across rotated
 * files, on logs big enough that lines straddle chunk edges.
 */
const N = 9000;
const { lines, sealer } = sealedLines(N);
const L = (i: number): string => lines[i] ?? '';
const text = (ls: readonly string[]): string => ls.map((l) => `${l}\n`).join('');

const cases: { name: string; files: () => string[]; damage: AuditDamage | null }[] = [
  { name: 'an intact chain', files: () => [text(lines)], damage: null },
  {
    name: 'an intact chain over three rotated files',
    files: () => [text(lines.slice(0, 3000)), text(lines.slice(3000, 7000)), text(lines.slice(7000))],
    damage: null,
  },
  {
    name: 'a value edited deep in the log',
    files: () => [text(lines.map((l, i) => (i === 7345 ? l.replace('echo 7345', 'echo 7346') : l)))],
    damage: 'edited',
  },
  { name: 'a line removed', files: () => [text(lines.filter((_, i) => i !== 5000))], damage: 'removed' },
  {
    name: 'two lines swapped',
    files: () => [text([...lines.slice(0, 4000), L(4001), L(4000), ...lines.slice(4002)])],
    damage: 'reordered',
  },
  { name: 'a line moved to the end', files: () => [text([...lines.filter((_, i) => i !== 20), L(20)])], damage: 'reordered' },
  { name: 'an old line replayed later', files: () => [text([...lines.slice(0, 8000), L(10), ...lines.slice(8000)])], damage: 'inserted' },
  {
    name: 'a copy inserted after its original',
    files: () => [text([...lines.slice(0, 6001), L(6000), ...lines.slice(6001)])],
    damage: 'inserted',
  },
  { name: 'a line removed where two files meet', files: () => [text(lines.slice(0, 3000)), text(lines.slice(3001))], damage: 'removed' },
  {
    name: 'rotated files given in the wrong order',
    files: () => [text(lines.slice(4000)), text(lines.slice(0, 4000))],
    damage: 'reordered',
  },
  { name: 'a blank line', files: () => [text([...lines.slice(0, 100), '', ...lines.slice(100)])], damage: 'bad-json' },
  { name: 'a torn final line', files: () => [text(lines) + L(0).slice(0, 50)], damage: 'truncated' },
];

describe('streaming verify agrees with the in-memory verify', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.damage ?? 'ok'}`, async (t) => {
      const dir = tempDir(t);
      const files = c.files().map((body, i, all) => {
        const f = join(dir, i === all.length - 1 ? 'audit.jsonl' : `audit.${i + 1}.jsonl`);
        writeFileSync(f, body);
        return f;
      });
      const streamed = await verifyChain((feed) => feedFiles(files, feed));
      assert.deepEqual(streamed, verifySegments(readSegments(files)));
      assert.equal(streamed.ok ? null : streamed.damage, c.damage);
    });
  }
  it('checks an anchor while streaming: lines removed from the end', async (t) => {
    const file = join(tempDir(t), 'audit.jsonl');
    writeFileSync(file, text(lines.slice(0, N - 5)));
    const anchor = sealer.tip ?? { seq: 0, hash: '' };
    const r = await verifyChain((feed) => feedFiles([file], feed), { anchor });
    assert.deepEqual(r, verifySegments(readSegments([file]), { anchor }));
    assert.equal(r.ok ? null : r.damage, 'removed');
  });
});

function warden(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'audit', ...args], {
    cwd: join(__dirname, '..', '..', '..'),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('warden audit streams the log', () => {
  it('show and export a log of thousands of events, filtered, with the verdict of the same reading', (t) => {
    const file = join(tempDir(t), 'audit.jsonl');
    writeFileSync(file, text(lines));
    const shown = warden('show', file, '--search', 'echo 123');
    const want = lines
      .filter((_, i) => String(i).startsWith('123') || String(i).includes('123'))
      .filter((l) => l.toLowerCase().includes('echo 123')).length;
    assert.equal(shown.code, 0);
    assert.match(shown.stdout, new RegExp(`\\n${want} of ${N} events\\n$`));
    assert.equal(shown.stderr, '');
    const exported = warden('export', file, '--format', 'jsonl');
    assert.equal(exported.stdout, text(lines));
    writeFileSync(file, text(lines.filter((_, i) => i !== 77)));
    const damaged = warden('export', file, '--format', 'jsonl');
    assert.match(damaged.stderr, /warning: the log does not verify: .*audit\.jsonl:78: removed/);
  });
});
