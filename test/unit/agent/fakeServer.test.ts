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
    writeFileSync(
      script,
      JSON.stringify({
        turns: [
          {
            content: [
              { type: 'text', text: 'hello from the script' },
              { type: 'tool_use', id: 'toolu_x', name: 'list_files', input: {} },
            ],
          },
        ],
      }),
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repo, 'test/fixtures/fake-anthropic/cli.ts'), '--script', script, '--port', '0', '--record', record],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
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
      const turn = await client.stream({ system: 'sys', tools: [], messages: [{ role: 'user', content: 'hi' }], maxTokens: 50 }, (e) =>
        events.push(e),
      );
      assert.equal(turn.stopReason, 'tool_use');
      assert.deepEqual(turn.content, [
        { type: 'text', text: 'hello from the script' },
        { type: 'tool_use', id: 'toolu_x', name: 'list_files', input: {} },
      ]);
      assert.equal(
        events
          .filter((e) => e.type === 'text_delta')
          .map((e) => (e.type === 'text_delta' ? e.text : ''))
          .join(''),
        'hello from the script',
      );
      assert.deepEqual(turn.usage, { inputTokens: 100, outputTokens: 20, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });
      const recorded = JSON.parse(readFileSync(record, 'utf8')) as Array<{ url: string; body: { messages: unknown[] } }>;
      assert.equal(recorded[0]?.url, '/v1/messages');
      assert.deepEqual(recorded[0]?.body.messages, [
        { role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] },
      ]);
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

