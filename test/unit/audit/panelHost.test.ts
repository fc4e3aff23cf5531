import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ChainSealer } from '../../../src/core/audit/chain';
import type { AuditRecord } from '../../../src/core/audit/event';
import { EventList } from '../../../src/vscode/audit/eventList';
import { openJsonlAuditWriter } from '../../../src/node/audit/jsonlWriter';
import { auditLogAccess } from '../../../src/vscode/audit/logAccess';
import { hostMessageSchema, viewMessageSchema, type PanelFilter } from '../../../src/vscode/audit/messages';
import { auditPanelHtml } from '../../../src/vscode/audit/panelHtml';
import { exportFileName, toDetail, toRow } from '../../../src/vscode/audit/rows';
import { steppingClock, tempDir, toolEvent } from './helpers';

describe('audit panel: rows and details sent to the webview', () => {
  const s = new ChainSealer(null, (t) => t, steppingClock());
  const write = s.seal(
    toolEvent({
      tool: 'write_file',
      input: { path: 'src/a.ts', patch: '--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n' },
      decision: 'ask',
      reason: 'protected-path',
      rule: 'warden.paths.protected: .vscode/**',
      answer: 'approved-edited',
      edits: { patch: '+z\n' },
    }),
  );
  const hostile = s.seal(toolEvent({ input: { command: 'echo \u202egnp.exe\u001b[2J' } }));

  it('a row is short, display-safe and valid for the message schema', () => {
    const row = toRow(hostile);
    assert.equal(row.seq, 1);
    assert.ok(!row.summary.includes('\u202e') && !row.summary.includes('\u001b'));
    assert.ok(
      hostMessageSchema.safeParse({ type: 'page', version: 1, start: 0, total: 1, matched: 1, rows: [row], selectedAt: null, hostMs: 0.4 })
        .success,
    );
  });
  it('a detail carries the patch, the edited patch, the rule and what the reason code means', () => {
    const d = toDetail(write);
    assert.match(d.patch ?? '', /^-x$/m);
    assert.equal(d.editedPatch, '+z\n');
    assert.equal(d.rule, 'warden.paths.protected: .vscode/**');
    assert.match(d.reason ?? '', /^protected-path: The path is protected/);
    assert.equal((JSON.parse(d.record) as { seq: number }).seq, 0);
    assert.ok(hostMessageSchema.safeParse({ type: 'detail', detail: d }).success);
  });
  it('a detail of a command shows the command, with control characters escaped', () => {
    const d = toDetail(hostile);
    assert.equal(d.command, 'echo \\u{202e}gnp.exe\\u{1b}[2J');
    assert.ok(!d.record.includes('\u202e') && !d.record.includes('\u001b'));
  });
});

describe('audit panel: messages are validated on arrival', () => {
  const cases: { name: string; msg: unknown; ok: boolean }[] = [
    { name: 'ready', msg: { type: 'ready' }, ok: true },
    { name: 'select by seq', msg: { type: 'select', seq: 3 }, ok: true },
    { name: 'a view request', msg: { type: 'view', version: 2, filter: { text: 'npm' }, start: 100, count: 80, selected: null }, ok: true },
    {
      name: 'a view request for more rows than a page holds',
      msg: { type: 'view', version: 2, filter: {}, start: 0, count: 100_000, selected: null },
      ok: false,
    },
    { name: 'export with a filter', msg: { type: 'export', format: 'csv', filter: { decision: 'deny', text: 'sudo' } }, ok: true },
    { name: 'an unknown type', msg: { type: 'runCommand', command: 'rm -rf /' }, ok: false },
    { name: 'a negative seq', msg: { type: 'select', seq: -1 }, ok: false },
    { name: 'an export format it does not know', msg: { type: 'export', format: 'html', filter: {} }, ok: false },
    { name: 'a filter decision it does not know', msg: { type: 'export', format: 'csv', filter: { decision: 'maybe' } }, ok: false },
    { name: 'not an object', msg: 'ready', ok: false },
  ];
  for (const c of cases)
    it(`${c.ok ? 'accepts' : 'rejects'} ${c.name}`, () => assert.equal(viewMessageSchema.safeParse(c.msg).success, c.ok));
});

