import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { handleToolCall } from '../../../src/core/agent/pipeline';
import type { WindowRead } from '../../../src/core/tools/ports';
import { open } from 'node:fs/promises';
import { ScanBuffers, readLineWindow, strictUtf8 } from '../../../src/node/fs/lineWindow';
import { createWorkspaceFs } from '../../../src/node/workspaceFs';
import { harness, makeWorkspace } from '../agent/harness';

const fatal = new TextDecoder('utf-8', { fatal: true });
function reference(bytes: Uint8Array): string | null {
  try {
    return fatal.decode(bytes);
  } catch {
    return null;
  }
}

describe('strictUtf8 decodes exactly as a fatal TextDecoder', () => {
  const cases: Array<[string, number[]]> = [
    ['ASCII', [0x61, 0x62, 0x0a]],
    ['a byte order mark, dropped', [0xef, 0xbb, 0xbf, 0x61]],
    ['a byte order mark alone', [0xef, 0xbb, 0xbf]],
    ['a byte order mark after text, kept', [0x61, 0xef, 0xbb, 0xbf]],
    ['two-, three- and four-byte characters', [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]],
    ['nothing', []],
    ['an overlong slash', [0xc0, 0xaf]],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a five-byte lead', [0xf8, 0x88, 0x80, 0x80, 0x80]],
    ['a lone continuation byte', [0x61, 0x80]],
    ['a sequence cut short', [0x61, 0xe2, 0x82]],
    ['Latin-1 é', [0x63, 0x61, 0x66, 0xe9, 0x0a]],
    ['0xFF', [0xff]],
  ];
  for (const [name, bytes] of cases) {
    it(`on ${name}`, () => {
      const b = Uint8Array.from(bytes);
      assert.equal(strictUtf8(b), reference(b));
      // A view into a larger buffer decodes only its own bytes.
      const padded = Uint8Array.from([0xff, ...bytes, 0xff]);
      assert.equal(strictUtf8(padded.subarray(1, 1 + bytes.length)), reference(b));
    });
  }
});

/** The window as read from the whole file in memory: what readLines must return, however it reads. */
function expected(file: Buffer, from: number, to: number, maxBytes: number, margin: number): WindowRead {
  const starts = [0];
  for (let i = file.indexOf(0x0a); i >= 0; i = file.indexOf(0x0a, i + 1)) starts.push(i + 1);
  const lines = starts.length - 1 + (file.length > 0 && file[file.length - 1] !== 0x0a ? 1 : 0);
  const lineStart = (n: number): number => (n < starts.length ? (starts[n] ?? file.length) : file.length);
  const start = lineStart(from);
  const end = lineStart(to);
  const back = (at: number, floor: number): number => {
    let i = at;
    while (i > floor && i < file.length && ((file[i] ?? 0) & 0xc0) === 0x80) i--;
    return i;
  };
  const lo = Math.max(0, start - margin);
  const stop = back(Math.min(end, start + maxBytes), start);
  const hi = Math.min(file.length, Math.min(end, start + maxBytes) + margin);
  let bs = lo;
  while (bs < start && ((file[bs] ?? 0) & 0xc0) === 0x80) bs++;
  const lossy = new TextDecoder('utf-8');
  return {
    kind: 'text',
    size: file.length,
    lines,
    first: Math.min(from, lines),
    text: reference(file.subarray(start, stop)) ?? '<invalid>',
    cut: stop < end,
    before: lossy.decode(file.subarray(bs, start)),
    // The margin after is decoded as far as it goes (a character cut at its far end shows as U+FFFD).
    after: lossy.decode(file.subarray(stop, hi)),
  };
}

/** Chunks this small make the tests' files cross many of them (the port reads files up to 16 MiB in one call). */
const CHUNK = 64 * 1024;
const SCAN_CHUNK_BYTES = CHUNK;
/** readLines as the port does it, scanning in CHUNK-byte chunks. */
async function readChunked(
  file: string,
  w: Parameters<typeof readLineWindow>[2],
  buffers = new ScanBuffers(CHUNK, CHUNK),
): Promise<WindowRead> {
  const handle = await open(file, 'r');
  try {
    return await readLineWindow(handle, (await handle.stat()).size, w, buffers);
  } finally {
    await handle.close();
  }
}

