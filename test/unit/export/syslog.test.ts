import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuditExporter, cursorFile } from '../../../src/node/audit/exporter';
import { openJsonlAuditWriter } from '../../../src/node/audit/jsonlWriter';
import { SyslogTarget } from '../../../src/node/audit/syslogTarget';
import { startRsyslog, type Rsyslog } from '../../fixtures/receivers/rsyslog';
import { audit, checkDelivery, event, localLines, tempDir, waitFor } from './helpers';

/** The syslog export against a real rsyslog (Debian's) on 127.0.0.1: RFC 5424 over TCP, octet-counted. */
describe('audit export to rsyslog', () => {
  let rs: Rsyslog;
  before(async () => {
    rs = await startRsyslog();
  });
  after(() => rs.dispose());

  const target = () =>
    new SyslogTarget({
      host: '127.0.0.1',
      port: rs.port,
      tls: false,
      origin: { hostname: 'dev-laptop', appName: 'warden', procId: '42' },
      settleMs: 300,
      connectTimeoutMs: 2000,
    });

  it('delivers every event once or more, in order; with rsyslog down the writer never waits and nothing is lost', async () => {
    const dir = tempDir('warden-export-syslog-');
    const file = join(dir, 'audit.jsonl');
    const writer = await openJsonlAuditWriter({
      file,
      redact: (t) => t,
      durability: 'write',
      stamp: { machine: 'dev-laptop', org: 'acme' },
    });
    const exporter = new AuditExporter({ file, targets: [target()], pollMs: 20, backoffBaseMs: 50, backoffMaxMs: 300 }).start();
    try {
      for (let i = 0; i < 100; i++) await writer.append(event(i));
      assert.ok(await exporter.drained(30_000), 'caught up while rsyslog runs');

      // The receiver goes away: appends go on, none waits for it.
      await rs.stop();
      await waitFor('the export to notice', () => (exporter.status()[0]?.failures ?? 0) > 0 || rs.lines().length >= 100);
      for (let i = 100; i < 400; i++) await writer.append(event(i));
      await waitFor('a failed attempt while the receiver is down', () => (exporter.status()[0]?.failures ?? 0) >= 2);
      const delivered = exporter.status()[0]?.delivered ?? -1;
      assert.ok(delivered < 399, `all 300 appends returned while at most seq ${delivered} was delivered`);

      await rs.start();
      assert.ok(await exporter.drained(30_000), 'caught up after rsyslog came back');
    } finally {
      await exporter.close();
      await writer.close();
    }
    const local = localLines(file);
    assert.equal(local.length, 400);
    const arrived = rs.lines();
    const d = checkDelivery(local, arrived);
    assert.deepEqual(d.missing, []);
    assert.equal(d.outOfOrder, 0);
    const v = await audit(['verify', '--exported', rs.output]);
    assert.equal(v.code, 0, v.out + v.err);
    assert.match(v.out, /^ok: 400 events, seq 0\.\.399; \d+ repeated line\(s\) skipped/);
    // Every event names its machine and organisation.
    assert.ok(local.every((l) => l.includes('"machine":"dev-laptop"') && l.includes('"org":"acme"')));
  });

  it('a restarted exporter resumes from its cursor beside the log', async () => {
    const dir = tempDir('warden-export-cursor-');
    const file = join(dir, 'audit.jsonl');
    const writer = await openJsonlAuditWriter({ file, redact: (t) => t, durability: 'write', stamp: { machine: 'm', org: null } });
    for (let i = 0; i < 20; i++) await writer.append(event(i));
    const before = rs.lines().length;
    let ex = new AuditExporter({ file, targets: [target()], pollMs: 20 }).start();
    assert.ok(await ex.drained(30_000));
    await ex.close();
    for (let i = 20; i < 30; i++) await writer.append(event(i));
    await writer.close();
    ex = new AuditExporter({ file, targets: [target()], pollMs: 20 }).start();
    assert.ok(await ex.drained(30_000));
    await ex.close();
    const mine = rs
      .lines()
      .slice(before)
      .filter((l) => l.includes('"machine":"m"'));
    assert.deepEqual(checkDelivery(localLines(file), mine).missing, []);
    assert.equal(mine.length, 30, 'the second run sent only what came after the cursor');
    assert.match(localLines(cursorFile(file, 'syslog'))[0] ?? '', /"seq":29/);
  });
});

describe('verify --exported names what is wrong with a delivered stream', () => {
  let lines: string[] = [];
  let dir: string;
  before(async () => {
    dir = tempDir('warden-exported-');
    const file = join(dir, 'audit.jsonl');
    const w = await openJsonlAuditWriter({ file, redact: (t) => t, durability: 'write', stamp: { machine: 'm', org: null } });
    for (let i = 0; i < 10; i++) await w.append(event(i));
    await w.close();
    lines = localLines(file);
  });
  const at = (...i: number[]) => i.map((n) => lines[n] ?? '');
  const rows: [string, () => string[], number, RegExp][] = [
    ['accepts the stream as sent', () => at(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 0, /^ok: 10 events, seq 0\.\.9; 0 repeated/],
    [
      'skips a stretch delivered twice after a retry',
      () => at(0, 1, 2, 3, 4, 2, 3, 4, 5, 6, 7, 8, 9),
      0,
      /^ok: 10 events, seq 0\.\.9; 3 repeated/,
    ],
    ['reports a gap as a sequence jump', () => at(0, 1, 2, 6, 7, 8, 9), 1, /removed|seq-gap/],
    [
      'reports a repeated seq whose line changed',
      () => [...at(0, 1, 2), (lines[2] ?? '').replace('echo 2', 'echo X'), ...at(3)],
      1,
      /inserted|edited|reordered/,
    ],
    ['reports lines out of order', () => at(0, 1, 3, 2, 4), 1, /reordered|removed|inserted/],
  ];
  for (const [name, make, code, out] of rows) {
    it(name, async () => {
      const f = join(dir, `${name.replace(/\W+/g, '-')}.jsonl`);
      writeFileSync(f, `${make().join('\n')}\n`);
      const r = await audit(['verify', '--exported', f]);
      assert.equal(r.code, code, r.out + r.err);
      assert.match(r.out, out);
    });
  }
});
