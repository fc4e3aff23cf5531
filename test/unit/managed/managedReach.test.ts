import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { effectiveSettings } from '../../../src/core/policy/createGuard';
import type { ManagedPolicyInput } from '../../../src/core/policy/managed';
import { folderPolicy, policyReport } from '../../../src/core/policy/report';
import { serverEntries } from '../../../src/node/mcp/servers';

/** What the managed policy forbids reaches the MCP server list and the policy report, not only the guard. */
const MANAGED: ManagedPolicyInput = {
  sources: ['/etc/warden/managed-settings.json'],
  values: { 'warden.managed.forbidWorkspaceMcpServers': true, 'warden.commands.allow': ['git status'] },
  refused: [],
};
const NONE: ManagedPolicyInput = { sources: [], values: {}, refused: [] };

describe('a managed policy beyond the guard', () => {
  const base = mkdtempSync(join(tmpdir(), 'warden-managed-reach-'));
  after(() => rmSync(base, { recursive: true, force: true }));
  const ws = join(base, 'ws');
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(join(ws, '.mcp.json'), JSON.stringify({ mcpServers: { prop: { command: '/bin/true', args: [] } } }));

  for (const c of [
    { name: 'no managed policy: a trusted workspace proposal is listed', managed: NONE, trusted: true, proposed: 1, problem: null },
    {
      name: 'forbidWorkspaceMcpServers: the proposal is ignored, and said so',
      managed: MANAGED,
      trusted: true,
      proposed: 0,
      problem: /managed policy forbids MCP servers proposed by a workspace/,
    },
    { name: 'Restricted Mode: nothing proposed either way', managed: NONE, trusted: false, proposed: 0, problem: null },
  ]) {
    it(c.name, () => {
      const eff = effectiveSettings({ user: { 'warden.mcp.workspaceServers': 'propose' }, workspace: {}, managed: c.managed }).effective;
      const r = serverEntries(eff, [ws], c.trusted);
      assert.equal(r.entries.filter((e) => e.origin !== 'user').length, c.proposed);
      if (c.problem) assert.match(r.problems.join('\n'), c.problem);
      else assert.deepEqual(r.problems, []);
    });
  }

  it('a user value cannot switch the managed-only key off', () => {
    const eff = effectiveSettings({
      user: { 'warden.managed.forbidWorkspaceMcpServers': false },
      workspace: {},
      managed: MANAGED,
    }).effective;
    assert.equal(eff['warden.managed.forbidWorkspaceMcpServers'], true);
  });

  it('the policy report names the managed policy and is computed under it', () => {
    const report = policyReport(
      folderPolicy(
        ws,
        { 'warden.commands.allow': ['git status', 'npm test'] },
        {},
        { available: true, state: 'sandboxed' },
        undefined,
        MANAGED,
      ),
    );
    assert.ok(report.managedPolicy, 'the report has a managed section');
    assert.match(report.managedPolicy.source, /managed-settings\.json/);
    assert.match(report.managedPolicy.forbids.join('\n'), /MCP servers proposed by a workspace/);
    assert.deepEqual(
      report.commands.unasked.map((c) => c.rule),
      ['git status'],
      'a user rule the managed allow list does not cover is not reported as allowed',
    );
    assert.ok(
      report.ignoredWorkspaceValues.some((i) => i.key === 'warden.commands.allow' && i.value === 'npm test'),
      'and it is reported as ignored',
    );
  });

  it('without a managed policy the report says none is in force', () => {
    const report = policyReport(folderPolicy(ws, {}, {}, { available: true, state: 'sandboxed' }, undefined, NONE));
    assert.equal(report.managedPolicy, null);
  });
});
