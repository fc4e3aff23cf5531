import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createAnthropicClient } from '../../../src/node/anthropic/anthropicClient';
import type { ModelStreamEvent } from '../../../src/core/agent/model';
import { loadScript, parseScript } from '../../fixtures/fake-anthropic/script';

const repo = join(__dirname, '..', '..', '..');

describe('the fake Anthropic server as a standalone process', () => {
  it('plays a JSON script to the real SDK and records requests to a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-anthropic-'));
    const script = join(dir, 'script.json');
    const record = join(dir, 'requests.json');
    writeFileSync(script, JSON.stringify({ turns: [{ content: [{ type: 'text', text: 'hello from the script' }, { type: 'tool_use', id: 'toolu_x', name: 'list_files', input: {} }] }] }));
    const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'test/fixtures/fake-anthropic/cli.ts'), '--script', script, '--port', '0', '--record', record], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const client = createAnthropicClient({ apiKey: 'k', baseUrl: url, keyHint: 'cli' });
      const events: ModelStreamEvent[] = [];
      const turn = await client.stream({ system: 'sys', tools: [], messages: [{ role: 'user', content: 'hi' }], maxTokens: 50 }, (e) => events.push(e));
      assert.equal(turn.stopReason, 'tool_use');
      assert.deepEqual(turn.content, [{ type: 'text', text: 'hello from the script' }, { type: 'tool_use', id: 'toolu_x', name: 'list_files', input: {} }]);
      assert.equal(events.filter((e) => e.type === 'text_delta').map((e) => (e.type === 'text_delta' ? e.text : '')).join(''), 'hello from the script');
      assert.deepEqual(turn.usage, { inputTokens: 100, outputTokens: 20, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });
      const recorded = JSON.parse(readFileSync(record, 'utf8')) as Array<{ url: string; body: { messages: unknown[] } }>;
      assert.equal(recorded[0]?.url, '/v1/messages');
      assert.deepEqual(recorded[0]?.body.messages, [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }]);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('ships example scripts that all parse', () => {
    const dir = join(repo, 'test/fixtures/fake-anthropic/scripts');
    const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    for (const shipped of ['hijacked.json', 'read-edit-run.json']) assert.ok(names.includes(shipped), `${shipped} is missing`);
    for (const n of names) assert.ok(loadScript(join(dir, n)).turns.length > 0, n);
  });

  it('rejects an invalid script naming the bad field', () => {
    assert.throws(() => parseScript({ turns: [{ stopReason: 'because' }] }), /stopReason/);
  });
});
