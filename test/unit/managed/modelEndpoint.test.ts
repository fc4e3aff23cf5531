import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ModelError } from '../../../src/core/agent/model';
import { createAnthropicClient } from '../../../src/node/anthropic/anthropicClient';

/** `warden.managed.allowedModelEndpoints` holds in the real client: an endpoint off the list is never contacted. */
describe('allowed model endpoints', () => {
  let server: Server;
  let url: string;
  let requests = 0;
  before(async () => {
    server = createServer((_req, res) => {
      requests++;
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const request = {
    system: 's',
    messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }],
    tools: [],
    maxTokens: 10,
  };

  it('refuses an endpoint the managed policy does not list, without sending the key there', async () => {
    const client = createAnthropicClient({
      apiKey: 'k',
      baseUrl: url,
      keyHint: 'cli',
      allowedEndpoints: ['https://llm.corp.example'],
      retries: 0,
    });
    await assert.rejects(
      client.stream(request, () => undefined),
      (e: unknown) => e instanceof ModelError && /allows only these model endpoints: https:\/\/llm\.corp\.example/.test(e.message),
    );
    assert.equal(await client.countTokens?.(request as never), null);
    assert.equal(requests, 0);
  });

  it('calls a listed endpoint (trailing slash and case do not matter)', async () => {
    const client = createAnthropicClient({
      apiKey: 'k',
      baseUrl: url,
      keyHint: 'cli',
      allowedEndpoints: [`${url.toUpperCase()}/`],
      retries: 0,
    });
    await assert.rejects(client.stream(request, () => undefined));
    assert.ok(requests > 0);
  });
});
