import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeWithOfficialDefinitions, exportLogsServiceRequestSchema } from '../../fixtures/receivers/otlpHttp';

/** The test receiver reads requests with the official opentelemetry-proto definitions, not only a schema of its own. */
describe('the OTLP test receiver', () => {
  const request = exportLogsServiceRequestSchema.parse({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'warden' } }] },
        scopeLogs: [
          {
            scope: { name: 'warden.audit' },
            logRecords: [
              {
                timeUnixNano: '1764630000000000000',
                severityNumber: 9,
                body: { stringValue: '{"seq":7,"kind":"tool_call"}' },
                attributes: [
                  { key: 'warden.seq', value: { intValue: '7' } },
                  { key: 'warden.hash', value: { stringValue: 'ab'.repeat(32) } },
                ],
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: 'b7ad6b7169203331',
              },
            ],
          },
        ],
      },
    ],
  });

  it('a request decodes through protobuf to the same records, 64-bit values and ids intact', () => {
    const d = decodeWithOfficialDefinitions(request);
    const r = d.resourceLogs[0]?.scopeLogs?.[0]?.logRecords?.[0];
    assert.equal(d.resourceLogs[0]?.resource?.attributes?.[0]?.value?.stringValue, 'warden');
    assert.equal(d.resourceLogs[0]?.scopeLogs?.[0]?.scope?.name, 'warden.audit');
    assert.equal(r?.timeUnixNano, '1764630000000000000');
    assert.equal(r?.severityNumber, 9);
    assert.equal(r?.body?.stringValue, '{"seq":7,"kind":"tool_call"}');
    assert.deepEqual(
      r?.attributes?.map((a) => [a.key, a.value?.intValue ?? a.value?.stringValue]),
      [
        ['warden.seq', '7'],
        ['warden.hash', 'ab'.repeat(32)],
      ],
    );
    assert.equal(Buffer.from(String(r?.traceId), 'base64').toString('hex'), '0af7651916cd43dd8448eb211c80319c');
  });

  it('a field the official definitions do not hold does not reach the tests', () => {
    const extra = structuredClone(request) as unknown as { resourceLogs: { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[] };
    const rec = extra.resourceLogs[0]?.scopeLogs[0]?.logRecords[0];
    if (rec) rec.auditHash = 'not an OTLP field';
    const d = decodeWithOfficialDefinitions(extra) as unknown as typeof extra;
    const out = d.resourceLogs[0]?.scopeLogs[0]?.logRecords[0] ?? {};
    assert.equal('auditHash' in out, false);
    assert.equal((out.body as { stringValue?: string } | undefined)?.stringValue, '{"seq":7,"kind":"tool_call"}');
  });
});
