import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Guard, ShellParser } from '../../../src/core/policy/guard';
import { mcpToolName, parseMcpToolName } from '../../../src/core/mcp/names';
import { definitionHash, parseProposals } from '../../../src/core/mcp/config';
import { guardFor, makeWorkspace, shellParser, type Workspace } from '../policy/harness';

const USER = {
  'warden.mcp.tools.allow': ['mcp__everything__echo', 'mcp__fs__read_*', 'mcp__fs__write_file', 'mcp__hostile__*'],
  'warden.mcp.tools.ask': ['mcp__fs__read_media_file'],
  'warden.mcp.tools.deny': ['mcp__*__delete_*', 'mcp__hostile__exfiltrate'],
};

describe('MCP tool decisions (warden.mcp.tools.*)', () => {
  let ws: Workspace;
  let shell: ShellParser;
  let guard: Guard;
  before(async () => {
    ws = makeWorkspace();
    shell = await shellParser();
    guard = guardFor(ws, shell, { user: USER });
  });
  after(() => ws.dispose());

  const cases: [string, string, { readOnlyHint?: boolean; destructiveHint?: boolean } | undefined, string][] = [
    [
      'an allowed tool runs unasked',
      'mcp__everything__echo',
      undefined,
      'allow mcp-tool-allowed warden.mcp.tools.allow: mcp__everything__echo',
    ],
    [
      'a * pattern allows the tools it covers',
      'mcp__fs__read_text_file',
      { readOnlyHint: true },
      'allow mcp-tool-allowed warden.mcp.tools.allow: mcp__fs__read_*',
    ],
    ['ask wins over allow', 'mcp__fs__read_media_file', undefined, 'ask mcp-tool-ask warden.mcp.tools.ask: mcp__fs__read_media_file'],
    ['deny wins over allow', 'mcp__hostile__exfiltrate', undefined, 'deny mcp-tool-denied warden.mcp.tools.deny: mcp__hostile__exfiltrate'],
    ['deny across servers', 'mcp__fs__delete_file', undefined, 'deny mcp-tool-denied warden.mcp.tools.deny: mcp__*__delete_*'],
    ['a tool no rule names asks', 'mcp__everything__add', undefined, 'ask mcp-tool-ask null'],
    [
      'a destructive hint makes an allow ask',
      'mcp__fs__write_file',
      { destructiveHint: true },
      'ask mcp-destructive-hint warden.mcp.tools.allow: mcp__fs__write_file',
    ],
    [
      'a read-only hint never makes an ask allow',
      'mcp__everything__add',
      { readOnlyHint: true, destructiveHint: false },
      'ask mcp-tool-ask null',
    ],
    [
      'a read-only hint never lifts a deny',
      'mcp__hostile__exfiltrate',
      { readOnlyHint: true },
      'deny mcp-tool-denied warden.mcp.tools.deny: mcp__hostile__exfiltrate',
    ],
    ['a name that does not split is unknown', 'mcp__no_server', undefined, 'deny unknown-tool null'],
  ];
  for (const [what, name, annotations, expected] of cases) {
    it(what, () => {
      const r = guard.decideRequest({ kind: 'mcp', name, annotations });
      assert.equal(`${r.decision} ${r.reason} ${r.rule}`, expected, r.message);
    });
  }

  it('decides mcp__server__tool from the settings alone through decide() (warden check)', () => {
    assert.equal(guard.decide({ tool: 'mcp__everything__echo', input: { message: 'hi' } }).decision, 'allow');
    assert.equal(guard.decide({ tool: 'mcp__fs__delete_file', input: {} }).decision, 'deny');
  });

  it('refuses every MCP tool in Restricted Mode', () => {
    const restricted = guardFor(ws, shell, { user: USER, trusted: false });
    assert.equal(restricted.decideRequest({ kind: 'mcp', name: 'mcp__everything__echo' }).reason, 'restricted-mode');
  });

  it('a workspace can add denials and asks but not allow more', () => {
    const g = guardFor(ws, shell, {
      user: USER,
      workspace: {
        'warden.mcp.tools.allow': ['mcp__everything__*', 'mcp__everything__echo'],
        'warden.mcp.tools.deny': ['mcp__everything__echo'],
      },
    });
    assert.equal(g.decideRequest({ kind: 'mcp', name: 'mcp__everything__echo' }).decision, 'deny');
    assert.equal(
      g.decideRequest({ kind: 'mcp', name: 'mcp__fs__read_text_file' }).decision,
      'ask',
      'allow entries the workspace list does not keep are gone',
    );
    assert.ok(g.ignoredWorkspaceValues.some((v) => v.key === 'warden.mcp.tools.allow' && v.value === 'mcp__everything__*'));
  });

  it('a workspace cannot define servers or turn proposals on', () => {
    const g = guardFor(ws, shell, {
      user: {},
      workspace: { 'warden.mcp.servers': { evil: { command: 'sh' } }, 'warden.mcp.workspaceServers': 'propose' },
    });
    assert.deepEqual(g.ignoredWorkspaceValues.map((v) => v.key).sort(), ['warden.mcp.servers', 'warden.mcp.workspaceServers']);
  });

  it('an invalid pattern or server definition fails closed, naming the key', () => {
    for (const user of [
      { 'warden.mcp.tools.allow': ['github__*'] },
      { 'warden.mcp.servers': { my_server: { command: 'x' } } },
      { 'warden.mcp.servers': { s: { command: 'x', url: 'https://a' } } },
    ]) {
      const g = guardFor(ws, shell, { user });
      assert.equal(g.decideRequest({ kind: 'mcp', name: 'mcp__s__t' }).reason, 'policy-invalid');
      assert.match(g.problems[0]?.key ?? '', /^warden\.mcp\./);
    }
  });
});

