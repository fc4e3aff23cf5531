import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { anchorSealProblem, checkAgainstAnchor, makeAnchor, parseAnchor, type AuditAnchor } from '../../../src/core/audit/anchor';
import { lineHash } from '../../../src/core/audit/chain';
import { verifySegments } from '../../../src/core/audit/verify';
import { fileAnchorStore } from '../../../src/node/audit/anchorFile';
import { chainFiles, readSegments } from '../../../src/node/audit/files';
import { AuditLogBusyError, openJsonlAuditWriter } from '../../../src/node/audit/jsonlWriter';
import { steppingClock, tempDir, toolEvent } from './helpers';

/**
 * The anchor outside the log (truncation), its keyed seal (forgery) and the
 * lock (two writers): each against real files on disk, through the real
 * writer and verifier.
 */
const KEY = Buffer.alloc(32, 7);
const identity = (s: string): string => s;

async function writeLog(dir: string, n: number, key: Uint8Array | null = KEY): Promise<{ file: string; anchorPath: string }> {
  const file = join(dir, 'audit.jsonl');
  const anchorPath = `${file}.anchor`;
  const w = await openJsonlAuditWriter({
    file,
    redact: identity,
    clock: steppingClock(),
    anchor: { store: fileAnchorStore(anchorPath), key },
  });
  for (let i = 0; i < n; i++) await w.append(toolEvent({ input: { command: `echo ${i}` } }));
  await w.close();
  return { file, anchorPath };
}

async function verifyAnchored(file: string, anchorPath: string, key: Uint8Array | null) {
  const anchor = await fileAnchorStore(anchorPath).load();
  const verified = verifySegments(readSegments(chainFiles(file)), anchor ? { anchor: { seq: anchor.seq, hash: anchor.hash } } : {});
  return checkAgainstAnchor(verified, anchor, key);
}

function cutLines(file: string, n: number): void {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  writeFileSync(
    file,
    lines
      .slice(0, lines.length - n)
      .map((l) => `${l}\n`)
      .join(''),
  );
}