describe('audit panel: page and log access', () => {
  it('the page has a strict CSP: nothing by default, nonce scripts, no images or connections', () => {
    const html = auditPanelHtml({
      nonce: 'abc123',
      cspSource: 'vscode-resource:',
      script: 'vscode-resource:/audit.js',
      style: 'vscode-resource:/audit.css',
    });
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.match(csp, /img-src 'none'/);
    assert.match(csp, /connect-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    assert.equal((html.match(/<script /g) ?? []).length, 1);
    assert.match(html, /<script nonce="abc123" src="vscode-resource:\/audit.js">/);
  });

  it('reads, verifies and exports the log on disk', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'audit.jsonl');
    const access = auditLogAccess(file);
    assert.deepEqual(await access.verify(), { ok: true, text: 'No audit events yet.' });
    const w = await openJsonlAuditWriter({ file, redact: (x) => x, maxBytes: 900 });
    for (let i = 0; i < 4; i++) await w.append(toolEvent({ input: { command: `=echo ${i}` } }));
    await w.close();
    const records: AuditRecord[] = [];
    const skipped = await access.read((r) => records.push(r));
    assert.deepEqual([records.length, skipped], [4, 0]);
    assert.match((await access.verify()).text, /verified: 4 events in \d files/);
    access.write(join(dir, 'out.csv'), records, 'csv');
    assert.match(readFileSync(join(dir, 'out.csv'), 'utf8'), /"\{""command"":""=echo 0""\}"/);
    access.write(join(dir, 'out.jsonl'), records, 'jsonl');
    assert.equal(readFileSync(join(dir, 'out.jsonl'), 'utf8').split('\n').length, 5);
    const text = readFileSync(file, 'utf8');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, text.replace('=echo 3', '=echo 4'));
    assert.match((await access.verify()).text, /damaged at .*audit\.jsonl:\d+: edited/);
  });
});

