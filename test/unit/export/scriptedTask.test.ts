import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeAnthropic } from '../../fixtures/fake-anthropic/server';
import type { FakeScript } from '../../fixtures/fake-anthropic/script';
import { startOtlpReceiver, type OtlpReceiver } from '../../fixtures/receivers/otlpHttp';
import { startRsyslog, type Rsyslog } from '../../fixtures/receivers/rsyslog';
import { makeWorkspace } from '../agent/harness';
import { runWarden } from '../cli-run/helpers';
import { audit, checkDelivery, localLines, tempDir } from './helpers';

const text = (t: string) => ({ type: 'text' as const, text: t });
const use = (name: string, input: unknown) => ({ type: 'tool_use' as const, name, input });

/** A scripted task through the real CLI, the real agent loop and the fake model; its audit record delivered to rsyslog and to an OTLP receiver. */
describe('a scripted task exported to rsyslog and an OTLP receiver', () => {
  let rs: Rsyslog;
  let rx: OtlpReceiver;
  before(async () => {
    rs = await startRsyslog();
    rx = await startOtlpReceiver();
  });
  after(async () => {
    await rs.dispose();
    await rx.close();
  });

  it('every event of the task arrives at both, once or more, in order, and each landed stream verifies', async () => {
    const root = makeWorkspace({ 'greet.txt': 'hello world\n' });
    const dir = tempDir('warden-export-task-');
    const file = join(dir, 'audit.jsonl');
    const user = join(dir, 'user.json');
    writeFileSync(
      user,
      JSON.stringify({
        'warden.audit.export.syslog.address': `127.0.0.1:${rs.port}`,
        'warden.audit.export.otlp.endpoint': rx.url,
        'warden.audit.export.otlp.headers': { Authorization: 'Bearer ${secret:OTLP_TOKEN}' },
      }),
    );
    const script: FakeScript = {
      turns: [
        { content: [text('Reading.'), use('read_file', { path: 'greet.txt' })] },
        { content: [use('run_command', { command: 'ls' })] },
        { content: [use('read_file', { path: '.env' })] },
        { content: [use('write_file', { path: 'out.txt', content: 'x' })] },
        { content: [text('Done.')] },
      ],
    };
    const fake = await startFakeAnthropic(script);
    let r;
    try {
      r = await runWarden(['run', '--workspace', root, '--settings', user, '--audit', file, '--approve', 'deny', 'Look around.'], {
        env: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-test-0123456789', OTLP_TOKEN: 'tok-9' },
      });
    } finally {
      await fake.close();
    }
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /not delivered yet/);
    const local = localLines(file);
    assert.ok(local.filter((l) => l.includes('"kind":"tool_call"')).length >= 4, 'the task made its tool calls');
    for (const [name, arrived, landed] of [
      ['syslog', rs.lines(), rs.output],
      ['otlp', rx.records.map((x) => x.record.body?.stringValue ?? ''), join(dir, 'otlp-landed.jsonl')],
    ] as const) {
      const d = checkDelivery(local, arrived);
      assert.deepEqual(d.missing, [], name);
      assert.equal(d.outOfOrder, 0, name);
      if (name === 'otlp') writeFileSync(landed, `${arrived.join('\n')}\n`);
      const v = await audit(['verify', '--exported', landed]);
      assert.equal(v.code, 0, `${name}: ${v.out}${v.err}`);
      assert.match(v.out, new RegExp(`^ok: ${local.length} events`), name);
    }
    assert.deepEqual(rx.rejected, []);
    assert.ok(rx.headers.every((h) => h.authorization === 'Bearer tok-9'));
    assert.doesNotMatch(rs.lines().join('\n'), /sk-ant-test-0123456789|tok-9/);
  });
});