describe('the fake Anthropic server validates every request as the real API does', () => {
  const headers = { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };
  const base = { model: 'claude-sonnet-5-5', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] };
  const use = { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a' } };
  const result = { type: 'tool_result', tool_use_id: 'toolu_1', content: 'x' };
  const cc = { cache_control: { type: 'ephemeral' } };
  const cases: Array<{
    name: string;
    body?: unknown;
    headers?: Record<string, string | undefined>;
    status: number;
    type: string;
    message: RegExp;
  }> = [
    {
      name: 'no key header',
      headers: { 'x-api-key': undefined },
      status: 401,
      type: 'authentication_error',
      message: /x-api-key header is required/,
    },
    {
      name: 'no version header',
      headers: { 'anthropic-version': undefined },
      status: 400,
      type: 'invalid_request_error',
      message: /anthropic-version/,
    },
    {
      name: 'an unknown model',
      body: { ...base, model: 'claude-nonesuch-9' },
      status: 404,
      type: 'not_found_error',
      message: /model: claude-nonesuch-9/,
    },
    {
      name: 'max_tokens over the model limit',
      body: { ...base, max_tokens: 200_000 },
      status: 400,
      type: 'invalid_request_error',
      message: /maximum allowed number of output tokens/,
    },
    {
      name: 'an empty text block',
      body: { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] },
      status: 400,
      type: 'invalid_request_error',
      message: /non-whitespace text/,
    },
    {
      name: 'a whitespace-only assistant text block',
      body: {
        ...base,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: [{ type: 'text', text: ' \n' }] },
          { role: 'user', content: 'b' },
        ],
      },
      status: 400,
      type: 'invalid_request_error',
      message: /messages\.1\.content\.0: text content blocks/,
    },
    {
      name: 'a tool_use with no result after it',
      body: {
        ...base,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: [use] },
          { role: 'user', content: 'go on' },
        ],
      },
      status: 400,
      type: 'invalid_request_error',
      message: /tool_use` ids were found without `tool_result`.*toolu_1/,
    },
    {
      name: 'a tool_result answering nothing',
      body: { ...base, messages: [{ role: 'user', content: [result] }] },
      status: 400,
      type: 'invalid_request_error',
      message: /unexpected `tool_use_id`/,
    },
    {
      name: 'five cache breakpoints',
      body: {
        ...base,
        system: [{ type: 'text', text: 's', ...cc }],
        messages: [{ role: 'user', content: [1, 2, 3, 4].map((i) => ({ type: 'text', text: `t${i}`, ...cc })) }],
      },
      status: 400,
      type: 'invalid_request_error',
      message: /maximum of 4 blocks with cache_control.*Found 5/,
    },
    {
      name: 'a thinking block it never sent',
      body: {
        ...base,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'made up', signature: 'sig_forged' }, use] },
          { role: 'user', content: [result] },
        ],
      },
      status: 400,
      type: 'invalid_request_error',
      message: /Invalid `signature` in `thinking` block/,
    },
    {
      name: 'a redacted_thinking block it never sent',
      body: {
        ...base,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: [{ type: 'redacted_thinking', data: 'xyz' }, use] },
          { role: 'user', content: [result] },
        ],
      },
      status: 400,
      type: 'invalid_request_error',
      message: /Invalid `data` in `redacted_thinking`/,
    },
    {
      name: 'thinking disabled on a model where it is always on',
      body: { ...base, model: 'claude-opus-5-5', thinking: { type: 'disabled' } },
      status: 400,
      type: 'invalid_request_error',
      message: /thinking\.type: 'disabled' is not supported/,
    },
    {
      name: 'an unknown effort',
      body: { ...base, output_config: { effort: 'extreme' } },
      status: 400,
      type: 'invalid_request_error',
      message: /output_config\.effort/,
    },
    {
      name: 'an assistant prefill on a 5.5 model',
      body: {
        ...base,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
        ],
      },
      status: 400,
      type: 'invalid_request_error',
      message: /prefill/,
    },
    {
      name: 'forced tool use on a 5.5 model',
      body: { ...base, tool_choice: { type: 'any' } },
      status: 400,
      type: 'invalid_request_error',
      message: /forced tool use/,
    },
    {
      name: 'a tool whose schema is not an object',
      body: { ...base, tools: [{ name: 'x', description: 'd', input_schema: { type: 'string' } }] },
      status: 400,
      type: 'invalid_request_error',
      message: /input_schema\.type/,
    },
    {
      name: 'an unknown top-level field',
      body: { ...base, temperature_bias: 1 },
      status: 400,
      type: 'invalid_request_error',
      message: /Extra inputs are not permitted/,
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name} with the API's error shape, and plays no turn`, async () => {
      const { startFakeAnthropic } = await import('../../fixtures/fake-anthropic/server');
      const fake = await startFakeAnthropic({ turns: [{ content: [{ type: 'text', text: 'never' }] }] });
      try {
        const h = Object.fromEntries(Object.entries({ ...headers, ...c.headers }).filter((e): e is [string, string] => e[1] !== undefined));
        const res = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: h, body: JSON.stringify(c.body ?? base) });
        const json = (await res.json()) as { type: string; error: { type: string; message: string }; request_id: string };
        assert.equal(res.status, c.status);
        assert.equal(json.type, 'error');
        assert.equal(json.error.type, c.type);
        assert.match(json.error.message, c.message);
        assert.ok(res.headers.get('request-id'));
        assert.equal(fake.served(), 0);
        assert.equal(fake.invalid().length, 1);
      } finally {
        await fake.close();
      }
    });
  }

  it('accepts a valid request, and its own thinking blocks sent back unmodified', async () => {
    const { startFakeAnthropic } = await import('../../fixtures/fake-anthropic/server');
    const fake = await startFakeAnthropic({
      turns: [
        {
          content: [
            { type: 'thinking', thinking: 'plan', signature: 'sig_a' },
            { type: 'redacted_thinking', data: 'red_a' },
            { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a' } },
          ],
        },
        { content: [{ type: 'text', text: 'ok' }] },
      ],
    });
    try {
      const post = (body: unknown) =>
        fetch(`${fake.url}/v1/messages`, { method: 'POST', headers, body: JSON.stringify(body) }).then(async (r) => ({
          status: r.status,
          text: await r.text(),
        }));
      const first = await post({ ...base, stream: true, thinking: { type: 'adaptive', display: 'summarized' } });
      assert.equal(first.status, 200);
      assert.match(first.text, /"thinking_delta","thinking":"plan"/);
      assert.match(first.text, /"signature_delta","signature":"sig_a"/);
      const assistant = {
        role: 'assistant',
        content: [{ type: 'thinking', thinking: 'plan', signature: 'sig_a' }, { type: 'redacted_thinking', data: 'red_a' }, use],
      };
      const modified = await post({
        ...base,
        thinking: { type: 'adaptive', display: 'summarized' },
        messages: [base.messages[0], { ...assistant, content: assistant.content.slice(1) }, { role: 'user', content: [result] }],
      });
      assert.equal(modified.status, 400);
      assert.match(modified.text, /cannot be modified/);
      const second = await post({
        ...base,
        stream: true,
        thinking: { type: 'adaptive', display: 'summarized' },
        messages: [base.messages[0], assistant, { role: 'user', content: [result] }],
      });
      assert.equal(second.status, 200, second.text);
      assert.deepEqual(fake.invalid().length, 1);
    } finally {
      await fake.close();
    }
  });

  it('sends thinking text empty unless the request asks for display "summarized", as the 5.x models do', async () => {
    const { startFakeAnthropic } = await import('../../fixtures/fake-anthropic/server');
    const fake = await startFakeAnthropic({
      turns: [
        {
          content: [
            { type: 'thinking', thinking: 'between tools' },
            { type: 'text', text: 'x' },
          ],
        },
      ],
    });
    try {
      const res = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ ...base, stream: true }) });
      const text = await res.text();
      assert.doesNotMatch(text, /between tools/);
      assert.match(text, /signature_delta/);
    } finally {
      await fake.close();
    }
  });
});