describe('MCP tool names', () => {
  const table: [string, string, string | null][] = [
    ['everything', 'echo', 'mcp__everything__echo'],
    ['fs', 'read_text_file', 'mcp__fs__read_text_file'],
    ['my-server', 'get__thing', 'mcp__my-server__get__thing'],
    ['bad_name', 'x', null],
    ['fs', 'has space', null],
    ['fs', 'x'.repeat(60), null],
  ];
  for (const [server, tool, name] of table) {
    it(`${server} / ${tool.slice(0, 20)} → ${name ?? 'refused'}`, () => {
      const r = mcpToolName(server, tool);
      assert.equal('name' in r ? r.name : null, name);
      if (name) assert.deepEqual(parseMcpToolName(name), { server, tool });
    });
  }
});

describe('workspace-proposed servers', () => {
  it('reads .vscode/mcp.json (JSONC, type field) and .mcp.json, pinning each definition by hash', () => {
    const vs = parseProposals(
      '.vscode/mcp.json',
      '{ // proposed\n "servers": { "fs": { "type": "stdio", "command": "npx", "args": ["-y", "x"], }, "web": { "type": "http", "url": "https://mcp.example.com/mcp" } } }',
    );
    assert.deepEqual(vs.problems, []);
    assert.deepEqual(
      vs.entries.map((e) => e.name),
      ['fs', 'web'],
    );
    const claude = parseProposals('.mcp.json', JSON.stringify({ mcpServers: { fs: { command: 'npx', args: ['-y', 'x'] } } }));
    assert.equal(claude.entries[0]?.hash, vs.entries[0]?.hash, 'the same definition hashes the same wherever it is written');
  });

  it('any change of command, args, env or URL changes the hash', () => {
    const base = { command: 'node', args: ['a.js'], env: { A: '1' }, secrets: [] };
    const h = definitionHash(base);
    for (const changed of [
      { ...base, command: 'nodejs' },
      { ...base, args: ['b.js'] },
      { ...base, env: { A: '2' } },
      { ...base, secrets: ['TOKEN'] },
    ]) {
      assert.notEqual(definitionHash(changed), h);
    }
  });

  it('reports what does not fit and never half-reads it', () => {
    const r = parseProposals(
      '.mcp.json',
      JSON.stringify({
        mcpServers: {
          a_b: { command: 'x' },
          vars: { command: 'x', args: ['${workspaceFolder}'] },
          odd: { type: 'ws', url: 'x' },
          both: { command: 'x', url: 'https://a' },
        },
      }),
    );
    assert.deepEqual(r.entries, []);
    assert.equal(r.problems.length, 4);
    assert.deepEqual(parseProposals('.mcp.json', 'not json').entries, []);
  });
});
