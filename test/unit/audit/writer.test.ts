import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AuditEvent } from '../../../src/core/audit/event';
import { verifySegments } from '../../../src/core/audit/verify';
import { createRedactor } from '../../../src/core/secrets/createRedactor';
import { chainFiles, readSegments } from '../../../src/node/audit/files';
import { openJsonlAuditWriter, type JsonlAuditWriterOptions } from '../../../src/node/audit/jsonlWriter';
import { steppingClock, tempDir, toolEvent } from './helpers';

const identity = (s: string): string => s;

function verifyFile(file: string): ReturnType<typeof verifySegments> {
  return verifySegments(readSegments(chainFiles(file)));
}

function events(file: string): AuditEvent[] {
  return chainFiles(file).flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as AuditEvent),
  );
}

async function withWriter(options: JsonlAuditWriterOptions, n: number): Promise<void> {
  const w = await openJsonlAuditWriter(options);
  for (let i = 0; i < n; i++) await w.append(toolEvent({ input: { command: `echo ${i}` } }));
  await w.close();
}

describe('JSONL audit writer', () => {
  it('appends one verifying line per event and hands back what it wrote', async (t) => {
    const file = join(tempDir(t), 'audit', 'audit.jsonl');
    const w = await openJsonlAuditWriter({ file, redact: identity, clock: steppingClock() });
    const rec = await w.appendRecord(toolEvent());
    await w.append(toolEvent({ tool: 'read_file', input: { path: 'README.md' } }));
    await w.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    assert.deepEqual(lines.length, 3);
    assert.equal(lines[0], rec.line);
    assert.equal(rec.event.seq, 0);
    assert.deepEqual(verifyFile(file).ok, true);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('serialises concurrent appends into one ordered chain of whole lines', async (t) => {
    const file = join(tempDir(t), 'audit.jsonl');
    const w = await openJsonlAuditWriter({ file, redact: identity });
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => w.append(toolEvent({ input: { command: `echo ${i}`, pad: 'p'.repeat(i * 7) } }))),
    );
    await w.close();
    const r = verifyFile(file);
    assert.deepEqual(r.ok && r.count, 300);
    assert.deepEqual(
      events(file).map((e) => (e.input as { command: string }).command),
      Array.from({ length: 300 }, (_, i) => `echo ${i}`),
    );
  });

  it('a reopened writer continues the chain where the file ends', async (t) => {
    const file = join(tempDir(t), 'audit.jsonl');
    await withWriter({ file, redact: identity }, 3);
    await withWriter({ file, redact: identity }, 2);
    const r = verifyFile(file);
    assert.deepEqual(r.ok && r.count, 5);
    assert.deepEqual(
      events(file).map((e) => e.seq),
      [0, 1, 2, 3, 4],
    );
  });

  it('cuts off a torn final line on open, notes it, and the log verifies again', async (t) => {
    const file = join(tempDir(t), 'audit.jsonl');
    await withWriter({ file, redact: identity }, 3);
    appendFileSync(file, '{"actor":{"model":"m","us');
    const torn = verifyFile(file);
    assert.equal(!torn.ok && torn.damage, 'truncated');
    await withWriter({ file, redact: identity }, 1);
    const r = verifyFile(file);
    assert.deepEqual(r.ok && r.count, 5);
    const note = events(file)[3];
    assert.equal(note?.kind, 'audit');
    assert.match(note?.note ?? '', /torn final line \(25 bytes/);
    assert.deepEqual((note?.input as { tornLine: { bytes: number } }).tornLine.bytes, 25);
  });

  it('rotates by size into audit.N.jsonl and the chain verifies across the files', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'audit.jsonl');
    await withWriter({ file, redact: identity, maxBytes: 2000 }, 12);
    await withWriter({ file, redact: identity, maxBytes: 2000 }, 12);
    const files = readdirSync(dir).sort();
    assert.ok(files.length > 3, files.join(' '));
    assert.ok(files.every((f) => /^audit(\.[1-9][0-9]*)?\.jsonl$/.test(f)));
    for (const f of files) assert.ok(statSync(join(dir, f)).size <= 2000, `${f} is over the limit`);
    const r = verifyFile(file);
    assert.deepEqual(r.ok && r.count, 24);
    assert.deepEqual(
      events(file).map((e) => e.seq),
      Array.from({ length: 24 }, (_, i) => i),
    );
  });

  it('continues from the newest rotated file when the live file is missing', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'audit.jsonl');
    await withWriter({ file, redact: identity, maxBytes: 1500 }, 6);
    const { renameSync } = await import('node:fs');
    renameSync(file, join(dir, `audit.${chainFiles(file).length}.jsonl`));
    await withWriter({ file, redact: identity, maxBytes: 1500 }, 2);
    const r = verifyFile(file);
    assert.deepEqual(r.ok && r.count, 8);
  });

  it('refuses to continue a log whose last line is damaged', async (t) => {
    const file = join(tempDir(t), 'audit.jsonl');
    await withWriter({ file, redact: identity }, 2);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('echo 1', 'echo 9'));
    await assert.rejects(openJsonlAuditWriter({ file, redact: identity }), /last line is not a valid audit event/);
  });

  it('rejects an invalid event, naming the field, and writes nothing', async (t) => {
    const file = join(tempDir(t), 'audit.jsonl');
    const w = await openJsonlAuditWriter({ file, redact: identity });
    await assert.rejects(w.append({ ...toolEvent(), sessionId: '' }), /sessionId/);
    await w.append(toolEvent());
    await w.close();
    assert.deepEqual(
      events(file).map((e) => e.seq),
      [0],
    );
  });
});

