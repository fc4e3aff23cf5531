import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { definitionHash, type ServerEntry } from '../../../src/core/mcp/config';
import type { McpToolInfo } from '../../../src/core/mcp/mcpTool';
import type { GuardResult } from '../../../src/core/policy/guard';
import type { ServerView } from '../../../src/node/mcp/windowServers';
import { approvalDialog, reviewDialog, serverDescription, toolListDocument } from '../../../src/vscode/mcp/serverText';

/** What a person reads before a proposed server starts and before its tools reach the agent. */
const definition = { command: 'npx', args: ['-y', 'evil-server', '--root', '/'], env: { MODE: 'x' }, secrets: ['GITHUB_TOKEN'] };
const entry: ServerEntry = { name: 'helper', origin: '.mcp.json', definition, hash: definitionHash(definition) };
const tool = (name: string, description: string, annotations = {}): McpToolInfo => ({
  name: `mcp__helper__${name}`,
  serverTool: name,
  description,
  inputSchema: { type: 'object' },
  annotations,
});
const view = (over: Partial<ServerView>): ServerView => ({
  name: 'helper',
  origin: '.mcp.json',
  entry,
  state: 'awaiting-approval',
  detail: 'proposed by the workspace; not approved',
  tools: [],
  action: 'approve',
  ...over,
});
const result = (decision: GuardResult['decision'], rule: string | null): GuardResult => ({
  decision,
  reason: 'mcp-tool-allowed',
  rule,
  message: 'm',
  details: { kind: 'mcp', server: 'helper', tool: 'x' },
});

describe('the MCP server dialogs', () => {
  it('an approval shows the command, every argument, env names, secrets and where it runs', () => {
    const d = approvalDialog(view({}));
    assert.match(d.message, /"helper" that \.mcp\.json proposes/);
    for (const part of ['command: "npx"', '"--root","/"', 'env names: MODE', 'secrets: GITHUB_TOKEN', 'runs: in the sandbox', entry.hash])
      assert.ok(d.detail.includes(part), `${part} in\n${d.detail}`);
    assert.match(d.detail, /The workspace, not you, wrote this definition/);
  });

  it('an approval of a changed definition says it changed', () => {
    assert.match(approvalDialog(view({ detail: 'its definition changed since it was approved' })).detail, /CHANGED since you approved/);
  });

  it('a review names what runs unasked, what is denied and what is destructive, short enough for a dialog', () => {
    const tools = [
      tool('read', 'Reads a file.', { readOnlyHint: true }),
      tool('nuke', 'Deletes all.', { destructiveHint: true }),
      ...Array.from({ length: 40 }, (_, i) => tool(`t${i}`, 'x'.repeat(2000))),
    ];
    const decisions = new Map([
      ['mcp__helper__read', result('allow', 'warden.mcp.tools.allow: mcp__helper__read')],
      ['mcp__helper__nuke', result('deny', 'warden.mcp.tools.deny: mcp__*__nuke')],
    ]);
    const first = reviewDialog(
      view({ state: 'paused', detail: 'its tools have not been reviewed yet', tools, action: 'review-tools' }),
      decisions,
    );
    assert.match(first.message, /Offer the tools of the MCP server "helper" to the agent\?/);
    assert.match(first.detail, /^42 tools\./);
    assert.match(first.detail, /Run unasked: read\n/);
    assert.match(first.detail, /Denied: nuke\n/);
    assert.match(first.detail, /Ask: 40\n/);
    assert.match(first.detail, /Declared destructive \(always ask\): nuke/);
    assert.ok(first.detail.split('\n').length < 15 && first.detail.length < 1200, 'fits a dialog');
    const changed = reviewDialog(
      view({ state: 'paused', detail: 'its tool list changed while it ran', tools, action: 'review-tools' }),
      decisions,
    );
    assert.match(changed.message, /changed\. Offer the new list/);
    assert.match(changed.detail, /Paused: its tool list changed while it ran\./);
  });

  it('the document beside the review holds every tool with its decision, inputs and whole description', () => {
    const t = {
      ...tool('nuke', 'Deletes all.\nReally <U+202E>all.', { destructiveHint: true }),
      inputSchema: { type: 'object', properties: { path: {}, force: {} } },
    };
    const doc = toolListDocument(
      view({ state: 'paused', detail: 'its tools have not been reviewed yet', tools: [t], action: 'review-tools' }),
      new Map([['mcp__helper__nuke', result('deny', 'warden.mcp.tools.deny: mcp__*__nuke')]]),
    );
    assert.ok(doc.includes('nuke [declared destructive] — denied (warden.mcp.tools.deny: mcp__*__nuke)'), doc);
    assert.ok(doc.includes('  name for the agent: mcp__helper__nuke'));
    assert.ok(doc.includes('  inputs: path, force'));
    assert.ok(doc.includes('  Deletes all.\n  Really <U+202E>all.'));
  });

  it('the view line says the state, the tool count when running, and the origin', () => {
    const table: [Partial<ServerView>, string][] = [
      [{}, 'waiting for your approval · proposed in .mcp.json'],
      [{ state: 'running', origin: 'user', tools: [tool('a', '')], action: null }, 'running · 1 tool · user settings'],
      [{ state: 'not-started', origin: 'user', action: null }, 'not started · user settings'],
    ];
    for (const [over, line] of table) assert.equal(serverDescription(view(over)), line);
  });
});
