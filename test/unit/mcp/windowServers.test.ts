import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Guard, ShellParser } from '../../../src/core/policy/guard';
import { narrow } from '../../../src/core/policy/narrowing';
import { parseFlatSettings, type Settings } from '../../../src/core/policy/settings';
import { filePinStore } from '../../../src/node/mcp/pins';
import { WindowServers, type ServersContext } from '../../../src/node/mcp/windowServers';
import { guardFor, makeWorkspace, shellParser, type Workspace } from '../policy/harness';

/**
 * The servers of an editor window, against the real server-everything and
 * server-filesystem from npm, each in the sandbox: a user server starts with
 * the first task; a proposal waits for approval, then for its tool list to be
 * accepted; any change of either goes back to the person.
 */
const repo = join(__dirname, '..', '..', '..');
const everything = join(repo, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const filesystem = join(repo, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

describe('the MCP servers of an editor window', { skip: !existsSync('/usr/bin/bwrap') && 'bubblewrap is not installed' }, () => {
  let ws: Workspace;
  let shell: ShellParser;
  let servers: WindowServers;
  const notes: string[] = [];
  let changes = 0;
  const user = {
    'warden.mcp.servers': {
      everything: { command: process.execPath, args: [everything, 'stdio'] },
      leaky: {
        command: process.execPath,
        args: ['-e', 'console.error("token is " + process.env.LEAKY_TOKEN); process.exit(3)'],
        secrets: ['LEAKY_TOKEN'],
      },
      // Prints the limits it runs under, then exits.
      limited: { command: '/bin/sh', args: ['-c', 'echo "limits: $(ulimit -v) KiB, $(ulimit -t) s" >&2; exit 4'] },
    },
    'warden.mcp.tools.allow': ['mcp__everything__echo'],
    'warden.mcp.tools.deny': ['mcp__fs__write_file'],
  };
  const settings = (): Settings => narrow(parseFlatSettings(user, 'user settings').values, {}).effective;
  let guard: Guard;
  const ctx = (trusted = true): ServersContext => ({ settings: settings(), roots: [ws.root], guard, trusted });
  const propose = (args: string[]) =>
    writeFileSync(
      join(ws.root, '.vscode', 'mcp.json'),
      // VS Code's own format, with a comment.
      `// proposed by the repository\n${JSON.stringify({ servers: { fs: { type: 'stdio', command: process.execPath, args } } })}`,
    );

  before(async () => {
    ws = makeWorkspace();
    shell = await shellParser();
    guard = guardFor(ws, shell, { user });
    mkdirSync(join(ws.root, '.vscode'));
    propose([filesystem, ws.root]);
    servers = new WindowServers({
      pins: () => filePinStore(join(ws.home, 'pins.json'), (m) => notes.push(m)),
      secretValues: (names) => {
        const out: Record<string, string> = {};
        if (names.includes('LEAKY_TOKEN')) out.LEAKY_TOKEN = 'sk-leaky-value-123456';
        return Promise.resolve(out);
      },
      privateDirs: [ws.home],
      audit: (note) => Promise.resolve(void notes.push(note)),
      onDidChange: () => void changes++,
    });
  });
  after(async () => {
    await servers.dispose();
    ws.dispose();
  });

  it('lists every server before any starts: user servers "not started", the proposal waiting for approval', async () => {
    const list = await servers.list(ctx());
    assert.deepEqual(
      list.map((v) => [v.name, v.origin, v.state, v.action]),
      [
        ['everything', 'user', 'not-started', null],
        ['leaky', 'user', 'not-started', null],
        ['limited', 'user', 'not-started', null],
        ['fs', '.vscode/mcp.json', 'awaiting-approval', 'approve'],
      ],
    );
  });

  it('starts the user servers with the first task; the proposal does not start', async () => {
    const tools = await servers.tools(ctx());
    const names = tools.map((t) => t.name);
    assert.ok(names.includes('mcp__everything__echo'), names.join(', '));
    assert.ok(!names.some((n) => n.startsWith('mcp__fs__')), names.join(', '));
    const list = await servers.list(ctx());
    const everythingView = list.find((v) => v.name === 'everything');
    assert.equal(everythingView?.state, 'running');
    const decisions = WindowServers.decisions(guard, everythingView);
    assert.equal(decisions.get('mcp__everything__echo')?.decision, 'allow');
    assert.equal(list.find((v) => v.name === 'fs')?.state, 'awaiting-approval');
    assert.ok(changes > 0, 'the view was told');
  });

  it("shows a failed server's stderr with the secret it received redacted", async () => {
    const leaky = (await servers.list(ctx())).find((v) => v.name === 'leaky');
    assert.equal(leaky?.state, 'failed');
    assert.match(leaky?.detail ?? '', /token is \[REDACTED\]/);
    assert.doesNotMatch(leaky?.detail ?? '', /sk-leaky-value/);
  });

  it('runs a server under the memory and CPU limits of commands', async () => {
    const limited = (await servers.list(ctx())).find((v) => v.name === 'limited');
    assert.equal(limited?.state, 'failed');
    assert.match(limited?.detail ?? '', /limits: 4194304 KiB, 600 s/);
  });

  it('after approval the proposal starts paused, its tool list waiting for review; accepting it offers its tools', async () => {
    const fs = (await servers.list(ctx())).find((v) => v.name === 'fs')!;
    await servers.approve(fs.entry, ctx());
    const paused = (await servers.list(ctx())).find((v) => v.name === 'fs')!;
    assert.equal(paused.state, 'paused');
    assert.equal(paused.action, 'review-tools');
    assert.match(paused.detail, /not been reviewed/);
    assert.ok(paused.tools.some((t) => t.serverTool === 'read_text_file'));
    assert.ok(!(await servers.tools(ctx())).some((t) => t.name.startsWith('mcp__fs__')), 'no tool of a paused server is offered');
    assert.equal(WindowServers.decisions(guard, paused).get('mcp__fs__write_file')?.decision, 'deny');

    await servers.acceptTools(paused, ctx());
    const running = (await servers.list(ctx())).find((v) => v.name === 'fs')!;
    assert.equal(running.state, 'running', running.detail);
    assert.ok((await servers.tools(ctx())).some((t) => t.name === 'mcp__fs__read_text_file'));
    assert.ok(notes.some((n) => /fs \(\.vscode\/mcp\.json.*approved by the person/.test(n)));
    assert.ok(notes.some((n) => /accepted its \d+ tools/.test(n)));
  });

  it('a changed proposal needs approval again, and its old definition stops', async () => {
    // The same file written again stops nothing.
    propose([filesystem, ws.root]);
    await servers.stopIfChanged(ctx());
    assert.equal((await servers.list(ctx())).find((v) => v.name === 'everything')?.state, 'running');
    propose([filesystem, ws.root, ws.outside]);
    await servers.stopIfChanged(ctx());
    const list = await servers.list(ctx());
    assert.equal(list.find((v) => v.name === 'everything')?.state, 'not-started', 'the servers stopped');
    const fs = list.find((v) => v.name === 'fs')!;
    assert.equal(fs.state, 'awaiting-approval');
    assert.match(fs.detail, /definition changed/);
    assert.ok(!(await servers.tools(ctx())).some((t) => t.name.startsWith('mcp__fs__')));
  });

  it('in Restricted Mode the proposal is not even listed', async () => {
    await servers.stop();
    const list = await servers.list(ctx(false));
    assert.deepEqual(
      list.map((v) => v.name),
      ['everything', 'leaky', 'limited'],
    );
  });
});