describe('the audit anchor, seal and lock', () => {
  it('keeps the anchor at the last line written, sealed with the key', async (t) => {
    const { file, anchorPath } = await writeLog(tempDir(t), 5);
    const anchor = parseAnchor(readFileSync(anchorPath, 'utf8')) as AuditAnchor;
    const last = readFileSync(file, 'utf8').split('\n').filter(Boolean).at(-1) ?? '';
    assert.equal(anchor.seq, 4);
    assert.equal(anchor.hash, lineHash(last));
    assert.equal(anchorSealProblem(anchor, KEY), null);
    assert.deepEqual(await verifyAnchored(file, anchorPath, KEY), { ok: true, note: 'sealed: the anchor at seq 4 holds under the key' });
  });

  for (const cut of [1, 2, 5, 9]) {
    it(`names how many lines are gone when ${cut} are cut from the end`, async (t) => {
      const { file, anchorPath } = await writeLog(tempDir(t), 10);
      cutLines(file, cut);
      const r = await verifyAnchored(file, anchorPath, KEY);
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.message, new RegExp(`^${cut} lines? (is|are) gone from the end`));
    });
  }

  it('refuses a log rewritten as a fresh, self-consistent chain with a fresh anchor, made without the key', async (t) => {
    const dir = tempDir(t);
    const { file, anchorPath } = await writeLog(dir, 6);
    // A forger who can write both files but lacks the key: a new chain and an unkeyed (or wrongly keyed) anchor.
    await writeLog(join(dir, 'forged'), 3, Buffer.alloc(32, 9));
    writeFileSync(file, readFileSync(join(dir, 'forged', 'audit.jsonl')));
    writeFileSync(anchorPath, readFileSync(join(dir, 'forged', 'audit.jsonl.anchor')));
    const r = await verifyAnchored(file, anchorPath, KEY);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /seal does not hold under the audit key/);
    writeFileSync(anchorPath, JSON.stringify({ ...(parseAnchor(readFileSync(anchorPath, 'utf8')) as AuditAnchor), mac: null }));
    const unsealed = await verifyAnchored(file, anchorPath, KEY);
    assert.match(unsealed.ok ? '' : unsealed.message, /carries no seal, but the log is sealed/);
  });

  it('refuses lines appended after the sealed anchor, and a missing anchor when a key is given', async (t) => {
    const dir = tempDir(t);
    const { file, anchorPath } = await writeLog(dir, 4);
    const saved = readFileSync(anchorPath, 'utf8');
    const w = await openJsonlAuditWriter({ file, redact: identity, clock: steppingClock() });
    await w.append(toolEvent({ input: { command: 'echo forged' } }));
    await w.close();
    writeFileSync(anchorPath, saved);
    const r = await verifyAnchored(file, anchorPath, KEY);
    assert.match(r.ok ? '' : r.message, /^1 line after seq 3 is not covered by the seal/);
    const missing = checkAgainstAnchor(verifySegments(readSegments(chainFiles(file))), null, KEY);
    assert.match(missing.ok ? '' : missing.message, /anchor is missing/);
  });

  it('writes a note into the chain when it reopens a log shorter than its anchor', async (t) => {
    const { file, anchorPath } = await writeLog(tempDir(t), 8);
    cutLines(file, 3);
    const w = await openJsonlAuditWriter({
      file,
      redact: identity,
      clock: steppingClock(),
      anchor: { store: fileAnchorStore(anchorPath), key: KEY },
    });
    await w.close();
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    assert.match(lines.at(-1) ?? '', /the log was 3 line\(s\) shorter than its anchor/);
    // The gap stays on the record; the chain itself verifies again from here on.
    assert.equal((await verifyAnchored(file, anchorPath, KEY)).ok, true);
  });

  it('lets two writers on one file take turns, continuing one chain', async (t) => {
    const file = join(tempDir(t), 'audit.jsonl');
    const a = await openJsonlAuditWriter({ file, redact: identity });
    const b = await openJsonlAuditWriter({ file, redact: identity });
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) writes.push((i % 3 === 0 ? b : a).append(toolEvent({ input: { command: `echo ${i}` } })));
    await Promise.all(writes);
    await a.append(toolEvent({ input: { command: 'last from a' } }));
    await b.append(toolEvent({ input: { command: 'last from b' } }));
    await Promise.all([a.close(), b.close()]);
    const r = verifySegments(readSegments(chainFiles(file)));
    assert.equal(r.ok, true, r.ok ? '' : r.message);
    assert.equal(r.count, 22);
  });

  it('refuses, naming the owner, when a live writer keeps the lock past the wait', async (t) => {
    const file = join(tempDir(t), 'audit.jsonl');
    writeFileSync(`${file}.lock`, `${process.pid}\n${(await import('node:os')).hostname()}\n`);
    await assert.rejects(
      openJsonlAuditWriter({ file, redact: identity, lockWaitMs: 200 }),
      (e: unknown) => e instanceof AuditLogBusyError && new RegExp(`locked by process ${process.pid} for more than 0.2 s`).test(e.message),
    );
  });

  it('takes over the lock of a writer that died', async (t) => {
    const file = join(tempDir(t), 'audit.jsonl');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(`${file}.lock`, `${dead}\n${(await import('node:os')).hostname()}\n`);
    const w = await openJsonlAuditWriter({ file, redact: identity });
    await w.append(toolEvent());
    await w.close();
    assert.equal(verifySegments(readSegments(chainFiles(file))).ok, true);
  });

  it('reads only valid anchors', () => {
    const reason = (text: string): string => {
      const r = parseAnchor(text);
      return typeof r === 'string' ? r : 'parsed';
    };
    assert.match(reason('{'), /not JSON/);
    assert.match(reason('{"v":1,"seq":-1}'), /not valid/);
    const a = makeAnchor({ seq: 3, hash: 'a'.repeat(64) }, null, new Date(0));
    assert.deepEqual(parseAnchor(JSON.stringify(a)), a);
  });
});

describe('a log met without an anchor', () => {
  it('is anchored as found when a writer opens it, so it verifies from then on', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'audit.jsonl');
    const plain = await openJsonlAuditWriter({ file, redact: identity, clock: steppingClock() });
    for (let i = 0; i < 3; i++) await plain.append(toolEvent());
    await plain.close();
    const store = fileAnchorStore(`${file}.anchor`);
    const w = await openJsonlAuditWriter({ file, redact: identity, clock: steppingClock(), anchor: { store, key: KEY } });
    await w.close();
    const anchor = await store.load();
    assert.equal(anchor?.seq, 2);
    assert.deepEqual(await verifyAnchored(file, `${file}.anchor`, KEY), {
      ok: true,
      note: 'sealed: the anchor at seq 2 holds under the key',
    });
  });
});