describe('readLines over chunk boundaries', () => {
  // Lines of mixed length and multi-byte text, so that chunk edges fall inside lines and characters.
  const rows: string[] = [];
  for (let i = 0; rows.join('\n').length < 5.6 * SCAN_CHUNK_BYTES; i++)
    rows.push(`${i} ${'ä€'.repeat(i % 97)}${'x'.repeat((i * 37) % 700)}`);
  const content = Buffer.from(rows.join('\n') + '\n');
  const root = makeWorkspace();
  writeFileSync(join(root, 'mixed.txt'), content);
  const lineAt = (byte: number): number => content.subarray(0, byte).filter((b) => b === 0x0a).length;
  const boundary = lineAt(SCAN_CHUNK_BYTES);
  const windows: Array<[string, number, number, number, number]> = [
    ['the first lines', 0, 50, 320_000, 8192],
    ['a window starting just after the first chunk ends (its margin in the chunk before)', boundary + 1, boundary + 40, 320_000, 8192],
    ['a window starting just before a chunk ends', boundary, boundary + 5, 320_000, 8192],
    ['a window across the second chunk edge', lineAt(2 * SCAN_CHUNK_BYTES) - 3, lineAt(2 * SCAN_CHUNK_BYTES) + 3, 320_000, 8192],
    ['a window cut by its byte budget inside a character', 10, 2000, 10_001, 8192],
    ['a window larger than a chunk', 5, rows.length, 1.5 * SCAN_CHUNK_BYTES, 8192],
    ['a margin larger than a chunk', boundary + 1, boundary + 30, 320_000, 2 * SCAN_CHUNK_BYTES],
    ['the last line', rows.length - 1, rows.length + 10, 320_000, 8192],
    ['an offset past the end', rows.length + 5, rows.length + 10, 320_000, 8192],
    ['no margin', boundary + 1, boundary + 2, 320_000, 0],
  ];
  for (const [name, from, to, maxBytes, marginBytes] of windows) {
    it(`returns ${name} as the whole file shows it, read in chunks or in one call`, async () => {
      const want = expected(content, from, to, maxBytes, marginBytes);
      const buffers = new ScanBuffers(CHUNK, CHUNK);
      assert.deepEqual(await readChunked(join(root, 'mixed.txt'), { from, to, maxBytes, marginBytes }, buffers), want);
      // Again through the reused scan buffer: the same.
      assert.deepEqual(await readChunked(join(root, 'mixed.txt'), { from, to, maxBytes, marginBytes }, buffers), want);
      const fs = createWorkspaceFs();
      assert.deepEqual(await fs.readLines(join(root, 'mixed.txt'), { from, to, maxBytes, marginBytes }), want);
      assert.deepEqual(await fs.readLines(join(root, 'mixed.txt'), { from, to, maxBytes, marginBytes }), want);
    });
  }
  it('reads overlapping windows of two files at once, each its own', async () => {
    const other = Buffer.from('first\nsecond\nthird\n');
    writeFileSync(join(root, 'small.txt'), other);
    const fs = createWorkspaceFs();
    const buffers = new ScanBuffers(CHUNK, CHUNK);
    const reads = await Promise.all([
      readChunked(join(root, 'mixed.txt'), { from: boundary + 1, to: boundary + 9, maxBytes: 320_000, marginBytes: 8192 }, buffers),
      fs.readLines(join(root, 'small.txt'), { from: 1, to: 2, maxBytes: 320_000, marginBytes: 8192 }),
      readChunked(join(root, 'mixed.txt'), { from: 3, to: 9, maxBytes: 320_000, marginBytes: 8192 }, buffers),
      fs.readLines(join(root, 'mixed.txt'), { from: 7, to: 11, maxBytes: 320_000, marginBytes: 8192 }),
    ]);
    assert.deepEqual(reads, [
      expected(content, boundary + 1, boundary + 9, 320_000, 8192),
      expected(other, 1, 2, 320_000, 8192),
      expected(content, 3, 9, 320_000, 8192),
      expected(content, 7, 11, 320_000, 8192),
    ]);
  });
  it('calls a file binary for a NUL byte in its first 8000 bytes only', async () => {
    const head = Buffer.concat([Buffer.from('a\n'), Buffer.alloc(1), Buffer.from('\nb\n')]);
    const late = Buffer.concat([Buffer.from('a\n'.repeat(5000)), Buffer.alloc(1), Buffer.from('\n')]);
    writeFileSync(join(root, 'head.bin'), head);
    writeFileSync(join(root, 'late.txt'), late);
    const fs = createWorkspaceFs();
    const w = { from: 0, to: 3, maxBytes: 320_000, marginBytes: 8192 };
    assert.deepEqual(await fs.readLines(join(root, 'head.bin'), w), { kind: 'binary', size: head.length });
    assert.equal((await fs.readLines(join(root, 'late.txt'), w)).kind, 'text');
  });
});

describe('read_file across a chunk boundary', () => {
  const secret = 'sk-live-0123456789abcdefSECRET';
  it('shows no part of a secret that begins above a window starting just after a chunk ends', async () => {
    // The secret spans two lines; the window starts on its second line, a few bytes into the second chunk, so
    // the scan finds where the window starts only after the chunk holding most of the margin before it is gone.
    const filler = `${'f'.repeat(99)}\n`.repeat(Math.floor(SCAN_CHUNK_BYTES / 100));
    const pad = 'p'.repeat(SCAN_CHUNK_BYTES - filler.length - 'key='.length);
    const content = `${filler}${pad}key=${secret.slice(0, 10)}\n${secret.slice(10)} tail\nafter\n`;
    const lineOfSecretEnd = content.slice(0, content.indexOf(secret.slice(10))).split('\n').length - 1;
    assert.equal(Buffer.byteLength(content.slice(0, content.indexOf(secret.slice(10)))), SCAN_CHUNK_BYTES + 11);
    const root = makeWorkspace({ 'big.txt': content });
    const h = await harness({
      root,
      secrets: { KEY: `${secret.slice(0, 10)}\n${secret.slice(10)}` },
      tools: { fs: createWorkspaceFs(undefined, new ScanBuffers(CHUNK, CHUNK)) },
    });
    const r = await handleToolCall(
      { id: 'toolu_1', name: 'read_file', input: { path: 'big.txt', offset: lineOfSecretEnd, limit: 2 }, inputError: null },
      h,
      new AbortController().signal,
    );
    assert.equal(r.isError, false, r.content);
    assert.doesNotMatch(r.content, /sk-live|0123456789|abcdef|SECRET/);
    assert.match(r.content, /after/);
  });
});