describe('audit panel: the host keeps, filters and pages the events', () => {
  const sealer = new ChainSealer(null, (t) => t, steppingClock());
  const records = Array.from({ length: 3000 }, (_, i) =>
    sealer.seal(
      toolEvent({
        tool: i % 2 === 0 ? 'run_command' : 'write_file',
        input: i % 2 === 0 ? { command: `npm test -- case ${i}` } : { path: `src/f${i}.ts` },
        decision: (['allow', 'ask', 'deny'] as const)[i % 3],
      }),
    ),
  );
  const fresh = (): EventList => {
    const list = new EventList();
    for (const r of records) list.add(r);
    return list;
  };
  const seqs = (list: EventList, start: number, count: number): number[] => list.window(start, count).map((r) => r.seq);

  it('pages newest first, only the rows asked for', () => {
    const list = fresh();
    assert.deepEqual([list.total, list.matched], [3000, 3000]);
    assert.deepEqual(seqs(list, 0, 3), [2999, 2998, 2997]);
    assert.deepEqual(seqs(list, 2998, 10), [1, 0]);
    assert.deepEqual(list.tools(), ['run_command', 'write_file']);
  });
  const filters: Array<[string, PanelFilter, (i: number) => boolean]> = [
    ['a decision', { decision: 'deny' }, (i) => i % 3 === 2],
    ['a tool and a decision', { tool: 'run_command', decision: 'ask' }, (i) => i % 2 === 0 && i % 3 === 1],
    ['a search, case-insensitive', { text: 'CASE 12' }, (i) => i % 2 === 0 && String(i).startsWith('12')],
    ['a search typed further (refining the last matches)', { text: 'case 124' }, (i) => i % 2 === 0 && String(i).startsWith('124')],
  ];
  const list = fresh();
  for (const [name, filter, want] of filters) {
    it(`filters by ${name}, the same as the export`, () => {
      list.setFilter(filter);
      const expected = records
        .map((_, i) => i)
        .filter(want)
        .reverse();
      assert.deepEqual(seqs(list, 0, 5000), expected);
      assert.deepEqual(
        list
          .select(filter)
          .map((r) => r.event.seq)
          .reverse(),
        expected,
      );
    });
  }
  it('finds text typed further even where the shorter text first occurs elsewhere in the event', () => {
    const l = new EventList();
    const s2 = new ChainSealer(null, (t) => t, steppingClock());
    for (const command of ['zq-1 then zq-12', 'zq-1 only', 'zq-12 first']) l.add(s2.seal(toolEvent({ input: { command } })));
    const matched = (text: string): number[] => {
      l.setFilter({ text });
      return seqs(l, 0, 10);
    };
    assert.deepEqual(matched('zq-1'), [2, 1, 0]);
    assert.deepEqual(matched('zq-12'), [2, 0]);
    assert.deepEqual(matched('zq-12 f'), [2]);
    assert.deepEqual(matched('zq-1'), [2, 1, 0]);
    assert.deepEqual(matched('q-12'), [2, 0]);
  });
  it('knows where an event is in the filtered list, and when the filter hides it', () => {
    const l = fresh();
    l.setFilter({ decision: 'deny' });
    assert.equal(l.positionOf(2999), 0);
    assert.equal(l.positionOf(2), 999);
    assert.equal(l.positionOf(3), null);
  });
  it('adds live events on top, once, and parses the full record again on selection', () => {
    const l = fresh();
    l.setFilter({ tool: 'fetch_url' });
    const live = sealer.seal(toolEvent({ tool: 'fetch_url', input: { url: 'https://example.com' } }));
    assert.deepEqual(l.add(live), { added: true, matches: true });
    assert.deepEqual(l.add(live), { added: false, matches: false });
    assert.deepEqual([l.total, l.matched, seqs(l, 0, 5)], [3001, 1, [3000]]);
    assert.equal(l.record(3000)?.line, live.line);
  });
});

describe('audit panel: session rows and exports', () => {
  const sealer = new ChainSealer(null, (t) => t, steppingClock());
  const session = (note: string) =>
    sealer.seal(
      toolEvent({
        kind: 'session',
        tool: null,
        input: null,
        decision: null,
        reason: null,
        approver: null,
        answer: null,
        outcome: null,
        note,
      }),
    );
  const call = sealer.seal(
    toolEvent({
      tool: 'write_file',
      input: { path: 'a.txt' },
      answer: 'rejected',
      outcome: { status: 'rejected', feedback: 'use src/ instead' },
    }),
  );
  const drift = session('run_command call toolu_1: what would run changed after it was approved (argv); asked again');
  const records = [
    session('chat task started; sandbox: bubblewrap'),
    call,
    drift,
    session('chat task ended: done: finished'),
    session('warden run started (approve: ask)'),
    session('warden run ended: done: ok'),
  ];

  it('hides session start and end rows unless asked for, in the list and in an export; other session notes stay', () => {
    const l = new EventList();
    for (const r of records) l.add(r);
    assert.deepEqual([l.total, l.matched], [6, 2]);
    assert.deepEqual(
      l.select({}).map((r) => r.event.seq),
      [call.event.seq, drift.event.seq],
    );
    l.setFilter({ sessions: true });
    assert.equal(l.matched, 6);
    assert.equal(l.select({ sessions: true }).length, 6);
  });

  it('puts the reason the person typed for a reject in the record shown', () => {
    assert.equal(toDetail(call).feedback, 'use src/ instead');
    assert.equal(toDetail(records[0] as AuditRecord).feedback, null);
  });

  it('offers an export under a dated name (the panel places it in the home folder)', () => {
    assert.equal(exportFileName('csv', new Date('2026-12-01T22:00:00Z')), 'warden-audit-2026-12-01.csv');
  });
});
