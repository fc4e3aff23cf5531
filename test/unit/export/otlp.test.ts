import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultSettings } from '../../../src/core/policy/settings';
import { exportTargets } from '../../../src/node/audit/auditExport';
import { AuditExporter } from '../../../src/node/audit/exporter';
import { openJsonlAuditWriter } from '../../../src/node/audit/jsonlWriter';
import { startOtlpReceiver, type OtlpReceiver } from '../../fixtures/receivers/otlpHttp';
import { audit, checkDelivery, event, localLines, tempDir, waitFor } from './helpers';

/** The OTLP export (`@opentelemetry/sdk-logs` + the OTLP/HTTP exporter) against a receiver that decodes OTLP JSON. */
describe('audit export as OTLP log records', () => {
  let rx: OtlpReceiver;
  before(async () => {
    rx = await startOtlpReceiver();
  });
  after(() => rx.close());

  it('delivers every event once or more, in order, with seq, prev and hash; a collector that is down loses nothing and holds up no append', async () => {
    const dir = tempDir('warden-export-otlp-');
    const file = join(dir, 'audit.jsonl');
    const settings = {
      ...defaultSettings(),
      'warden.audit.export.otlp.endpoint': rx.url,
      'warden.audit.export.otlp.headers': { Authorization: 'Bearer ${secret:OTLP_TOKEN}', 'X-Team': 'platform' },
      'warden.managed.organizationId': 'acme',
    };
    const { targets, problems } = await exportTargets(settings, {
      env: {},
      secret: (n) => Promise.resolve(n === 'OTLP_TOKEN' ? 'tok-123' : undefined),
      version: '0.1.0',
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(
      targets.map((t) => t.name),
      ['otlp'],
    );
    const writer = await openJsonlAuditWriter({
      file,
      redact: (t) => t,
      durability: 'write',
      stamp: { machine: 'dev-laptop', org: 'acme' },
    });
    const exporter = new AuditExporter({ file, targets, pollMs: 20, backoffBaseMs: 50, backoffMaxMs: 300 }).start();
    try {
      for (let i = 0; i < 50; i++) await writer.append(event(i));
      assert.ok(await exporter.drained(30_000));
      rx.down = true;
      for (let i = 50; i < 250; i++) await writer.append(event(i));
      await waitFor('a refused attempt', () => (exporter.status()[0]?.failures ?? 0) >= 1);
      assert.ok((exporter.status()[0]?.delivered ?? 0) < 249, 'the 200 appends returned before the collector had them');
      rx.down = false;
      assert.ok(await exporter.drained(30_000));
    } finally {
      await exporter.close();
      await writer.close();
    }
    assert.deepEqual(rx.rejected, []);
    const local = localLines(file);
    const arrived = rx.records.map((r) => r.record.body?.stringValue ?? '');
    const d = checkDelivery(local, arrived);
    assert.deepEqual(d.missing, []);
    assert.equal(d.outOfOrder, 0);
    for (const r of rx.records) {
      const e = JSON.parse(r.record.body?.stringValue ?? '{}') as { seq: number; prev: string; hash: string };
      assert.equal(r.attributes['warden.seq'], e.seq);
      assert.equal(r.attributes['warden.prev'], e.prev);
      assert.equal(r.attributes['warden.hash'], e.hash);
      assert.equal(r.attributes['host.name'], 'dev-laptop');
      assert.equal(r.attributes['warden.organization_id'], 'acme');
      assert.equal(r.resource['service.name'], 'warden');
      assert.equal(r.resource['warden.organization_id'], 'acme');
      assert.equal(r.scope, 'warden.audit');
      assert.ok(/^\d+$/.test(String(r.record.timeUnixNano)));
    }
    assert.ok(
      rx.records.some((r) => r.record.severityText === 'WARN'),
      'denied calls are warnings',
    );
    assert.ok(rx.headers.every((h) => h.authorization === 'Bearer tok-123' && h['x-team'] === 'platform'));
    // What landed, written out as JSON Lines, verifies as a chain.
    const landed = join(dir, 'landed.jsonl');
    writeFileSync(landed, `${arrived.join('\n')}\n`);
    const v = await audit(['verify', '--exported', landed]);
    assert.equal(v.code, 0, v.out + v.err);
    assert.match(v.out, /^ok: 250 events, seq 0\.\.249/);
  });

  it('does not start when a header names a secret that is not set, and says so', async () => {
    const settings = {
      ...defaultSettings(),
      'warden.audit.export.otlp.endpoint': rx.url,
      'warden.audit.export.otlp.headers': { Authorization: 'Bearer ${secret:MISSING}' },
    };
    const { targets, problems } = await exportTargets(settings, { env: {}, secret: () => Promise.resolve(undefined) });
    assert.deepEqual(targets, []);
    assert.match(problems[0] ?? '', /header Authorization: the secret MISSING is not set/);
  });

  it('takes the endpoint from OTEL_EXPORTER_OTLP_ENDPOINT when the setting is empty', async () => {
    const { targets } = await exportTargets(defaultSettings(), {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' },
      secret: () => Promise.resolve(undefined),
    });
    assert.deepEqual(
      targets.map((t) => [t.name, t.where]),
      [['otlp', 'the OTEL_EXPORTER_OTLP_* endpoint']],
    );
    const none = await exportTargets(defaultSettings(), { env: {}, secret: () => Promise.resolve(undefined) });
    assert.deepEqual(none.targets, []);
  });
});
