import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { ShellParser } from '../../../src/core/policy/guard';
import { BUILTIN_PROTECTED } from '../../../src/core/policy/builtins';
import { isManagedOnly } from '../../../src/core/policy/narrowing';
import { defaultSettings, parseFlatSettings, SETTING_KEYS } from '../../../src/core/policy/settings';
import { guardFor, makeWorkspace, shellParser, type Workspace } from './harness';

interface Manifest {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
}
const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as Manifest;
const contributed = manifest.contributes.configuration.properties;

describe('settings schema', () => {
  it('has exactly the keys package.json contributes, beside the managed-only ones it must not offer', () => {
    assert.deepEqual(SETTING_KEYS.filter((k) => !isManagedOnly(k)).sort(), Object.keys(contributed).sort());
    assert.ok(SETTING_KEYS.some(isManagedOnly));
  });

  it('has the same defaults as package.json', () => {
    const defaults = defaultSettings();
    for (const key of SETTING_KEYS.filter((k) => !isManagedOnly(k))) assert.deepEqual(defaults[key], contributed[key]?.default, key);
  });

  it('lists every built-in protected path the issue names, at any depth', () => {
    for (const g of [
      '.vscode/**',
      '*.code-workspace',
      '.git/**',
      '.github/**',
      '.devcontainer/**',
      '.gitmodules',
      '.gitattributes',
      '.envrc',
      '.husky/**',
      '.claude/**',
      '.cursor/**',
      '.roo/**',
      '.clinerules',
      '.mcp.json',
      'AGENTS.md',
      'CLAUDE.md',
      '.warden/**',
    ]) {
      assert.ok(BUILTIN_PROTECTED.includes(`**/${g}`), g);
    }
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['an unknown warden key', { 'warden.paths.writes': ['**'] }, 'warden.paths.writes'],
    ['a nested warden object', { warden: { paths: {} } }, 'warden'],
    ['a glob list that is not a list', { 'warden.paths.write': 'src/**' }, 'warden.paths.write'],
    ['an empty glob', { 'warden.paths.denyRead': [''] }, 'warden.paths.denyRead'],
    ['a glob with a NUL', { 'warden.paths.autoApprove': ['a\u0000b'] }, 'warden.paths.autoApprove'],
    ['a pattern with * in the middle', { 'warden.commands.allow': ['git * --force'] }, 'warden.commands.allow'],
    ['an empty pattern', { 'warden.commands.deny': ['  '] }, 'warden.commands.deny'],
    ['a bare * host', { 'warden.network.allowedHosts': ['*'] }, 'warden.network.allowedHosts'],
    ['a host with a path', { 'warden.network.allowedHosts': ['example.com/x'] }, 'warden.network.allowedHosts'],
    ['a host with userinfo', { 'warden.network.allowedHosts': ['u@example.com'] }, 'warden.network.allowedHosts'],
    ['a port out of range', { 'warden.network.allowedHosts': ['example.com:70000'] }, 'warden.network.allowedHosts'],
    ['a bad secret name', { 'warden.secrets': { 'NPM-TOKEN': { commands: [] } } }, 'warden.secrets'],
    ['a secret without commands', { 'warden.secrets': { NPM_TOKEN: { hosts: [] } } }, 'warden.secrets'],
    ['a secret with extra keys', { 'warden.secrets': { NPM_TOKEN: { commands: [], env: 'x' } } }, 'warden.secrets'],
    ['a bad approval value', { 'warden.approval.reads': 'never' }, 'warden.approval.reads'],
    ['a timeout above the maximum', { 'warden.commands.timeoutSeconds': 99999 }, 'warden.commands.timeoutSeconds'],
    ['a fractional turn limit', { 'warden.limits.maxTurns': 2.5 }, 'warden.limits.maxTurns'],
    ['a negative cost', { 'warden.limits.maxCostUsd': -1 }, 'warden.limits.maxCostUsd'],
    ['a non-http base URL', { 'warden.anthropic.baseUrl': 'file:///etc/passwd' }, 'warden.anthropic.baseUrl'],
  ];
  for (const [what, raw, key] of bad) {
    it(`reports ${what}, naming ${key}`, () => {
      const r = parseFlatSettings(raw);
      assert.equal(r.problems[0]?.key, key);
      assert.match(r.problems[0]?.message ?? '', new RegExp(key.replace(/\./g, '\\.')));
    });
  }

  it('ignores keys of other extensions', () => {
    const r = parseFlatSettings({ 'editor.fontSize': 14, 'warden.model': 'x' });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.values, { 'warden.model': 'x' });
  });

  it('rejects a settings value that is not an object', () => {
    assert.equal(parseFlatSettings([1, 2], 'user settings').problems[0]?.key, 'user settings');
  });
});

describe('invalid settings fail closed', () => {
  let ws: Workspace;
  let shell: ShellParser;
  before(async () => {
    ws = makeWorkspace();
    shell = await shellParser();
    ws.file('README.md');
  });
  after(() => ws.dispose());

  const calls = [
    { tool: 'read_file', input: { path: 'README.md' } },
    { tool: 'write_file', input: { path: 'README.md', content: '' } },
    { tool: 'run_command', input: { command: 'git status' } },
    { tool: 'fetch_url', input: { url: 'https://example.com' } },
    { tool: 'nope', input: {} },
  ];
  for (const level of ['user', 'workspace'] as const) {
    it(`denies every call with policy-invalid when the ${level} settings are bad`, () => {
      const g = guardFor(ws, shell, { [level]: { 'warden.paths.write': [42], 'warden.network.allowedHosts': ['example.com'] } });
      assert.equal(g.problems[0]?.key, 'warden.paths.write');
      for (const call of calls) {
        const r = g.decide(call);
        assert.equal(`${r.decision} ${r.reason}`, 'deny policy-invalid');
        assert.match(r.message, /warden\.paths\.write/);
      }
      assert.equal(g.canRead(`${ws.root}/README.md`), false);
      assert.deepEqual(g.secretsGrantedTo('ls'), []);
    });
  }

  it('cannot remove a built-in protected path', () => {
    const g = guardFor(ws, shell, { user: { 'warden.paths.protected': [], 'warden.paths.autoApprove': ['**'] } });
    assert.equal(g.decide({ tool: 'write_file', input: { path: '.vscode/settings.json', content: '' } }).reason, 'protected-path');
  });
});