describe('redaction in the audit log', () => {
  const secret = 'sk-live-"Q9\\zX7\u2028pw';
  const redact = (s: string): string => s.split(secret).join('[REDACTED]');

  it('a secret never reaches the file, raw or JSON-escaped, wherever it appears', async (t) => {
    const file = join(tempDir(t), 'audit.jsonl');
    const w = await openJsonlAuditWriter({ file, redact });
    await w.append(
      toolEvent({
        input: { command: `curl -H "Authorization: ${secret}" x`, [secret]: 'as a key', big: `${secret}${'y'.repeat(9000)}` },
        edits: { command: `echo ${secret}` },
        outcome: { status: 'error', error: `bad token ${secret}` },
        note: secret,
      }),
    );
    await w.close();
    const text = readFileSync(file, 'utf8');
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), 'Q9\\\\zX7']) assert.ok(!text.includes(form), `found ${form}`);
    assert.ok(text.includes('[REDACTED]'));
    assert.equal(verifyFile(file).ok, true);
  });

  it('the serialised line is redacted too, and content is withheld if that breaks it', async (t) => {
    const file = join(tempDir(t), 'audit.jsonl');
    // A redactor that only knows the line-level form: it mangles the JSON around the secret.
    const w = await openJsonlAuditWriter({ file, redact: (s) => s.replace(/"command":"[^"]*TOPSECRET[^"]*"/g, '"command":[REDACTED]') });
    await w.append(toolEvent({ input: { command: 'echo TOPSECRET' } }));
    await w.close();
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes('TOPSECRET'));
    const [e] = events(file);
    assert.equal(e?.input, null);
    assert.match(e?.note ?? '', /withheld/);
    assert.equal(verifyFile(file).ok, true);
  });
});

describe('redaction with the real redactor (createRedactor)', () => {
  const secret = 'ghp_R3alT0kenValue0123456789abcdefXYZ';
  const redactor = createRedactor([secret]);
  const redact = (s: string): string => redactor.redact(s);

  it('neither the value nor its base64, hex or URL-encoded forms reach the file', async (t) => {
    const file = join(tempDir(t), 'audit.jsonl');
    const w = await openJsonlAuditWriter({ file, redact });
    const b64 = Buffer.from(secret).toString('base64');
    const hex = Buffer.from(secret).toString('hex');
    await w.append(
      toolEvent({
        input: { command: `curl -H "Authorization: token ${secret}" https://api.github.com` },
        outcome: { status: 'ok', error: `echoed ${b64} and ${hex}` },
        note: encodeURIComponent(`x ${secret}`),
      }),
    );
    await w.append(toolEvent({ input: { content: `${'line\n'.repeat(2000)}${secret}` } }));
    await w.close();
    const text = readFileSync(file, 'utf8');
    for (const form of [secret, b64, hex]) assert.ok(!text.includes(form), `found ${form}`);
    assert.ok(text.includes('[REDACTED]'));
    assert.equal(verifyFile(file).ok, true);
  });
});
