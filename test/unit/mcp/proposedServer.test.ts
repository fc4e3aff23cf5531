import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeAnthropic } from '../../fixtures/fake-anthropic/server';
import { runWarden } from '../cli-run/helpers';

/** A server a workspace proposes starts only after `warden mcp approve` of that exact definition. */
const repo = join(__dirname, '..', '..', '..');
const everything = join(repo, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

describe('a workspace-proposed MCP server', { skip: !existsSync('/usr/bin/bwrap') && 'bubblewrap is not installed' }, () => {
  let base: string;
  let ws: string;
  let common: string[];
  const propose = (args: string[]) =>
    writeFileSync(join(ws, '.mcp.json'), JSON.stringify({ mcpServers: { prop: { command: process.execPath, args } } }));
  const run = async () => {
    const fake = await startFakeAnthropic({
      turns: [
        { content: [{ type: 'tool_use', name: 'mcp__prop__echo', input: { message: 'proposed says hi' } }] },
        { content: [{ type: 'text', text: 'Done.' }] },
      ],
    });
    try {
      const r = await runWarden(['run', ...common, '--approve', 'deny', 'Go.'], {
        env: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-prop-0001', HOME: join(base, 'home') },
      });
      return { ...r, sent: JSON.stringify(fake.requests.map((q) => q.body)) };
    } finally {
      await fake.close();
    }
  };

  before(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'warden-mcp-prop-')));
    ws = join(base, 'ws');
    mkdirSync(ws);
    const settings = join(base, 'user.json');
    writeFileSync(settings, JSON.stringify({ 'warden.mcp.tools.allow': ['mcp__prop__echo'] }));
    common = ['--workspace', ws, '--settings', settings, '--mcp-pins', join(base, 'pins.json')];
    propose([everything, 'stdio']);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('is listed, not started, until approved', async () => {
    const list = await runWarden(['mcp', 'list', ...common]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(
      list.stdout,
      /prop \(\.mcp\.json\), definition [0-9a-f]{64}\n {2}command: .*\n {2}args: .*server-everything.*\n {2}env names: none/,
    );
    assert.match(list.stdout, /state: proposed: not started/);
    const r = await run();
    assert.match(r.stderr, /mcp server prop \(\.mcp\.json\): awaiting-approval/);
    assert.doesNotMatch(r.sent, /Echo: proposed says hi/);
    assert.match(r.sent, /unknown-tool/);
  });

  it('a "no" approves nothing; a "yes" approves that exact definition, which then starts', async () => {
    assert.equal((await runWarden(['mcp', 'approve', 'prop', ...common], { stdin: 'n\n' })).code, 1);
    const yes = await runWarden(['mcp', 'approve', 'prop', ...common], { stdin: 'y\n' });
    assert.equal(yes.code, 0, yes.stderr);
    const r = await run();
    assert.match(r.stderr, /mcp server prop \(\.mcp\.json\): running/);
    assert.match(r.sent, /Echo: proposed says hi/);
  });

  it('a changed definition needs approval again', async () => {
    propose([everything, 'stdio', '--extra']);
    const r = await run();
    assert.match(r.stderr, /mcp server prop \(\.mcp\.json\): awaiting-approval: its definition changed since it was approved/);
    assert.match(r.sent, /unknown-tool/);
    assert.match((await runWarden(['mcp', 'list', ...common])).stdout, /changed since approved: not started/);
  });
});
